"""An organisation's cockpit read from the per-buyer tables prepared with the generation (pilote.contracts.per_buyer)
gives the figures of its contracts: every aggregate, every catalogue indicator, the peers' table and the whole
page, on the real demo files (floats compared to 1e-9: sums added up in another order)."""

import dataclasses
import logging

import pytest
from django.core.cache import cache

from pilote.analytics import cockpit
from pilote.contracts import db as duck, figures, indicators, per_buyer, queries
from pilote.contracts.filters import parse_filters
from pilote.contracts.table import COCKPIT_TABLE
from tests.core.factories import OrganisationFactory


pytestmark = pytest.mark.django_db

VIEWS = [
    {},
    {"annee": "2019"},
    {"annee": "2024", "trimestre": "4"},
    {"annee": "2019", "mois": "3"},
    {"nature": "Marché"},
    {"procedure": "Procédure adaptée"},
    {"cpv": "45"},
    {"cpv": "72", "annee": "2019"},
    {"annee": "2031"},  # nothing matches
]
_ids = {"ids": lambda q: "-".join(f"{k}={v}" for k, v in q.items()) or "defaut"}


@pytest.fixture
def busiest(prepared) -> list[str]:
    """The five buyer SIRETs with the most contracts of the real files."""
    rows = duck.fetch_all(
        "SELECT acheteur_id FROM contrats WHERE acheteur_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 5"
    )
    return [r["acheteur_id"] for r in rows]


def _filters(query, sirets=None, **changes):
    filters, form = parse_filters(query)
    assert not form.errors, form.errors
    if sirets is not None:
        changes.update(perimetre="organisation", sirets=tuple(sirets))
    return filters.with_changes(**changes)


def _plain(value, leaf=lambda v: v):
    """`value` with its dataclasses (indicators.Valeur) as dicts, tuples as lists, and `leaf` applied to the rest."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _plain(dataclasses.asdict(value), leaf)
    if isinstance(value, dict):
        return {k: _plain(v, leaf) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v, leaf) for v in value]
    return leaf(value)


def _same(value):
    """`value` as `_plain` gives it, its floats compared to 1e-9 (sums added up in another order)."""
    return _plain(value, lambda v: pytest.approx(v, rel=1e-9) if isinstance(v, float) else v)


@pytest.mark.parametrize("query", VIEWS, **_ids)
def test_per_buyer_tables_give_the_figures_of_the_contracts(busiest, query):
    scopes = [
        _filters(query, busiest[:1]),
        _filters(query, busiest),
        _filters(query, ["00000000000000"]),  # a SIRET without contracts
        _filters(query, perimetre="acheteur", acheteur=busiest[1][:9]),  # a SIREN: every SIRET of the buyer
    ]
    # an organisation's default view and its whole years add up the yearly rows; a finer filter the monthly ones
    by_year = set(query) <= {"annee"}
    for filters in scopes:
        assert per_buyer.answers(filters)
        assert (per_buyer.YEARS in per_buyer.overview_sql(filters)[0]) is by_year
        for kind in ("commune", "etat"):  # the EU threshold of local authorities, of the State
            direct = duck.fetch_one(*queries.overview_sql(filters, kind))
            prepared = duck.fetch_one(*per_buyer.overview_sql(filters, kind))
            assert prepared == _same(direct)
            # every catalogue indicator, the median included (exact: the same amounts)
            assert _plain(indicators.compute_all(prepared)) == _same(indicators.compute_all(direct))
            assert prepared["montant_median"] == direct["montant_median"]
        dims = list(queries.DIMENSIONS)
        assert duck.fetch_all(*per_buyer.breakdown_sql(filters, dims)) == _same(
            duck.fetch_all(*queries.breakdown_sql(filters, dims))
        )
        assert duck.fetch_all(*per_buyer.flags_sql(filters)) == duck.fetch_all(*queries.flags_sql(filters))
        for limit in (10, 3):
            assert duck.fetch_all(*per_buyer.suppliers_sql(filters, limit)) == _same(
                duck.fetch_all(*queries.suppliers_sql(filters, limit))
            )
        assert duck.fetch_all(*per_buyer.concentration_sql(filters)) == _same(
            duck.fetch_all(*queries.concentration_by_division_sql(filters))
        )
        assert duck.fetch_one(*per_buyer.evolution_sql(filters)) == _same(
            duck.fetch_one(*queries.evolution_sql(filters))
        )
    # the peers' table: one aggregate per organisation (two SIRETs for the first, one for the others)
    siret_to_org = {busiest[0]: 1, busiest[1]: 1, busiest[2]: 2, busiest[3]: 3, "00000000000000": 4}
    for kind in ("commune", "etat"):
        direct = sorted(
            duck.fetch_all(*queries.peers_sql(_filters(query), siret_to_org, kind)), key=lambda r: r["org"]
        )
        sql, params = per_buyer.peers_sql(_filters(query), siret_to_org, kind)
        assert (per_buyer.YEARS in sql) is by_year
        prepared = duck.fetch_all(sql, params)
        assert sorted(prepared, key=lambda r: r["org"]) == _same(direct)
    if not query:  # the real files were read: not a comparison of empty sets
        overview = duck.fetch_one(*queries.overview_sql(scopes[1]))
        assert overview["n"] > 500
        assert overview["montant_median"] is not None
        assert len(duck.fetch_all(*queries.suppliers_sql(scopes[1], 10))) == 10


def _build(filters, organisation, sqls):
    cache.clear()
    fetch_all = duck.database.fetch_all
    duck.database.fetch_all = lambda sql, *a, **k: sqls.append(sql) or fetch_all(sql, *a, **k)
    try:
        return cockpit.build(filters, organisation)
    finally:
        duck.database.fetch_all = fetch_all


@pytest.mark.parametrize(
    "query", [*VIEWS, {"perimetre": "national"}, {"perimetre": "national", "nature": "Marché"}], **_ids
)
def test_cockpit_page_is_the_same_from_the_per_buyer_tables(busiest, monkeypatch, caplog, query):
    organisation = OrganisationFactory(name="Acheteurs actifs", kind="commune", sirets=busiest[:2])
    filters, form = parse_filters(query, organisation)
    assert not form.errors, form.errors
    with caplog.at_level(logging.DEBUG, logger="pilote.contracts.sql"):
        prepared_sqls = []
        prepared = _build(filters, organisation, prepared_sqls)
    # no aggregate of the page reads the per-contract table (the per-buyer and national tables answer), but the
    # national median (the national view's or the peers' national reference) of a view filtered on more than a
    # year: not additive, prepared for every contract and each year only, else computed over the contracts
    reading = [sql for sql in prepared_sqls if COCKPIT_TABLE + " " in sql]
    assert len(reading) == (1 if set(query) - {"perimetre", "annee"} else 0), reading
    monkeypatch.setattr(figures, "_per_buyer", lambda *args, **kwargs: False)
    direct = _build(filters, organisation, [])
    assert set(prepared) == set(direct)
    for key in direct:
        assert _plain(prepared[key]) == _same(direct[key]), key
    if query in ({}, {"perimetre": "national"}):
        assert prepared["overview"]["values"]["nb_contrats"].valeur > 100
        assert prepared["titulaires"]["top"]
        assert prepared["concentration"]
        assert prepared["par_annee"]
        assert prepared["pairs"]["table"]
