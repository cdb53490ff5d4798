"""SQL fragments of the SME share and the local share: the titulaire's company category and département and the
buyer's département, from the DECP data (columns of the consolidated tabular format) completed, for an
organisation that imported one, by its SIRENE extract (pilote.contracts.sirene_files).

The data columns exist only in stores fed with the tabular format after they were added: the cockpit table
reads them when the Parquet files have them, else writes NULL (unknown). The extract is read from its Parquet
file (never as query parameters: an extract may hold 500 000 rows) into an in-memory DuckDB table of what it
adds to each contract, once per process and generation; requests join that table on the filtered contracts.
Only fixed fragments, paths built by the code and identifiers built from integers are written into SQL here.
"""

import polars as pl

from pilote.contracts.sirene import CATEGORIES, DEPARTEMENT_RE


PME = "PME"
CATEGORIES_SQL = "[" + ", ".join(f"'{c}'" for c in sorted(CATEGORIES)) + "]"
# The columns the cockpit table gains (names of the table, in this order).
COLUMNS = ("titulaire_categorie", "titulaire_departement", "acheteur_departement")


def parquet_columns(path) -> set[str]:
    """Column names of a Parquet file of the store (empty when the file does not exist)."""
    try:
        return set(pl.read_parquet_schema(path))
    except (FileNotFoundError, OSError, pl.exceptions.PolarsError):
        return set()


def departement_sql(column: str) -> str:
    """A département code as the COG writes it ("1" → "01", "2a" → "2A"), NULL when the value is not one
    (same rule as explorer.sirene.normalise_departement)."""
    x = f"upper(trim(CAST({column} AS VARCHAR)))"
    return (
        f"(CASE WHEN regexp_full_match({x}, '[1-9]') THEN '0' || {x} "
        f"WHEN regexp_full_match({x}, '{DEPARTEMENT_RE.pattern}') THEN {x} END)"
    )


def categorie_sql(column: str) -> str:
    x = f"upper(trim(CAST({column} AS VARCHAR)))"
    return f"(CASE WHEN list_contains({CATEGORIES_SQL}, {x}) THEN {x} END)"


def titulaire_fields(titulaires_columns: set[str]) -> dict[str, str]:
    """Expressions over the titulaires table for the first titulaire's category and département."""
    return {
        "categorie": categorie_sql("titulaire_categorie")
        if "titulaire_categorie" in titulaires_columns
        else "NULL::VARCHAR",
        "departement": departement_sql("titulaire_departement_code")
        if "titulaire_departement_code" in titulaires_columns
        else "NULL::VARCHAR",
    }


def acheteur_departement(contrats_columns: set[str], alias: str = "c") -> str:
    if "acheteur_departement_code" in contrats_columns:
        return departement_sql(f"{alias}.acheteur_departement_code")
    return "NULL::VARCHAR"


def extract_table(extract_id: int) -> str:
    """Name of the in-memory table of what one imported extract adds to the contracts (its id in the name: a
    new import, a new table)."""
    return f"sirene_contrats_{int(extract_id)}"


def extract_table_sql(path, cockpit_table: str) -> str:
    """SELECT of the contracts (by `rid`) to which the extract at `path` adds a category or a département the
    data lack: a row keyed by the SIRET, else by its SIREN (a legal unit's row applies to all its
    establishments). Computed once per process and store generation: joining the whole extract (up to
    500 000 rows) on every request cost ~25 ms (measured); joining this table costs what the contracts do."""
    quoted = str(path).replace("'", "''")
    cat, tdep = "coalesce(xs.categorie, xn.categorie)", "coalesce(xs.departement, xn.departement)"
    adep = "coalesce(ys.departement, yn.departement)"
    return f"""WITH x AS (SELECT cle, categorie, departement FROM read_parquet('{quoted}'))
SELECT c.rid, {cat} AS categorie, {tdep} AS titulaire_departement, {adep} AS acheteur_departement
FROM {cockpit_table} c
LEFT JOIN x xs ON xs.cle = c.titulaire_id
LEFT JOIN x xn ON length(c.titulaire_id) = 14 AND xn.cle = left(c.titulaire_id, 9)
LEFT JOIN x ys ON ys.cle = c.acheteur_id
LEFT JOIN x yn ON length(c.acheteur_id) = 14 AND yn.cle = left(c.acheteur_id, 9)
WHERE (c.titulaire_categorie IS NULL AND {cat} IS NOT NULL)
  OR (c.titulaire_departement IS NULL AND {tdep} IS NOT NULL)
  OR (c.acheteur_departement IS NULL AND {adep} IS NOT NULL)"""  # noqa: S608


def enriched_select(source: str, sirene_table: str | None) -> str:
    """SELECT over the filtered contracts `source` where the extract (`extract_table`) completes what the data
    lack, the data winning field by field. Adds `categorie_extrait` / `departements_extrait`: the extract
    supplied the category / a département."""
    if sirene_table is None:
        return f"SELECT {source}.*, FALSE AS categorie_extrait, FALSE AS departements_extrait FROM {source}"  # noqa: S608
    if not sirene_table.isidentifier():
        raise ValueError(f"nom de table invalide : {sirene_table!r}")
    s = source
    return f"""SELECT {s}.* REPLACE (
    coalesce({s}.titulaire_categorie, z.categorie) AS titulaire_categorie,
    coalesce({s}.titulaire_departement, z.titulaire_departement) AS titulaire_departement,
    coalesce({s}.acheteur_departement, z.acheteur_departement) AS acheteur_departement),
  coalesce({s}.titulaire_categorie IS NULL AND z.categorie IS NOT NULL, FALSE) AS categorie_extrait,
  coalesce(({s}.titulaire_departement IS NULL AND z.titulaire_departement IS NOT NULL)
    OR ({s}.acheteur_departement IS NULL AND z.acheteur_departement IS NOT NULL), FALSE) AS departements_extrait
FROM {s} LEFT JOIN {sirene_table} z ON z.rid = {s}.rid"""  # noqa: S608


# Per-contract flags of the access indicators, over the enriched contracts (an unknown field is "unknown").
def flags(alias: str) -> dict[str, str]:
    a = alias
    return {
        "pme_renseigne": f"{a}.titulaire_categorie IS NOT NULL",
        "pme": f"coalesce({a}.titulaire_categorie = '{PME}', FALSE)",
        "locale_renseigne": f"{a}.titulaire_departement IS NOT NULL AND {a}.acheteur_departement IS NOT NULL",
        "locale": f"coalesce({a}.titulaire_departement = {a}.acheteur_departement, FALSE)",
    }


def flag_columns(alias: str) -> str:
    return ", ".join(f"{expr} AS {name}" for name, expr in flags(alias).items())
