"""The demo on a fresh clone: `manage.py decp demo` (the real files and the synthetic contracts), then the demo
content of core and of the strategy app."""

import pytest
from django.core.management import call_command

from pilote.core.demo import prepare_demo as prepare_core
from pilote.strategie import cockpit, demo
from pilote.strategie.models import Jury, ModellerSession, Strategy


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory, django_db_blocker):
    data_dir = tmp_path_factory.mktemp("demo") / "data"
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        from django.conf import settings

        patch.setattr(settings, "PILOTE_DATA_DIR", data_dir)
        call_command("decp", "demo", "--json")
    return data_dir


@pytest.fixture
def demo_content(db, demo_data, settings):
    settings.PILOTE_DATA_DIR = demo_data
    prepare_core()
    return demo.prepare_demo()


def test_demo_holds_a_finished_session_with_three_scenarios_and_a_revised_strategy(demo_content):
    assert demo_content
    session = ModellerSession.objects.get(organisation__slug="region-normandie")
    assert not session.is_open
    assert session.scenarios.count() == 3
    assert session.chosen_scenario.title == "Mixte filières"
    strategy = Strategy.objects.get(source_scenario=session.chosen_scenario)
    assert strategy.is_public
    assert strategy.versions.count() == 2
    jury = Jury.objects.get(strategy=strategy)
    assert jury.members.count() == 6
    assert jury.opinions.get().version.number == 2
    assert demo.prepare_demo() == []  # idempotent


def test_demo_cockpit_shows_a_result_computed_from_the_contracts(demo_content):
    strategy = Strategy.objects.get(organisation__slug="region-normandie")
    rows = cockpit.indicator_rows(strategy)
    computed = [y for row in rows for y in row["years"] if y["result"].get("computed")]
    assert any(y["result"]["value"] is not None and y["result"]["base"] > 0 for y in computed)
