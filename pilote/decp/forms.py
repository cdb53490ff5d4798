"""The import form: a file to upload or an address to download, never both."""

from django import forms
from django.conf import settings

from pilote.core import uploads


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
    source = forms.CharField(
        label="Nom de la source",
        required=False,
        max_length=200,
        help_text="Facultatif : le canal de publication (par défaut, le nom du fichier).",
    )

    def clean_fichier(self):
        upload = self.cleaned_data.get("fichier")
        if upload is None:
            return None
        uploads.check_upload(upload, UPLOAD_RULES)  # UploadRefused is a ValidationError: the field shows it
        return upload

    def clean_url(self):
        url = self.cleaned_data.get("url")
        if url and not url.lower().startswith(("https://", "http://")):
            raise forms.ValidationError("Seules les adresses http(s) sont acceptées.")
        return url

    def clean(self):
        data = super().clean()
        if not self.errors and bool(data.get("fichier")) == bool(data.get("url")):
            raise forms.ValidationError("Déposez un fichier ou indiquez une adresse (l'un des deux).")
        return data
