from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "pilote.core"
    label = "core"
    verbose_name = "organisations et personnes"

    def ready(self):
        from pilote.core.demo import prepare_demo
        from pilote.core.demos import register_demo

        register_demo(prepare_demo)
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
        from pilote.core.retention import register_temporary_area

        register_temporary_area("exports")  # background exports (pilote.core.export_jobs), deleted after retention
        from pilote.core.retention import purge_job
        from pilote.core.startup import register_daily

        register_daily("fichiers temporaires", purge_job)  # run by `manage.py worker` daily: no cron needed

        register("Aide", "core:help", perms.ALL_ROLES, 10, area="outils")
