"""The store's tables as DuckDB sources: the one place where SQL reads a generation's Parquet files.

A contract table may be a main part, a delta part and a mask (merge-on-read, pilote.decp.tables): its relation is
the main rows whose contract is not masked, then the delta rows — the rows `tables.scan` gives Polars readers.
The two parts have the same columns in the same order (the writer makes sure), so a positional UNION ALL is safe.
Paths come from the store, never from a request; DuckDB cannot bind a view's file name, hence the literals."""

from pathlib import Path

from pilote.contracts.semantics import lit
from pilote.decp import tables


def _file(path) -> str:
    return f"read_parquet({lit(str(path))})"


def source_sql(generation_dir, table: str) -> str:
    """A FROM-able SQL expression for `table` of the generation in `generation_dir`."""
    parts = tables.parts(Path(generation_dir), table)
    if parts.delta is None and parts.mask is None:
        return _file(parts.main)
    main = f"SELECT * FROM {_file(parts.main)}"  # noqa: S608 (store paths, see above)
    if parts.mask is not None:
        main += f" WHERE contrat_uid NOT IN (SELECT contrat_uid FROM {_file(parts.mask)})"  # noqa: S608
    if parts.delta is not None:
        main += f" UNION ALL SELECT * FROM {_file(parts.delta)}"  # noqa: S608
    return f"({main})"


def recent_source(generation_dir, table: str) -> str:
    """The delta part of `table` alone when the generation has one, else the whole table: for a query restricted
    to contracts an import added or changed, whose rows are all in the delta parts (a monthly file's cockpit
    update reads 30 k rows instead of 1.4 M)."""
    parts = tables.parts(Path(generation_dir), table)
    return source_sql(generation_dir, table) if parts.delta is None else _file(parts.delta)


def contracts_source(contrats_path) -> str:
    """source_sql of `contrats` for callers that hold the path of its main part."""
    return source_sql(Path(contrats_path).parent, "contrats")
