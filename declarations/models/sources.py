"""Checks of evidence sources: whether each source URL still answers.

``manage.py check_sources`` appends one row per evidence entry and run; rows are
never changed, so the history of a source is kept. Pages show the latest check of
the entry's current URL (``Evidence.objects.with_latest_source_check()``).
"""

from django.db import models
from django.utils import timezone

from ..text import refuse_control_characters

# A source answered when the last response of the chain was a success or a
# redirect the checker did not follow further (2xx or 3xx).
REACHABLE_CODES = range(200, 400)


class SourceCheckQuerySet(models.QuerySet):
    def latest_first(self):
        """Newest check first."""
        return self.order_by("-checked_at", "-pk")

    def not_reachable(self):
        """Checks where the source did not answer: 4xx/5xx, timeouts, errors."""
        return self.filter(reachable=False)


class SourceCheck(models.Model):
    # A check means nothing without its evidence (which is never deleted: it is
    # retracted), so the history goes with it rather than blocking it.
    evidence = models.ForeignKey(
        "declarations.Evidence", on_delete=models.CASCADE, related_name="source_checks"
    )
    url = models.URLField(
        max_length=1000,
        validators=[refuse_control_characters],
        help_text="The URL visited: the evidence's source URL at the time.",
    )
    checked_at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="The HTTP status of the last response; empty when none came "
        "(timeout, connection error).",
    )
    final_url = models.URLField(
        max_length=1000,
        blank=True,
        validators=[refuse_control_characters],
        help_text="Where the redirects ended; empty when no response came.",
    )
    error = models.CharField(
        max_length=500,
        blank=True,
        validators=[refuse_control_characters],
        help_text="Why no usable answer came, if so.",
    )
    reachable = models.BooleanField()

    objects = SourceCheckQuerySet.as_manager()

    class Meta:
        ordering = ["-checked_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status_code__isnull=True)
                | models.Q(status_code__gte=100, status_code__lte=599),
                name="source_check_status_code_http",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        reachable=True,
                        status_code__gte=REACHABLE_CODES.start,
                        status_code__lt=REACHABLE_CODES.stop,
                        error="",
                    )
                    | models.Q(reachable=False, status_code__gte=REACHABLE_CODES.stop)
                    | (models.Q(reachable=False) & ~models.Q(error=""))
                ),
                name="source_check_reachable_consistent",
                violation_error_message="A reachable source answered 2xx or 3xx "
                "without error; an unreachable one answered 4xx/5xx or has an error.",
            ),
        ]
        indexes = [
            # The latest check of each evidence entry (the commitment page).
            models.Index(
                fields=["evidence", "-checked_at", "-id"], name="source_check_latest"
            ),
        ]

    def __str__(self):
        return f"{self.url} on {self.checked_at:%Y-%m-%d}: {self.answer}"

    @property
    def answer(self) -> str:
        """What the source answered: its status code, or the error."""
        if self.status_code is not None:
            return str(self.status_code)
        return self.error
