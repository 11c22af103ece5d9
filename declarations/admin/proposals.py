"""Reviewing proposed commitments: accept (after editing, if need be) or reject.

Editors open a pending proposal, correct its title, quote, theme, kind, bodies
or deadline, and press "Save and accept" (the service creates the commitment,
its bodies and deadline) or "Save and reject" with a reason. A decided proposal
is shown read-only. Nothing here writes to the codebook but the service.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from .. import services
from ..models import CommitmentProposal, ProposedBody, Role

EDITABLE = [
    "title",
    "quote",
    "theme",
    "kind",
    "deadline_wording",
    "deadline_kind",
    "deadline_event",
    "deadline_earliest",
    "deadline_latest",
    "deadline_precision",
    "deadline_note",
    "reason",
]


def _errors(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(
            f"{field}: {' '.join(texts)}" if field != "__all__" else " ".join(texts)
            for field, texts in error.message_dict.items()
        )
    return " ".join(error.messages)


class ProposedBodyInline(admin.TabularInline):
    model = ProposedBody
    extra = 0
    fields = ["name", "body", "role"]
    autocomplete_fields = ["body"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.is_pending:
            return False
        return super().has_change_permission(request, obj)

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


class ProposalForm(forms.ModelForm):
    reference = forms.CharField(
        required=False,
        max_length=40,
        help_text="Used when you accept. Leave empty for the next free reference "
        "in the declaration's scheme (PREFIX-05, then PREFIX-05b, ...).",
    )

    class Meta:
        model = CommitmentProposal
        fields = EDITABLE


@admin.register(CommitmentProposal)
class CommitmentProposalAdmin(admin.ModelAdmin):
    form = ProposalForm
    change_form_template = "admin/declarations/commitmentproposal/change_form.html"
    list_display = [
        "paragraph_number",
        "title",
        "kind",
        "responsible",
        "deadline_wording",
        "status",
        "decided_by",
        "accepted_as",
    ]
    list_display_links = ["title"]
    list_filter = ["status", "declaration", "kind", "deadline_kind"]
    list_select_related = ["paragraph", "declaration", "decided_by", "commitment"]
    search_fields = ["title", "quote", "note", "declaration__slug"]
    actions = ["accept_selected", "reject_selected"]
    inlines = [ProposedBodyInline]
    readonly_fields = [
        "declaration",
        "paragraph_text",
        "note",
        "proposed_at",
        "status",
        "decided_by",
        "decided_at",
        "accepted_as",
    ]
    fieldsets = [
        (None, {"fields": ["declaration", "paragraph_text", "note", "proposed_at"]}),
        (
            "The commitment it proposes",
            {"fields": ["title", "quote", "theme", "kind", "reference"]},
        ),
        (
            "Deadline (as the deadline reader read it)",
            {
                "fields": [
                    "deadline_wording",
                    "deadline_kind",
                    "deadline_event",
                    "deadline_earliest",
                    "deadline_latest",
                    "deadline_precision",
                    "deadline_note",
                ]
            },
        ),
        (
            "Decision",
            {"fields": ["status", "reason", "decided_by", "decided_at", "accepted_as"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("bodies")

    def has_add_permission(self, request):
        return False  # proposals come from the proposer

    def has_delete_permission(self, request, obj=None):
        return False  # decided or not, the record stays

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.is_pending:
            return False
        return super().has_change_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not obj.is_pending:
            return [
                (name, {"fields": [f for f in opts["fields"] if f != "reference"]})
                for name, opts in self.fieldsets
            ]
        return self.fieldsets

    @admin.display(description="¶", ordering="paragraph__number")
    def paragraph_number(self, obj):
        return obj.paragraph.number

    @admin.display(description="paragraph")
    def paragraph_text(self, obj):
        return f"¶{obj.paragraph.number}: {obj.paragraph.text}"

    @admin.display(description="responsible / addressee")
    def responsible(self, obj):
        names = [b.name for b in obj.bodies.all() if b.role != Role.SUPPORTING]
        if len(names) > 3:
            return f"{', '.join(names[:2])} and {len(names) - 2} more"
        return ", ".join(names) or "—"

    @admin.display(description="accepted as")
    def accepted_as(self, obj):
        if obj.commitment is None:
            return "—"
        url = reverse("admin:declarations_commitment_change", args=[obj.commitment.pk])
        return format_html('<a href="{}">{}</a>', url, obj.commitment.reference)

    # --- accepting and rejecting from the change form --------------------------

    def response_change(self, request, obj):
        if "_accept" in request.POST:
            return self._accept(request, obj, request.POST.get("reference", ""))
        if "_reject" in request.POST:
            return self._reject(request, obj, obj.reason)
        return super().response_change(request, obj)

    def _back(self, obj):
        return redirect(
            reverse("admin:declarations_commitmentproposal_change", args=[obj.pk])
        )

    def _next(self, obj):
        return redirect(
            reverse("admin:declarations_commitmentproposal_changelist")
            + f"?declaration__id__exact={obj.declaration_id}&status__exact=pending"
        )

    def _accept(self, request, obj, reference):
        try:
            commitment = services.proposal_accept(
                proposal=obj, accepted_by=request.user, reference=reference
            )
        except ValidationError as error:
            self.message_user(
                request, f"Not accepted: {_errors(error)}", messages.ERROR
            )
            return self._back(obj)
        url = reverse("admin:declarations_commitment_change", args=[commitment.pk])
        self.message_user(
            request,
            format_html(
                'Accepted as <a href="{}">{}</a>: it is in the public codebook now.',
                url,
                commitment.reference,
            ),
            messages.SUCCESS,
        )
        return self._next(obj)

    def _reject(self, request, obj, reason):
        try:
            services.proposal_reject(
                proposal=obj, rejected_by=request.user, reason=reason
            )
        except ValidationError as error:
            self.message_user(
                request, f"Not rejected: {_errors(error)}", messages.ERROR
            )
            return self._back(obj)
        self.message_user(request, "Rejected; the reason is kept.", messages.SUCCESS)
        return self._next(obj)

    # --- actions on the list ------------------------------------------------------

    @admin.action(description="Accept the selected proposals as they are")
    def accept_selected(self, request, queryset):
        accepted, refused = [], []
        for proposal in queryset.pending().in_document_order():
            try:
                commitment = services.proposal_accept(
                    proposal=proposal, accepted_by=request.user
                )
            except ValidationError as error:
                refused.append(
                    f"¶{proposal.paragraph.number} “{proposal.title}”: {_errors(error)}"
                )
            else:
                accepted.append(commitment.reference)
        if accepted:
            self.message_user(
                request, f"Accepted as {', '.join(accepted)}.", messages.SUCCESS
            )
        for line in refused:
            self.message_user(request, f"Not accepted: {line}", messages.ERROR)

    @admin.action(description="Reject the selected proposals (with a reason)")
    def reject_selected(self, request, queryset):
        pending = queryset.pending()
        reason = request.POST.get("reason", "").strip()
        if "apply" in request.POST:
            if reason:
                for proposal in pending:
                    services.proposal_reject(
                        proposal=proposal, rejected_by=request.user, reason=reason
                    )
                self.message_user(
                    request,
                    f"Rejected {len(pending)} proposal(s); the reason is kept.",
                    messages.SUCCESS,
                )
                return None
            self.message_user(request, "Give the reason.", messages.ERROR)
        return TemplateResponse(
            request,
            "admin/declarations/commitmentproposal/reject_selected.html",
            {
                **self.admin_site.each_context(request),
                "title": "Reject proposals",
                "opts": self.model._meta,
                "proposals": pending.select_related("paragraph"),
                "reason": reason,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )
