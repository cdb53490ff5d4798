"""The import form: a file to upload or an address to download, never both."""

from django import forms
from django.conf import settings

from pilote.core import uploads
from pilote.decp.errors import ImportFailed
from pilote.decp.readers.sources import UrlPolicy, check_url


ACCEPTED_SUFFIXES = (".json", ".xml", ".csv", ".parquet", ".gz", ".zip")
# The upload check (pilote.core.uploads): type, size, first bytes, and the declared size of archives (the reader
# also bounds what it inflates, pilote.decp.readers.sources).
UPLOAD_RULES = uploads.UploadRules(
    extensions=ACCEPTED_SUFFIXES,
    max_bytes=lambda: settings.PILOTE_MAX_UPLOAD_BYTES,
    max_uncompressed_bytes=8 * 1024**3,
    max_member_bytes=8 * 1024**3,
)


class ImportForm(forms.Form):
    fichier = forms.FileField(
        label="Fichier DECP",
        required=False,
        help_text="JSON (formats 2019 ou 2022), XML, CSV ou Parquet tabulaire ; éventuellement compressé (.gz, .zip).",
    )
    url = forms.URLField(
        label="Ou adresse du fichier",
        required=False,
        assume_scheme="https",
        help_text="Adresse https d'un fichier DECP (par exemple sur data.gouv.fr) : il est téléchargé par le serveur.",
    )
    nationale = forms.BooleanField(
        label="Source nationale",
        required=False,
        help_text="Fichier consolidé ou flux d'une plateforme : tous les acheteurs, et ses contrats l'emportent sur "
        "ceux que les organisations importent elles-mêmes. Réservé aux gestionnaires des données nationales.",
    )
    source = forms.CharField(
        label="Nom de la source",
        required=False,
        max_length=200,
        help_text="Facultatif : le canal de publication (par défaut, le nom du fichier).",
    )

    def __init__(self, *args, steward=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not steward:
            # an organisation imports only its own buyers' records (pilote.decp.provenance)
            del self.fields["nationale"]

    def clean_fichier(self):
        upload = self.cleaned_data.get("fichier")
        if upload is None:
            return None
        uploads.check_upload(upload, UPLOAD_RULES)  # UploadRefused is a ValidationError: the field shows it
        return upload

    def clean_url(self):
        url = self.cleaned_data.get("url")
        if url:
            if not url.lower().startswith(("https://", "http://")):
                raise forms.ValidationError("Seules les adresses http(s) sont acceptées.")
            try:
                check_url(url, UrlPolicy.from_settings())  # the address is checked again, resolved, when fetched
            except ImportFailed as exc:
                raise forms.ValidationError(f"Adresse refusée : {exc.message}.") from exc
        return url

    def clean(self):
        data = super().clean()
        if not self.errors and bool(data.get("fichier")) == bool(data.get("url")):
            raise forms.ValidationError("Déposez un fichier ou indiquez une adresse (l'un des deux).")
        return data
