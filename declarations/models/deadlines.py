"""Deadlines: the wording, its interpreted due window, and every revision of it."""

import calendar
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from ..text import refuse_control_characters
from .choices import DeadlineKind, Precision

SEASON_START_MONTHS = (3, 6, 9, 12)  # spring, summer, autumn, winter


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def window_for(
    precision: str, day: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The window of the given precision that contains ``day`` (first, last day)."""
    if precision == Precision.DAY:
        return day, day
    if precision == Precision.MONTH:
        return day.replace(day=1), _month_end(day.year, day.month)
    if precision == Precision.QUARTER:
        first_month = (day.month - 1) // 3 * 3 + 1
        return (
            datetime.date(day.year, first_month, 1),
            _month_end(day.year, first_month + 2),
        )
    if precision == Precision.HALF:
        first_month = 1 if day.month <= 6 else 7
        return (
            datetime.date(day.year, first_month, 1),
            _month_end(day.year, first_month + 5),
        )
    if precision == Precision.SEASON:
        # Meteorological seasons; winter runs December to February.
        offset = (day.month - 3) % 3
        start = _add_months(day.replace(day=1), -offset)
        last = _add_months(start, 2)
        return start, _month_end(last.year, last.month)
    if precision == Precision.YEAR:
        return datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31)
    raise ValueError(f"unknown precision {precision!r}")


def window_matches_precision(
    precision: str, earliest: datetime.date, latest: datetime.date
) -> bool:
    """Whether earliest..latest is a due window of the precision (DESIGN.md).

    The last day ends a period of the precision (31 December for a year, a
    month's last day for a month); the first day is any day up to it. So "in
    2006" (1 January to 31 December 2006), "by 2030" read on 5 July 2005 (5 July
    2005 to 31 December 2030) and "this decade" (2000 to 2009) are all windows of
    precision year, and a window of precision day may span any number of days
    ("within six months": the declaration's date to the same day six months on).
    """
    return earliest <= latest and window_for(precision, latest)[1] == latest


def is_whole_period(
    precision: str, earliest: datetime.date, latest: datetime.date
) -> bool:
    """Whether earliest..latest is exactly one period of the precision."""
    return window_for(precision, earliest) == (earliest, latest)


def describe_window(
    earliest: datetime.date | None, latest: datetime.date | None, precision: str | None
) -> str:
    """The window in words: '15 June 2006', 'autumn 2005', 'H1 2006', '2006'.

    A window that starts before the period its last day ends reads from its
    first day: '5 July 2005 to the end of 2006', '5 July 2005 to 5 January 2006'.
    """
    if earliest is None or latest is None:
        return "no dated window"
    if precision in Precision.values and not is_whole_period(
        precision, earliest, latest
    ):
        start = f"{earliest:%-d %B %Y}"
        if precision == Precision.DAY:
            return f"{start} to {latest:%-d %B %Y}"
        period_start = window_for(precision, latest)[0]
        return (
            f"{start} to the end of {describe_window(period_start, latest, precision)}"
        )
    if precision == Precision.DAY:
        return f"{earliest:%-d %B %Y}"
    if precision == Precision.MONTH:
        return f"{earliest:%B %Y}"
    if precision == Precision.YEAR:
        return f"{earliest:%Y}"
    if precision == Precision.QUARTER:
        return f"Q{(earliest.month - 1) // 3 + 1} {earliest:%Y}"
    if precision == Precision.HALF:
        return f"H{1 if earliest.month <= 6 else 2} {earliest:%Y}"
    if precision == Precision.SEASON:
        name = {3: "spring", 6: "summer", 9: "autumn", 12: "winter"}[earliest.month]
        year = f"{earliest:%Y}" if name != "winter" else f"{earliest:%Y}/{latest:%y}"
        return f"{name} {year}"
    return f"{earliest:%-d %b %Y} – {latest:%-d %b %Y}"


class Deadline(models.Model):
    commitment = models.OneToOneField(
        "declarations.Commitment",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="deadline",
    )
    wording = models.CharField(
        max_length=300,
        blank=True,
        help_text="Verbatim from the text, e.g. 'by the next 2006 Summit'. "
        "Empty when the text sets no deadline.",
        validators=[refuse_control_characters],
    )
    kind = models.CharField(max_length=10, choices=DeadlineKind.choices)
    event = models.CharField(
        max_length=300,
        blank=True,
        help_text="For event deadlines: the event, e.g. 'the 2006 SCO Summit'.",
        validators=[refuse_control_characters],
    )
    waits_for = models.ForeignKey(
        "declarations.Event",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deadlines",
        help_text="For event deadlines: the event's record. Recording when it was "
        "held narrows every deadline that waits for it.",
    )
    earliest = models.DateField(
        null=True, blank=True, help_text="First day of the due window."
    )
    latest = models.DateField(
        null=True, blank=True, db_index=True, help_text="Last day of the due window."
    )
    precision = models.CharField(max_length=10, choices=Precision.choices, blank=True)
    note = models.TextField(
        blank=True,
        help_text="How the wording was read, e.g. 'the 2006 Summit was held in "
        "Shanghai on 15 June 2006'.",
        validators=[refuse_control_characters],
    )
    review_date = models.DateField(
        null=True,
        blank=True,
        help_text="For vague or absent deadlines: when analysts should look again.",
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=DeadlineKind.values),
                name="deadline_kind_valid",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(earliest__isnull=True, latest__isnull=True, precision="")
                    | models.Q(
                        earliest__isnull=False,
                        latest__isnull=False,
                        precision__in=Precision.values,
                        earliest__lte=models.F("latest"),
                    )
                ),
                name="deadline_window_complete",
                violation_error_message="A due window needs its first day, last day "
                "and precision, and must not end before it starts.",
            ),
            models.CheckConstraint(
                condition=~models.Q(
                    kind__in=[DeadlineKind.VAGUE, DeadlineKind.NONE],
                    earliest__isnull=False,
                ),
                name="deadline_undated_has_no_window",
                violation_error_message="Vague or absent deadlines have no due window.",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=DeadlineKind.CALENDAR, earliest__isnull=True),
                name="deadline_calendar_has_window",
                violation_error_message="A calendar deadline needs a due window.",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=DeadlineKind.NONE) | models.Q(wording=""),
                name="deadline_none_has_no_wording",
                violation_error_message="A deadline of kind 'none' has no wording.",
            ),
            models.CheckConstraint(
                condition=models.Q(waits_for__isnull=True)
                | models.Q(kind=DeadlineKind.EVENT),
                name="deadline_waits_only_for_an_event",
                violation_error_message="Only an event deadline waits for an event.",
            ),
        ]
        indexes = [models.Index(fields=["earliest"], name="deadline_earliest_idx")]

    def __str__(self):
        return self.wording or "no deadline"

    @property
    def has_window(self) -> bool:
        return self.earliest is not None and self.latest is not None

    @property
    def is_period(self) -> bool:
        """True when the window spans more than one day."""
        return self.has_window and self.earliest != self.latest

    @property
    def window_display(self) -> str:
        return describe_window(self.earliest, self.latest, self.precision)

    def clean(self):
        errors = {}
        if self.kind == DeadlineKind.NONE and self.wording:
            errors["wording"] = "A deadline of kind 'none' has no wording."
        if self.kind in (DeadlineKind.VAGUE, DeadlineKind.EVENT) and not self.wording:
            errors["wording"] = "Quote the wording of a vague or event deadline."
        if (self.earliest is None) != (self.latest is None):
            errors["latest"] = "Give both the first and the last day of the window."
        elif self.has_window:
            if not self.precision:
                errors["precision"] = "A due window needs a precision."
            elif self.earliest > self.latest:
                errors["latest"] = "The window ends before it starts."
            elif not window_matches_precision(
                self.precision, self.earliest, self.latest
            ):
                label = Precision(self.precision).label.lower()
                errors["latest"] = (
                    f"{self.latest} does not end a {label} "
                    f"({Precision(self.precision).definition}): a window of this "
                    "precision ends on the last day of one, and may start on "
                    "any day up to it."
                )
            if self.kind in (DeadlineKind.VAGUE, DeadlineKind.NONE):
                errors["kind"] = "Vague or absent deadlines have no due window."
        else:
            if self.precision:
                errors["precision"] = "Precision needs a due window."
            if self.kind == DeadlineKind.CALENDAR:
                errors["earliest"] = "A calendar deadline needs a due window."
        if self.waits_for_id is not None and self.kind != DeadlineKind.EVENT:
            errors["waits_for"] = "Only an event deadline waits for an event."
        if errors:
            raise ValidationError(errors)


class DeadlineRevision(models.Model):
    """One reinterpretation or extension of a deadline: old and new, why, and who."""

    deadline = models.ForeignKey(
        Deadline, on_delete=models.CASCADE, related_name="revisions"
    )
    revised_at = models.DateTimeField(default=timezone.now)
    revised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deadline_revisions",
    )
    reason = models.TextField(validators=[refuse_control_characters])
    old_wording = models.CharField(
        max_length=300, blank=True, validators=[refuse_control_characters]
    )
    old_kind = models.CharField(max_length=10, choices=DeadlineKind.choices)
    old_earliest = models.DateField(null=True, blank=True)
    old_latest = models.DateField(null=True, blank=True)
    old_precision = models.CharField(
        max_length=10, choices=Precision.choices, blank=True
    )
    new_wording = models.CharField(
        max_length=300, blank=True, validators=[refuse_control_characters]
    )
    new_kind = models.CharField(max_length=10, choices=DeadlineKind.choices)
    new_earliest = models.DateField(null=True, blank=True)
    new_latest = models.DateField(null=True, blank=True)
    new_precision = models.CharField(
        max_length=10, choices=Precision.choices, blank=True
    )

    class Meta:
        ordering = ["deadline", "revised_at", "pk"]
        # The changes log's revisions, newest first.
        indexes = [models.Index(fields=["-revised_at", "-id"], name="revision_when")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reason=""), name="deadline_revision_has_reason"
            ),
        ]

    def __str__(self):
        return f"Revision of {self.deadline_id} on {self.revised_at:%Y-%m-%d}"

    @property
    def old_window_display(self) -> str:
        return describe_window(self.old_earliest, self.old_latest, self.old_precision)

    @property
    def new_window_display(self) -> str:
        return describe_window(self.new_earliest, self.new_latest, self.new_precision)
