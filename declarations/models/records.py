"""The implementation record: evidence logged by analysts and their assessments.

Both are append-only. Evidence is retracted (with a reason), never deleted; an
assessment is never edited: a correction is a new assessment that names the one it
corrects, and a corrected assessment no longer counts towards any status.
"""

from django.conf import settings
from django.contrib.postgres.indexes import OpClass
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, URLValidator
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone

from ..text import refuse_control_characters
from .choices import Confidence, DatePrecision, Direction, Status
from .indexes import PostgreSQLGinIndex

http_url = URLValidator(schemes=["http", "https"])


class EvidenceQuerySet(models.QuerySet):
    def standing(self):
        """Evidence that has not been retracted."""
        return self.filter(retracted_at__isnull=True)

    def newest_first(self):
        return self.order_by("-logged_at", "-pk")

    def up_to(self, as_of):
        """Standing evidence of events on or before the date, latest event first."""
        return (
            self.standing()
            .filter(event_date__lte=as_of)
            .select_related("commitment")
            .order_by("-event_date", "-logged_at", "-pk")
        )

    def for_feed(self):
        """Evidence newest logged first, retracted too, with its commitment."""
        return self.select_related("commitment").newest_first()

    def for_timeline(self):
        """Evidence in event order, with who logged and retracted it."""
        return self.select_related("logged_by", "retracted_by").order_by(
            "-event_date", "-pk"
        )


class Evidence(models.Model):
    commitment = models.ForeignKey(
        "declarations.Commitment", on_delete=models.PROTECT, related_name="evidence"
    )
    event_date = models.DateField(help_text="When it happened in the world.")
    event_date_precision = models.CharField(
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text="Some sources date an event only to the month or the year.",
    )
    summary = models.TextField(
        max_length=4000,
        validators=[refuse_control_characters, MaxLengthValidator(4000)],
    )
    source_title = models.CharField(
        max_length=500, validators=[refuse_control_characters]
    )
    source_publisher = models.CharField(
        max_length=300, blank=True, validators=[refuse_control_characters]
    )
    source_url = models.URLField(
        max_length=1000, blank=True, validators=[refuse_control_characters, http_url]
    )
    accessed_on = models.DateField(null=True, blank=True)
    excerpt = models.TextField(
        max_length=4000,
        validators=[refuse_control_characters, MaxLengthValidator(4000)],
        blank=True,
    )
    direction = models.CharField(
        max_length=10, choices=Direction.choices, default=Direction.TOWARD
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence_logged",
        help_text="Empty for evidence shipped with the codebook.",
    )
    logged_at = models.DateTimeField(default=timezone.now)
    retracted_at = models.DateTimeField(null=True, blank=True)
    retracted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence_retracted",
    )
    retraction_reason = models.TextField(
        max_length=2000,
        validators=[refuse_control_characters, MaxLengthValidator(2000)],
        blank=True,
    )

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "evidence"
        ordering = ["-event_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(direction__in=Direction.values),
                name="evidence_direction_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(event_date_precision__in=DatePrecision.values),
                name="evidence_date_precision_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(summary="") & ~models.Q(source_title=""),
                name="evidence_has_summary_and_source",
            ),
            models.CheckConstraint(
                condition=models.Q(source_url="")
                | models.Q(source_url__startswith="http://")
                | models.Q(source_url__startswith="https://"),
                name="evidence_url_is_http",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(retracted_at__isnull=True, retraction_reason="")
                    | (
                        models.Q(retracted_at__isnull=False)
                        & ~models.Q(retraction_reason="")
                    )
                ),
                name="evidence_retraction_has_reason",
                violation_error_message="A retraction needs its reason.",
            ),
        ]
        indexes = [
            models.Index(
                fields=["commitment", "-event_date"], name="evidence_commitment_date"
            ),
            # The latest standing evidence (the overview's news).
            models.Index(
                fields=["-event_date", "-logged_at", "-id"],
                condition=models.Q(retracted_at__isnull=True),
                name="evidence_standing_latest",
            ),
            # Words of the summary and the source's title, for the admin's
            # search (icontains: UPPER(...) LIKE).
            PostgreSQLGinIndex(
                OpClass(Upper("summary"), name="gin_trgm_ops"),
                name="evidence_summary_trgm",
            ),
            PostgreSQLGinIndex(
                OpClass(Upper("source_title"), name="gin_trgm_ops"),
                name="evidence_source_trgm",
            ),
            # The changes log's new evidence and retractions, newest first.
            models.Index(fields=["-logged_at", "-id"], name="evidence_logged"),
            models.Index(
                fields=["-retracted_at", "-id"],
                condition=models.Q(retracted_at__isnull=False),
                name="evidence_retracted",
            ),
        ]

    def __str__(self):
        return f"{self.event_date_display}: {self.summary[:80]}"

    def get_absolute_url(self):
        return f"{self.commitment.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self) -> str:
        """Its place on the commitment's page."""
        return f"evidence-{self.pk}"

    @property
    def is_retracted(self) -> bool:
        return self.retracted_at is not None

    def clean(self):
        # A month or year is stored as its first day, so lists sort and compare.
        day, precision = self.event_date, self.event_date_precision
        if day and precision == DatePrecision.MONTH and day.day != 1:
            raise ValidationError(
                {"event_date": "A date known only to the month is its first day."}
            )
        if day and precision == DatePrecision.YEAR and (day.month, day.day) != (1, 1):
            raise ValidationError(
                {"event_date": "A date known only to the year is its 1 January."}
            )

    @property
    def event_date_display(self) -> str:
        if self.event_date_precision == DatePrecision.YEAR:
            return f"{self.event_date:%Y}"
        if self.event_date_precision == DatePrecision.MONTH:
            return f"{self.event_date:%B %Y}"
        return f"{self.event_date:%-d %B %Y}"


class AssessmentQuerySet(models.QuerySet):
    def effective(self):
        """Assessments that no later correction has replaced."""
        return self.filter(corrections__isnull=True)

    def overall(self):
        """Assessments of the commitment as a whole, not of one member state."""
        return self.filter(member_state__isnull=True)

    def counting(self):
        """The assessments that set a commitment's overall status: overall ones
        that no later correction replaced."""
        return self.overall().effective()

    def in_force_order(self):
        """Latest first: by the date it became true, then by when it was recorded."""
        return self.order_by("-as_of", "-recorded_at", "-pk")

    def in_force_on(self, as_of):
        """Candidates for the status in force on ``as_of``, the one in force first."""
        return self.effective().filter(as_of__lte=as_of).in_force_order()

    def for_feed(self):
        """Assessments newest recorded first, with commitment and member state."""
        return self.select_related("commitment", "member_state").order_by(
            "-recorded_at", "-pk"
        )

    def in_force_by_member_state(self, as_of) -> list["Assessment"]:
        """The assessment in force on the date for each member state, by state name."""
        in_force = {}
        candidates = (
            self.filter(member_state__isnull=False)
            .in_force_on(as_of)
            .select_related("member_state")
        )
        for assessment in candidates:
            in_force.setdefault(assessment.member_state_id, assessment)
        return sorted(in_force.values(), key=lambda a: a.member_state.name)

    def for_timeline(self):
        """Assessments newest first, with their authors, evidence and corrections."""
        return (
            self.select_related(
                "recorded_by", "member_state", "corrects", "superseded_by"
            )
            .prefetch_related("evidence", "corrections")
            .in_force_order()
        )


class Assessment(models.Model):
    commitment = models.ForeignKey(
        "declarations.Commitment", on_delete=models.PROTECT, related_name="assessments"
    )
    status = models.CharField(max_length=20, choices=Status.assessable())
    member_state = models.ForeignKey(
        "declarations.Body",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
        help_text="Only for commitments that bind each member state: whose record "
        "this assesses. Empty for the commitment as a whole.",
    )
    confidence = models.CharField(max_length=10, choices=Confidence.choices)
    rationale = models.TextField(
        max_length=4000,
        validators=[refuse_control_characters, MaxLengthValidator(4000)],
    )
    evidence = models.ManyToManyField(Evidence, blank=True, related_name="assessments")
    as_of = models.DateField(help_text="When this status became true in the world.")
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
        help_text="Empty for assessments shipped with the codebook.",
    )
    corrects = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
        help_text="The earlier assessment this one corrects.",
    )
    superseded_by = models.ForeignKey(
        "declarations.Commitment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supersedes",
        help_text="For 'superseded': the later commitment that replaced this one.",
    )

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-as_of", "-recorded_at", "-pk"]
        # Editors hold it (migration 0007): see services.records.CORRECTION_POLICY.
        permissions = [
            ("correct_any_assessment", "Can correct any analyst's assessment"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values)
                & ~models.Q(status=Status.UNASSESSED),
                name="assessment_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(confidence__in=Confidence.values),
                name="assessment_confidence_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(rationale=""), name="assessment_has_rationale"
            ),
            models.CheckConstraint(
                condition=models.Q(superseded_by__isnull=True)
                | models.Q(status=Status.SUPERSEDED),
                name="assessment_superseded_link_only_when_superseded",
            ),
            models.CheckConstraint(
                condition=~models.Q(corrects=models.F("pk")),
                name="assessment_not_own_correction",
            ),
            models.UniqueConstraint(
                fields=["corrects"],
                name="assessment_corrected_once",
                violation_error_message="That assessment has already been corrected; "
                "correct the correction instead.",
            ),
        ]
        indexes = [
            models.Index(
                fields=["commitment", "member_state", "-as_of", "-recorded_at"],
                name="assessment_in_force",
            ),
            models.Index(fields=["-recorded_at", "-id"], name="assessment_recorded"),
            PostgreSQLGinIndex(
                OpClass(Upper("rationale"), name="gin_trgm_ops"),
                name="assessment_rationale_trgm",
            ),
        ]

    def __str__(self):
        return f"{self.get_status_display()} as of {self.as_of}"

    def get_absolute_url(self):
        return (
            reverse("declarations:commitment-detail", args=[self.commitment.reference])
            + f"#{self.anchor}"
        )

    @property
    def anchor(self) -> str:
        """Its place on the commitment's page."""
        return f"assessment-{self.pk}"
