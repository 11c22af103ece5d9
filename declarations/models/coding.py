"""Blind double coding: two analysts assess one commitment independently.

An editor opens a round for a commitment, naming its two coders or leaving it to
any two analysts. While it is open, the overall assessments recorded for the
commitment belong to the round (services.records.assessment_record); neither
coder sees the other's until both are in (AssessmentQuerySet.visible_to). A
reviewer who coded neither then settles it: one coding is published, or the
reviewer records the settled assessment, and the rest are set aside, kept on the
record. The pairs of codings are what the inter-coder agreement
(declarations.intercoder) is computed from.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone

from ..text import refuse_control_characters

CODERS_PER_ROUND = 2


class CodingRoundQuerySet(models.QuerySet):
    def open(self):
        """Rounds neither settled nor closed."""
        return self.filter(closed_at__isnull=True)

    def open_for(self, commitment_id: int):
        """The commitment's open round (at most one: a constraint says so)."""
        return self.open().filter(commitment_id=commitment_id)

    def both_in(self):
        """Rounds in which both coders recorded their assessment."""
        return self.filter(both_in_at__isnull=False)

    def with_codings(self, user):
        """Annotate ``codings`` (how many are in) and ``coded_by_user``."""
        from .records import Assessment

        mine = Assessment.objects.filter(
            coding_round=models.OuterRef("pk"), recorded_by=user.pk
        )
        return self.annotate(
            codings=models.Count("assessments"), coded_by_user=models.Exists(mine)
        )

    def for_coder(self, user):
        """Open rounds the user codes: named in, coded in, or open to any two
        analysts with a place left; with their commitment, oldest first."""
        named = models.Q(coder_a=user.pk) | models.Q(coder_b=user.pk)
        anyone = models.Q(coder_a__isnull=True, both_in_at__isnull=True)
        return (
            self.open()
            .with_codings(user)
            .filter(named | anyone | models.Q(coded_by_user=True))
            .select_related("commitment", "opened_by", "coder_a", "coder_b")
            .order_by("opened_at", "pk")
        )

    def ready_to_settle(self, reviewer):
        """Open rounds with both codings in that the reviewer coded neither of (nor
        was named for), oldest first, with their codings."""
        from .records import Assessment

        codings = Assessment.objects.select_related("recorded_by").prefetch_related(
            "evidence"
        )
        return (
            self.open()
            .both_in()
            .exclude(coder_a=reviewer.pk)
            .exclude(coder_b=reviewer.pk)
            .exclude(assessments__recorded_by=reviewer.pk)
            .select_related("commitment", "opened_by")
            .prefetch_related(models.Prefetch("assessments", queryset=codings))
            .order_by("both_in_at", "pk")
        )


class CodingRound(models.Model):
    commitment = models.ForeignKey(
        "declarations.Commitment",
        on_delete=models.PROTECT,
        related_name="coding_rounds",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="coding_rounds_opened",
    )
    opened_at = models.DateTimeField(default=timezone.now)
    coder_a = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty, with the second coder, for any two analysts.",
    )
    coder_b = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    both_in_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the second coding arrived: from then the codings are "
        "no longer blind, and a reviewer may settle.",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="coding_rounds_closed",
        help_text="Who settled it, or who closed it unsettled.",
    )
    settled_with = models.OneToOneField(
        "declarations.Assessment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="settles",
        help_text="The assessment published as the round's outcome: one coding, "
        "or the reviewer's own.",
    )
    comment = models.TextField(
        max_length=2000,
        blank=True,
        validators=[refuse_control_characters, MaxLengthValidator(2000)],
        help_text="The reviewer's note on the settlement, or why the round was "
        "closed unsettled (required then).",
    )

    objects = CodingRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment"],
                condition=models.Q(closed_at__isnull=True),
                name="coding_round_one_open",
                violation_error_message="This commitment already has an open "
                "double-coding round.",
            ),
            models.CheckConstraint(
                condition=models.Q(coder_a__isnull=True, coder_b__isnull=True)
                | models.Q(coder_a__isnull=False, coder_b__isnull=False),
                name="coding_round_two_coders_or_none",
            ),
            models.CheckConstraint(
                condition=models.Q(coder_a__isnull=True)
                | ~models.Q(coder_a=models.F("coder_b")),
                name="coding_round_two_distinct_coders",
                violation_error_message="The two coders are two different analysts.",
            ),
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True, closed_by__isnull=True)
                | models.Q(closed_at__isnull=False, closed_by__isnull=False),
                name="coding_round_closed_by_whom",
            ),
            models.CheckConstraint(
                condition=models.Q(settled_with__isnull=True)
                | models.Q(closed_at__isnull=False, both_in_at__isnull=False),
                name="coding_round_settled_when_both_in",
            ),
            models.CheckConstraint(
                condition=~models.Q(closed_by=models.F("coder_a"))
                & ~models.Q(closed_by=models.F("coder_b")),
                name="coding_round_not_closed_by_a_coder",
                violation_error_message="A coder does not settle their own round.",
            ),
        ]
        indexes = [
            models.Index(
                fields=["opened_at", "id"],
                condition=models.Q(closed_at__isnull=True),
                name="coding_round_open",
            ),
        ]

    def __str__(self):
        return f"Double coding of {self.commitment} opened {self.opened_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def is_settled(self) -> bool:
        return self.settled_with_id is not None

    @property
    def named_coder_ids(self) -> set[int]:
        return {pk for pk in (self.coder_a_id, self.coder_b_id) if pk is not None}
