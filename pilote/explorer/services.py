"""Writes of the explorer: importing an organisation's SIRENE extract and its list of inclusive structures (the
only state the explorer changes; both live in pilote.contracts.models)."""

from django.db import connection, transaction

from pilote.contracts import sirene_files as extract_file
from pilote.contracts.audit import ContractsVerb
from pilote.contracts.inclusion import read_inclusion_csv
from pilote.contracts.models import InclusionList, InclusiveStructure, SireneExtract, SireneName
from pilote.contracts.sirene import MAX_BYTES, MAX_ROWS, parse_sirene_csv, read_sirene_csv
from pilote.core.services import record_event


__all__ = ["MAX_BYTES", "MAX_ROWS", "do_import_inclusion_list", "do_import_sirene_extract", "parse_sirene_csv"]


@transaction.atomic
def do_import_sirene_extract(*, organisation, filename: str, raw: bytes, actor) -> SireneExtract:
    """Replace the organisation's SIRENE rows (names, categories, départements) by those of the file. Nothing
    is saved if the file is unusable; the cockpit's Parquet copy is written once the rows are committed."""
    entries, skipped = read_sirene_csv(raw)  # in a child process with a memory and CPU limit
    extract = SireneExtract(
        organisation=organisation,
        filename=filename[:255],
        rows=len(entries),
        skipped=skipped,
        with_categorie=sum(1 for e in entries.values() if e.categorie),
        with_departement=sum(1 for e in entries.values() if e.departement),
        imported_by=actor,
    )
    extract.full_clean()
    extract.save()
    SireneName.objects.filter(organisation=organisation).delete()
    _insert_rows(extract, organisation, entries)
    record_event(
        actor=actor,
        organisation=organisation,
        verb=ContractsVerb.SIRENE_IMPORT,
        target=extract.filename,
        payload={
            "etablissements": len(entries),
            "ignorees": skipped,
            "categories": extract.with_categorie,
            "departements": extract.with_departement,
        },
    )
    if extract.with_categorie or extract.with_departement:
        rows = [(key, e.categorie, e.departement) for key, e in entries.items()]
        # After commit: a rolled-back import leaves no file; if this write fails, the cockpit rebuilds it.
        transaction.on_commit(lambda: extract_file.write_extract_file(extract, rows))
    return extract


def _insert_rows(extract, organisation, entries) -> None:
    """Insert the extract's rows with one parameterised statement run over all of them (executemany): model
    instances and Django's bulk_create batches (166 rows per statement on SQLite) took 45 s for 500,000 rows,
    measured."""
    fields = ["extract", "organisation", "siret", "name", "categorie", "departement"]
    meta = SireneName._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(f).column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608 (model metadata)
    rows = [(extract.pk, organisation.pk, key, e.name, e.categorie, e.departement) for key, e in entries.items()]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 50_000):
            cursor.executemany(sql, rows[start : start + 50_000])


@transaction.atomic
def do_import_inclusion_list(*, organisation, filename: str, raw: bytes, actor) -> InclusionList:
    """Replace the organisation's list of inclusive structures by the file's. The file is read whole first: a bad
    line refuses it (ValidationError naming the lines) and nothing is saved."""
    rows = read_inclusion_csv(raw)  # in a child process with a memory and CPU limit
    imported = InclusionList(organisation=organisation, filename=filename[:255], rows=len(rows), imported_by=actor)
    imported.full_clean()
    imported.save()
    InclusiveStructure.objects.filter(organisation=organisation).delete()
    InclusiveStructure.objects.bulk_create(
        [
            InclusiveStructure(
                inclusion_list=imported,
                organisation=organisation,
                siret=r.siret,
                siren=r.siret[:9],
                name=r.name,
                kinds=",".join(r.kinds)[:60],
                departement=r.departement,
                postal_code=r.postal_code,
                naf=r.naf,
            )
            for r in rows
        ],
        batch_size=500,
    )
    record_event(
        actor=actor,
        organisation=organisation,
        verb=ContractsVerb.INCLUSION_IMPORT,
        target=imported.filename,
        payload={"structures": len(rows)},
    )
    return imported
