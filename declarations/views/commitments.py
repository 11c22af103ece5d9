"""The commitment table and each commitment's page."""

import functools
import re

from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse
from django.views.generic import DetailView
from django_filters.views import FilterView

from ..filters import CommitmentFilter
from ..models import (
    Assessment,
    BodyKind,
    Commitment,
    CommitmentLink,
    ReferenceAlias,
    Role,
)
from ..models.commitments import REFERENCE_PATTERN
from ..tables import CommitmentTable
from ..templatetags.reader import quote_segments
from .as_of import AsOfMixin, BadQuery
from .listing import PublicListMixin

RECORD_PER_PAGE = 50  # evidence or assessments on a commitment's page
STATE_ASSESSMENTS_SHOWN = 100


def _moved(request, reference: str):
    """A 301 to the same URL under the commitment's current reference, if
    ``reference`` is one it was published under before."""
    if not re.fullmatch(REFERENCE_PATTERN, reference):
        return None
    current = (
        ReferenceAlias.objects.filter(old_reference=reference)
        .values_list("commitment__reference", flat=True)
        .first()
    )
    if current is None:
        return None
    match = request.resolver_match
    url = reverse(match.view_name, kwargs={**match.kwargs, "reference": current})
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)


def follows_former_references(view):
    """Decorate a view of /commitments/<reference>/...: where no commitment has
    the reference but one was published under it, answer 301 to its current
    URL. Costs a query only on the way to a 404."""

    @functools.wraps(view)
    def wrapped(request, *args, reference, **kwargs):
        try:
            response = view(request, *args, reference=reference, **kwargs)
        except Http404:
            if moved := _moved(request, reference):
                return moved
            raise
        if response.status_code == 404 and (moved := _moved(request, reference)):
            return moved
        return response

    return wrapped


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

    def render_to_response(self, context, **response_kwargs):
        if self.object.is_withdrawn:
            # Gone: the page says when and why, and keeps the record.
            response_kwargs.setdefault("status", 410)
        return super().render_to_response(context, **response_kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        commitment = self.object
        assessments = Assessment.objects.filter(commitment=commitment)
        # Drafts and returned assessments only for those who review them; every
        # figure (status in force, chart, member states) from published ones.
        visible = assessments.visible_to(self.request.user)
        timeline = self.page_of(
            visible.overall().for_timeline(), "timeline_page", "status history"
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
            state_timeline=visible.filter(member_state__isnull=False).for_timeline()[
                :STATE_ASSESSMENTS_SHOWN
            ],
            chart_points=assessments.published()
            .overall()
            .only("as_of", "status", "member_state"),
            in_force_id=in_force_id,
            member_states=[(s, state_assessments.get(s.pk)) for s in states],
        )
        links = CommitmentLink.objects.views_for(commitment)
        context.update(
            links=links,
            chain=CommitmentLink.objects.chain(commitment, self.as_of, links),
        )
        evidence_page = self.page_of(
            commitment.evidence.for_timeline().with_latest_source_check(),
            "evidence_page",
            "evidence",
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
        if self.object.is_withdrawn:
            return {
                "can_log_evidence": False,
                "can_assess": False,
                "retractable_ids": (),
            }
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
            "can_review": user.has_perm("declarations.review_assessment"),
            "retractable_ids": retractable,
        }
