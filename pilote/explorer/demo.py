"""Demo hook: make sure the demo DECP store's generation holds its search index (imports prepare it (the demo contracts
themselves are imported by the DECP pipeline's demo, real and synthetic ones labelled as such)."""

from pilote.contracts.search import index
from pilote.decp import store


def prepare_demo() -> list[str]:
    generation = store.current_generation_dir()
    if generation is None:
        return []
    if index.is_complete(generation):
        return []
    index.ensure_built()
    loaded = index.load()
    return [f"index de l'explorateur ({loaded.size} contrats)"] if loaded else []
