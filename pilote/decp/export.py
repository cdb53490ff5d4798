"""Export of the current generation's contracts (Parquet, CSV, XLSX) with a few filters."""

import datetime

import polars as pl

from pilote.decp import store, tables
from pilote.decp.errors import ImportFailed


XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit minus the header row
EXPORT_FORMATS = ("parquet", "csv", "xlsx")


def contrats_query(*, data_dir=None, acheteur=None, annee=None, cpv=None):
    generation_dir = store.current_generation_dir(data_dir)
    if generation_dir is None:
        raise ImportFailed("aucune donnée DECP importée : lancez d'abord « decp import »")
    frame = tables.scan(generation_dir, "contrats")
    if acheteur:
        frame = frame.filter(pl.col("acheteur_id") == acheteur.replace(" ", ""))
    if annee:
        frame = frame.filter(pl.col("date_notification").cast(pl.Date, strict=False).dt.year() == int(annee))
    if cpv:
        frame = frame.filter(pl.col("code_cpv").cast(pl.String).str.starts_with(cpv))
    # Internal helper columns are not part of the export.
    return frame.select(pl.all().exclude("_qualite_base", "record_key"))


def _flat_lists(frame):
    lists = [n for n, t in frame.collect_schema().items() if isinstance(t, pl.List)]
    return frame.with_columns(pl.col(n).list.join(", ") for n in lists)


def export(path, *, fmt, data_dir=None, acheteur=None, annee=None, cpv=None):
    """Write the filtered contracts to `path`; returns the number of rows."""
    if fmt not in EXPORT_FORMATS:
        raise ImportFailed(f"format d'export « {fmt} » inconnu ({', '.join(EXPORT_FORMATS)})")
    frame = contrats_query(data_dir=data_dir, acheteur=acheteur, annee=annee, cpv=cpv)
    if fmt == "parquet":
        frame.sink_parquet(path, compression="zstd")
    elif fmt == "csv":
        _flat_lists(frame).sink_csv(path)
    else:
        data = _flat_lists(frame).head(XLSX_MAX_ROWS + 1).collect()
        if data.height > XLSX_MAX_ROWS:
            raise ImportFailed(
                f"trop de lignes pour Excel (plus de {XLSX_MAX_ROWS}) : filtrez ou choisissez csv/parquet"
            )
        data.write_excel(path, worksheet="contrats", autofit=False)
    return pl.scan_parquet(path).select(pl.len()).collect().item() if fmt == "parquet" else _count(frame)


def _count(frame):
    return frame.select(pl.len()).collect().item()


def default_export_name(fmt):
    return f"decp-contrats-{datetime.date.today():%Y%m%d}.{fmt}"  # noqa: DTZ011 - a file name, local day


def export_rejets(path, *, import_run=None, data_dir=None):
    """Rejected records (with their French reason) as CSV, all or those of one import run; returns the count."""
    source = store.table_path("rejets", data_dir)
    if source is None:
        raise ImportFailed("aucune donnée DECP importée")
    frame = pl.scan_parquet(source)
    if import_run:
        frame = frame.filter(pl.col("import_run") == import_run)
    frame = frame.select("import_run", "fichier", "tableau", "position", "message", "extrait")
    frame.sink_csv(path)
    return _count(frame)
