"""The monthly national aggregates give exactly the figures read from every contract, for each filter they
answer, on the real demo files (2019 format and the 2024 tabular extract): same overview, breakdowns and quality codes."""

import pytest
from django.core.cache import cache

from pilote.contracts import cube, db as duck, figures, queries, table as cockpit_table
from pilote.contracts.filters import Filters, parse_filters


VIEWS = [
    {"perimetre": "national"},
    {"perimetre": "national", "annee": "2019"},
    {"perimetre": "national", "annee": "2024", "trimestre": "4"},
    {"perimetre": "national", "annee": "2019", "mois": "3"},
    {"perimetre": "national", "nature": "Marché"},
    {"perimetre": "national", "procedure": "Procédure adaptée"},
    {"perimetre": "national", "cpv": "45"},
    {"perimetre": "national", "cpv": "72", "annee": "2019"},
    {"perimetre": "national", "annee": "2031"},  # nothing matches
]


@pytest.fixture
def prepared(real_import, settings, monkeypatch):
    settings.PILOTE_DATA_DIR = real_import
    duck.database.reset()
    cache.clear()
    assert duck.has_relation(cube.CUBE_TABLE)  # prepared by the import, inside the generation


def _approx(row):
    return {k: pytest.approx(v, rel=1e-9) if isinstance(v, float) else v for k, v in row.items()}


@pytest.mark.django_db
@pytest.mark.parametrize("query", VIEWS, ids=lambda q: "-".join(f"{k}={v}" for k, v in q.items()))
def test_cube_gives_the_figures_of_the_contracts(prepared, query):
    filters, form = parse_filters(query)
    assert form.is_valid(), form.errors
    assert cube.eligible(filters)
    for kind in ("commune", "etat"):  # the EU threshold of local authorities, of the State
        from_contracts = duck.fetch_one(*queries.overview_sql(filters, kind))
        assert duck.fetch_one(*cube.overview_sql(filters, kind)) == _approx(from_contracts)
    dims = list(queries.DIMENSIONS)
    rows = duck.fetch_all(*queries.breakdown_sql(filters, dims))
    assert duck.fetch_all(*cube.breakdown_sql(filters, dims)) == [_approx(r) for r in rows]
    flags = duck.fetch_all(*queries.flags_sql(filters))
    assert duck.fetch_all(*cube.flags_sql(filters)) == flags
    if query == {"perimetre": "national"}:
        assert len(flags) > 5  # quality codes of the real files
        assert from_contracts["n"] > 10_000  # the real files were read: the comparison is not between empty sets
        assert from_contracts["n_au_dessus_ue"] > 0


@pytest.mark.django_db
def test_cockpit_reads_the_cube_only_for_the_views_it_answers(prepared, org_a):
    national, _ = parse_filters({"perimetre": "national", "annee": "2019"})
    assert "cockpit_mois" in figures.overview_query(national)[0]
    for query in ({"montant_min": "40000"}, {"titulaire": "colas"}, {"cpv": "452"}):
        filters, _ = parse_filters({"perimetre": "national", **query})
        assert not cube.eligible(filters)
        assert "cockpit_mois" not in figures.overview_query(filters)[0]
    org_a.buyer_entities.create(siret="21690123100011")
    own, _ = parse_filters({}, org_a)
    assert not cube.eligible(own)
    # an organisation's view is answered by the per-buyer cubes (tests/analytics/test_per_buyer.py): per year
    # for its default view and its whole years, per month for a finer period or a dimension of the cube, and
    # by its contracts when a filter is finer than both grains
    assert "cockpit_acheteurs_annees" in figures.overview_query(own)[0]
    for query in ({"annee": "2019", "trimestre": "1"}, {"nature": "Marché"}):
        assert "cockpit_acheteurs_mois" in figures.overview_query(parse_filters(query, org_a)[0])[0]
    finer, _ = parse_filters({"montant_min": "40000"}, org_a)
    assert cockpit_table.COCKPIT_TABLE in figures.overview_query(finer)[0]
    assert cockpit_table.COCKPIT_TABLE in figures.overview_query(own, sirene_table="sirene_contrats_1")[0]
    # an organisation's SIRENE extract completes the national contracts: read them, not the cube
    assert not cube.eligible(national, sirene_table="sirene_contrats_1")


def test_every_filter_of_the_registry_says_whether_the_cube_answers_it():
    """A filter added to the registry decides for itself: by default (not overridden) an active filter makes
    the view read the contracts, so a new filter can never be answered wrongly by the cube."""
    from pilote.contracts.filter_types import REGISTRY, Filter

    for entry in REGISTRY:
        assert entry.keys, entry
    assert Filter.cube_answers is not None
    plain = Filter()
    plain.keys = ("nature",)
    assert not plain.cube_answers(Filters(nature="Marché"))
    assert plain.cube_answers(Filters())
    assert not plain.year_answers(Filters(nature="Marché"))
    assert plain.year_answers(Filters())
