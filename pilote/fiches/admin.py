"""Technical administration of the fiches app: read-only (every write goes through services.py, which keeps
the workflow's guards and the event trail)."""

from django.contrib import admin

from pilote.clauses.admin import ReadOnlyAdmin
from pilote.fiches.models import Evaluation, Fiche, FicheAttachment, FicheComment, FicheEvent


@admin.register(Fiche)
class FicheAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "organisation", "status", "service_demandeur", "montant_estime", "review_deadline"]
    list_filter = ["status", "organisation"]
    search_fields = ["objet", "service_demandeur"]


@admin.register(FicheEvent)
class FicheEventAdmin(ReadOnlyAdmin):
    list_display = ["fiche", "verb", "from_status", "to_status", "actor", "created_at"]
    list_filter = ["verb"]


@admin.register(FicheComment, FicheAttachment)
class FicheChildAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "fiche", "created_at"]


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ["objet", "organisation", "fructueux", "offres_recues", "created_at"]
