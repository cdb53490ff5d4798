"""The import form: a file to upload or an address to download, never both."""

from pathlib import Path

from django import forms
from django.conf import settings


ACCEPTED_SUFFIXES = (".json", ".xml", ".csv", ".parquet", ".gz", ".zip")


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
        name = upload.name.lower()
        if not name.endswith(ACCEPTED_SUFFIXES):
            raise forms.ValidationError(
                f"« {upload.name} » n'est pas un type de fichier accepté (attendus : {', '.join(ACCEPTED_SUFFIXES)})."
            )
        if upload.size > settings.PILOTE_MAX_UPLOAD_BYTES:
            limit = settings.PILOTE_MAX_UPLOAD_BYTES // (1024 * 1024)
            raise forms.ValidationError(f"« {upload.name} » dépasse la taille maximale de {limit} Mo.")
        if upload.size == 0:
            raise forms.ValidationError(f"« {upload.name} » est vide.")
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


def safe_upload_name(name: str) -> str:
    """Keep only the base name, with characters that are safe in a path."""
    base = Path(name).name
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in base)[:120] or "fichier"
