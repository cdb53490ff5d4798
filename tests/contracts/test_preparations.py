"""The read layer's derived artefacts (cockpit file, search index) are preparations of their generation: built
inside it before it is published; when one fails, the previous generation, with its own artefacts, stays served."""

import pytest

from pilote.contracts import db, figures
from pilote.contracts.filters import Filters
from pilote.contracts.search import index
from pilote.decp import hooks, store
from pilote.decp.demo import DATA_DIR
from pilote.decp.errors import ImportFailed
from pilote.decp.importer import run_import


@pytest.mark.django_db
def test_a_failed_search_index_leaves_the_previous_generation_served(settings, monkeypatch):
    data_dir = settings.PILOTE_DATA_DIR
    run_import([str(DATA_DIR / "e-marchespublics.json.gz")], data_dir=data_dir)
    first = store.current_generation_dir(data_dir)
    assert index.is_complete(first)
    assert (first / db.PREPARED_DB).exists()
    db.database.reset()
    before = figures.overview(Filters())["values"]["nb_contrats"].valeur

    def full_disk(generation_dir):
        raise OSError("plus de place sur le disque")

    monkeypatch.setitem(hooks._PREPARERS, "index de recherche", full_disk)
    with pytest.raises(ImportFailed, match="La préparation « index de recherche » a échoué : plus de place"):
        run_import([str(DATA_DIR / "data.gouv.fr_pes.json.gz")], data_dir=data_dir)
    assert store.current_generation_dir(data_dir) == first
    assert [p.name for p in (first.parent).iterdir()] == [first.name]  # nothing half-written left
    db.database.reset()
    index._LOADED.clear()
    assert figures.overview(Filters())["values"]["nb_contrats"].valeur == before
    assert index.load().size == before
