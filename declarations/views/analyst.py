"""Analysts at work: log evidence, record assessments, retract their own evidence.

Each view checks a permission of the Analysts group (editors and superusers have
them too), validates with a form, and writes through services.py, so the rules
(dates, URLs, evidence of the same commitment, stale pages) are applied once.
"""

import re

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import CharField, F, Value
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import FormView, TemplateView

from .. import services
from ..forms import AssessmentForm, EvidenceForm, RetractionForm
from ..models import Assessment, CodingRound, Commitment, Evidence
from ..models.commitments import REFERENCE_PATTERN


class CommitmentFormView(PermissionRequiredMixin, FormView):
    """A form about one commitment, found by its reference."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # Not a reference at all: PostgreSQL would refuse some (a NUL) with an error.
        if not re.fullmatch(REFERENCE_PATTERN, kwargs["reference"]):
            raise Http404("There is no commitment with this reference.")
        self.commitment = get_object_or_404(
            Commitment.objects.standing().select_related(
                "declaration", "paragraph", "deadline"
            ),
            reference=kwargs["reference"],
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "commitment": self.commitment}

    def get_context_data(self, **kwargs):
        return super().get_context_data(commitment=self.commitment, **kwargs)

    def add_service_errors(self, form, error: ValidationError):
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return self.form_invalid(form)


class EvidenceCreateView(CommitmentFormView):
    permission_required = "declarations.add_evidence"
    form_class = EvidenceForm
    template_name = "declarations/analyst/evidence_form.html"

    def form_valid(self, form):
        try:
            evidence = services.evidence_log(
                commitment=self.commitment,
                logged_by=self.request.user,
                **form.cleaned_data,
            )
        except ValidationError as error:
            return self.add_service_errors(form, error)
        messages.success(self.request, "Evidence logged.")
        return redirect(f"{self.commitment.get_absolute_url()}#evidence-{evidence.pk}")


class AssessmentCreateView(CommitmentFormView):
    permission_required = "declarations.add_assessment"
    form_class = AssessmentForm
    template_name = "declarations/analyst/assessment_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["seen_latest"] = services.latest_assessment_id(self.commitment)
        kwargs["user"] = self.request.user
        # "Correct it" links (the review queue) name the assessment to correct.
        corrects = self.request.GET.get("corrects", "")
        kwargs["corrects"] = int(corrects) if corrects.isdigit() else None
        return kwargs

    def get_context_data(self, **kwargs):
        recent = (
            self.commitment.assessments.visible_to(self.request.user)
            .select_related("recorded_by", "member_state")
            .order_by("-recorded_at", "-pk")[:5]
        )
        coding_round = CodingRound.objects.open_for(self.commitment.pk).first()
        return super().get_context_data(
            recent_assessments=recent, coding_round=coding_round, **kwargs
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            assessment = services.assessment_record(
                commitment=self.commitment,
                recorded_by=self.request.user,
                status=data["status"],
                as_of=data["as_of"],
                confidence=data["confidence"],
                rationale=data["rationale"],
                evidence=data["evidence"],
                member_state=data.get("member_state"),
                corrects=data.get("corrects"),
                superseded_by=data.get("superseded_by"),
                superseding_decision=data.get("superseding_decision", ""),
                expected_latest_id=data.get("seen_latest"),
            )
        except services.StaleAssessment as stale:
            # Show what changed, and let a resubmission through once it is seen.
            fresh = form.data.copy()
            fresh[form.add_prefix("seen_latest")] = stale.latest.pk
            form = self.get_form_class()(
                fresh,
                commitment=self.commitment,
                seen_latest=stale.latest.pk,
                user=self.request.user,
            )
            form.is_valid()
            form.add_error(None, stale)
            return self.render_to_response(
                self.get_context_data(form=form, stale=stale.latest)
            )
        except ValidationError as error:
            return self.add_service_errors(form, error)
        recorded = (
            f"{assessment.get_status_display()} as of {assessment.as_of:%-d %B %Y}"
        )
        if assessment.is_published:
            messages.success(self.request, f"Assessment recorded: {recorded}.")
        else:
            messages.success(
                self.request,
                f"Draft recorded: {recorded}. It counts once another analyst "
                "approves it in the review queue.",
            )
        return redirect(
            f"{self.commitment.get_absolute_url()}#assessment-{assessment.pk}"
        )


class EvidenceRetractView(PermissionRequiredMixin, FormView):
    """Retract one's own evidence with a reason; the entry stays, marked retracted."""

    permission_required = "declarations.add_evidence"
    form_class = RetractionForm
    template_name = "declarations/analyst/evidence_retract.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.evidence = get_object_or_404(
            Evidence.objects.select_related("commitment", "logged_by"), pk=kwargs["pk"]
        )

    def has_permission(self):
        user = self.request.user
        own = (
            self.evidence.logged_by_id is not None
            and self.evidence.logged_by_id == user.pk
        )
        return super().has_permission() and (own or user.is_superuser)

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            raise PermissionDenied(
                "Only the analyst who logged evidence can retract it."
            )
        return super().handle_no_permission()

    def get_context_data(self, **kwargs):
        return super().get_context_data(evidence=self.evidence, **kwargs)

    def form_valid(self, form):
        try:
            services.evidence_retract(
                evidence=self.evidence,
                retracted_by=self.request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, "Evidence retracted; it stays on the record.")
        return redirect(self.evidence.get_absolute_url())


class MyWorkView(LoginRequiredMixin, TemplateView):
    """An analyst's own page: what they logged and assessed, newest first."""

    template_name = "declarations/analyst/me.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        user = self.request.user
        logged = (
            Evidence.objects.filter(logged_by=user)
            .order_by()
            .annotate(kind=Value("evidence", CharField()), when=F("logged_at"))
            .values_list("kind", "pk", "when")
        )
        assessed = (
            Assessment.objects.filter(recorded_by=user)
            .order_by()
            .annotate(kind=Value("assessment", CharField()), when=F("recorded_at"))
            .values_list("kind", "pk", "when")
        )
        entries = logged.union(assessed, all=True).order_by("-when", "-pk")
        page = Paginator(entries, self.paginate_by).get_page(
            self.request.GET.get("page")
        )
        rows = list(page.object_list)
        evidence = Evidence.objects.select_related("commitment").in_bulk(
            [pk for kind_, pk, _ in rows if kind_ == "evidence"]
        )
        assessments = Assessment.objects.select_related(
            "commitment", "member_state"
        ).in_bulk([pk for kind_, pk, _ in rows if kind_ == "assessment"])
        items = [
            (kind_, evidence[pk] if kind_ == "evidence" else assessments[pk], when)
            for kind_, pk, when in rows
        ]
        return super().get_context_data(
            page_obj=page,
            items=items,
            evidence_count=Evidence.objects.filter(logged_by=user).count(),
            assessment_count=Assessment.objects.filter(recorded_by=user).count(),
            **kwargs,
        )
