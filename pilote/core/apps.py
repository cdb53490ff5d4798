from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "pilote.core"
    label = "core"
    verbose_name = "organisations et personnes"

    def ready(self):
        from pilote.core import (
            checks,  # noqa: F401  (registers the system checks)
            permissions as perms,
        )
        from pilote.core.audit import CoreVerb, register_verbs
        from pilote.ui.navigation import register

        register_verbs(CoreVerb)
        # Core's own menu entries. Every other app registers its entries in its own AppConfig.ready.
        register("Accueil", "core:organisation_home", perms.ALL_ROLES, 0)
        register("Membres", "core:members", perms.CAN_VIEW_MEMBERS, 80)
        register("Organisation", "core:organisation_detail", perms.ALL_ROLES, 90)
        register("Journal", "core:audit_log", perms.CAN_VIEW_AUDIT, 100)
        # TODO(lead): move these three into the AppConfig.ready of analytics, explorer and decp (outside this
        # branch's scope); they are names of URLs, not imports, so core does not depend on those apps.
        register("Cockpit", "analytics:cockpit", perms.ALL_ROLES, 10)
        register("Contrats", "explorer:search", perms.ALL_ROLES, 20)
        register("Données", "decp:imports", perms.SUPPORT_ROLES, 70)
