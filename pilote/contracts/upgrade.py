"""The current generation's derived artefacts, built once after an upgrade changed their layout.

Imports build every artefact inside a new generation before publishing it (decision 0005). A new version of
Pilote may change an artefact's layout (the search index's version, the prepared file's name): the generation
published by the previous version then lacks it, the explorer cannot search and the cockpit computes in memory
until the next import. This start-up job (pilote.core.startup: `manage.py serve` and each start of the task
worker) writes what is missing into the current generation — never a web request — under the import lock, so
that an import or another process doing the same waits for nothing and writes nothing twice. Each file is
written under a temporary name and renamed, so a reader sees a whole artefact or none.
"""

from pilote.contracts import buyers, db, prepared
from pilote.contracts.search import index as search_index
from pilote.decp import store
from pilote.decp.errors import ImportBusy


def missing_artefacts(generation_dir) -> list[tuple[str, object]]:
    """(label, builder) of each artefact the generation lacks, in the order the import prepares them."""
    wanted = [
        ("tables du cockpit", (generation_dir / db.PREPARED_DB).exists(), prepared.write_prepared_file),
        ("index de recherche", search_index.is_complete(generation_dir), search_index.build_index),
        ("catégories des acheteurs", (generation_dir / buyers.BUYERS_FILE).exists(), buyers.write_buyers_file),
    ]
    return [(label, builder) for label, present, builder in wanted if not present]


def build_missing_artefacts_job() -> str:
    """Start-up job: a French summary of what was built ("" when nothing was missing)."""
    if store.current_generation_dir() is None or not missing_artefacts(store.current_generation_dir()):
        return ""
    try:
        with store.import_lock():
            generation_dir = store.current_generation_dir()  # an import may have published meanwhile
            built = []
            for label, builder in missing_artefacts(generation_dir):
                builder(generation_dir)
                built.append(label)
    except ImportBusy:
        return "un import est en cours : ses préparations écriront les fichiers manquants"
    db.database.reset()  # this process reopens the generation with its new prepared file
    return f"génération {generation_dir.name} : {', '.join(built)} construit(s) après mise à jour" if built else ""
