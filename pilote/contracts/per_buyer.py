"""Per-buyer aggregates prepared once per store generation, so that an organisation's cockpit (a set of buyer
SIRETs: the organisation, its peers, the organisations a support service supports, one buyer) is a handful of
indexed reads of a few rows (tables sorted and indexed by SIRET) instead of aggregates over its contracts.

The monthly cube (`cube`), its quality codes and the national per-supplier and growth tables (`national`), with
the buyer's SIRET added to their grain: the same SELECTs over the per-contract table, so the figures are the
same sums (tests/analytics/test_per_buyer.py compares every indicator with the contracts' path). The median is
not additive: each cube row keeps the usable amounts of its contracts (`montants`), and the median of a view is
computed over those amounts put together, the same values as its contracts' (exact, not an estimate).

Used when the view is restricted to buyers and every other filter is held at the cube's grain (period, nature,
procedure, a CPV prefix of at most two digits), without an organisation's SIRENE extract (which changes the SME
and local flags of each contract); any other view reads the contracts as before.
"""

from pilote.contracts import cube, national
from pilote.contracts.filter_types import REGISTRY, PerimetreFilter
from pilote.contracts.filters import Filters, to_where
from pilote.contracts.table import COCKPIT_TABLE


CUBE = "cockpit_acheteurs_mois"
# The same aggregates per buyer and year only: the views filtered on nothing but buyers and a whole year (an
# organisation's default view, its years, its peers) add up a few rows per buyer instead of one per month ×
# nature × procedure × division (at 1.6 M contracts the monthly grain keeps 1.1 M rows, ~0.8 per contract).
YEARS = "cockpit_acheteurs_annees"
FLAGS = "cockpit_acheteurs_qualite"
SUPPLIERS = "cockpit_acheteurs_titulaires"
EVOLUTION = "cockpit_acheteurs_evolution"


def tables(prefix: str = "", source: str | None = None) -> list[tuple[str, str]]:
    """(table, SELECT) of every per-buyer table, over the per-contract table (`prefix` and `source` as
    `national.tables`)."""
    source = source or f"{prefix}{COCKPIT_TABLE}"
    return [
        (CUBE, cube.cube_select(source, by_buyer=True)),
        (YEARS, cube.cube_select(source, by_buyer=True, grain="year")),
        (FLAGS, cube.flags_select(source, by_buyer=True)),
        (SUPPLIERS, national.suppliers_select(source, by_buyer=True)),
        (EVOLUTION, national.evolution_select(source, by_buyer=True)),
    ]


def answers(filters: Filters, sirene_table: str | None = None) -> bool:
    """Whether the per-buyer tables answer the view exactly: restricted to buyers (SIRETs or one buyer), no
    organisation's extract, and every other active filter held at the cube's grain."""
    if sirene_table is not None or (filters.sirets is None and not filters.acheteur):
        return False
    return all(entry.cube_answers(filters) for entry in REGISTRY if not isinstance(entry, PerimetreFilter))


def _cube(filters: Filters) -> str:
    """The per-buyer table that answers a view `answers` accepts: per year when only a whole year (or none) is
    asked besides the buyers, else per month."""
    by_year = all(entry.year_answers(filters) for entry in REGISTRY if not isinstance(entry, PerimetreFilter))
    return YEARS if by_year else CUBE


# The median of the rows' amounts put together, in the same aggregate as the sums (the same median aggregate
# over the same values as median(montant_sur) over the contracts: exact).
MEDIAN = "list_aggregate(flatten(list(montants) FILTER (WHERE montants IS NOT NULL)), 'median')"


def overview_sql(filters: Filters, buyer_kind: str = "commune") -> tuple[str, list]:
    """queries.overview_sql's row from the per-buyer cube."""
    return cube.overview_sql(filters, buyer_kind, (MEDIAN, []), _cube(filters))


def peers_sql(filters: Filters, siret_to_org: dict, buyer_kind: str = "commune") -> tuple[str, list]:
    """queries.peers_sql's rows (the overview aggregate per organisation of a SIRET → organisation map) from the
    per-buyer cube, the median of each organisation over its rows' amounts."""
    if not siret_to_org:
        return "SELECT NULL AS org WHERE FALSE", []
    where, params = to_where(filters.with_changes(perimetre="pairs", sirets=tuple(siret_to_org), acheteur=""), "c")
    values = ", ".join("(?, ?)" for _ in siret_to_org)
    pairs = [value for siret, org in siret_to_org.items() for value in (siret, org)]
    sql = f"""WITH p(siret, org) AS (VALUES {values})
SELECT p.org, {cube.merged_select(buyer_kind, MEDIAN)}
FROM {_cube(filters)} c JOIN p ON c.acheteur_id = p.siret WHERE {where} GROUP BY p.org"""  # noqa: S608 (fixed fragments)
    return sql, [*pairs, *params]


def breakdown_sql(filters: Filters, dimensions) -> tuple[str, list]:
    return cube.breakdown_sql(filters, dimensions, CUBE)


def flags_sql(filters: Filters) -> tuple[str, list]:
    return cube.flags_sql(filters, FLAGS)


def suppliers_sql(filters: Filters, limit: int = 10) -> tuple[str, list]:
    return national.suppliers_sql(filters, limit, SUPPLIERS)


def concentration_sql(filters: Filters, limit: int = 30) -> tuple[str, list]:
    return national.concentration_sql(filters, limit, SUPPLIERS)


def evolution_sql(filters: Filters) -> tuple[str, list]:
    return national.evolution_sql(filters, EVOLUTION)
