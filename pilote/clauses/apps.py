from django.apps import AppConfig


class ClausesConfig(AppConfig):
    name = "pilote.clauses"
    label = "clauses"
