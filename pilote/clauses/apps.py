from django.apps import AppConfig


class ClausesConfig(AppConfig):
    name = "pilote.clauses"
    label = "clauses"

    def ready(self):
        from pilote.clauses.queries import segments_for
        from pilote.contracts.filters import register_segment_source

        register_segment_source(segments_for)
