from django.apps import AppConfig


class UiConfig(AppConfig):
    name = "pilote.ui"
    label = "ui"
    verbose_name = "interface"

    def ready(self):
        from pilote.core import permissions as perms
        from pilote.core.enums import Role
        from pilote.ui.navigation import register

        # The sections of the product, in menu order. Those whose pages are not built are skipped at render.
        everyone = perms.ALL_ROLES
        register("Accueil", "core:organisation_home", everyone, 0)
        register("Cockpit", "analytics:cockpit", everyone, 10)
        register("Contrats", "explorer:search", everyone, 20)
        register("Fiches visa", "fiches:list", everyone, 30)
        register("Recensement", "recensement:home", everyone, 40)
        register("Guides", "clauses:guides", everyone, 50)
        register("Annuaire", "annuaire:home", everyone, 60)
        register("Données", "decp:imports", {Role.APPUI, Role.ADMIN}, 70)
        register("Membres", "core:members", perms.CAN_VIEW_MEMBERS, 80)
        register("Organisation", "core:organisation_detail", everyone, 90)
        register("Journal", "core:audit_log", perms.CAN_VIEW_AUDIT, 100)
