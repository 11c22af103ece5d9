"""The front page and the methodology page."""

import datetime

from django.conf import settings
from django.views.generic import TemplateView

from ..models import (
    Body,
    Commitment,
    Confidence,
    DeadlineKind,
    Declaration,
    Direction,
    Evidence,
    OverdueBand,
    Precision,
    Role,
    Status,
    scorecards,
)
from ..models.scorecards import Timeliness
from ..models.versions import cached_figures
from .as_of import AsOfMixin

LATEST_EVIDENCE = 6
NAMED_DECLARATIONS = 3  # the lede names them; beyond that it counts them


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
        cards = cached_figures(
            f"scorecards-by-body:{as_of}",
            lambda: Commitment.objects.scorecards_by_body(as_of),
        )
        responsible = {
            body_id: card
            for (body_id, role), card in cards.items()
            if role == Role.RESPONSIBLE
        }
        bodies = Body.objects.filter(pk__in=responsible).order_by("name")
        context.update(
            card=cached_figures(
                f"scorecard:{as_of}", lambda: Commitment.objects.scorecard(as_of)
            ),
            body_cards=[(body, responsible[body.pk]) for body in bodies],
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
            on_time_rate=scorecards.ON_TIME_RATE_DEFINITION,
            scorecard_roles=scorecards.SCORECARD_ROLE_NOTE,
            example=overdue_example(settings.TRACKER_DUE_SOON_DAYS),
        )
        return context
