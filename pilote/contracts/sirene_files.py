"""The organisation's SIRENE extract as a Parquet file, for the cockpit (DuckDB joins it to the contracts).

An extract may hold 500 000 rows: binding them as query parameters would be slow and hit parameter limits, so
the import writes the categories and départements once to PILOTE_DATA_DIR/sirene/org-<id>/extrait-<id>.parquet
(the extract's id in the name: a new import is a new file, never a file changing under a reader). The database
stays the reference: a missing file (another machine, a failed write after commit) is rebuilt from it.
"""

import os
from pathlib import Path

import polars as pl
from django.conf import settings

from pilote.contracts.models import SireneExtract, SireneName


SCHEMA = {"cle": pl.String, "categorie": pl.String, "departement": pl.String}


def organisation_dir(organisation_id: int) -> Path:
    return Path(settings.PILOTE_DATA_DIR) / "sirene" / f"org-{int(organisation_id)}"


def extract_path(extract: SireneExtract) -> Path:
    return organisation_dir(extract.organisation_id) / f"extrait-{int(extract.pk)}.parquet"


def write_extract_file(extract: SireneExtract, rows=None) -> Path:
    """Write the extract's (key, category, département) rows; `rows` defaults to those in the database.
    Written under a temporary name then renamed, and older extracts' files of the organisation removed."""
    if rows is None:
        rows = SireneName.objects.filter(extract=extract).values_list("siret", "categorie", "departement")
    frame = pl.DataFrame(
        [(key, cat or None, dep or None) for key, cat, dep in rows if cat or dep], schema=SCHEMA, orient="row"
    )
    path = extract_path(extract)
    path.parent.mkdir(parents=True, exist_ok=True)
    # One temporary name per process: two web processes may rebuild a missing file at the same time.
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    frame.write_parquet(tmp)
    os.replace(tmp, path)
    for old in path.parent.glob("extrait-*.parquet"):
        if old != path:
            old.unlink(missing_ok=True)
    return path


def cockpit_extract(organisation) -> tuple[SireneExtract, Path] | None:
    """The organisation's current extract and its Parquet file, when it gives categories or départements
    (a names-only extract has nothing for the cockpit); the file is rebuilt if missing."""
    if organisation is None:
        return None
    extract = SireneExtract.objects.filter(organisation=organisation).first()
    if extract is None or not (extract.with_categorie or extract.with_departement):
        return None
    path = extract_path(extract)
    if not path.exists():
        write_extract_file(extract)
    return extract, path
