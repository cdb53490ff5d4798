from django.apps import AppConfig


class TerritoireConfig(AppConfig):
    name = "pilote.territoire"
    label = "territoire"
    verbose_name = "territoire"

    def ready(self):
        from pilote.core.audit import register_verbs
        from pilote.core.demos import register_demo
        from pilote.strategie.links import LinkKind, register_link_kind
        from pilote.territoire import permissions, strategy_links
        from pilote.territoire.audit import TerritoireVerb
        from pilote.territoire.demo import prepare_demo
        from pilote.territoire.services import resolve_scheme
        from pilote.ui.navigation import register

        register_verbs(TerritoireVerb)
        register_demo(prepare_demo)
        register_link_kind(LinkKind("dispositif", "Dispositif de soutien du territoire", resolve_scheme))
        register("Territoire", "territoire:home", permissions.CAN_VIEW, 57)
        strategy_links.register()
