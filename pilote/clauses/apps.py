from django.apps import AppConfig


class ClausesConfig(AppConfig):
    name = "pilote.clauses"
    label = "clauses"

    def ready(self):
        from pilote.clauses.demo import prepare_demo
        from pilote.core.demos import register_demo

        register_demo(prepare_demo)
        from pilote.clauses.audit import ClausesVerb
        from pilote.clauses.queries import segments_for
        from pilote.contracts.filters import register_segment_source
        from pilote.core.audit import register_verbs
        from pilote.core.permissions import ALL_ROLES
        from pilote.ui.navigation import register

        register("Guides", "clauses:guides", ALL_ROLES, 50)
        register_verbs(ClausesVerb)
        register_segment_source(segments_for)
