"""Demo hook: build the explorer index of the demo DECP store ahead of the first search (the demo contracts
themselves are imported by the DECP pipeline's demo, real and synthetic ones labelled as such)."""

from pilote.contracts.search import index
from pilote.decp import store


def prepare_demo() -> list[str]:
    generation = store.current_generation_dir()
    if generation is None:
        return []
    cache = index._cache_dir(None, generation.name)
    if index._complete(generation) or index._complete(cache):
        return []
    loaded = index.load()
    return [f"index de l'explorateur ({loaded.size} contrats)"] if loaded else []
