"""Events that deadlines wait for: the summit or meeting a wording names.

An event is expected in a window (what the wording allows: "the next 2006
Summit" is some day of 2006) and, once held, has its date and place. Deadlines
tied to it narrow to that date together (``services.event_held``).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from ..text import refuse_control_characters
from .choices import Precision
from .deadlines import describe_window, window_for, window_matches_precision
from .records import http_url


class EventQuerySet(models.QuerySet):
    def awaited(self):
        """Events whose date is not known yet."""
        return self.filter(held_on__isnull=True)

    def unresolved_after_window(self, today: datetime.date):
        """Events still without a date although their expected window closed
        before ``today``: an editor should record when they were held (or
        correct the window)."""
        return self.awaited().filter(expected_latest__lt=today)

    def with_deadline_count(self):
        """Each event with ``deadline_count``, the deadlines that wait for it."""
        return self.annotate(deadline_count=models.Count("deadlines"))


class Event(models.Model):
    name = models.CharField(
        max_length=300,
        unique=True,
        help_text="e.g. 'The next SCO summit (Council of Heads of State), 2006'. "
        "Unique: say whose meeting and when, so that two organisations' 'next "
        "summit' are told apart.",
        validators=[refuse_control_characters],
    )
    body = models.ForeignKey(
        "declarations.Body",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        help_text="The organ that meets, where there is one (the Council of Heads "
        "of State).",
    )
    expected_earliest = models.DateField(
        null=True, blank=True, help_text="First day it may be held on."
    )
    expected_latest = models.DateField(
        null=True, blank=True, help_text="Last day it may be held on."
    )
    expected_precision = models.CharField(
        max_length=10, choices=Precision.choices, blank=True
    )
    held_on = models.DateField(
        null=True,
        blank=True,
        help_text="When it was held, once known (any day of the period when only "
        "a month or a year is known: see its precision).",
    )
    held_precision = models.CharField(
        max_length=10, choices=Precision.choices, blank=True
    )
    place = models.CharField(
        max_length=200, blank=True, validators=[refuse_control_characters]
    )
    notes = models.TextField(blank=True, validators=[refuse_control_characters])
    source_url = models.URLField(
        max_length=1000,
        blank=True,
        help_text="Where its date and place are documented (http or https).",
        validators=[refuse_control_characters, http_url],
    )

    history = HistoricalRecords()
    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["expected_latest", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        expected_earliest__isnull=True,
                        expected_latest__isnull=True,
                        expected_precision="",
                    )
                    | models.Q(
                        expected_earliest__isnull=False,
                        expected_latest__isnull=False,
                        expected_precision__in=Precision.values,
                        expected_earliest__lte=models.F("expected_latest"),
                    )
                ),
                name="event_expected_window_complete",
                violation_error_message="An expected window needs its first day, "
                "last day and precision, and must not end before it starts.",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(held_on__isnull=True, held_precision="")
                    | models.Q(
                        held_on__isnull=False, held_precision__in=Precision.values
                    )
                ),
                name="event_held_on_has_precision",
                violation_error_message="The date it was held needs a precision.",
            ),
            models.CheckConstraint(
                condition=models.Q(source_url="")
                | models.Q(source_url__startswith="http://")
                | models.Q(source_url__startswith="https://"),
                name="event_url_is_http",
            ),
        ]
        indexes = [
            models.Index(
                fields=["expected_latest"],
                condition=models.Q(held_on__isnull=True),
                name="event_awaited_idx",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def is_held(self) -> bool:
        return self.held_on is not None

    @property
    def expected_window_display(self) -> str:
        return describe_window(
            self.expected_earliest, self.expected_latest, self.expected_precision
        )

    @property
    def held_window(self) -> tuple[datetime.date, datetime.date] | None:
        """The period it was held in (one day, a month, ...), or None."""
        if self.held_on is None or not self.held_precision:
            return None
        return window_for(self.held_precision, self.held_on)

    @property
    def held_display(self) -> str:
        window = self.held_window
        if window is None:
            return "not known yet"
        return describe_window(*window, self.held_precision)

    def clean(self):
        errors = {}
        if (self.expected_earliest is None) != (self.expected_latest is None):
            errors["expected_latest"] = (
                "Give both the first and the last day of the expected window."
            )
        elif self.expected_earliest is not None:
            if not self.expected_precision:
                errors["expected_precision"] = "An expected window needs a precision."
            elif self.expected_earliest > self.expected_latest:
                errors["expected_latest"] = "The window ends before it starts."
            elif not window_matches_precision(
                self.expected_precision, self.expected_earliest, self.expected_latest
            ):
                label = Precision(self.expected_precision).label.lower()
                errors["expected_latest"] = (
                    f"{self.expected_latest} does not end a {label} "
                    f"({Precision(self.expected_precision).definition})."
                )
        elif self.expected_precision:
            errors["expected_precision"] = "Precision needs an expected window."
        if self.held_on is not None and not self.held_precision:
            errors["held_precision"] = "Say how precisely the date is known."
        if self.held_on is None and self.held_precision:
            errors["held_on"] = "A precision needs the date it was held."
        if errors:
            raise ValidationError(errors)
