"""The commitment table and each commitment's page."""

import re

from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.views.generic import DetailView
from django_filters.views import FilterView

from ..filters import CommitmentFilter
from ..models import Assessment, BodyKind, Commitment, CommitmentLink, Role
from ..models.commitments import REFERENCE_PATTERN
from ..tables import CommitmentTable
from ..templatetags.reader import quote_segments
from .as_of import AsOfMixin, BadQuery
from .listing import PublicListMixin

RECORD_PER_PAGE = 50  # evidence or assessments on a commitment's page
STATE_ASSESSMENTS_SHOWN = 100


class CommitmentListView(PublicListMixin, FilterView):
    """Every commitment, filtered, sorted, paginated, downloadable, on the date."""

    template_name = "declarations/commitment_list.html"
    filterset_class = CommitmentFilter
    table_class = CommitmentTable
    export_name = "commitments"

    def get_queryset(self):
        return Commitment.objects.for_public_list(self.as_of)

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "as_of": self.as_of}


class CommitmentDetailView(AsOfMixin, DetailView):
    """One commitment: the quote in its paragraph, bodies, deadline, the record."""

    template_name = "declarations/commitment_detail.html"
    context_object_name = "commitment"
    slug_field = "reference"
    slug_url_kwarg = "reference"

    def get_queryset(self):
        return Commitment.objects.for_detail(self.as_of)

    def get_object(self, queryset=None):
        try:
            if not re.fullmatch(REFERENCE_PATTERN, self.kwargs["reference"]):
                raise Http404  # not a reference at all (PostgreSQL refuses some)
            return super().get_object(queryset)
        except Http404:
            raise Http404(
                f"There is no commitment with the reference "
                f"“{self.kwargs['reference']}”."
            ) from None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        commitment = self.object
        assessments = Assessment.objects.filter(commitment=commitment)
        timeline = self.page_of(
            assessments.overall().for_timeline(), "timeline_page", "status history"
        )
        in_force_id = (
            assessments.overall()
            .in_force_on(self.as_of)
            .values_list("pk", flat=True)
            .first()
        )
        links = list(commitment.body_links.all())
        states = [
            link.body for link in links if link.body.kind == BodyKind.MEMBER_STATE
        ]
        state_assessments = {
            a.member_state_id: a
            for a in assessments.in_force_by_member_state(self.as_of)
        }
        context.update(
            deadline=getattr(commitment, "deadline", None),
            paragraph_segments=quote_segments(
                commitment.paragraph.text, [(commitment.quote, commitment)]
            )[0],
            bodies_by_role=[
                (role, [link.body for link in links if link.role == role])
                for role in Role
                if any(link.role == role for link in links)
            ],
            timeline_page=timeline,
            timeline=timeline.object_list,
            state_timeline=assessments.filter(
                member_state__isnull=False
            ).for_timeline()[:STATE_ASSESSMENTS_SHOWN],
            chart_points=assessments.overall().only("as_of", "status", "member_state"),
            in_force_id=in_force_id,
            member_states=[(s, state_assessments.get(s.pk)) for s in states],
        )
        links = CommitmentLink.objects.views_for(commitment)
        context.update(
            links=links,
            chain=CommitmentLink.objects.chain(commitment, self.as_of, links),
        )
        evidence_page = self.page_of(
            commitment.evidence.for_timeline(), "evidence_page", "evidence"
        )
        context.update(
            evidence_page=evidence_page, evidence_list=evidence_page.object_list
        )
        context.update(self.analyst_actions(commitment.evidence.all()))
        return context

    def page_of(self, queryset, param: str, what: str):
        """One page of a long record (``?<param>=``), newest first."""
        raw = self.request.GET.get(param, "1").strip()[:20] or "1"
        if not raw.isdigit():
            raise BadQuery(f"“{param}={raw}” is not a page number.")
        try:
            page = Paginator(queryset, RECORD_PER_PAGE).page(int(raw))
        except InvalidPage:
            raise Http404(f"There is no page {raw} of this {what}.") from None
        return page

    def analyst_actions(self, evidence):
        """What the signed-in user may do here: log, assess, retract their own."""
        user = self.request.user
        can_log = user.has_perm("declarations.add_evidence")
        retractable = set()
        if can_log:
            standing = evidence.standing()
            if not user.is_superuser:
                standing = standing.filter(logged_by=user)
            retractable = set(standing.values_list("pk", flat=True))
        return {
            "can_log_evidence": can_log,
            "can_assess": user.has_perm("declarations.add_assessment"),
            "retractable_ids": retractable,
        }
