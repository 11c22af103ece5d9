"""The implementation record and deadline revisions, read-only in the admin.

Analysts write evidence and assessments through the public pages; revisions
are written by the deadline service. Here they can be read, never changed.
"""

from django.contrib import admin

from ..models import Assessment, DeadlineRevision, Evidence
from . import IndexedSearch, ReadOnlyMixin, RecordDeclarationFilter


@admin.register(DeadlineRevision)
class DeadlineRevisionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "deadline",
        "revised_at",
        "revised_by",
        "old_window_display",
        "new_window_display",
        "reason",
    ]
    list_select_related = ["deadline__commitment", "revised_by"]
    search_fields = ["deadline__commitment__reference", "reason"]


@admin.register(Evidence)
class EvidenceAdmin(IndexedSearch, ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "commitment",
        "event_date",
        "summary",
        "source_title",
        "source_language",
        "direction",
        "confidence",
        "logged_by",
        "is_retracted",
    ]
    list_filter = [
        "direction",
        "confidence",
        "source_language",
        RecordDeclarationFilter,
    ]
    list_select_related = ["commitment", "logged_by"]
    search_fields = ["summary", "source_title"]
    search_help_text = (
        "A commitment's reference (or its start), or words of the summary or "
        "the source's title."
    )
    ordering = ["-logged_at", "-id"]

    @admin.display(boolean=True, description="retracted")
    def is_retracted(self, obj):
        return obj.is_retracted


@admin.register(Assessment)
class AssessmentAdmin(IndexedSearch, ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "commitment",
        "status",
        "as_of",
        "member_state",
        "confidence",
        "recorded_by",
        "recorded_at",
    ]
    list_filter = ["status", "confidence", RecordDeclarationFilter]
    list_select_related = ["commitment", "member_state", "recorded_by"]
    search_fields = ["rationale"]
    search_help_text = (
        "A commitment's reference (or its start), or words of the rationale."
    )
    ordering = ["-recorded_at", "-id"]
