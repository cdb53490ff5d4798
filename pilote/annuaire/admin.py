"""Technical administration of the knowledge network: read-only, for support. Every write goes through the
app's pages and services (validation, audit trail, waiting-list promotion), never through the admin."""

from django.contrib import admin

from pilote.annuaire.models import (
    CharterVersion,
    Enrolment,
    Lesson,
    LessonDocument,
    Module,
    Person,
    ReservistRequest,
    Skill,
    TrainingSession,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "organisation", "email", "share_with_partners", "reservist_qualified_on"]
    list_filter = ["organisation", "share_with_partners", "volunteer_reservist"]
    search_fields = ["first_name", "last_name", "email"]


@admin.register(Skill)
class SkillAdmin(ReadOnlyAdmin):
    search_fields = ["name"]


@admin.register(Lesson)
class LessonAdmin(ReadOnlyAdmin):
    list_display = ["title", "organisation", "segment", "created_at"]
    list_filter = ["organisation"]
    search_fields = ["title"]


@admin.register(LessonDocument)
class LessonDocumentAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "lesson", "content_type", "size", "uploaded_at"]


@admin.register(CharterVersion)
class CharterVersionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "organisation", "author", "created_at"]
    list_filter = ["organisation"]


@admin.register(Module)
class ModuleAdmin(ReadOnlyAdmin):
    list_display = ["title", "organisation", "audience", "duration_hours", "qualifies_reservist"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "starts_at", "seats"]


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdmin):
    list_display = ["person", "session", "status", "requested_at", "attended"]
    list_filter = ["status"]


@admin.register(ReservistRequest)
class ReservistRequestAdmin(ReadOnlyAdmin):
    list_display = ["subject", "organisation", "status", "starts_on", "ends_on", "reservist"]
    list_filter = ["status"]
