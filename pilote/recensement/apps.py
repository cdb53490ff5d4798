from django.apps import AppConfig


class RecensementConfig(AppConfig):
    name = "pilote.recensement"
    label = "recensement"

    def ready(self):
        from pilote.core.demos import register_demo
        from pilote.recensement.demo import prepare_demo

        register_demo(prepare_demo)
        from pilote.core.audit import register_verbs
        from pilote.core.permissions import ALL_ROLES
        from pilote.recensement.audit import RecensementVerb
        from pilote.ui.navigation import register

        register("Recensement", "recensement:home", ALL_ROLES, 40)
        register_verbs(RecensementVerb)
        from pilote.core.retention import register_temporary_area

        register_temporary_area("recensement")  # staged census files, deleted after the retention

        from pilote.recensement.home import register_home_panels

        register_home_panels()
