"""Filters kept in the URL: round trip, French summary, bound parameters only, clear errors."""

import datetime as dt
from urllib.parse import parse_qsl

import pytest

from pilote.contracts.filters import parse_filters, to_where


pytestmark = pytest.mark.django_db


def test_url_round_trip_and_summary(commune_a):
    filters, form = parse_filters({"annee": "2024", "trimestre": "4", "cpv": "45 2", "nature": "Marché"}, commune_a)
    assert not form.errors
    again, _ = parse_filters(dict(parse_qsl(filters.querystring())), commune_a)
    assert again == filters
    assert filters.summary() == (
        "Commune A (1 SIRET acheteur), notifiés au 4e trimestre 2024, CPV commençant par 452, nature « Marché »"
    )
    assert filters.period == (dt.date(2024, 10, 1), dt.date(2025, 1, 1))


def test_values_are_bound_never_written_into_sql(commune_a):
    hostile = "x'); DROP TABLE contrats; --"
    filters, _ = parse_filters({"titulaire": hostile, "perimetre": "national"}, commune_a)
    sql, params = to_where(filters, "c")
    assert "DROP" not in sql
    assert params == ["%x'); DROP TABLE contrats; --%"]


def test_organisation_without_siret_has_no_contract(db):
    from tests.core.factories import OrganisationFactory

    organisation = OrganisationFactory(slug="sans-siret")
    organisation.buyer_entities.all().delete()
    filters, _ = parse_filters({}, organisation)
    assert to_where(filters) == ("(FALSE)", [])
    assert "aucun SIRET acheteur déclaré" in filters.summary()


def test_invalid_values_get_french_errors_and_are_ignored(commune_a):
    filters, form = parse_filters({"mois": "5", "perimetre": "acheteur", "acheteur": "123"}, commune_a)
    assert form.errors["annee"] == ["Choisissez une année pour filtrer par trimestre ou par mois."]
    assert form.errors["acheteur"] == ["Saisissez un SIRET de 14 chiffres ou un SIREN de 9 chiffres."]
    # The invalid buyer falls back to the organisation; a month without year is dropped.
    assert filters.perimetre == "organisation"
    assert filters.mois is None
