from django.apps import AppConfig


class FichesConfig(AppConfig):
    name = "pilote.fiches"
    label = "fiches"

    def ready(self):
        from pilote.core.demos import register_demo
        from pilote.fiches.demo import prepare_demo

        register_demo(prepare_demo)
        from pilote.core.audit import register_verbs
        from pilote.core.permissions import ALL_ROLES
        from pilote.fiches.audit import FicheVerb
        from pilote.ui.navigation import register

        register("Fiches visa", "fiches:list", ALL_ROLES, 30)
        register_verbs(FicheVerb)
        from pilote.fiches.home import register_home_panels

        register_home_panels()
