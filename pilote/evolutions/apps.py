from django.apps import AppConfig


class EvolutionsConfig(AppConfig):
    name = "pilote.evolutions"
    label = "evolutions"
    verbose_name = "évolutions des contrats"

    def ready(self):
        from pilote.core.audit import register_verbs
        from pilote.core.demos import register_demo
        from pilote.evolutions import permissions
        from pilote.evolutions.audit import EvolutionsVerb
        from pilote.evolutions.demo import prepare_demo
        from pilote.ui.navigation import register

        register_verbs(EvolutionsVerb)
        register_demo(prepare_demo)
        register("Évolutions", "evolutions:home", permissions.CAN_VIEW, 56)
        from pilote.evolutions.panels import register_panels

        register_panels()
