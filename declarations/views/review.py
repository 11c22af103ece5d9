"""The analysts' review queue: drafts to approve or return, one's own drafts and
returned assessments, and published assessments resting on retracted evidence.

Reviewing writes through ``services.assessment_review``, which holds the rules
(never one's own, once only, a return says why, an approval rests on evidence).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.views.generic import FormView, TemplateView

from .. import services
from ..models import Assessment, Evidence, Review
from ..text import refuse_control_characters

REVIEW_PERMISSION = "declarations.review_assessment"
# The most rows each section of the queue lists (with its full count above it).
SECTION_ROWS = 100


class ReviewQueueView(PermissionRequiredMixin, TemplateView):
    permission_required = REVIEW_PERMISSION
    template_name = "declarations/analyst/review_queue.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        assessments = Assessment.objects.select_related(
            "commitment", "recorded_by", "reviewed_by", "member_state"
        )
        to_review = Assessment.objects.awaiting_review(user)
        mine = assessments.filter(
            recorded_by=user, review=Review.DRAFT, commitment__withdrawn_at__isnull=True
        ).order_by("recorded_at", "pk")
        # Returned to me, until I record a newer assessment of the commitment.
        redone = Assessment.objects.filter(
            commitment=OuterRef("commitment"),
            recorded_by=user,
            recorded_at__gt=OuterRef("reviewed_at"),
        )
        returned = (
            assessments.filter(recorded_by=user, review=Review.RETURNED)
            .annotate(redone=Exists(redone))
            .filter(redone=False)
            .order_by("-reviewed_at", "-pk")
        )
        retracted = (
            Assessment.objects.resting_on_retracted_evidence()
            .effective()
            .filter(commitment__withdrawn_at__isnull=True)
            .select_related("commitment", "recorded_by", "member_state")
            .prefetch_related("evidence")
            .order_by(F("published_at").desc(nulls_last=True), "-pk")
        )
        sections = [
            (
                "to-review",
                "Drafts awaiting your review",
                "Another analyst recorded these; approve them or return them with "
                "a comment. Oldest first.",
                to_review,
            ),
            (
                "mine",
                "Your drafts, awaiting another analyst",
                "They count once someone else approves them.",
                mine,
            ),
            (
                "returned",
                "Returned to you",
                "Read the reviewer's comment and record a new assessment; this list "
                "clears as you do.",
                returned,
            ),
            (
                "retracted",
                "Published assessments resting on retracted evidence",
                "They still count, marked in public, until someone records a "
                "correction that stands on evidence.",
                retracted,
            ),
        ]
        return super().get_context_data(
            sections=[
                (key, title, help_text, queryset.count(), queryset[:SECTION_ROWS])
                for key, title, help_text, queryset in sections
            ],
            section_rows=SECTION_ROWS,
            **kwargs,
        )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("return", "Return")],
        widget=forms.HiddenInput,
    )
    comment = forms.CharField(
        required=False,
        max_length=2000,
        validators=[refuse_control_characters],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required to return it: its author reads it. Shown with the "
        "assessment.",
    )


class ReviewAssessmentView(PermissionRequiredMixin, FormView):
    """One draft in full (the commitment, the evidence it cites), to approve or
    return."""

    permission_required = REVIEW_PERMISSION
    form_class = ReviewForm
    template_name = "declarations/analyst/review_assessment.html"

    @cached_property
    def assessment(self):
        # Read once the permission is checked (PermissionRequiredMixin.dispatch),
        # and never another coder's blind coding (visible_to keeps it out).
        return get_object_or_404(
            Assessment.objects.visible_to(self.request.user)
            .select_related(
                "commitment__declaration",
                "commitment__paragraph",
                "recorded_by",
                "reviewed_by",
                "member_state",
                "corrects",
                "superseded_by",
            )
            .prefetch_related(
                Prefetch(
                    "evidence",
                    Evidence.objects.select_related("logged_by", "retracted_by"),
                )
            ),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        assessment = self.assessment
        return super().get_context_data(
            assessment=assessment,
            commitment=assessment.commitment,
            own=assessment.recorded_by_id == self.request.user.pk,
            **kwargs,
        )

    def form_valid(self, form):
        approve = form.cleaned_data["decision"] == "approve"
        try:
            assessment = services.assessment_review(
                assessment=self.assessment,
                reviewer=self.request.user,
                approve=approve,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
            return self.form_invalid(form)
        commitment = assessment.commitment
        if approve:
            messages.success(
                self.request,
                f"Approved: {assessment.get_status_display()} for "
                f"{commitment.reference} is published and counts from now.",
            )
        else:
            messages.success(
                self.request,
                f"Returned to {assessment.recorded_by or 'its author'} with your "
                "comment.",
            )
        return redirect("declarations:review")
