"""Status periods: each commitment's overall status as a run of dated stretches.

They are derived from the effective overall assessments (never entered by hand) and
kept by ``services.commitment_refresh_status``, so that "the status on a date" is
one join instead of a search through every assessment of every commitment.
"""

import datetime
from collections.abc import Iterable, Iterator

from django.db import models

from .choices import Status


def periods_from(
    assessments: Iterable[tuple[datetime.date, str]],
) -> list[tuple[str, datetime.date, datetime.date | None]]:
    """(status, starts_on, ends_on) from (as_of, status) pairs in recording order.

    The pairs are one commitment's effective overall assessments, ordered by
    as_of, then by when they were recorded: on a day with several, the last one
    recorded holds. Consecutive days with the same status merge into one period;
    ``ends_on`` is the first day of the next period (exclusive), None for the last.
    """
    by_day: dict[datetime.date, str] = {}
    for as_of, status in assessments:
        by_day[as_of] = status
    periods: list[list] = []
    for day in sorted(by_day):
        status = by_day[day]
        if periods and periods[-1][0] == status:
            continue
        if periods:
            periods[-1][2] = day
        periods.append([status, day, None])
    return [tuple(period) for period in periods]


def first_implemented(assessments: Iterable[tuple[datetime.date, str]]):
    """The earliest as_of of an 'implemented' assessment, or None."""
    days = [as_of for as_of, status in assessments if status == Status.IMPLEMENTED]
    return min(days, default=None)


def grouped_by_commitment(
    rows: Iterable[tuple[int, datetime.date, str]],
) -> Iterator[tuple[int, list[tuple[datetime.date, str]]]]:
    """Group (commitment id, as_of, status) rows, sorted by commitment, into lists."""
    current, batch = None, []
    for commitment_id, as_of, status in rows:
        if commitment_id != current and batch:
            yield current, batch
            batch = []
        current = commitment_id
        batch.append((as_of, status))
    if batch:
        yield current, batch


class StatusPeriod(models.Model):
    """A stretch of days over which a commitment's overall status held."""

    commitment = models.ForeignKey(
        "declarations.Commitment",
        on_delete=models.CASCADE,
        related_name="status_periods",
    )
    status = models.CharField(max_length=20, choices=Status.assessable())
    starts_on = models.DateField()
    ends_on = models.DateField(
        null=True,
        blank=True,
        help_text="First day it no longer held; empty if it holds.",
    )

    class Meta:
        ordering = ["commitment", "starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "starts_on"], name="status_period_once_a_day"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gt=models.F("starts_on")),
                name="status_period_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values)
                & ~models.Q(status=Status.UNASSESSED),
                name="status_period_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["starts_on", "ends_on"], name="status_period_span"),
        ]

    def __str__(self):
        end = f" until {self.ends_on}" if self.ends_on else ""
        return f"{self.get_status_display()} from {self.starts_on}{end}"
