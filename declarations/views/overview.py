"""The front page and the methodology page."""

import datetime

from django.conf import settings
from django.views.generic import TemplateView

from ..manual import coding_manual
from ..models import (
    Body,
    Confidence,
    DeadlineKind,
    Declaration,
    Direction,
    Evidence,
    FigureTally,
    OverdueBand,
    Precision,
    Role,
    Status,
    scorecards,
)
from ..models.scorecards import Timeliness
from ..services.records import CORRECTION_POLICY
from .as_of import AsOfMixin

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


class OverviewView(AsOfMixin, TemplateView):
    """Counts by status and overdue band on the date, each body's record, news."""

    template_name = "declarations/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        as_of = self.as_of
        bodies = list(Body.objects.responsible_for_any().order_by("name"))
        cards = FigureTally.objects.body_scorecards(
            as_of, [body.pk for body in bodies], roles=[Role.RESPONSIBLE]
        )
        body_cards = sorted(
            ((body, cards[(body.pk, Role.RESPONSIBLE)]) for body in bodies),
            key=lambda pair: -pair[1].total,
        )
        context.update(
            card=FigureTally.objects.scorecard(as_of),
            body_cards=body_cards[:BODIES_SHOWN],
            bodies_not_shown=max(0, len(body_cards) - BODIES_SHOWN),
            latest_evidence=Evidence.objects.up_to(self.as_of)[:LATEST_EVIDENCE],
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
            coding_manual=coding_manual(),
        )
        return context
