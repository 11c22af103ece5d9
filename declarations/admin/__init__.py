"""The editors' tool: the codebook is edited here, the implementation record read.

Evidence and assessments are history. Analysts write them through the public pages
(services do the checks); here they are shown read-only, and a deadline change is
saved as a revision with its reason. Proposed commitments are reviewed in
``proposals``.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Prefetch
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from .. import services
from ..models import (
    Assessment,
    Body,
    Commitment,
    CommitmentBody,
    Deadline,
    DeadlineRevision,
    Declaration,
    Evidence,
    OverdueBand,
    Paragraph,
    Role,
    Status,
)
from ..page_cache import pages_changed
from .editing import CommitmentAdminForm, FreshForm, WithdrawalForm


class DerivesFromTheCodebook:
    """An admin of the codebook: what a save changes is derived again (status,
    document order, figures) and shows on the public pages at once; what a
    deletion takes away leaves the figures first.

    ``affected(obj)`` gives the commitments whose derived data the object feeds.
    """

    def affected(self, obj):
        raise NotImplementedError

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.status_derive(commitment_ids=self.affected(form.instance))
        pages_changed()

    def delete_model(self, request, obj):
        services.status_forget(commitment_ids=self.affected(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        ids = [pk for obj in queryset for pk in self.affected(obj)]
        services.status_forget(commitment_ids=ids)
        super().delete_queryset(request, queryset)


class RecentDeclarationFilter(admin.SimpleListFilter):
    """By declaration: the latest ones are offered (an organisation's record runs
    to thousands); any other is reached with ?declaration=<id>, or by searching
    for its reference prefix."""

    title = "declaration (the latest)"
    parameter_name = "declaration"
    OFFERED = 25
    field = "declaration"

    def lookups(self, request, model_admin):
        latest = Declaration.objects.order_by("-date", "title")[: self.OFFERED]
        return [(str(d.pk), f"{d.title[:60]} ({d.date:%Y})") for d in latest]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(**{self.field: int(value)})
        return queryset


class RecordDeclarationFilter(RecentDeclarationFilter):
    field = "commitment__declaration"


class CappedCountPaginator(Paginator):
    """Counts a changelist up to a ceiling: a search matching 200,000 of a million
    rows is not worth counting to the last one ("10,000 or more")."""

    CEILING = 10_000

    @cached_property
    def count(self):
        return self.object_list.order_by()[: self.CEILING].count()


class IndexedSearch:
    """Admin search that the database answers from an index at a million rows: a
    term with a digit and no space is the start of a commitment's reference;
    other terms are words of the free-text fields, which PostgreSQL matches
    through trigram indexes (migration 0006). Counts stop at 10,000."""

    reference_field = "commitment__reference"
    paginator = CappedCountPaginator
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        if " " not in term and any(c.isdigit() for c in term):
            prefix = {f"{self.reference_field}__startswith": term.upper()}
            return queryset.filter(**prefix), False
        found = models.Q()
        for field in self.search_fields:
            found |= models.Q(**{f"{field}__icontains": term})
        return queryset.filter(found), False


class ReadOnlyMixin:
    """History that must not be edited: viewable, never changed or deleted here."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ParagraphInline(admin.TabularInline):
    model = Paragraph
    extra = 0
    fields = ["number", "section", "text", "coding_note"]
    ordering = ["number"]


@admin.register(Declaration)
class DeclarationAdmin(DerivesFromTheCodebook, SimpleHistoryAdmin):
    form = FreshForm
    list_display = ["title", "place", "date", "reference_prefix", "slug", "imported_at"]
    search_fields = ["title", "place", "source", "slug"]
    date_hierarchy = "date"
    readonly_fields = ["content_hash", "source_file", "imported_at"]
    inlines = [ParagraphInline]
    actions = ["propose_commitments", "suggest_links"]

    @admin.action(
        description="Suggest links to earlier commitments with close wording",
        permissions=["change"],
    )
    def suggest_links(self, request, queryset):
        for declaration in queryset:
            result = services.links_suggest(declaration=declaration)
            url = (
                reverse("admin:declarations_commitmentlink_changelist")
                + "?state__exact=suggested&q="
                + declaration.slug
            )
            self.message_user(
                request,
                format_html(
                    "{}: {} new suggested link(s), {} close paragraph(s) with no "
                    'commitment yet. <a href="{}">Review the suggestions</a>.',
                    declaration.slug,
                    len(result.created),
                    len(result.uncoded),
                    url,
                ),
                messages.SUCCESS,
            )

    @admin.action(
        description="Propose commitments for review (a rules-first draft)",
        permissions=["change"],
    )
    def propose_commitments(self, request, queryset):
        for declaration in queryset:
            created = services.proposals_store(declaration=declaration)
            url = (
                reverse("admin:declarations_commitmentproposal_changelist")
                + f"?declaration__id__exact={declaration.pk}&status__exact=pending"
            )
            self.message_user(
                request,
                format_html(
                    '{}: {} new proposal(s). <a href="{}">Review the pending '
                    "proposals</a>.",
                    declaration.slug,
                    len(created),
                    url,
                ),
                messages.SUCCESS,
            )

    def affected(self, obj):
        return list(obj.commitments.values_list("pk", flat=True))


class CodingNoteFilter(admin.SimpleListFilter):
    """Paragraphs still to be explained: no commitment and no coding note."""

    title = "coding"
    parameter_name = "coding"

    def lookups(self, request, model_admin):
        return [
            ("unexplained", "No commitment and no note"),
            ("noted", "With a coding note"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "unexplained":
            return queryset.unexplained()
        if self.value() == "noted":
            return queryset.exclude(coding_note="")
        return queryset


@admin.register(Paragraph)
class ParagraphAdmin(DerivesFromTheCodebook, admin.ModelAdmin):
    form = FreshForm
    list_display = ["__str__", "declaration", "section", "text", "coding_note"]
    list_filter = ["declaration", CodingNoteFilter]
    list_select_related = ["declaration"]
    search_fields = ["text", "coding_note", "declaration__title"]
    fields = ["declaration", "number", "section", "text", "coding_note"]
    ordering = ["declaration", "number"]

    def affected(self, obj):
        return list(obj.commitments.values_list("pk", flat=True))


@admin.register(Body)
class BodyAdmin(DerivesFromTheCodebook, SimpleHistoryAdmin):
    form = FreshForm
    list_display = ["name", "short_name", "kind", "parent"]
    list_filter = ["kind"]
    list_select_related = ["parent"]
    search_fields = ["name", "short_name", "aliases", "slug"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}

    def affected(self, obj):
        # The bodies above count this body's commitments in their roll-ups.
        below = Body.objects.subtrees([obj.pk])[obj.pk] if obj.pk else []
        links = CommitmentBody.objects.filter(body__in=below)
        return list(links.values_list("commitment_id", flat=True).distinct())


class StatusTodayFilter(admin.SimpleListFilter):
    title = "status today"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Status.choices

    def queryset(self, request, queryset):
        if self.value() in Status.values:
            return queryset.with_status([self.value()], timezone.localdate())
        return queryset


class OverdueFilter(admin.SimpleListFilter):
    title = "overdue today"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return OverdueBand.choices

    def queryset(self, request, queryset):
        if self.value() in OverdueBand.values:
            return queryset.in_bands([self.value()], timezone.localdate())
        return queryset


class ResponsibleBodyFilter(admin.SimpleListFilter):
    title = "body"
    parameter_name = "body"

    def lookups(self, request, model_admin):
        return Body.objects.values_list("slug", "name")

    def queryset(self, request, queryset):
        if self.value():
            body = Body.objects.filter(slug=self.value()).first()
            return queryset.owned_by(body) if body else queryset.none()
        return queryset


class CommitmentBodyInline(admin.TabularInline):
    model = CommitmentBody
    extra = 1
    autocomplete_fields = ["body"]


class DeadlineForm(forms.ModelForm):
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when you change the wording, kind or window of an "
        "existing deadline: it is kept with the revision.",
    )

    class Meta:
        model = Deadline
        fields = [
            "wording",
            "kind",
            "event",
            "waits_for",
            "earliest",
            "latest",
            "precision",
            "note",
            "review_date",
        ]

    REVISED_FIELDS = {"wording", "kind", "earliest", "latest", "precision"}

    def is_revision(self) -> bool:
        return bool(
            self.instance.pk
            and self.instance._state.adding is False
            and self.REVISED_FIELDS & set(self.changed_data)
        )

    def clean(self):
        cleaned = super().clean()
        if self.is_revision() and not (cleaned.get("reason") or "").strip():
            raise ValidationError(
                {"reason": "Say why the deadline changes; the old window is kept."}
            )
        return cleaned


class DeadlineAdminForm(FreshForm, DeadlineForm):
    pass


class DeadlineInline(admin.StackedInline):
    model = Deadline
    form = DeadlineForm
    autocomplete_fields = ["waits_for"]
    can_delete = False
    min_num = 1
    max_num = 1


class EvidenceInline(ReadOnlyMixin, admin.TabularInline):
    model = Evidence
    extra = 0
    fields = [
        "event_date",
        "summary",
        "source_title",
        "source_url",
        "source_language",
        "direction",
        "confidence",
        "logged_by",
        "retracted_at",
    ]
    readonly_fields = fields
    show_change_link = True


class AssessmentInline(ReadOnlyMixin, admin.TabularInline):
    model = Assessment
    fk_name = "commitment"
    extra = 0
    fields = [
        "as_of",
        "status",
        "member_state",
        "confidence",
        "rationale",
        "recorded_by",
        "recorded_at",
        "corrects",
    ]
    readonly_fields = fields
    show_change_link = True


@admin.register(Commitment)
class CommitmentAdmin(DerivesFromTheCodebook, SimpleHistoryAdmin):
    list_display = [
        "reference",
        "title",
        "paragraph_number",
        "responsible",
        "deadline_wording",
        "deadline_window",
        "status_today",
        "theme",
    ]
    list_display_links = ["reference", "title"]
    list_filter = [
        OverdueFilter,
        StatusTodayFilter,
        RecentDeclarationFilter,
        "theme",
        "kind",
        "deadline__kind",
        ResponsibleBodyFilter,
    ]
    list_select_related = ["declaration", "paragraph", "deadline"]
    search_fields = ["reference", "title", "quote", "theme"]
    search_help_text = "A reference (or its start), or words of the title or quote."
    ordering = ["reference"]
    paginator = CappedCountPaginator
    show_full_result_count = False
    autocomplete_fields = ["declaration", "paragraph"]
    form = CommitmentAdminForm
    readonly_fields = [
        "status_today",
        "status_since",
        "former_references",
        "withdrawal",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "declaration",
                    "paragraph",
                    "reference",
                    "reference_reason",
                    "former_references",
                    "title",
                    "kind",
                    "seen_version",
                ]
            },
        ),
        ("Text", {"fields": ["quote", "theme", "notes"]}),
        (
            "Status (derived from the assessments)",
            {"fields": ["status_today", "status_since", "withdrawal"]},
        ),
    ]
    inlines = [CommitmentBodyInline, DeadlineInline, EvidenceInline, AssessmentInline]
    actions = ["withdraw_selected"]

    def has_delete_permission(self, request, obj=None):
        # A published commitment is withdrawn with a reason, never deleted.
        return False

    def save_model(self, request, obj, form, change):
        if change and form.renames():
            services.commitment_rename(
                commitment=obj,
                reference=obj.reference,
                by=request.user,
                reason=form.cleaned_data["reference_reason"],
            )
        else:
            super().save_model(request, obj, form, change)

    @admin.display(description="former references")
    def former_references(self, obj):
        aliases = list(obj.aliases.all()) if obj.pk else []
        if not aliases:
            return "—"
        return "; ".join(
            f"{a.old_reference} (until {timezone.localtime(a.changed_at):%-d %b %Y}: "
            f"{a.reason})"
            for a in aliases
        )

    @admin.display(description="withdrawn")
    def withdrawal(self, obj):
        if obj.withdrawn_at is None:
            return (
                "No. To withdraw it, select it in the list and choose "
                "“Withdraw the selected commitments”."
            )
        who = obj.withdrawn_by.get_username() if obj.withdrawn_by else "—"
        return (
            f"Withdrawn on {timezone.localtime(obj.withdrawn_at):%-d %B %Y} by "
            f"{who}: {obj.withdrawal_reason}"
        )

    @admin.action(
        description="Withdraw the selected commitments (with a reason)",
        permissions=["change"],
    )
    def withdraw_selected(self, request, queryset):
        standing = queryset.standing()
        form = WithdrawalForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            withdrawn = []
            for commitment in standing:
                try:
                    services.commitment_withdraw(
                        commitment=commitment,
                        by=request.user,
                        reason=form.cleaned_data["reason"],
                    )
                except ValidationError as error:
                    self.message_user(request, " ".join(error.messages), messages.ERROR)
                else:
                    withdrawn.append(commitment.reference)
            if withdrawn:
                self.message_user(
                    request,
                    f"Withdrawn: {', '.join(withdrawn)}. Their pages now answer "
                    "410 with the reason.",
                    messages.SUCCESS,
                )
            return None
        return TemplateResponse(
            request,
            "admin/declarations/commitment/withdraw_selected.html",
            {
                **self.admin_site.each_context(request),
                "title": "Withdraw commitments",
                "opts": self.model._meta,
                "commitments": standing,
                "form": form,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .with_status_as_of(timezone.localdate())
            .prefetch_related(
                Prefetch(
                    "body_links",
                    queryset=CommitmentBody.objects.filter(
                        role=Role.RESPONSIBLE
                    ).select_related("body"),
                    to_attr="responsible_links",
                )
            )
        )

    def affected(self, obj):
        return [obj.pk] if obj.pk else []

    def get_search_results(self, request, queryset, search_term):
        # The public search's own: full text over an index on PostgreSQL.
        return queryset.matching(search_term), False

    @admin.display(description="status today", ordering="status_on")
    def status_today(self, obj):
        return Status(getattr(obj, "status_on", Status.UNASSESSED)).label

    @admin.display(description="since")
    def status_since(self, obj):
        return getattr(obj, "status_since", None) or "—"

    @admin.display(description="¶", ordering="paragraph__number")
    def paragraph_number(self, obj):
        return obj.paragraph.number

    @admin.display(description="responsible")
    def responsible(self, obj):
        links = getattr(obj, "responsible_links", None)
        if links is None:
            links = obj.body_links.filter(role=Role.RESPONSIBLE).select_related("body")
        return ", ".join(link.body.label for link in links) or "—"

    @admin.display(description="deadline", ordering="deadline__latest")
    def deadline_wording(self, obj):
        deadline = getattr(obj, "deadline", None)
        return deadline.wording if deadline and deadline.wording else "—"

    @admin.display(description="due window")
    def deadline_window(self, obj):
        deadline = getattr(obj, "deadline", None)
        return deadline.window_display if deadline else "—"

    def save_formset(self, request, form, formset, change):
        revising = [
            f for f in formset.forms if formset.model is Deadline and f.is_revision()
        ]
        if not revising:
            return super().save_formset(request, form, formset, change)
        # A changed window is a revision: the service keeps the old one and why.
        for deadline_form in revising:
            services.deadline_revise(
                deadline=deadline_form.instance,
                revised_by=request.user,
                reason=deadline_form.cleaned_data["reason"],
                **{f: deadline_form.cleaned_data[f] for f in DeadlineForm.Meta.fields},
            )
        formset.new_objects, formset.deleted_objects = [], []
        formset.changed_objects = [(f.instance, f.changed_data) for f in revising]


class DeadlineRevisionInline(ReadOnlyMixin, admin.TabularInline):
    model = DeadlineRevision
    extra = 0
    fields = [
        "revised_at",
        "revised_by",
        "reason",
        "old_wording",
        "old_window_display",
        "new_wording",
        "new_window_display",
    ]
    readonly_fields = fields


@admin.register(Deadline)
class DeadlineAdmin(DerivesFromTheCodebook, SimpleHistoryAdmin):
    form = DeadlineAdminForm
    list_display = ["commitment", "wording", "kind", "window_display", "precision"]
    list_filter = ["kind", "precision"]
    list_select_related = ["commitment"]
    search_fields = ["commitment__reference", "wording", "event", "note"]
    autocomplete_fields = ["commitment", "waits_for"]
    inlines = [DeadlineRevisionInline]

    def get_fields(self, request, obj=None):
        fields = ["commitment", *DeadlineForm.Meta.fields, "reason", "seen_version"]
        return fields

    def affected(self, obj):
        return [obj.pk] if obj.pk else []

    def save_model(self, request, obj, form, change):
        if change and form.is_revision():
            services.deadline_revise(
                deadline=obj,
                revised_by=request.user,
                reason=form.cleaned_data["reason"],
                **{f: form.cleaned_data[f] for f in DeadlineForm.Meta.fields},
            )
        else:
            super().save_model(request, obj, form, change)


from .events import EventAdmin  # noqa: E402, F401
from .links import CommitmentLinkAdmin  # noqa: E402, F401
from .proposals import CommitmentProposalAdmin  # noqa: E402, F401
from .records import AssessmentAdmin  # noqa: E402, F401
