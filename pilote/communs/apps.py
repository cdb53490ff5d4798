from django.apps import AppConfig


class CommunsConfig(AppConfig):
    name = "pilote.communs"
    label = "communs"
    verbose_name = "ressource-o-thèque"

    def ready(self):
        from pilote.communs import permissions
        from pilote.communs.audit import CommunsVerb
        from pilote.communs.demo import prepare_demo
        from pilote.communs.panels import register_panels
        from pilote.core.audit import register_verbs
        from pilote.core.demos import register_demo
        from pilote.ui.navigation import register

        register_verbs(CommunsVerb)
        register_demo(prepare_demo)
        register_panels()
        register("Ressource-o-thèque", "communs:home", permissions.CAN_VIEW, 58)
