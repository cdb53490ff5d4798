from django.apps import AppConfig


class ExplorerConfig(AppConfig):
    name = "pilote.explorer"
    label = "explorer"

    def ready(self):
        from pilote.decp.hooks import register_after_import

        register_after_import(build_search_index)


def build_search_index():
    """Build the search index of the generation just imported (instead of on the first search)."""
    from pilote.contracts.search import index

    index.ensure_built()
