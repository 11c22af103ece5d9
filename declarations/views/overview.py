"""The front page and the methodology page."""

import datetime

from django.conf import settings
from django.views.generic import TemplateView

from .. import intercoder
from ..manual import coding_manual
from ..models import (
    Assessment,
    Body,
    Confidence,
    DeadlineKind,
    Declaration,
    Direction,
    Evidence,
    FigureTally,
    LinkState,
    LinkType,
    OverdueBand,
    Precision,
    Review,
    Role,
    Status,
    scorecards,
)
from ..models.links import CHAIN_STEPS
from ..models.records import RATIONALE_MIN_WORDS
from ..models.scorecards import Timeliness
from ..services.records import CORRECTION_POLICY
from .as_of import AsOfMixin, DeclarationScopeMixin

LATEST_EVIDENCE = 6
NAMED_DECLARATIONS = 3  # the lede names them; beyond that it counts them
BODIES_SHOWN = 20  # the overview's bodies, most commitments first; the rest listed


def overdue_example(days: int) -> dict:
    """The worked example on the methodology page (tests check it against the
    QuerySet's bands): a deadline 'in 2006'."""
    first, last = datetime.date(2006, 1, 1), datetime.date(2006, 12, 31)
    one_day = datetime.timedelta(days=1)
    return {
        "wording": "in 2006",
        "first": first,
        "last": last,
        "due_soon_from": first - datetime.timedelta(days=days),
        "possibly_from": first + one_day,
        "definitely_from": last + one_day,
    }


class OverviewView(DeclarationScopeMixin, AsOfMixin, TemplateView):
    """Counts by status and overdue band on the date, each body's record, news;
    of every declaration, or of those ``?declaration=`` names."""

    template_name = "declarations/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        as_of, chosen = self.as_of, self.declarations
        bodies = Body.objects.responsible_for_any()
        evidence = Evidence.objects.up_to(as_of)
        if chosen is not None:
            bodies = bodies.party_to_declarations(chosen)
            evidence = evidence.filter(commitment__declaration__in=chosen)
        bodies = list(bodies.order_by("name"))
        cards = FigureTally.objects.body_scorecards(
            as_of,
            [body.pk for body in bodies],
            roles=[Role.RESPONSIBLE],
            declarations=chosen,
        )
        body_cards = sorted(
            ((body, cards[(body.pk, Role.RESPONSIBLE)]) for body in bodies),
            key=lambda pair: -pair[1].total,
        )
        if chosen is not None:  # responsible elsewhere, but not in these
            body_cards = [pair for pair in body_cards if pair[1].total]
        context.update(
            card=FigureTally.objects.scorecard(as_of, declarations=chosen),
            body_cards=body_cards[:BODIES_SHOWN],
            bodies_not_shown=max(0, len(body_cards) - BODIES_SHOWN),
            latest_evidence=evidence[:LATEST_EVIDENCE],
            declarations=Declaration.objects.only("slug", "title", "place", "date")[
                :NAMED_DECLARATIONS
            ],
            declaration_count=Declaration.objects.count(),
            bands=[
                OverdueBand.DEFINITELY,
                OverdueBand.POSSIBLY,
                OverdueBand.DUE_SOON,
            ],
        )
        return context


class MethodologyView(AsOfMixin, TemplateView):
    """The rules, printed from the definitions the code applies."""

    template_name = "declarations/methodology.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            statuses=[(s, s in Status.open_values()) for s in Status],
            roles=list(Role),
            deadline_kinds=list(DeadlineKind),
            precisions=list(Precision),
            bands=list(OverdueBand),
            confidences=list(Confidence),
            directions=list(Direction),
            timeliness=list(Timeliness),
            due_soon_days=settings.TRACKER_DUE_SOON_DAYS,
            implementation_rate=scorecards.IMPLEMENTATION_RATE_DEFINITION,
            assessed_rate=scorecards.ASSESSED_RATE_DEFINITION,
            coverage=scorecards.COVERAGE_DEFINITION,
            on_time_rate=scorecards.ON_TIME_RATE_DEFINITION,
            scorecard_roles=scorecards.SCORECARD_ROLE_NOTE,
            example=overdue_example(settings.TRACKER_DUE_SOON_DAYS),
            correction_policy=CORRECTION_POLICY,
            review_required=settings.TRACKER_REVIEW_REQUIRED,
            needing_evidence=[Status(value) for value in Status.needing_evidence()],
            rationale_min_words=RATIONALE_MIN_WORDS,
            review_states=list(Review),
            agreement=self.agreement(),
            link_types=list(LinkType),
            link_states=list(LinkState),
            chain_steps=CHAIN_STEPS,
            sub_bodies_note=scorecards.SUB_BODIES_NOTE,
            coding_manual=coding_manual(),
        )
        return context

    def agreement(self) -> dict:
        """The inter-coder agreement over every double-coded item (one query)."""
        figures = intercoder.status_agreement(Assessment.objects.coded_statuses())
        return {
            "figures": [
                ("Ordinal, on the ladder", figures["ordinal"]),
                ("Nominal, over every status", figures["nominal"]),
            ],
            "items": figures["nominal"].items,
            "min_items": intercoder.MIN_ITEMS,
            "explanation": intercoder.AGREEMENT_EXPLANATION,
        }
