"""The tables prepared once per store generation for the cockpit, and how they are made: written into the
generation's DuckDB file by the preparer `write_prepared_file` (registered by the contracts app, run by the
import before the generation is published) — whole, or as the previous generation's file updated for the
contracts the import changed (`prepared_update`) — or computed in memory by `cockpit_tables` for a generation that
has no usable file. Apart from `table` (per contract) and `cube` (per month), which it assembles: neither needs the
other to say what it holds."""

import logging

from pilote.contracts import cube, db, national, per_buyer, prepared_update, table
from pilote.decp import store


logger = logging.getLogger("pilote.contracts")


PREPARED = "{prepared}."  # tables read from the file being written (duck.write_database names it)
_COCKPIT = f"{PREPARED}{table.COCKPIT_TABLE}"


def aggregates(source: str = _COCKPIT) -> list[tuple[str, str, str | None]]:
    """(table, SELECT, indexed column) of every table computed from the per-contract rows `source` (the cockpit
    table of the file, or some of its rows when the file is updated)."""
    return [
        (cube.CUBE_TABLE, cube.cube_select(source), None),
        (cube.FLAGS_TABLE, cube.flags_select(source), None),
        # what the national view still read from every contract (suppliers, growth, lists, median)
        *((name, select, None) for name, select in national.tables(PREPARED, source)),
        # the same aggregates by buyer SIRET: an organisation's view reads a few rows of them (per_buyer), found
        # through an index (rows sorted by SIRET only let DuckDB skip whole row groups, db.PREPARED_ROW_GROUP:
        # with DuckDB's default 122,880 rows on 750 k contracts, one buyer's cube rows read in ~0.8 ms, not ~3 ms)
        *((name, select, "acheteur_id") for name, select in per_buyer.tables(source=source)),
    ]


def prepared_tables(contrats_path, only: str | None = None, recent: bool = False) -> list[tuple[str, str, str | None]]:
    """(table, SELECT, indexed column) of the file written after each import (`duck.write_database`); `only`
    restricts the per-contract tables to a relation of contrat_uids, `recent` reads them from the delta parts
    (`table.materialise_sql`).

    The per-contract table is sorted by buyer: an organisation's contracts then sit in a few row groups, whose
    min/max let DuckDB skip the others (measured on 1.44 M contracts: 7-20x faster for one buyer). It holds the
    text fields lists show (`table.DETAIL_COLUMNS`), read with the listed rows."""
    (_name, select), *_ = table.materialise_sql(contrats_path, only, recent)
    return [
        (table.COCKPIT_TABLE, f"{select}\nORDER BY q.acheteur_id, q.date_notification", None),
        *aggregates(),
    ]


def write_prepared_file(generation_dir, ahead=None) -> None:
    """Preparer of each new generation (registered by the contracts app): the cockpit's tables written into the
    generation's DuckDB file before it is published, which every web process attaches read-only. Updated from
    the previous generation's file when the import says which contracts changed (`prepared_update`), else whole.
    `ahead`: the copy of that file made while the import read (`db.copy_ahead`), or None."""
    contrats = generation_dir / "contrats.parquet"
    definitions = prepared_tables(contrats)
    sig = prepared_update.signature(generation_dir, definitions)
    plan = prepared_update.plan(store.changes(generation_dir), sig)
    if plan is not None:
        try:
            _update(generation_dir, plan, definitions, sig, ahead)
            return
        except db.UpdateRefused as error:  # logged: an update that fails is a bug to look at, not a failed import
            logger.warning(
                "mise a jour du cockpit refusee", extra={"generation": generation_dir.name, "erreur": str(error)}
            )
    meta = (prepared_update.META, prepared_update.meta_select(sig, 0), None)
    db.write_database(generation_dir, *_chains([*_in_passes(definitions), meta]))


def _chains(definitions) -> tuple[list, list]:
    """The whole write's order: the per-contract table, then two chains side by side, each on a cursor of its own
    (every other table reads the per-contract table; the national ranking and concentration read the per-supplier
    table written before them in their chain). One after the other, many statements of a second or less left a
    core idle: the whole file took 18.7-19.1 s at 1.44 M contracts; in two chains, 15.7-16.4 s at the same peak
    (1.16 GB, session 22). The chains are balanced (7-8 s each): the per-buyer monthly cube (5.5 s) and the other
    per-buyer cubes in one, the national tables and the per-buyer suppliers in the other."""
    first = [d for d in definitions if d[0] == table.COCKPIT_TABLE]
    rest = [d for d in definitions if d[0] != table.COCKPIT_TABLE]
    cubes = {per_buyer.CUBE, per_buyer.YEARS, per_buyer.FLAGS, per_buyer.EVOLUTION}
    return first, [[d for d in rest if d[0] in cubes], [d for d in rest if d[0] not in cubes]]


# A whole write computes the per-buyer monthly cube over ranges of buyers of about PASS_CONTRACTS contracts, one
# after the other. In one pass its 1.1 M groups at 1.6 M contracts (a list of amounts and some forty aggregates
# each) went past the build's memory bound and spilled: 6.4-7.4 s, a 926 MB process; in four passes, 4.2 s and
# 676 MB (session 19; the other per-buyer tables gained no time). The per-contract table is sorted by buyer: each
# pass reads its own row groups, and the passes, in the buyers' order, append rows sorted as one pass sorts them.
PASS_CONTRACTS = 400_000
_RANGE = f"""(SELECT * FROM {_COCKPIT}
  WHERE (acheteur_id >= $1 OR $1 IS NULL) AND (acheteur_id < $2 OR $2 IS NULL) OR (acheteur_id IS NULL AND $2 IS NULL))"""  # noqa: S608


def pass_bounds() -> str:
    """(from, to) of each pass: a buyer every PASS_CONTRACTS contracts in SIRET order cuts the ranges, the first
    one open below, the last one open above and holding the contracts without a buyer."""
    return f"""WITH cuts AS (
  SELECT DISTINCT acheteur_id AS cut FROM (
    SELECT acheteur_id, row_number() OVER (ORDER BY acheteur_id) AS r FROM {_COCKPIT} WHERE acheteur_id IS NOT NULL
  ) WHERE r % {int(PASS_CONTRACTS)} = 0
)
SELECT lag(cut) OVER (ORDER BY cut) AS de, cut AS a FROM cuts
UNION ALL SELECT max(cut), NULL FROM cuts
ORDER BY de NULLS FIRST"""  # noqa: S608 (names and constants of the code)


def _in_passes(definitions) -> list:
    """The whole write's definitions, the per-buyer monthly cube in passes over ranges of buyers (db.InPasses)."""
    ranged = dict(per_buyer.tables(source=_RANGE))[per_buyer.CUBE]
    return [
        (name, db.InPasses(ranged, pass_bounds()) if name == per_buyer.CUBE else select, index)
        for name, select, index in definitions
    ]


def _update(generation_dir, plan, definitions, sig, copied=None) -> None:
    """The previous file copied and updated for the plan's contracts (db.UpdateRefused when the copy does not
    hold one row per contract of the generation)."""
    contrats = generation_dir / "contrats.parquet"
    # the fresh contracts' rows are all in the delta parts when the tables were written merge-on-read
    (_name, fresh_rows, _index), *_ = prepared_tables(contrats, only="fresh", recent=True)

    def over(name: str, source: str) -> str:
        return {n: select for n, select, _index in aggregates(source)}[name]

    statements = prepared_update.statements(definitions, over, fresh_rows, sig, plan.appended)
    uids = {"replaced": plan.replaced, "fresh": plan.fresh}
    db.update_database(generation_dir, plan.base_file, uids, statements, prepared_update.check(), copied)


def cockpit_tables(generation_dir) -> list[tuple[str, str]]:
    """`duck.ensure_tables` definitions when the generation has no usable prepared file (computed in memory)."""
    return [
        *table.materialise_sql(generation_dir / "contrats.parquet"),
        (cube.CUBE_TABLE, cube.cube_select()),
        (cube.FLAGS_TABLE, cube.flags_select()),
        *national.tables(),
        *per_buyer.tables(),
    ]
