"""Blind double coding at /review/coding/: the rounds an analyst codes, the rounds
a reviewer may settle, and the editors' opening and closing of rounds.

Every write goes through services.coding, which checks the rules (permissions,
who may settle, one coding each) in one place; the views check permissions first
so that a coder never reaches a page showing the other coder's work.
"""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from .. import services
from ..forms import (
    AssessmentForm,
    CodingRoundCloseForm,
    CodingRoundOpenForm,
    SettleChooseForm,
)
from ..models import CodingRound
from ..services.coding import CLOSE_PERMISSION, OPEN_PERMISSION, coders_named
from ..services.records import REVIEW_PERMISSION

OPEN_ROUNDS_SHOWN = 200  # the editors' list of open rounds


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's refusal on the form: on its field where the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class CodingRoundsView(PermissionRequiredMixin, TemplateView):
    """The rounds the analyst codes (whether their coding is in) and, for
    reviewers, the rounds ready to settle; for editors, the form that opens one."""

    permission_required = "declarations.add_assessment"
    template_name = "declarations/analyst/coding_rounds.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = super().get_context_data(**kwargs)
        context["my_rounds"] = CodingRound.objects.for_coder(user)
        if user.has_perm(REVIEW_PERMISSION):
            context["to_settle"] = CodingRound.objects.ready_to_settle(user)
        if user.has_perm(OPEN_PERMISSION):
            context.setdefault("open_form", CodingRoundOpenForm())
            context["open_rounds"] = (
                CodingRound.objects.open()
                .with_codings(user)
                .select_related("commitment", "coder_a", "coder_b", "opened_by")
                .order_by("opened_at", "pk")[:OPEN_ROUNDS_SHOWN]
            )
        context["can_close"] = user.has_perm(CLOSE_PERMISSION)
        return context


class CodingRoundOpenView(PermissionRequiredMixin, FormView):
    """An editor opens a commitment to blind double coding."""

    permission_required = OPEN_PERMISSION
    form_class = CodingRoundOpenForm
    template_name = "declarations/analyst/coding_round_open.html"
    http_method_names = ["get", "post"]

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            coders = coders_named(data["coders"]) if data["coders"] else []
            coding_round = services.coding_round_open(
                commitment=data["reference"],
                opened_by=self.request.user,
                coders=coders,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        who = (
            "any two analysts"
            if coding_round.coder_a is None
            else f"{coding_round.coder_a.get_username()} and "
            f"{coding_round.coder_b.get_username()}"
        )
        messages.success(
            self.request,
            f"{coding_round.commitment.reference} is open to blind double coding "
            f"by {who}.",
        )
        return redirect("declarations:coding-rounds")


class RoundMixin:
    """A view of one open round, found by its id."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.coding_round = get_object_or_404(
            CodingRound.objects.select_related(
                "commitment__declaration", "commitment__paragraph", "closed_by"
            ),
            pk=kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            coding_round=self.coding_round,
            commitment=self.coding_round.commitment,
            **kwargs,
        )


class CodingRoundSettleView(RoundMixin, PermissionRequiredMixin, TemplateView):
    """Both codings side by side, for a reviewer who coded neither: publish one,
    or record the settled assessment."""

    permission_required = REVIEW_PERMISSION
    template_name = "declarations/analyst/coding_round_settle.html"
    http_method_names = ["get", "post"]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated or not self.has_permission():
            return self.handle_no_permission()
        ready = CodingRound.objects.ready_to_settle(request.user)
        found = ready.filter(pk=self.coding_round.pk).first()
        if found is None:
            self.refuse()
        self.coding_round = found
        return super().dispatch(request, *args, **kwargs)

    def refuse(self):
        """Why this round cannot be settled by this user (a coder is refused
        before anything of the round is shown)."""
        coding_round, user = self.coding_round, self.request.user
        coders = coding_round.named_coder_ids | set(
            coding_round.assessments.values_list("recorded_by", flat=True)
        )
        if user.pk in coders:
            raise PermissionDenied(
                "You are a coder in this round: an analyst who coded neither "
                "assessment settles it."
            )
        if not coding_round.is_open:
            raise Http404("This round is already settled or closed.")
        raise Http404("This round is not ready to settle: a coding is not in yet.")

    def choose_form(self, data=None):
        return SettleChooseForm(data, coding_round=self.coding_round, prefix="choose")

    def record_form(self, data=None):
        form = AssessmentForm(
            data,
            commitment=self.coding_round.commitment,
            user=self.request.user,
            prefix="record",
        )
        # The settled assessment is of the commitment as a whole, and new.
        for name in ("member_state", "corrects", "seen_latest"):
            form.fields.pop(name, None)
        return form

    def get_context_data(self, **kwargs):
        kwargs.setdefault("choose_form", self.choose_form())
        kwargs.setdefault("record_form", self.record_form())
        return super().get_context_data(
            codings=list(self.coding_round.assessments.all()), **kwargs
        )

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        if action == "choose":
            form = self.choose_form(request.POST)
            key = "choose_form"
        elif action == "record":
            form = self.record_form(request.POST)
            key = "record_form"
        else:
            return self.render_to_response(
                self.get_context_data(action_error="Choose one of the two actions."),
                status=400,
            )
        if form.is_valid():
            try:
                self.settle(action, form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    f"Double coding of {self.coding_round.commitment.reference} "
                    "settled; the other coding is kept, set aside.",
                )
                return redirect("declarations:coding-rounds")
        return self.render_to_response(self.get_context_data(**{key: form}))

    def settle(self, action: str, data: dict) -> None:
        if action == "choose":
            services.coding_round_settle(
                coding_round=self.coding_round,
                reviewer=self.request.user,
                choose=data["choose"],
                comment=data["comment"],
            )
            return
        record = {
            name: data[name]
            for name in ("status", "as_of", "confidence", "rationale", "evidence")
        }
        record["superseded_by"] = data.get("superseded_by")
        services.coding_round_settle(
            coding_round=self.coding_round, reviewer=self.request.user, record=record
        )


class CodingRoundCloseView(RoundMixin, PermissionRequiredMixin, FormView):
    """An editor closes an open round unsettled; its codings are set aside."""

    permission_required = CLOSE_PERMISSION
    form_class = CodingRoundCloseForm
    template_name = "declarations/analyst/coding_round_close.html"
    http_method_names = ["get", "post"]

    def form_valid(self, form):
        try:
            services.coding_round_close(
                coding_round=self.coding_round,
                closed_by=self.request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"Double coding of {self.coding_round.commitment.reference} closed "
            "unsettled; its codings are kept, set aside.",
        )
        return redirect(reverse("declarations:coding-rounds"))
