"""The cockpit's contract results come from the real demo files (imported once by tests/conftest.py)."""

import pytest

from pilote.contracts import lookups
from pilote.strategie import cockpit, figures
from pilote.strategie.models import Indicator
from tests.core.factories import REAL_SIRETS, OrganisationFactory
from tests.strategie import helpers


@pytest.fixture
def region(db, real_import, settings):
    settings.PILOTE_DATA_DIR = real_import
    return OrganisationFactory(name="Région", slug="region", kind="region", sirets=[REAL_SIRETS[0]])


def _indicator(objective, code):
    return Indicator.objects.create(
        objective=objective,
        label=code,
        kind="contrat",
        contract_code=code,
        unit="%",
        baseline_year=2018,
        baseline_value=0,
    )


@pytest.mark.parametrize("year", [2019, 2024])
def test_contract_count_matches_the_contracts_notified_that_year(region, members_a, year):
    busiest = OrganisationFactory(name="Acheteur", slug="acheteur", sirets=[lookups.busiest_buyer()])
    for organisation in (region, busiest):
        objective, *_ = helpers.objective(organisation, members_a["acheteur"])
        result = figures.contract_result(organisation, _indicator(objective, "nb_contrats"), year)
        expected = len({row["contrat_uid"] for row in lookups.notified_in(organisation.sirets, year)})
        assert result["value"] == expected


def test_the_busiest_buyer_has_contracts_counted(region, members_a):
    busiest = OrganisationFactory(name="Acheteur", slug="acheteur", sirets=[lookups.busiest_buyer()])
    objective, *_ = helpers.objective(busiest, members_a["acheteur"])
    values = [figures.contract_result(busiest, _indicator(objective, "nb_contrats"), y)["value"] for y in (2019, 2024)]
    assert max(values) > 0


def test_the_cockpit_marks_computed_results(region, members_a):
    strategy, (_local, social) = helpers.finished_strategy(region, members_a["acheteur"])
    rows = cockpit.indicator_rows(strategy)
    computed = [y for row in rows if row["indicator"] == social for y in row["years"] if y["result"].get("computed")]
    assert computed
    assert all(y["result"]["note"] != "données des contrats non importées" for y in computed)


def test_titulaires_of_the_organisation(region):
    found = figures.titulaires(region)
    assert found
    assert all(len(siren) == 9 and siren.isdigit() for siren in found)
