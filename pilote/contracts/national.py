"""National figures prepared once per store generation beside the monthly cube (`cube`): what a national cockpit
still read from every contract (suppliers and concentration, growth through modifications, the lists of
contracts to check, the median amount), so that a cold national view reads small tables only.

- SUPPLIERS: contracts and usable amount per month, nature, procedure, CPV division and supplier, with the cube's
  column names (`filters.to_where` applies unchanged): the supplier ranking, its HHI and the concentration per
  division add these up instead of grouping every contract;
- EVOLUTION: the growth-through-modifications sums at the same grain;
- SUBSETS: the contracts behind the cockpit's lists (to check after modifications, art. 35, above the EU threshold
  without social consideration), every column of the per-contract table kept: the lists are the same SQL as over
  the contracts, only the table's name changes, so they are the same rows in the same order;
- MEDIANS: the median usable amount of every contract and of each year (not additive: views by year only);
- RANKING and DIVISIONS: for those views too (the default national view), the supplier ranking (first
  RANKING_ROWS) with its totals and HHI, and the concentration of every CPV division: a few dozen rows read.
Used when the cube answers the view (`cube.eligible`); tests compare every figure with the contracts' path.
"""

from pilote.contracts import cube, queries
from pilote.contracts.filters import Filters, Perimetre, to_where
from pilote.contracts.table import COCKPIT_TABLE


SUPPLIERS = "cockpit_mois_titulaires"
EVOLUTION = "cockpit_mois_evolution"
MEDIANS = "cockpit_medianes"
RANKING = "cockpit_classement_titulaires"
DIVISIONS = "cockpit_concentration_divisions"
RANKING_ROWS = 50
TO_CHECK = "cockpit_a_verifier"
# drill (queries.DRILLS) → table of the contracts that may match it (a superset for both EU thresholds)
SUBSETS = {"art35": "cockpit_art35", "ue_sans_social": "cockpit_ue_sans_social"}
_GRAIN = """CAST(date_trunc('month', date_notification) AS DATE) AS date_notification, annee, nature, procedure,
  division, division AS code_cpv"""
_GROWN = "montant_ok AND montant > 0 AND montant_final IS NOT NULL"


def tables(prefix: str = "", source: str | None = None) -> list[tuple[str, str]]:
    """(table, SELECT) of every table here, in order; `prefix` names where the tables read are (the prepared
    file's `{prepared}.` while it is written, nothing in memory); `source`: the per-contract rows read, by default
    the whole per-contract table (some of its rows when the prepared file is updated, `prepared_update`)."""
    source = source or f"{prefix}{COCKPIT_TABLE}"
    return [
        (SUPPLIERS, suppliers_select(source)),
        (EVOLUTION, evolution_select(source)),
        (
            MEDIANS,
            f"""SELECT annee_n AS annee, grouping(annee_n) = 1 AS tout, median(montant_sur) AS montant_median
FROM (SELECT year(date_notification) AS annee_n, montant_sur FROM {source})
GROUP BY GROUPING SETS ((annee_n), ())""",  # noqa: S608 (fixed fragments)
        ),
        (RANKING, _ranking_select(f"{prefix}{SUPPLIERS}")),
        (DIVISIONS, _divisions_select(f"{prefix}{SUPPLIERS}")),
        (
            TO_CHECK,
            f"SELECT * FROM {source} WHERE {_GROWN} AND (montant_final - montant) / montant > seuil_modification",  # noqa: S608
        ),
        (SUBSETS["art35"], f"SELECT * FROM {source} WHERE art35"),  # noqa: S608 (fixed fragments)
        (
            SUBSETS["ue_sans_social"],
            f"SELECT * FROM {source} WHERE (au_dessus_ue_collectivites OR au_dessus_ue_etat) AND NOT soc",  # noqa: S608
        ),
    ]


def suppliers_select(source: str, *, by_buyer: bool = False) -> str:
    """SUPPLIERS over the per-contract table `source`; `by_buyer`: the buyer's SIRET added to the grain, rows
    sorted by it (`per_buyer`)."""
    key, order = cube.buyer_grain(by_buyer)
    return f"""SELECT {key}{_GRAIN}, titulaire_key, count(*) AS n, coalesce(sum(montant_sur), 0) AS montant,
  any_value(titulaire_id) AS titulaire_id, arg_min(titulaire_nom, rid) AS titulaire_nom,
  min(rid) FILTER (WHERE titulaire_nom IS NOT NULL) AS rid_nom
FROM {source} WHERE titulaire_key IS NOT NULL GROUP BY ALL{order}"""  # noqa: S608 (fixed fragments)


def evolution_select(source: str, *, by_buyer: bool = False) -> str:
    """EVOLUTION over the per-contract table `source`; `by_buyer` as `suppliers_select`."""
    key, order = cube.buyer_grain(by_buyer)
    return f"""SELECT {key}{_GRAIN}, count(*) AS n, sum(montant) AS montant_initial, sum(montant_final) AS montant_final,
  count_if((montant_final - montant) / montant > seuil_modification) AS n_a_verifier
FROM {source} WHERE {_GROWN} GROUP BY ALL{order}"""  # noqa: S608 (fixed fragments)


# every contract (tout) and each year, as MEDIANS: grouping sets over the per-supplier table
_BY_VIEW = "GROUP BY GROUPING SETS ((annee, {keys}), ({keys}))"


def _ranking_select(suppliers: str) -> str:
    """The supplier ranking of every contract and of each year, as national.suppliers_sql computes it. The names
    are looked up for the ranked suppliers only (`noms`): taken for all 180 k suppliers of a national store, they
    were half of the statement's time, and a monthly update runs it whole (0.35 → 0.18 s at 1.6 M, session 20)."""
    return f"""WITH s AS (
  SELECT annee, grouping(annee) = 1 AS tout, titulaire_key, CAST(sum(n) AS BIGINT) AS n, sum(montant) AS montant
  FROM {suppliers} {_BY_VIEW.format(keys="titulaire_key")}
),
tot AS (SELECT annee, tout, sum(n) AS n_total, sum(montant) AS montant_total, count(*) AS nb_titulaires
        FROM s GROUP BY annee, tout),
h AS (
  SELECT s.annee, s.tout, sum(power(s.n / tot.n_total, 2)) AS hhi_nombre,
         sum(power(s.montant / nullif(tot.montant_total, 0), 2)) AS hhi_montant
  FROM s JOIN tot ON s.tout = tot.tout AND s.annee IS NOT DISTINCT FROM tot.annee GROUP BY s.annee, s.tout
),
top AS (
  SELECT *, row_number() OVER (PARTITION BY annee, tout ORDER BY montant DESC, n DESC, titulaire_key) AS rang FROM s
  QUALIFY rang <= {RANKING_ROWS}
),
noms AS (
  SELECT annee, grouping(annee) = 1 AS tout, titulaire_key, any_value(titulaire_id) AS titulaire_id,
    arg_min(titulaire_nom, rid_nom) AS titulaire_nom
  FROM {suppliers} WHERE titulaire_key IN (SELECT titulaire_key FROM top) {_BY_VIEW.format(keys="titulaire_key")}
)
SELECT top.annee, top.tout, top.rang, noms.titulaire_id, noms.titulaire_nom, top.n, top.montant, tot.n_total,
  tot.montant_total, tot.nb_titulaires, h.hhi_nombre, h.hhi_montant
FROM top JOIN tot ON top.tout = tot.tout AND top.annee IS NOT DISTINCT FROM tot.annee
JOIN h ON top.tout = h.tout AND top.annee IS NOT DISTINCT FROM h.annee
JOIN noms ON top.tout = noms.tout AND top.annee IS NOT DISTINCT FROM noms.annee
  AND top.titulaire_key = noms.titulaire_key"""  # noqa: S608 (fixed fragments)


def _divisions_select(suppliers: str) -> str:
    """The concentration of every CPV division, for every contract and each year (queries.concentration_tail)."""
    return f"""WITH s AS (
  SELECT annee, grouping(annee) = 1 AS tout, division, titulaire_key, CAST(sum(n) AS BIGINT) AS n,
    sum(montant) AS montant
  FROM {suppliers} WHERE division IS NOT NULL {_BY_VIEW.format(keys="division, titulaire_key")}
)
SELECT annee, tout, division, sum(n) AS n, sum(montant) AS montant_total, count(*) AS nb_titulaires,
  sum(montant * montant) / nullif(sum(montant) * sum(montant), 0) AS hhi_montant,
  max(montant) / nullif(sum(montant), 0) AS part_premier
FROM s GROUP BY annee, tout, division"""  # noqa: S608 (fixed fragments)


def answers(filters: Filters, sirene_table: str | None = None) -> bool:
    """Whether these tables answer the view: the cube's condition (a national view at the cube's grain)."""
    return cube.eligible(filters, sirene_table)


def suppliers_sql(filters: Filters, limit: int = 10, table: str = SUPPLIERS) -> tuple[str, list]:
    """queries.suppliers_sql's rows, the suppliers' sums added up from SUPPLIERS (or `table`, the same by buyer)."""
    where, params = to_where(filters, "c")
    rows = f"""WITH s AS (
  SELECT titulaire_key, CAST(sum(n) AS BIGINT) AS n, sum(montant) AS montant FROM {table} c WHERE {where}
  GROUP BY titulaire_key
)"""  # noqa: S608 (fixed fragments)
    return queries.supplier_ranking_sql(rows, table, "rid_nom", where, limit), [*params, *params]


def concentration_sql(filters: Filters, limit: int = 30, table: str = SUPPLIERS) -> tuple[str, list]:
    """queries.concentration_by_division_sql's rows from SUPPLIERS (or `table`, the same by buyer)."""
    where, params = to_where(filters, "c")
    rows = f"""WITH s AS (
  SELECT division, titulaire_key, CAST(sum(n) AS BIGINT) AS n, sum(montant) AS montant FROM {table} c
  WHERE ({where}) AND division IS NOT NULL GROUP BY 1, 2
)"""  # noqa: S608 (fixed fragments)
    return queries.concentration_tail(rows, limit), params


def evolution_sql(filters: Filters, table: str = EVOLUTION) -> tuple[str, list]:
    """queries.evolution_sql's row from EVOLUTION (or `table`, the same by buyer; count() of nothing is 0,
    count_if() and sum() of nothing NULL)."""
    where, params = to_where(filters, "c")
    sql = f"""SELECT CAST(coalesce(sum(n), 0) AS BIGINT) AS n_avec_montant_modifie, sum(montant_initial) AS montant_initial,
  sum(montant_final) AS montant_final, CAST(sum(n_a_verifier) AS BIGINT) AS n_a_verifier
FROM {table} c WHERE {where}"""  # noqa: S608 (fixed fragments)
    return sql, params


def _view(filters: Filters) -> tuple[str, list] | None:
    """The condition selecting a national view of every contract or of one year in the tables by view, else None."""
    if filters.perimetre != Perimetre.NATIONAL or filters.sirets is not None:
        return None
    keys = set(filters.url_params()) - {"perimetre"}
    if not keys:
        return "tout", []
    if keys == {"annee"}:
        return "NOT tout AND annee = ?", [filters.annee]
    return None


def median_sql(filters: Filters) -> tuple[str, list] | None:
    """The median usable amount of a national view of every contract or of one year, else None."""
    view = _view(filters)
    if view is None:
        return None
    return f"(SELECT montant_median FROM {MEDIANS} WHERE {view[0]})", view[1]  # noqa: S608 (fixed fragments)


def ranking_sql(filters: Filters, limit: int = 10) -> tuple[str, list] | None:
    """queries.suppliers_sql's rows for a view of every contract or of one year, read from RANKING, else None."""
    view = _view(filters)
    if view is None or limit > RANKING_ROWS:
        return None
    sql = f"""SELECT titulaire_id, titulaire_nom, n, montant, n_total, montant_total, nb_titulaires, hhi_nombre, hhi_montant
FROM {RANKING} WHERE {view[0]} ORDER BY rang LIMIT {int(limit)}"""  # noqa: S608 (fixed fragments)
    return sql, view[1]


def divisions_sql(filters: Filters, limit: int = 30) -> tuple[str, list] | None:
    """queries.concentration_by_division_sql's rows for a view of every contract or of one year, else None."""
    view = _view(filters)
    if view is None:
        return None
    sql = f"""SELECT division, n, montant_total, nb_titulaires, hhi_montant, part_premier
FROM {DIVISIONS} WHERE {view[0]} ORDER BY n DESC, division LIMIT {int(limit)}"""  # noqa: S608 (fixed fragments)
    return sql, view[1]


def subset(drill: str) -> str | None:
    """The table of the contracts a list may show (queries.DRILLS key), or None: every contract."""
    return SUBSETS.get(drill)
