"""Every filter of the registry, through every path, selects the same contracts: SQL over the store's
`contrats`, SQL over the prepared cockpit table, Polars over the search index, and (where the filter says the
monthly aggregates answer it) the cube's counts. On the real demo files, a titulaire added by a modification
included."""

import datetime as dt
from decimal import Decimal
from urllib.parse import parse_qsl

import pytest

from pilote.contracts import cube, db, figures, queries
from pilote.contracts.filter_types import REGISTRY, Perimetre
from pilote.contracts.filters import FILTER_KEYS, Filters, cube_answers, parse_filters, schema, to_polars, to_where
from pilote.contracts.search import index
from pilote.contracts.table import COCKPIT_TABLE
from tests.contracts.conftest import BUSY_BUYER


def _added_by_modification():
    """(contract, titulaire SIRET) of a titulaire that only a modification added to the contract."""
    row = db.fetch_one(
        """SELECT t.contrat_uid, t.titulaire_id FROM titulaires t
        WHERE t.modification_id IS NOT NULL AND length(t.titulaire_id) = 14 AND NOT EXISTS (
          SELECT 1 FROM titulaires i WHERE i.contrat_uid = t.contrat_uid AND i.modification_id IS NULL
            AND i.titulaire_id = t.titulaire_id)
        ORDER BY t.contrat_uid LIMIT 1"""
    )
    assert row, "the demo files hold a titulaire added by a modification"
    return row["contrat_uid"], row["titulaire_id"]


def samples(added_siret: str) -> dict[str, list[Filters]]:
    """Values for each filter class (the test fails when a filter of the registry has none)."""
    return {
        "PerimetreFilter": [
            Filters(perimetre=Perimetre.ACHETEUR, acheteur=BUSY_BUYER),
            Filters(perimetre=Perimetre.ACHETEUR, acheteur=BUSY_BUYER[:9]),
            Filters(perimetre=Perimetre.ORGANISATION, sirets=(BUSY_BUYER, "21590009300018")),
            Filters(perimetre=Perimetre.ORGANISATION, sirets=()),
        ],
        "PeriodFilter": [Filters(annee=2019), Filters(annee=2024, trimestre=4), Filters(annee=2019, mois=3)],
        "SegmentFilter": [Filters(segment=1, segment_cpv=("45", "7132")), Filters(segment=2, segment_cpv=())],
        "CpvFilter": [Filters(cpv="45"), Filters(cpv="4521")],
        "EqualsFilter": [Filters(nature="Marché"), Filters(procedure="Procédure adaptée")],
        "AmountFilter": [Filters(montant_min=Decimal(100_000)), Filters(montant_max=Decimal(40_000))],
        "TitulaireFilter": [
            Filters(titulaire=added_siret),
            Filters(titulaire=added_siret[:9]),
            Filters(titulaire="rec"),
        ],
    }


def _uids(sql, params):
    return {r["contrat_uid"] for r in db.fetch_all(sql, params)}


@pytest.mark.django_db
def test_every_filter_selects_the_same_contracts_on_every_path(real_store):
    contract, added = _added_by_modification()
    figures.ensure_cockpit_tables()
    loaded = index.load()
    cases = samples(added)
    assert {type(entry).__name__ for entry in REGISTRY} == set(cases), "a filter of the registry has no sample"
    for name, filters_list in cases.items():
        for filters in filters_list:
            where, params = to_where(filters, "c")
            store_rows = _uids(f"SELECT contrat_uid FROM contrats c WHERE {where}", params)
            table_rows = _uids(f"SELECT contrat_uid FROM {COCKPIT_TABLE} c WHERE {where}", params)
            index_rows = set(loaded.docs.filter(to_polars(filters))["contrat_uid"].to_list())
            assert store_rows == table_rows == index_rows, (name, filters)
            n = db.fetch_one(*queries.overview_sql(filters))["n"]
            assert n == len(store_rows), (name, filters)
            if cube_answers(filters):
                assert db.fetch_one(*cube.overview_sql(filters))["n"] == n, (name, filters)
    # the titulaire added by a modification is found on every path
    by_added = Filters(titulaire=added)
    where, params = to_where(by_added, "c")
    assert contract in _uids(f"SELECT contrat_uid FROM contrats c WHERE {where}", params)
    assert contract in set(loaded.docs.filter(to_polars(by_added))["contrat_uid"].to_list())


def test_every_filter_owns_its_url_keys_form_fields_and_api_types():
    form_fields = set(parse_filters({})[1].fields)
    api = set(schema().model_fields)
    for entry in REGISTRY:
        assert entry.keys
        assert set(entry.keys) <= set(FILTER_KEYS)
        assert set(entry.keys) <= form_fields
        assert set(entry.api_types) == set(entry.keys)
    assert set(FILTER_KEYS) == form_fields == api
    assert len(FILTER_KEYS) == len(set(FILTER_KEYS))


def test_filters_round_trip_through_the_url_and_say_themselves():
    filters, form = parse_filters(
        {"perimetre": "acheteur", "acheteur": "75920075100130", "annee": "2024", "trimestre": "4", "cpv": "45.21",
         "nature": "Marché", "montant_min": "1000", "montant_max": "90000", "titulaire": "  Rec  "}
    )  # fmt: skip
    assert not form.errors
    again, _ = parse_filters(dict(parse_qsl(filters.querystring())))
    assert again.acheteur == filters.acheteur == BUSY_BUYER
    assert again.period == filters.period == (dt.date(2024, 10, 1), dt.date(2025, 1, 1))
    assert filters.summary() == (
        "acheteur 75920075100130, notifiés au 4e trimestre 2024, CPV commençant par 4521, nature « Marché », "
        "montant de 1\u202f000 € à 90\u202f000 €, titulaire « Rec »"
    )


def test_invalid_values_are_explained_and_ignored():
    filters, form = parse_filters({"cpv": "4x", "montant_min": "10", "montant_max": "5", "mois": "5"})
    assert set(form.errors) == {"cpv", "montant_max", "annee"}
    assert filters.cpv == ""
    assert filters.mois is None
