from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "pilote.contracts"
    label = "contracts"
    verbose_name = "Données des contrats"

    def ready(self):
        from pilote.contracts.audit import ContractsVerb
        from pilote.contracts.buyers import write_buyers_file
        from pilote.contracts.db import copy_ahead
        from pilote.contracts.prepared import write_prepared_file
        from pilote.contracts.search.segments import prepare_index
        from pilote.core.audit import register_verbs
        from pilote.decp.hooks import register_preparer

        register_verbs(ContractsVerb)
        from pilote.contracts.semantics import cpv_label
        from pilote.ui.labels import register_code_labels

        register_code_labels("cpv", cpv_label)  # CPV codes and divisions read with their label on every page
        # built inside each new generation before it is published (docs/decisions/0005-pipeline.md)
        register_preparer("tables du cockpit", write_prepared_file, ahead=copy_ahead)
        register_preparer("index de recherche", prepare_index)
        register_preparer("catégories des acheteurs (pairs nationaux)", write_buyers_file)
        # after an upgrade that changed an artefact's layout, the worker (not a request) writes it once
        from pilote.contracts.upgrade import build_missing_artefacts_job
        from pilote.core.startup import register_startup

        register_startup("préparations DECP", build_missing_artefacts_job)
