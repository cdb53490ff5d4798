"""Monthly national aggregates of the cockpit: the overview and breakdown figures summed per month of
notification, nature, procedure and CPV division, prepared once per store generation.

A national view filtered only on those (period, nature, procedure, a CPV prefix of at most two digits) adds up a
few thousand rows instead of scanning every contract: on 1.44 M contracts the overview aggregate drops from
~115 ms to the median alone (~45 ms, not additive: still computed over the contracts) and the breakdowns from
~85 ms to a few. Any other filter (a buyer, an organisation's SIRENE extract, an amount band, a titulaire, a finer
CPV code) reads the contracts as before. The figures are the same: a test compares both paths.
"""

import re

from pilote.contracts import queries
from pilote.contracts.filters import Filters, cube_answers, to_where
from pilote.contracts.table import COCKPIT_TABLE


CUBE_TABLE = "cockpit_mois"
FLAGS_TABLE = "cockpit_mois_qualite"  # contracts per quality rule code, same grain
KINDS = ("collectivites", "etat")


# The per-buyer tables (`per_buyer`) add the buyer's SIRET to the grain, rows sorted by it: an organisation's rows
# then sit in a few row groups, whose min/max let DuckDB skip the others.
def buyer_grain(by_buyer: bool) -> tuple[str, str]:
    """(first key of the SELECT, ORDER BY) of a prepared aggregate, with the buyer's SIRET when `by_buyer`."""
    return ("acheteur_id, ", "\nORDER BY acheteur_id") if by_buyer else ("", "")


# Figures that depend on the buyer's EU threshold are kept for both kinds of buyers.
_BY_KIND = re.compile(r"\b(ue_sans_social|au_dessus_ue)\b")


def _columns(counted: bool = True) -> list[tuple[str, str, str]]:
    """(column of the cube, aggregate over the contracts, how the column combines) for every overview part, and
    when `counted` beside each sum the number of values it adds up (`nonnull`): what an update by differences
    needs to know when a sum has nothing left to add (NULL, as a whole write gives it; `prepared_update`)."""
    out = []
    for alias, expr, combine in queries.overview_parts():
        if combine == "median":
            continue  # not additive: computed over the contracts
        if combine == "avg":
            out.append(("somme_offres", "sum(offres_recues)", "sum"))
        elif _BY_KIND.search(expr):
            out += [(f"{alias}__{kind}", _BY_KIND.sub(rf"\1_{kind}", expr), combine) for kind in KINDS]
        else:
            out.append((alias, expr, combine))
    if not counted:
        return out
    return out + [
        (nonnull(column), f"count({expr[4:-1]})", "count") for column, expr, combine in out if combine == "sum"
    ]


def nonnull(column: str) -> str:
    """The column counting the values a sum of the cube adds up."""
    return f"{column}__valeurs"


# The keys of each prepared aggregate's rows (`GROUP BY ALL` of its SELECT, the buyer's SIRET first when by buyer).
MONTH_KEYS = ("date_notification", "annee", "nature", "procedure", "division", "code_cpv")
YEAR_KEYS = ("date_notification", "annee")
FLAGS_KEYS = ("date_notification", "nature", "procedure", "code_cpv", "code")


def additive_columns() -> list[tuple[str, str]]:
    """(column, how it combines: "count" or "sum") of the national cube's aggregates: every one is a count or a
    sum, so that the rows of an update are the previous rows plus the added contracts' minus the removed ones'
    (`prepared_update`)."""
    return [(column, combine) for column, _expr, combine in _columns()]


# The grain's columns after the buyer: named as the contracts' ones, so that `filters.to_where` applies unchanged.
# Per month, the notification date is the month's first day (periods are whole months) and `code_cpv` is the
# division (prefixes of ≤ 2 digits); per year (`per_buyer.YEARS`), the year's first day and nothing else.
_GRAIN = {
    "month": """CAST(date_trunc('month', date_notification) AS DATE) AS date_notification,
  annee, nature, procedure, division, division AS code_cpv""",
    "year": "CAST(date_trunc('year', date_notification) AS DATE) AS date_notification, annee",
}


def cube_select(source: str = COCKPIT_TABLE, *, by_buyer: bool = False, grain: str = "month") -> str:
    """SELECT of the cube over the per-contract table `source` (a name written by the code). `by_buyer`: one more
    key, the buyer's SIRET (rows sorted by it, `per_buyer`), and the usable amounts of each row (a median is not
    additive: the median of an organisation's contracts is that of its rows' amounts put together, exactly).
    `grain`: "month" (month, nature, procedure, CPV division) or "year" (the year alone)."""
    key, order = buyer_grain(by_buyer)
    # by buyer, the table is updated by groups (its amounts' lists are not additive): no counts of values
    aggregates = ",\n  ".join(f"{expr} AS {column}" for column, expr, _combine in _columns(counted=not by_buyer))
    if by_buyer:
        aggregates += ",\n  list(montant_sur) FILTER (WHERE montant_sur IS NOT NULL) AS montants"
    return f"""SELECT {key}{_GRAIN[grain]},
  {aggregates}
FROM (
  SELECT c.*, FALSE AS categorie_extrait, FALSE AS departements_extrait,
    c.au_dessus_ue_collectivites AND NOT c.soc AS ue_sans_social_collectivites,
    c.au_dessus_ue_etat AND NOT c.soc AS ue_sans_social_etat
  FROM {source} c
) c
GROUP BY ALL{order}"""  # noqa: S608 (fixed fragments and a table name of the code)


def flags_select(source: str = COCKPIT_TABLE, *, by_buyer: bool = False) -> str:
    """SELECT of the number of contracts per quality rule code, at the cube's grain (qualite is de-duplicated
    per contract in the cockpit table, so each contract counts once per code); `by_buyer` as `cube_select`."""
    key, order = buyer_grain(by_buyer)
    return f"""SELECT {key}CAST(date_trunc('month', date_notification) AS DATE) AS date_notification, nature, procedure,
  division AS code_cpv, code, count(*) AS n
FROM (SELECT {key}date_notification, nature, procedure, division, unnest(qualite) AS code FROM {source}
      WHERE qualite IS NOT NULL)
GROUP BY ALL{order}"""  # noqa: S608 (fixed fragments and a table name of the code)


def eligible(filters: Filters, sirene_table: str | None = None) -> bool:
    """Whether the cube answers this view exactly: no organisation's extract, and every active filter held at
    the cube's grain (each filter of the registry says whether it is)."""
    return sirene_table is None and cube_answers(filters)


def overview_sql(
    filters: Filters, buyer_kind: str = "commune", median=None, table: str = CUBE_TABLE
) -> tuple[str, list]:
    """The overview aggregate (same columns as queries.overview_sql) from the cube (or `table`, a cube by buyer);
    the median from the contracts, or from `median` ((SQL of a scalar subquery, its parameters): a prepared
    median, national.median_sql or per_buyer.MEDIAN)."""
    where, params = to_where(filters, "c")
    median_sql, median_params = median or (
        f"(SELECT median(montant_sur) FROM {COCKPIT_TABLE} c WHERE {where})",  # noqa: S608 (fixed fragments)
        params,
    )
    sql = f"SELECT {merged_select(buyer_kind, median_sql)}\nFROM {table} c WHERE {where}"
    return sql, [*median_params, *params]  # the median's subquery comes first in the text


def merged_select(buyer_kind: str, median_sql: str) -> str:
    """The SELECT list adding up cube rows into the overview aggregate's columns (queries.overview_parts), the
    median given by `median_sql` (an expression: not additive)."""
    kind = queries.ue_kind(buyer_kind)
    select = []
    for alias, expr, combine in queries.overview_parts():
        column = f"{alias}__{kind}" if _BY_KIND.search(expr) else alias
        if combine == "median":
            select.append(f"{median_sql} AS {alias}")
        elif combine == "avg":
            select.append(f"sum(somme_offres) / nullif(sum(n_offres_renseigne), 0) AS {alias}")
        else:
            select.append(f"{_merge(expr, column)} AS {alias}")
    return ", ".join(select)


def _merge(expr: str, column: str) -> str:
    """The sum of a cube column, with the aggregate's own answer when nothing is counted: count() gives 0, but
    DuckDB's count_if() and sum() give NULL when no row has a value (and the sum of those NULLs is NULL too)."""
    return f"coalesce(sum({column}), 0)" if expr.startswith("count(") else f"sum({column})"


def breakdown_sql(filters: Filters, dimensions, table: str = CUBE_TABLE) -> tuple[str, list]:
    """The breakdowns (same rows as queries.breakdown_sql) from the cube (or `table`, a cube by buyer)."""
    where, params = to_where(filters, "c")
    parts = {alias: expr for alias, expr, _combine in queries.overview_parts()}
    aggregates = ", ".join(f"{_merge(parts[alias], alias)} AS {alias}" for alias in queries.BREAKDOWN_PARTS)
    source = f"WITH d AS (SELECT {{columns}}, * FROM {table} c WHERE {where})"  # noqa: S608 (fixed fragments)
    return queries.grouped_sql(source, dimensions, aggregates), params


def flags_sql(filters: Filters, table: str = FLAGS_TABLE) -> tuple[str, list]:
    """Contracts per quality rule code (same rows as queries.flags_sql) from the cube (or `table`, by buyer)."""
    where, params = to_where(filters, "c")
    sql = f"SELECT code, sum(n) AS n FROM {table} c WHERE {where} GROUP BY code ORDER BY n DESC, code"  # noqa: S608
    return sql, params
