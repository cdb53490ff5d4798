"""Writes of the explorer: importing an organisation's SIRENE extract (the only state the explorer owns)."""

import csv
import io

from django.core.exceptions import ValidationError
from django.db import transaction

from pilote.core.services import record_event
from pilote.explorer.models import SireneExtract, SireneName


MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 500_000
SIRET_COLUMNS = ("siret",)
# Name columns, best first: SIRENE stock files (unités légales / établissements) and common hand-made extracts.
NAME_COLUMNS = (
    "denominationunitelegale",
    "denominationusuelleetablissement",
    "enseigne1etablissement",
    "denomination",
    "raison_sociale",
    "nom_raison_sociale",
    "nom",
    "name",
)
PERSON_COLUMNS = ("prenom1unitelegale", "nomunitelegale")


def parse_sirene_csv(raw: bytes) -> tuple[dict[str, str], int]:
    """(SIRET -> name, number of lines ignored) from a CSV extract; ValidationError in French when unusable."""
    if len(raw) > MAX_BYTES:
        raise ValidationError("Le fichier dépasse 50 Mo : importez un extrait limité à vos fournisseurs.")
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        content = raw.decode("latin-1")
    sample = content[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(content), dialect)
    header = next(reader, None)
    if not header:
        raise ValidationError("Le fichier est vide.")
    columns = [h.strip().lower() for h in header]
    if "siret" not in columns:
        raise ValidationError("Colonne « siret » introuvable dans la première ligne du fichier.")
    siret_at = columns.index("siret")
    name_at = [columns.index(c) for c in NAME_COLUMNS if c in columns]
    person_at = [columns.index(c) for c in PERSON_COLUMNS if c in columns]
    if not name_at and not person_at:
        raise ValidationError(
            "Aucune colonne de nom trouvée : ajoutez par exemple « denominationUniteLegale » ou « nom »."
        )
    names, skipped = {}, 0
    for number, row in enumerate(reader, start=2):
        if number > MAX_ROWS + 1:
            raise ValidationError(f"Le fichier dépasse {MAX_ROWS} lignes : importez un extrait plus petit.")
        siret = "".join((row[siret_at] if siret_at < len(row) else "").split())
        name = next((row[i].strip() for i in name_at if i < len(row) and row[i].strip()), "")
        if not name and person_at:
            name = " ".join(row[i].strip() for i in person_at if i < len(row) and row[i].strip())
        if len(siret) != 14 or not siret.isdigit() or not name:
            skipped += 1
            continue
        names[siret] = name[:255]
    if not names:
        raise ValidationError("Aucune ligne utilisable (SIRET de 14 chiffres et nom) dans le fichier.")
    return names, skipped


@transaction.atomic
def do_import_sirene_extract(*, organisation, filename: str, raw: bytes, actor) -> SireneExtract:
    """Replace the organisation's SIRENE names by those of the file. Nothing is saved if the file is unusable."""
    names, skipped = parse_sirene_csv(raw)
    extract = SireneExtract(
        organisation=organisation, filename=filename[:255], rows=len(names), skipped=skipped, imported_by=actor
    )
    extract.full_clean()
    extract.save()
    SireneName.objects.filter(organisation=organisation).delete()
    SireneName.objects.bulk_create(
        [SireneName(extract=extract, organisation=organisation, siret=s, name=n) for s, n in names.items()],
        batch_size=2000,
    )
    record_event(
        actor=actor,
        organisation=organisation,
        verb="explorer.sirene_import",
        target=extract.filename,
        payload={"etablissements": len(names), "ignorees": skipped},
    )
    return extract
