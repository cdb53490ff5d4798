from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "pilote.analytics"
    label = "analytics"

    def ready(self):
        from pilote.analytics.demo import prepare_demo
        from pilote.core.demos import register_demo

        register_demo(prepare_demo)
        from pilote.analytics.audit import AnalyticsVerb
        from pilote.analytics.warm import warm_cockpit
        from pilote.core.audit import register_verbs
        from pilote.core.permissions import ALL_ROLES
        from pilote.decp.hooks import register_after_publish
        from pilote.ui.navigation import register

        register("Cockpit", "analytics:cockpit", ALL_ROLES, 10)
        register("Méthode des chiffres", "analytics:method", ALL_ROLES, 20, area="outils")
        register_verbs(AnalyticsVerb)
        register_after_publish(warm_cockpit)
        from pilote.analytics.exports import build_job
        from pilote.core.export_jobs import register_builder

        register_builder("cockpit", build_job)  # big contract lists, built in the background

        from pilote.analytics.home import register_home_panels

        register_home_panels()
