"""The figures the public pages publish: timeliness, scorecards and their rates.

The rates' definitions live next to the code that computes them, and the
methodology page prints them from here, so the published formula is the applied one.
"""

import dataclasses
import datetime

from django.db import models

from .choices import OverdueBand, Status

# How the scorecard's rates are computed, printed as such on the methodology page.
IMPLEMENTATION_RATE_DEFINITION = (
    "Commitments implemented on the date, of all the commitments counted (every "
    "commitment a body owns, assessed or not): an unassessed commitment counts "
    "against the rate, as a promise nobody has yet shown to be kept. This is the "
    "share the Peace Accords Matrix reports as full implementation."
)
ASSESSED_RATE_DEFINITION = (
    "Commitments implemented on the date, of the commitments an analyst had "
    "assessed by then (every status but 'unassessed', 'no evidence available' "
    "included): the share the G7 Research Group reports as compliance. Read it "
    "with the coverage beside it."
)
COVERAGE_DEFINITION = (
    "Commitments an analyst had assessed by the date, of all the commitments "
    "counted: how much of the record the other figures rest on."
)
ON_TIME_RATE_DEFINITION = (
    "Commitments implemented on or before the last day of their due window, divided "
    "by the commitments whose deadline has been tested on the date: those with a "
    "dated window that had closed by then, and those implemented by then. "
    "Commitments with a vague deadline or none are left out."
)
SCORECARD_ROLE_NOTE = (
    "A body's scorecard counts the commitments it is responsible for; the "
    "commitments it supports or is addressed by are scored separately, by role."
)

SUB_BODIES_NOTE = (
    "By default a body's page counts only the commitments coded to the body "
    "itself. With “include the bodies under it” (?include=sub) it counts, once "
    "each, the commitments of the body and of every body under it (the RATS "
    "Council with RATS): a commitment both are party to counts once."
)


@dataclasses.dataclass(frozen=True)
class Rate:
    """A share and the two counts it is made of, always shown together."""

    part: int
    whole: int

    @property
    def value(self) -> float | None:
        return self.part / self.whole if self.whole else None

    @property
    def percent(self) -> str:
        return "—" if self.value is None else f"{round(self.value * 100)}%"

    def __str__(self) -> str:
        return f"{self.part:,} of {self.whole:,} ({self.percent})"


@dataclasses.dataclass(frozen=True)
class Scorecard:
    """Figures for a set of commitments on a date (see the definitions above)."""

    total: int = 0
    by_status: dict = dataclasses.field(default_factory=dict)
    by_band: dict = dataclasses.field(default_factory=dict)
    on_time: int = 0
    late: int = 0
    deadline_tested: int = 0

    def __add__(self, other: "Scorecard") -> "Scorecard":
        def merged(a: dict, b: dict) -> dict:
            return {key: a.get(key, 0) + b.get(key, 0) for key in {*a, *b}}

        return Scorecard(
            total=self.total + other.total,
            by_status=merged(self.by_status, other.by_status),
            by_band=merged(self.by_band, other.by_band),
            on_time=self.on_time + other.on_time,
            late=self.late + other.late,
            deadline_tested=self.deadline_tested + other.deadline_tested,
        )

    def count(self, status: str) -> int:
        return self.by_status.get(status, 0)

    def statuses(self) -> list[tuple[Status, int]]:
        """Every status on the ladder with its count, in ladder order."""
        return [(status, self.count(status)) for status in Status]

    @property
    def implemented(self) -> int:
        return self.count(Status.IMPLEMENTED)

    @property
    def assessed(self) -> int:
        """Commitments some analyst has assessed (every status but unassessed)."""
        return self.total - self.count(Status.UNASSESSED)

    @property
    def implementation_rate(self) -> Rate:
        """Implemented, of every commitment counted."""
        return Rate(self.implemented, self.total)

    @property
    def implementation_rate_assessed(self) -> Rate:
        """Implemented, of the commitments assessed."""
        return Rate(self.implemented, self.assessed)

    @property
    def coverage(self) -> Rate:
        """Assessed, of every commitment counted."""
        return Rate(self.assessed, self.total)

    @property
    def on_time_rate(self) -> Rate:
        """On time, of the commitments whose deadline has been tested."""
        return Rate(self.on_time, self.deadline_tested)

    @property
    def definitely_overdue(self) -> int:
        return self.by_band.get(OverdueBand.DEFINITELY, 0)

    @property
    def possibly_overdue(self) -> int:
        return self.by_band.get(OverdueBand.POSSIBLY, 0)

    @property
    def due_soon(self) -> int:
        return self.by_band.get(OverdueBand.DUE_SOON, 0)

    @property
    def overdue(self) -> int:
        return self.definitely_overdue + self.possibly_overdue


class Timeliness(models.TextChoices):
    """How an implemented commitment stands against its due window on a date."""

    ON_TIME = "on_time", "Implemented on time"
    LATE = "late", "Implemented late"
    UNDATED = "undated", "Implemented, no dated deadline"

    @property
    def definition(self) -> str:
        return {
            Timeliness.ON_TIME: "The earliest standing 'implemented' assessment is "
            "dated on or before the last day of the due window.",
            Timeliness.LATE: "The earliest standing 'implemented' assessment is "
            "dated after the window closed.",
            Timeliness.UNDATED: "Implemented, but the deadline is vague or absent, "
            "so it can be neither on time nor late.",
        }[self]


# The bands the overdue page lists, most pressing first.
OVERDUE_PAGE_BANDS = [
    OverdueBand.DEFINITELY,
    OverdueBand.POSSIBLY,
    OverdueBand.DUE_SOON,
]


def ranked(field: str, values) -> models.Case:
    """An integer that sorts ``field`` in the order of ``values``."""
    return models.Case(
        *(
            models.When(**{field: v}, then=models.Value(i))
            for i, v in enumerate(values)
        ),
        default=models.Value(len(values)),
        output_field=models.IntegerField(),
    )


# What a scorecard counts commitments by: their status, overdue band and
# timeliness on the date, and whether their deadline had been tested by then.
SCORECARD_GROUPS = ("status_on", "overdue_band", "timeliness", "deadline_tested")


def deadline_tested(as_of: datetime.date) -> models.Case:
    """Whether a commitment's dated window had closed by the date, or it had been
    implemented by then (the on-time rate's denominator)."""
    dated = models.Q(derived__latest__isnull=False)
    tested = dated & (
        models.Q(derived__latest__lt=as_of) | models.Q(timeliness__isnull=False)
    )
    return models.Case(
        models.When(tested, then=models.Value(True)),
        default=models.Value(False),
        output_field=models.BooleanField(),
    )


def from_groups(rows) -> Scorecard:
    """A scorecard from rows of SCORECARD_GROUPS values and their count ``n``.

    Each commitment's status, band and timeliness are worked out once, in the
    grouped query; here the groups are only added up."""
    by_status = dict.fromkeys(Status.values, 0)
    by_band = dict.fromkeys(OverdueBand.values, 0)
    total = on_time = late = tested = 0
    for row in rows:
        n = row["n"]
        total += n
        by_status[row["status_on"]] += n
        by_band[row["overdue_band"]] += n
        on_time += n if row["timeliness"] == Timeliness.ON_TIME else 0
        late += n if row["timeliness"] == Timeliness.LATE else 0
        tested += n if row["deadline_tested"] else 0
    return Scorecard(
        total=total,
        by_status=by_status,
        by_band=by_band,
        on_time=on_time,
        late=late,
        deadline_tested=tested,
    )
