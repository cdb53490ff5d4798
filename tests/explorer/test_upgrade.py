"""After an upgrade that changed an artefact's layout, the worker's start-up job writes what the current
generation lacks (never a web request), and until then a search answers a French 503 page."""

from pilote.contracts import buyers, db
from pilote.contracts.search import index as search_index
from pilote.contracts.upgrade import build_missing_artefacts_job, missing_artefacts
from pilote.core.models import Role
from pilote.core.startup import _STARTUP
from pilote.decp import store as decp_store
from tests.explorer.test_views import url


def test_the_job_is_run_at_start_up():
    assert _STARTUP["préparations DECP"] is build_missing_artefacts_job


def test_a_generation_without_its_artefacts_gets_them_once(bare_store):
    generation = decp_store.current_generation_dir(bare_store)
    assert [label for label, _ in missing_artefacts(generation)] == [
        "tables du cockpit",
        "index de recherche",
        "catégories des acheteurs",
    ]
    summary = build_missing_artefacts_job()
    assert generation.name in summary
    assert "index de recherche" in summary
    assert "tables du cockpit" in summary
    assert (generation / db.PREPARED_DB).exists()
    assert (generation / buyers.BUYERS_FILE).exists()
    assert search_index.load().size > 0
    assert missing_artefacts(generation) == []
    assert build_missing_artefacts_job() == ""  # nothing left to do


def test_an_import_running_keeps_the_job_from_writing(bare_store):
    generation = decp_store.current_generation_dir(bare_store)
    with decp_store.import_lock(bare_store):
        assert "un import est en cours" in build_missing_artefacts_job()
    assert not (generation / db.PREPARED_DB).exists()
    assert not search_index.is_complete(generation)


def test_no_data_no_work(settings):
    assert build_missing_artefacts_job() == ""


def test_a_search_before_the_index_is_built_answers_a_french_503(client, members_a, org_a, bare_store):
    client.force_login(members_a[Role.AGENT])
    response = client.get(url("search", org_a), {"q": "restauration scolaire"})
    assert response.status_code == 503
    assert "Index de recherche en préparation" in response.content.decode()
