from django.apps import AppConfig


class ExplorerConfig(AppConfig):
    name = "pilote.explorer"
    label = "explorer"

    def ready(self):
        from pilote.core.demos import register_demo
        from pilote.explorer.demo import prepare_demo

        register_demo(prepare_demo)
        from pilote.core.permissions import ALL_ROLES
        from pilote.ui.navigation import register

        register("Contrats", "explorer:search", ALL_ROLES, 20)
        from pilote.core.export_jobs import register_builder
        from pilote.explorer.exports import build_job

        register_builder("explorer", build_job)  # big search exports, built in the background

        from pilote.explorer.home import register_search_sources

        register_search_sources()
        from pilote.core.retention import register_temporary_area

        register_temporary_area("explorer")  # staged SIRENE and inclusion uploads (pilote.explorer.tasks)
