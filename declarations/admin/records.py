"""The implementation record, source checks and deadline revisions, read-only
in the admin.

Analysts write evidence and assessments through the public pages; revisions
are written by the deadline service, source checks by `manage.py check_sources`.
Here they can be read, never changed.
"""

from django.contrib import admin

from ..models import Assessment, CodingRound, DeadlineRevision, Evidence, SourceCheck
from . import (
    CappedCountPaginator,
    IndexedSearch,
    ReadOnlyMixin,
    RecordDeclarationFilter,
)


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


class SourceCheckInline(ReadOnlyMixin, admin.TabularInline):
    """What the source answered each time ``check_sources`` visited it."""

    model = SourceCheck
    extra = 0
    fields = ["checked_at", "url", "reachable", "status_code", "final_url", "error"]
    readonly_fields = fields
    ordering = ["-checked_at", "-id"]


@admin.register(SourceCheck)
class SourceCheckAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "checked_at",
        "evidence_commitment",
        "url",
        "reachable",
        "status_code",
        "error",
    ]
    list_filter = ["reachable"]
    list_select_related = ["evidence__commitment"]
    search_fields = ["url", "final_url", "evidence__commitment__reference"]
    search_help_text = "Words of the URL, or a commitment's reference."
    ordering = ["-checked_at", "-id"]
    # One row per entry and run: the history outgrows an exact count.
    paginator = CappedCountPaginator
    show_full_result_count = False

    @admin.display(description="commitment", ordering="evidence__commitment")
    def evidence_commitment(self, obj):
        return obj.evidence.commitment


@admin.register(Evidence)
class EvidenceAdmin(IndexedSearch, ReadOnlyMixin, admin.ModelAdmin):
    inlines = [SourceCheckInline]
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

    def get_queryset(self, request):
        # A blind coding is its coder's alone until both are in, here as well.
        return super().get_queryset(request).visible_to(request.user)


@admin.register(CodingRound)
class CodingRoundAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Rounds are opened, settled and closed at /review/coding/; read here."""

    list_display = [
        "commitment",
        "opened_at",
        "opened_by",
        "coder_a",
        "coder_b",
        "both_in_at",
        "closed_at",
        "closed_by",
        "settled_with",
    ]
    list_filter = [("closed_at", admin.EmptyFieldListFilter)]
    list_select_related = [
        "commitment",
        "opened_by",
        "coder_a",
        "coder_b",
        "closed_by",
        "settled_with",
    ]
    search_fields = ["commitment__reference"]
    ordering = ["-opened_at", "-id"]
