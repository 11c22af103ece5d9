"""Derived data: each commitment's status periods and its derived state.

Both are derived from the record (the assessments that count, the deadline, the
evidence, the codebook) by one service, ``services.status_derive``, and nothing
else writes them: not an editor's save, not a fixture, not a migration. They live
in tables of their own, so a codebook edit cannot touch them. "The status on a
date" is then one join instead of a search through every assessment of every
commitment.
"""

import datetime
from collections.abc import Iterable, Iterator

from django.db import models

from .choices import Status

HistoryRow = tuple[datetime.date, str]


def periods_from(
    assessments: Iterable[HistoryRow],
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


def first_implemented(assessments: Iterable[HistoryRow]) -> datetime.date | None:
    """The earliest as_of of an 'implemented' assessment, or None."""
    days = [as_of for as_of, status in assessments if status == Status.IMPLEMENTED]
    return min(days, default=None)


def grouped_by_commitment(
    rows: Iterable[tuple[int, datetime.date, str]],
) -> Iterator[tuple[int, list[HistoryRow]]]:
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


class CommitmentState(models.Model):
    """Everything about a commitment that follows from its record and that lists
    and figures need, in one narrow row: its status today (since when, first
    implemented when), its due window, the day of its latest standing evidence,
    and its place in document order. Every commitment has one.

    ``settled`` rows are those whose window had closed (or that have none) when
    they were derived: on any later date their overdue band can only follow
    their status, so they are counted once in ``FigureTally`` (``tallied`` holds
    what they added there) instead of row by row on every page.
    """

    commitment = models.OneToOneField(
        "declarations.Commitment",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="derived",
    )
    # Document order: the declaration's date, the declaration, the paragraph.
    declaration = models.ForeignKey(
        "declarations.Declaration", on_delete=models.CASCADE, related_name="+"
    )
    declared_on = models.DateField()
    paragraph_number = models.PositiveIntegerField()
    reference = models.CharField(max_length=40)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.UNASSESSED
    )
    since = models.DateField(
        null=True, blank=True, help_text="The first day of the current status's run."
    )
    first_implemented_on = models.DateField(
        null=True,
        blank=True,
        help_text="The as-of date of the earliest counting 'implemented' assessment.",
    )
    earliest = models.DateField(null=True, blank=True)
    latest = models.DateField(null=True, blank=True)
    last_evidence_on = models.DateField(null=True, blank=True)
    derived_on = models.DateField()
    settled = models.BooleanField()
    tallied = models.TextField(
        blank=True, help_text="What the row adds to the figure tallies, if settled."
    )

    class Meta:
        verbose_name = "derived state of a commitment"
        verbose_name_plural = "derived states of commitments"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values),
                name="commitment_state_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status=Status.UNASSESSED, since__isnull=True)
                | (~models.Q(status=Status.UNASSESSED) & models.Q(since__isnull=False)),
                name="commitment_state_status_dated",
            ),
        ]
        indexes = [
            # The orders lists are read in, covering the key (see KeyedPageData).
            models.Index(
                fields=["declared_on", "declaration", "paragraph_number", "reference"],
                include=["commitment"],
                name="commitment_state_order",
            ),
            models.Index(
                fields=["earliest", "latest", "reference"],
                include=["commitment"],
                name="commitment_state_window",
            ),
            models.Index(fields=["status"], name="commitment_state_status"),
            models.Index(fields=["latest"], name="commitment_state_latest"),
            models.Index(
                fields=["commitment"],
                condition=models.Q(settled=False),
                name="commitment_state_live",
            ),
        ]

    def __str__(self):
        since = f" since {self.since}" if self.since else ""
        return f"{self.reference}: {self.get_status_display()}{since}"
