"""The cockpit's prepared file of a new generation written as the previous generation's, updated for the contracts
an import changed (`store.changes`, decision 0021) instead of rebuilt whole (`prepared.write_prepared_file`).

The previous file is copied (never opened for writing: web processes read it), then
- per-contract tables (the cockpit table and the lists' subsets): the rows of the changed contracts
  deleted, those of the contracts to compute inserted, computed from the new generation's Parquet files
  restricted to their uids (row identifiers hash contrat_uid and the supplier's id: `table.rid_sql`);
- aggregates (the monthly cube, the per-supplier and growth sums, national and per buyer): only the GROUPS those
  contracts fall in, before or after (a buyer × month × nature × procedure × division…), deleted and recomputed
  from the updated per-contract table with the same SELECT as a whole write — exact sums, and exact lists of
  amounts for the medians; a whole buyer's rows would be 51-87 % of the table (decision 0021, session 9);
- global tables (medians, the national ranking and concentration): recomputed whole, from the updated tables.
Inserted rows are sorted as a whole write sorts them (by buyer), appended after the previous rows: a file that
accumulated more than MAX_APPENDED_SHARE of appended rows is written whole again, so that an organisation's rows
stay in a few row groups. The file is written whole as well when there is nothing to start from (first import,
`decp rebuild`), when the changes are a large share of the contracts (MAX_CHANGED_SHARE: the groups they touch
are then most of the tables), and when the previous file was written by other definitions (`signature`: the code,
the columns the Parquet files hold, DuckDB's version) or under other thresholds in force (undated contracts).
The result equals a whole write of the same generation (tests/analytics/test_prepared_update.py).
"""

import hashlib
import logging
from dataclasses import dataclass

from pilote.contracts import cube, db, national, per_buyer, sources, table
from pilote.contracts.semantics import lit, thresholds_on


logger = logging.getLogger("pilote.contracts")

META = "cockpit_meta"  # cle → valeur: what decides whether the file can be updated
# Changed + computed contracts over the previous file's contracts beyond which the file is written whole.
MAX_CHANGED_SHARE = 0.25
# Rows appended since the last whole write (over the contracts) beyond which it is written whole again.
MAX_APPENDED_SHARE = 0.25

# Grain of each aggregate: its key columns and their expression over the per-contract table (alias {c}).
_MONTH = {
    "date_notification": "CAST(date_trunc('month', {c}.date_notification) AS DATE)",
    "nature": "{c}.nature",
    "procedure": "{c}.procedure",
    "code_cpv": "{c}.division",
}
_YEAR = {"date_notification": "CAST(date_trunc('year', {c}.date_notification) AS DATE)"}
_BUYER = {"acheteur_id": "{c}.acheteur_id"}
_SUPPLIER = {"titulaire_key": "{c}.titulaire_key"}
GROUPED = {
    cube.CUBE_TABLE: _MONTH,
    cube.FLAGS_TABLE: _MONTH,
    national.SUPPLIERS: _MONTH | _SUPPLIER,
    national.EVOLUTION: _MONTH,
    per_buyer.CUBE: _BUYER | _MONTH,
    per_buyer.YEARS: _BUYER | _YEAR,
    per_buyer.FLAGS: _BUYER | _MONTH,
    per_buyer.SUPPLIERS: _BUYER | _MONTH | _SUPPLIER,
    per_buyer.EVOLUTION: _BUYER | _MONTH,
}
# Aggregates whose every column is a count or a sum: updated by differences, the previous rows of the groups the
# changes fall in plus the added contracts' aggregates minus the removed ones' (`_additive`), without reading the
# groups' other contracts (the national cube's 2,188 groups touched by a monthly file hold 1.12 M of 1.44 M
# contracts). Their rows' keys, and how each column combines. The per-buyer cubes keep lists of amounts (not
# additive: as multisets, 470 k amounts to unnest at 1.6 M, slower than their groups recomputed).
_EVOLUTION = [("n", "count"), ("montant_initial", "sum"), ("montant_final", "sum"), ("n_a_verifier", "count")]
_BY = ("acheteur_id",)
ADDITIVE = {
    cube.CUBE_TABLE: (cube.MONTH_KEYS, cube.additive_columns()),
    cube.FLAGS_TABLE: (cube.FLAGS_KEYS, [("n", "count")]),
    national.EVOLUTION: (cube.MONTH_KEYS, _EVOLUTION),
    per_buyer.FLAGS: (_BY + cube.FLAGS_KEYS, [("n", "count")]),
    per_buyer.EVOLUTION: (_BY + cube.MONTH_KEYS, _EVOLUTION),
}
# Tables of contracts' rows (SELECT * FROM the per-contract table WHERE …): updated as the per-contract table.
PER_CONTRACT = (national.TO_CHECK, *national.SUBSETS.values())
BY_BUYER = {name for name, _select in per_buyer.tables()}  # the chain of the per-buyer tables (`statements`)
GLOBAL = (national.MEDIANS, national.RANKING, national.DIVISIONS)
# The columns the grains read, kept for the contracts removed and added (`touched`).
_KEYS = "acheteur_id, date_notification, nature, procedure, division, titulaire_key"
P = "{prepared}."  # the file being written (db.update_database)
FRESH_ROWS = "fresh_rows"  # work table: the per-contract rows of the contracts to compute
GONE_ROWS = "gone_rows"  # work table: the previous per-contract rows of the contracts replaced


@dataclass(frozen=True)
class Plan:
    """What the update of a previous file needs: its path, the uids to remove and to compute, the appended rows
    the new file will hold since its last whole write."""

    base_file: object
    replaced: list
    fresh: list
    appended: int


def signature(generation_dir, definitions) -> str:
    """What the tables of a file are made of: their SQL (the generation's path and its tables' files left out:
    the same code over Parquet files with other columns gives other SQL, a delta part does not), the file's layout
    name and DuckDB's version."""
    text = "\n".join(f"{name}\n{select}\n{index}" for name, select, index in definitions)
    text = text.replace(sources.source_sql(generation_dir, "contrats"), "<contrats>")
    text = text.replace(str(generation_dir), "<generation>")
    return hashlib.sha256(f"{db.PREPARED_DB}\n{db.engine_version()}\n{text}".encode()).hexdigest()


def meta_select(sig: str, appended: int) -> str:
    """The META table: the signature, the thresholds in force today (what undated contracts were compared with)
    and the rows appended since the last whole write."""
    return f"""SELECT 'signature' AS cle, {lit(sig)} AS valeur
UNION ALL SELECT 'seuils', CAST({thresholds_on("current_date")} AS VARCHAR)
UNION ALL SELECT 'lignes_ajoutees', {lit(str(appended))}"""


def plan(changes, sig: str) -> Plan | None:
    """The update of the previous generation's file for `changes` (store.Changes or None), or None when the file
    must be written whole (the reason logged)."""
    if changes is None:
        return None
    base_file = changes.base_dir / db.PREPARED_DB
    if not base_file.exists():
        return _whole("pas de fichier précédent")
    rows = db.read_prepared(
        base_file,
        f"""SELECT max(valeur) FILTER (cle = 'signature') AS signature,
  bool_or(cle = 'seuils' AND valeur = CAST({thresholds_on("current_date")} AS VARCHAR)) AS memes_seuils,
  CAST(max(valeur) FILTER (cle = 'lignes_ajoutees') AS BIGINT) AS ajoutees,
  (SELECT count(*) FROM prepare.{table.COCKPIT_TABLE}) AS contrats
FROM prepare.{META}""",  # noqa: S608 (constants of the code)
    )
    if not rows or rows[0]["signature"] != sig:
        return _whole("fichier précédent d'une autre définition")
    if not rows[0]["memes_seuils"]:
        return _whole("seuils en vigueur changés")
    # a contract to compute is replaced too, whatever the previous file held (an added one is not there)
    fresh = changes.fresh().to_list()
    replaced = sorted(set(fresh) | set(changes.gone().to_list()))
    contracts = max(rows[0]["contrats"], 1)
    if len(replaced) > MAX_CHANGED_SHARE * contracts:
        return _whole(f"{len(replaced)} contrats changés sur {contracts}")
    appended = rows[0]["ajoutees"] + len(fresh)
    if appended > MAX_APPENDED_SHARE * contracts:
        return _whole(f"{appended} lignes ajoutées depuis la dernière écriture complète")
    return Plan(base_file, replaced, fresh, appended)


def _whole(reason: str) -> None:
    logger.info("fichier du cockpit ecrit en entier", extra={"raison": reason})


@dataclass(frozen=True)
class Statements:
    """The SQL of an update (db.update_database): `before` in order, then the `chains` side by side (each in
    order, on a connection of its own: they write different tables), then `after`."""

    before: list
    chains: list
    after: list


def statements(definitions, over, fresh_rows: str, sig: str, appended: int) -> Statements:
    """The SQL updating the copy (db.update_database: tables `replaced` and `fresh` of uids), each table of
    `definitions` (the whole write's, prepared.prepared_tables) updated by its kind. `over(name, source)`: the
    SELECT of table `name` over the per-contract rows `source`; `fresh_rows`: the SELECT of the cockpit table's
    rows of the contracts to compute.

    The per-buyer tables and the national ones are two chains, run side by side: they only read the updated
    per-contract table and write their own tables, and one after the other left a core idle (many statements of
    a few tenths of a second each; session 16)."""
    cockpit = f"{P}{table.COCKPIT_TABLE}"
    before = [
        # the removed rows that the aggregates updated by differences subtract (not the text the lists show)
        f"CREATE TABLE {GONE_ROWS} AS SELECT * EXCLUDE ({', '.join(table.DETAIL_COLUMNS)}) FROM {cockpit} "  # noqa: S608
        "WHERE contrat_uid IN (SELECT contrat_uid FROM replaced)",
        f"CREATE TABLE touched AS SELECT {_KEYS} FROM {GONE_ROWS}",  # noqa: S608
        f"DELETE FROM {cockpit} WHERE contrat_uid IN (SELECT contrat_uid FROM replaced)",  # noqa: S608
        # computed once and kept: the subsets and the groups read them without a scan of the whole table for
        # their uids (~0.6 s of a monthly file's update at 1.6 M); sorted as the whole write sorts them, so that
        # the appended rows of a buyer sit together
        f"CREATE TABLE {FRESH_ROWS} AS {fresh_rows}",
        f"INSERT INTO {cockpit} BY NAME SELECT * FROM {FRESH_ROWS}",  # noqa: S608
        f"INSERT INTO touched SELECT {_KEYS} FROM {FRESH_ROWS}",  # noqa: S608
    ]
    national, buyers = [], []
    for name, select, _index in definitions:
        chain = buyers if name in BY_BUYER else national
        if name in PER_CONTRACT:
            chain += _subset(name, over)
        elif name in ADDITIVE:
            chain += _additive(name, *ADDITIVE[name], over)
        elif name in GROUPED:
            chain += _groups(name, GROUPED[name], over)
        elif name in GLOBAL:
            chain.append(f"CREATE OR REPLACE TABLE {P}{name} AS {select}")
        elif name not in (table.COCKPIT_TABLE, META):
            raise ValueError(f"table préparée sans mise à jour : {name}")
    after = [f"CREATE OR REPLACE TABLE {P}{META} AS {meta_select(sig, appended)}"]
    return Statements(before, [national, buyers], after)


def _subset(name: str, over) -> list[str]:
    """A table of contracts' rows: the changed ones deleted, the computed ones selected from their fresh rows."""
    return [
        f"DELETE FROM {P}{name} WHERE contrat_uid IN (SELECT contrat_uid FROM replaced)",  # noqa: S608
        f"INSERT INTO {P}{name} BY NAME {over(name, FRESH_ROWS)}",
    ]


def _groups(name: str, grain: dict, over) -> list[str]:
    """An aggregate's groups that the changed contracts fall in (before or after the change) deleted, then
    recomputed by the whole write's SELECT over the per-contract rows of those groups only (their keys in a
    table of this aggregate's own: the chains run side by side)."""
    k = f"k_{name}"
    keys = ", ".join(f"{expr.format(c='t')} AS {col}" for col, expr in grain.items())
    same = _same("d", k, grain)
    on = " AND ".join(f"{expr.format(c='c')} IS NOT DISTINCT FROM {k}.{col}" for col, expr in grain.items())
    rows = f"(SELECT c.* FROM {P}{table.COCKPIT_TABLE} c SEMI JOIN {k} ON {on})"  # noqa: S608
    return [
        f"CREATE TABLE {k} AS SELECT DISTINCT {keys} FROM touched t",  # noqa: S608
        f"DELETE FROM {P}{name} AS d USING {k} WHERE {same}",  # noqa: S608
        f"INSERT INTO {P}{name} BY NAME {over(name, rows)}",
    ]


def _same(a: str, b: str, columns) -> str:
    """The condition that rows `a` and `b` have the same `columns` (a NULL key is a group, as GROUP BY makes it)."""
    return " AND ".join(f"{a}.{col} IS NOT DISTINCT FROM {b}.{col}" for col in columns)


def _additive(name: str, keys: tuple, columns: list, over) -> list[str]:
    """An aggregate of counts and sums updated by differences: the groups the added (`p_`) and removed (`m_`)
    contracts' aggregates fall in, their previous rows (`o_`) deleted, then inserted as previous + added -
    removed, the groups left without a contract dropped (a whole write has no row for them). A sum that has no
    value left to add is NULL, as a whole write gives it (`cube.nonnull` counts them; a sum without such a
    count adds values every row of the group has). Floating sums differ from a whole write's in the last bits
    (additions in another order): the file is written whole again past MAX_APPENDED_SHARE anyway."""
    k, p, m = (f"{prefix}_{name}" for prefix in ("k", "p", "m"))
    o = f"{P}o_{name}"  # in the file: one statement cannot write to the file and to the in-memory database
    keylist = ", ".join(keys)
    names = {column for column, _kind in columns}

    def on(a: str, b: str) -> str:
        return _same(a, b, keys)

    def merged(column: str) -> str:
        return f"coalesce({o}.{column}, 0) + coalesce({p}.{column}, 0) - coalesce({m}.{column}, 0)"

    values = []
    for column, kind in columns:
        if kind == "sum" and cube.nonnull(column) in names:
            values.append(f"CASE WHEN {merged(cube.nonnull(column))} > 0 THEN {merged(column)} END AS {column}")
        else:
            values.append(f"{merged(column)} AS {column}")
    order = "\nORDER BY acheteur_id" if "acheteur_id" in keys else ""
    return [
        f"CREATE TABLE {p} AS {over(name, FRESH_ROWS)}",
        f"CREATE TABLE {m} AS {over(name, GONE_ROWS)}",
        f"CREATE TABLE {k} AS SELECT {keylist} FROM {p} UNION SELECT {keylist} FROM {m}",  # noqa: S608
        # the previous rows of those groups taken out of the table as they are deleted (one pass over the table,
        # not a SEMI JOIN reading every column then a DELETE)
        f"CREATE TABLE {o} AS WITH d AS (DELETE FROM {P}{name} AS d USING {k} WHERE {on('d', k)} "  # noqa: S608
        "RETURNING d.*) SELECT * FROM d",
        f"""INSERT INTO {P}{name} BY NAME SELECT * FROM (
  SELECT {", ".join(f"{k}.{key}" for key in keys)}, {", ".join(values)}
  FROM {k} LEFT JOIN {o} ON {on(o, k)} LEFT JOIN {p} ON {on(p, k)} LEFT JOIN {m} ON {on(m, k)}
) WHERE n > 0{order}""",  # noqa: S608 (names of the code)
        f"DROP TABLE {o}",  # a few thousand rows, never checkpointed: the file holds none of them
    ]


def check() -> str:
    """The updated file holds one row per contract of the generation in the cockpit table (a contract changed
    but absent from the changes would show here when it was added or removed), and the national and per-buyer
    cubes count every contract once (the first updated by differences, the second by groups)."""
    count = f"(SELECT count(*) FROM {P}{table.COCKPIT_TABLE})"  # noqa: S608 (names of the code)
    cubes = " AND ".join(f"(SELECT sum(n) FROM {P}{n}) = {count}" for n in (cube.CUBE_TABLE, per_buyer.CUBE))  # noqa: S608
    return f"SELECT {count} = (SELECT count(*) FROM contrats) AND {cubes}"  # noqa: S608
