"""The tables prepared once per store generation for the cockpit, and how they are made: written into the
generation's DuckDB file by the preparer `write_prepared_file` (registered by the contracts app, run by the
import before the generation is published), or computed in memory by `cockpit_tables` for a generation that has
no usable file. Apart from `table` (per contract) and `cube` (per month), which it assembles: neither needs the
other to say what it holds."""

from pilote.contracts import cube, db, national, per_buyer, table


def prepared_tables(contrats_path) -> list[tuple[str, str, str | None]]:
    """(table, SELECT, indexed column) of the file written after each import (`duck.write_database`).

    The per-contract table is sorted by buyer: an organisation's contracts then sit in a few row groups, whose
    min/max let DuckDB skip the others (measured on 1.44 M contracts: 7-20x faster for one buyer). The text
    fields of listed contracts come from an indexed table (150 contracts in ~20 ms, where reading them back
    from contrats.parquet by row number took ~1 s)."""
    (_name, select), *_ = table.materialise_sql(contrats_path)
    columns = ", ".join(f"c.{col}" for col in table.DETAIL_COLUMNS)
    details = f"SELECT {table.rid_sql('c')} AS rid, {columns} FROM {table.parquet_source(contrats_path)} c"  # noqa: S608
    return [
        (table.COCKPIT_TABLE, f"{select}\nORDER BY q.acheteur_id, q.date_notification", None),
        (table.DETAILS_TABLE, details, "rid"),
        # read from the table just written into the same file (duck.write_database names it)
        (cube.CUBE_TABLE, cube.cube_select(f"{{prepared}}.{table.COCKPIT_TABLE}"), None),
        (cube.FLAGS_TABLE, cube.flags_select(f"{{prepared}}.{table.COCKPIT_TABLE}"), None),
        # what the national view still read from every contract (suppliers, growth, lists, median)
        *((name, select, None) for name, select in national.tables("{prepared}.")),
        # the same aggregates by buyer SIRET: an organisation's view reads a few rows of them (per_buyer), found
        # through an index (rows sorted by SIRET only let DuckDB skip whole row groups, db.PREPARED_ROW_GROUP:
        # with DuckDB's default 122,880 rows on 750 k contracts, one buyer's cube rows read in ~0.8 ms, not ~3 ms)
        *((name, select, "acheteur_id") for name, select in per_buyer.tables("{prepared}.")),
    ]


def write_prepared_file(generation_dir) -> None:
    """Preparer of each new generation (registered by the contracts app): the cockpit's tables written into the
    generation's DuckDB file before it is published, which every web process attaches read-only."""
    db.write_database(generation_dir, prepared_tables(generation_dir / "contrats.parquet"))


def cockpit_tables(generation_dir) -> list[tuple[str, str]]:
    """`duck.ensure_tables` definitions when the generation has no usable prepared file (computed in memory)."""
    return [
        *table.materialise_sql(generation_dir / "contrats.parquet"),
        (cube.CUBE_TABLE, cube.cube_select()),
        (cube.FLAGS_TABLE, cube.flags_select()),
        *national.tables(),
        *per_buyer.tables(),
    ]
