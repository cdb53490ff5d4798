from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "pilote.contracts"
    label = "contracts"
    verbose_name = "Données des contrats"

    def ready(self):
        from pilote.contracts.search.index import build_index
        from pilote.contracts.table import write_prepared_file
        from pilote.decp.hooks import register_preparer

        # built inside each new generation before it is published (docs/decisions/0005-pipeline.md)
        register_preparer("tables du cockpit", write_prepared_file)
        register_preparer("index de recherche", build_index)
