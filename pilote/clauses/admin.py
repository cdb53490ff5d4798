"""Technical administration of the clauses app: read-only (writes go through services.py, which versions
guides and clauses; the admin would bypass their history)."""

from django.contrib import admin

from pilote.clauses.models import Clause, ClauseRevision, GuideRevision, Segment, SegmentGuide


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Segment)
class SegmentAdmin(ReadOnlyAdmin):
    list_display = ["label", "code", "organisation", "cpv_prefixes"]
    search_fields = ["label", "code"]


@admin.register(SegmentGuide)
class SegmentGuideAdmin(ReadOnlyAdmin):
    list_display = ["segment", "organisation", "version", "updated_at"]


@admin.register(Clause)
class ClauseAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "organisation", "version", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["title", "text"]


@admin.register(GuideRevision, ClauseRevision)
class RevisionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "actor", "created_at"]
