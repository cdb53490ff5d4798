from django.apps import AppConfig


class StrategieConfig(AppConfig):
    name = "pilote.strategie"
    label = "strategie"
    verbose_name = "stratégie"

    def ready(self):
        from pilote.core.audit import register_verbs
        from pilote.core.demos import register_demo
        from pilote.strategie import permissions
        from pilote.strategie.audit import StrategieVerb
        from pilote.strategie.demo import prepare_demo
        from pilote.ui.navigation import register

        register_verbs(StrategieVerb)
        register_demo(prepare_demo)
        register("Stratégie", "strategie:home", permissions.CAN_VIEW, 55)
