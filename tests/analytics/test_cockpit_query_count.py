"""A cold national cockpit costs a few national aggregates: what it read from every contract (suppliers,
concentration, growth through modifications, the lists, the median) is prepared with the generation
(pilote.contracts.national), with the same figures as the contracts give. A cold organisation cockpit reads the
per-buyer tables (pilote.contracts.per_buyer), never the per-contract table."""

import logging

import pytest
from django.core.cache import cache

from pilote.analytics import cockpit
from pilote.contracts import cube, db as duck, lookups, national, queries
from pilote.contracts.filters import parse_filters
from pilote.contracts.table import COCKPIT_TABLE
from tests.analytics.test_cube import VIEWS
from tests.core.factories import OrganisationFactory


# A national aggregate: a query that reads the per-contract table (every contract of the view).
MAX_NATIONAL_AGGREGATES = 4


def _filters(query):
    filters, form = parse_filters(query)
    assert form.is_valid(), form.errors
    return filters


def _cold_cockpit_queries(caplog, monkeypatch, query, organisation=None):
    """Every SQL text the cockpit runs for this view, cache emptied first (a cold page). What a process reads once
    per generation (the count of synthetic contracts) is read before: the count does not depend on which test of
    the process runs first."""
    lookups.synthetic_contracts()
    full = []
    fetch_all = duck.database.fetch_all
    monkeypatch.setattr(duck.database, "fetch_all", lambda sql, *a, **k: full.append(sql) or fetch_all(sql, *a, **k))
    cache.clear()
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="pilote.contracts.sql"):
        data = cockpit.build(parse_filters(query, organisation)[0], organisation)
    assert data["store"]
    logged = [r for r in caplog.records if r.name == "pilote.contracts.sql"]
    assert len(logged) == len(full)  # the log counts every query the page ran
    return full, data


@pytest.mark.django_db
@pytest.mark.parametrize("query", VIEWS, ids=lambda q: "-".join(f"{k}={v}" for k, v in q.items()))
def test_cold_national_cockpit_costs_few_national_aggregates(prepared, caplog, monkeypatch, query):
    sqls, data = _cold_cockpit_queries(caplog, monkeypatch, query)
    national_aggregates = [sql for sql in sqls if COCKPIT_TABLE + " " in sql]
    assert len(national_aggregates) <= MAX_NATIONAL_AGGREGATES, national_aggregates
    # a view without a period finds its undated contracts in its year breakdown: no query of its own
    undated = [sql for sql in sqls if "GROUPING SETS ((d_annee))" in sql]
    assert len(undated) == (1 if "annee" in query else 0)
    if set(query) <= {"perimetre", "annee"}:
        assert national_aggregates == []  # every contract or one year: prepared tables only
    if query == {"perimetre": "national"}:
        assert data["titulaires"]["top"]
        assert data["concentration"]


# (view, queries of the cold page, of which reading the per-contract table) of an organisation of the two busiest
# buyers of the real files, peers and their national reference included. Before the per-buyer tables (commit
# ceb018a, same order in one process): 14 / 11, 12 / 11, 13 / 12, 13 / 1 and 14 / 12. Lists read their text with
# their rows since session 13 (no lookup in a details table): one query fewer per list that has rows.
ORGANISATION_VIEWS = [
    ({}, 11, 0),
    ({"annee": "2019"}, 12, 0),  # its undated contracts: a query of their own
    ({"nature": "Marché"}, 11, 1),  # the peers' national reference: its median over the national contracts
    ({"perimetre": "national"}, 10, 0),
    ({"montant_min": "40000"}, 11, 11),  # a filter finer than the tables' grain: the contracts, as before
]


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "total", "reading"), ORGANISATION_VIEWS, ids=str)
def test_cold_organisation_cockpit_reads_the_per_buyer_tables(prepared, caplog, monkeypatch, query, total, reading):
    rows = duck.fetch_all(
        "SELECT acheteur_id FROM contrats WHERE acheteur_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 2"
    )
    organisation = OrganisationFactory(kind="commune", sirets=[r["acheteur_id"] for r in rows])
    sqls, data = _cold_cockpit_queries(caplog, monkeypatch, query, organisation)
    assert data["pairs"]["table"]
    assert len([sql for sql in sqls if COCKPIT_TABLE + " " in sql]) == reading
    assert len(sqls) == total


def _approx(rows):
    return [{k: pytest.approx(v, rel=1e-9) if isinstance(v, float) else v for k, v in r.items()} for r in rows]


@pytest.mark.django_db
@pytest.mark.parametrize("query", VIEWS, ids=lambda q: "-".join(f"{k}={v}" for k, v in q.items()))
def test_prepared_national_tables_give_the_figures_of_the_contracts(prepared, query):
    filters = _filters(query)
    assert national.answers(filters)
    for limit in (10, 3):
        assert duck.fetch_all(*national.suppliers_sql(filters, limit)) == _approx(
            duck.fetch_all(*queries.suppliers_sql(filters, limit))
        )
    assert duck.fetch_all(*national.concentration_sql(filters)) == _approx(
        duck.fetch_all(*queries.concentration_by_division_sql(filters))
    )
    assert duck.fetch_all(*national.evolution_sql(filters)) == _approx(duck.fetch_all(*queries.evolution_sql(filters)))
    to_check = duck.fetch_all(*queries.modifications_to_check_sql(filters, 50))
    assert duck.fetch_all(*queries.modifications_to_check_sql(filters, 50, national.TO_CHECK)) == to_check
    for drill, table in national.SUBSETS.items():
        for kind in ("commune", "etat"):
            args = {"drill": drill, "buyer_kind": kind, "limit": 30}
            assert duck.fetch_all(*queries.contracts_sql(filters, **args, source=table)) == duck.fetch_all(
                *queries.contracts_sql(filters, **args)
            )
    for limit in (10, 50):  # the default national view and the years: read from the ranking prepared by view
        ranking = national.ranking_sql(filters, limit)
        if ranking is not None:
            assert duck.fetch_all(*ranking) == _approx(duck.fetch_all(*queries.suppliers_sql(filters, limit)))
    divisions = national.divisions_sql(filters)
    if divisions is not None:
        assert duck.fetch_all(*divisions) == _approx(duck.fetch_all(*queries.concentration_by_division_sql(filters)))
    median = national.median_sql(filters)
    if median is not None:
        with_prepared = duck.fetch_one(*cube.overview_sql(filters, "commune", median))
        assert with_prepared["montant_median"] == duck.fetch_one(*cube.overview_sql(filters))["montant_median"]
    if query == {"perimetre": "national"}:  # the real files were read: not a comparison of empty sets
        assert national.ranking_sql(filters) is not None
        assert len(to_check) > 0
        assert len(duck.fetch_all(*queries.contracts_sql(filters, "ue_sans_social", limit=5))) == 5
