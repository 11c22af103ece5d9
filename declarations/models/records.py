"""The implementation record: evidence logged by analysts and their assessments.

Both are append-only. Evidence is retracted (with a reason), never deleted; an
assessment is never edited: a correction is a new assessment that names the one it
corrects, and a corrected assessment no longer counts towards any status.
"""

import re

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.contrib.postgres.indexes import OpClass
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator, URLValidator
from django.db import models
from django.db.models.functions import Lower, Upper
from django.db.models.lookups import In
from django.urls import reverse
from django.utils import timezone

from ..text import refuse_control_characters
from .choices import Confidence, DatePrecision, Direction, Review, Status
from .indexes import PostgreSQLGinIndex
from .sources import SourceCheck

http_url = URLValidator(schemes=["http", "https"])

# A source's language as a short code: ISO 639-1 or -3, optionally with a region
# or script subtag (en, ru, zh, zh-Hans, pt-BR).
LANGUAGE_CODE = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$"
language_code = RegexValidator(
    LANGUAGE_CODE,
    "Give the source's language as a short code: en, ru, zh, kk (ISO 639-1).",
    code="language_code",
)
# Names for the codes Django's own table lacks (it names only its locales).
LANGUAGE_NAMES = {"zh": "Chinese"}

# The key a row of an imported record file carries (import_evidence): stable, so
# importing the same file again finds what it wrote.
record_key_format = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
    "A record key is letters, digits, '.', '_' or '-', at most 64 (E001, A012).",
    code="record_key",
)


def record_key_field():
    return models.CharField(
        max_length=64,
        blank=True,
        validators=[record_key_format],
        help_text="The key of the row of the record file it was imported from "
        "(import_evidence); empty for what analysts log on the pages.",
    )


# Words that stand in for a title nobody recorded. A title in square brackets
# ("[no title in corpus excerpt]") is one too: the database refuses those, and
# these words, whatever their case.
PLACEHOLDER_TITLES = (
    "untitled",
    "no title",
    "n/a",
    "na",
    "none",
    "unknown",
    "tbd",
    "title",
)


def real_title(value: str) -> None:
    """A source title is the one the source shows, never a stand-in for it."""
    title = value.strip()
    folded = title.casefold()
    bracketed = title[:1] in "[［" and title[-1:] in "]］"
    if (
        bracketed
        or folded.strip(" .-:;") in PLACEHOLDER_TITLES
        or "no title" in folded
        or not re.search(r"\w", title)
    ):
        raise ValidationError(
            f"'{value}' is a placeholder, not a title. Give the title the source "
            "itself shows (or its first heading); a source without one is not "
            "logged as evidence.",
            code="placeholder_title",
        )


# The fewest words a rationale may have: enough to say what the evidence shows.
RATIONALE_MIN_WORDS = 4


def substantive(value: str) -> None:
    """A rationale says something a reader can check: a sentence, not a word."""
    words = re.findall(r"\w+", value)
    if len(words) < RATIONALE_MIN_WORDS:
        raise ValidationError(
            f"Say why in at least {RATIONALE_MIN_WORDS} words: what the evidence "
            "shows, or for 'no evidence available' what was searched. A reader "
            "cites the rationale; a word or two tells them nothing.",
            code="rationale_too_short",
        )


class EvidenceQuerySet(models.QuerySet):
    def standing(self):
        """Evidence that has not been retracted."""
        return self.filter(retracted_at__isnull=True)

    def newest_first(self):
        return self.order_by("-logged_at", "-pk")

    def up_to(self, as_of):
        """Standing evidence of events on or before the date, of standing
        commitments, latest event first."""
        return (
            self.standing()
            .filter(event_date__lte=as_of, commitment__withdrawn_at__isnull=True)
            .select_related("commitment")
            .order_by("-event_date", "-logged_at", "-pk")
        )

    def for_feed(self):
        """Evidence newest logged first, retracted too, with its commitment (of
        standing commitments: a withdrawn one leaves the feeds)."""
        return (
            self.filter(commitment__withdrawn_at__isnull=True)
            .select_related("commitment")
            .newest_first()
        )

    def for_timeline(self):
        """Evidence in event order, with who logged and retracted it."""
        return self.select_related("logged_by", "retracted_by").order_by(
            "-event_date", "-pk"
        )

    def with_source(self):
        """Evidence that cites a source URL."""
        return self.exclude(source_url="")

    def source_unchecked_since(self, moment):
        """Evidence whose current source URL has had no check since ``moment``."""
        recent = SourceCheck.objects.filter(
            evidence=models.OuterRef("pk"),
            url=models.OuterRef("source_url"),
            checked_at__gte=moment,
        )
        return self.exclude(models.Exists(recent))

    def with_last_reachable(self):
        """Annotate ``last_reachable_at``: when its current URL last answered."""
        last_reachable = (
            SourceCheck.objects.filter(
                evidence=models.OuterRef("pk"),
                url=models.OuterRef("source_url"),
                reachable=True,
            )
            .latest_first()
            .values("checked_at")[:1]
        )
        return self.annotate(last_reachable_at=models.Subquery(last_reachable))

    def with_latest_source_check(self):
        """With ``last_reachable_at``, and each entry's latest source check
        prefetched (one query for the lot, whatever the history's length)."""
        return self.with_last_reachable().prefetch_related(
            models.Prefetch(
                "source_checks",
                queryset=SourceCheck.objects.latest_first()[:1],
                to_attr="latest_source_checks",
            )
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
        max_length=500,
        validators=[refuse_control_characters, real_title],
        help_text="The title the source itself shows (or its first heading).",
    )
    source_publisher = models.CharField(
        max_length=300, blank=True, validators=[refuse_control_characters]
    )
    source_url = models.URLField(
        max_length=1000, blank=True, validators=[refuse_control_characters, http_url]
    )
    source_language = models.CharField(
        "language",
        max_length=12,
        blank=True,
        validators=[language_code],
        help_text="The language of the source: en, ru, zh, kk ...",
    )
    archived_url = models.URLField(
        "archived copy",
        max_length=1000,
        blank=True,
        validators=[refuse_control_characters, http_url],
        help_text="An archived copy of the source (web.archive.org, archive.today), "
        "only where its real address was seen.",
    )
    accessed_on = models.DateField(
        null=True, blank=True, help_text="When the source was read."
    )
    excerpt = models.TextField(
        max_length=4000,
        validators=[refuse_control_characters, MaxLengthValidator(4000)],
        blank=True,
    )
    confidence = models.CharField(
        max_length=10,
        choices=Confidence.choices,
        blank=True,
        help_text="How sure it is that the event happened as summarised and that "
        "it bears on this commitment.",
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
    record_key = record_key_field()

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
                condition=models.Q(archived_url="")
                | models.Q(archived_url__startswith="http://")
                | models.Q(archived_url__startswith="https://"),
                name="evidence_archived_url_is_http",
            ),
            models.CheckConstraint(
                condition=models.Q(confidence="")
                | models.Q(confidence__in=Confidence.values),
                name="evidence_confidence_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(
                    source_title__startswith="[", source_title__endswith="]"
                )
                & ~models.Q(In(Lower("source_title"), PLACEHOLDER_TITLES)),
                name="evidence_title_not_placeholder",
                violation_error_message="A source title is the source's own, not "
                "a placeholder.",
            ),
            models.UniqueConstraint(
                fields=["record_key"],
                condition=~models.Q(record_key=""),
                name="evidence_record_key_unique",
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

    @property
    def source_check(self) -> SourceCheck | None:
        """The latest check of its current source URL, if any (read from
        ``with_latest_source_check()``'s prefetch where there is one)."""
        checks = getattr(self, "latest_source_checks", None)
        if checks is None:
            checks = self.source_checks.latest_first()[:1]
        check = next(iter(checks), None)
        if check is None or check.url != self.source_url:
            return None  # never checked, or checked before its URL changed
        return check

    @property
    def source_not_reachable(self) -> bool:
        """Whether its source did not answer when last checked."""
        check = self.source_check
        return check is not None and not check.reachable

    @property
    def source_language_name(self) -> str:
        """The source's language in English words ("Russian"), or its code."""
        code = self.source_language
        info = LANG_INFO.get(code) or LANG_INFO.get(code.lower()) or {}
        return info.get("name") or LANGUAGE_NAMES.get(code.split("-")[0], code)

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
    def published(self):
        """Assessments that passed review (or were published directly): the only
        ones that count anywhere the public can see."""
        return self.filter(review=Review.PUBLISHED)

    def visible_to(self, user):
        """What the user may read: published ones, and for analysts (who review
        them) drafts and returned ones too, except a double-coding round's
        codings before both are in: those only their own coder sees (blind)."""
        if user is not None and user.has_perm("declarations.review_assessment"):
            return self.filter(
                models.Q(coding_round__isnull=True)
                | models.Q(coding_round__both_in_at__isnull=False)
                | models.Q(recorded_by=user.pk)
            )
        return self.published()

    def double_coded(self):
        """The codings of every double-coding round whose two coders are both in,
        whatever became of them (published, set aside): the inter-coder sample."""
        return self.filter(
            coding_round__isnull=False, coding_round__both_in_at__isnull=False
        )

    def coded_statuses(self) -> list[list[str]]:
        """The statuses of the double-coded rounds, one list per round (one
        query): the items of the inter-coder agreement."""
        by_round: dict[int, list[str]] = {}
        rows = self.double_coded().order_by().values_list("coding_round", "status")
        for coding_round, status in rows:
            by_round.setdefault(coding_round, []).append(status)
        return list(by_round.values())

    def blind(self):
        """Codings of rounds still waiting for their second coder."""
        return self.filter(
            coding_round__isnull=False, coding_round__both_in_at__isnull=True
        )

    def effective(self):
        """Assessments that no later published correction has replaced."""
        return self.exclude(corrections__review=Review.PUBLISHED)

    def overall(self):
        """Assessments of the commitment as a whole, not of one member state."""
        return self.filter(member_state__isnull=True)

    def counting(self):
        """The assessments that set a commitment's overall status: published,
        overall ones that no later published correction replaced."""
        return self.published().overall().effective()

    def awaiting_review(self, reviewer):
        """Drafts the reviewer may review (anyone's but their own) on standing
        commitments, oldest first. A double-coding round's codings are settled
        together, not here (``CodingRound.objects.ready_to_settle``); a withdrawn
        commitment's drafts wait for nothing (its record counts nowhere)."""
        return (
            self.filter(
                review=Review.DRAFT,
                coding_round__isnull=True,
                commitment__withdrawn_at__isnull=True,
            )
            .exclude(recorded_by=reviewer)
            .select_related("commitment", "recorded_by", "member_state", "corrects")
            .prefetch_related("evidence")
            .order_by("recorded_at", "pk")
        )

    def resting_on_retracted_evidence(self):
        """Published assessments that cite evidence since retracted."""
        return self.published().filter(evidence__retracted_at__isnull=False).distinct()

    def with_retracted_citations(self):
        """Annotate ``rests_on_retracted``: whether it cites retracted evidence."""
        through = Assessment.evidence.through.objects.filter(
            assessment=models.OuterRef("pk"), evidence__retracted_at__isnull=False
        )
        return self.annotate(rests_on_retracted=models.Exists(through))

    def in_force_order(self):
        """Latest first: by the date it became true, then by when it was recorded."""
        return self.order_by("-as_of", "-recorded_at", "-pk")

    def in_force_on(self, as_of):
        """Candidates for the status in force on ``as_of``, the one in force first."""
        return self.published().effective().filter(as_of__lte=as_of).in_force_order()

    def for_feed(self):
        """Published assessments, newest published first, with commitment and
        member state (of standing commitments: a withdrawn one leaves the feeds)."""
        return (
            self.published()
            .filter(commitment__withdrawn_at__isnull=True)
            .select_related("commitment", "member_state")
            .order_by("-published_at", "-pk")
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
        """Assessments newest first, with their author and reviewer, evidence and
        the published corrections that replaced them."""
        return (
            self.select_related(
                "recorded_by",
                "reviewed_by",
                "member_state",
                "corrects",
                "superseded_by",
            )
            .prefetch_related(
                "evidence",
                models.Prefetch(
                    "corrections",
                    queryset=Assessment.objects.published().order_by("pk"),
                ),
            )
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
        validators=[refuse_control_characters, substantive, MaxLengthValidator(4000)],
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
    superseding_decision = models.CharField(
        max_length=300,
        blank=True,
        validators=[refuse_control_characters],
        help_text="For 'superseded', when what replaced it is not a commitment "
        "tracked here: the decision, as its source names it.",
    )
    coding_round = models.ForeignKey(
        "declarations.CodingRound",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
        help_text="The blind double-coding round this assessment is a coding in.",
    )
    review = models.CharField(
        max_length=10,
        choices=Review.choices,
        default=Review.PUBLISHED,
        help_text="Only published assessments count anywhere the public can see.",
    )
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When it became public: at review, or when recorded where the "
        "install publishes directly. What ?known_on= reads.",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments_reviewed",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(
        max_length=2000,
        blank=True,
        validators=[refuse_control_characters, MaxLengthValidator(2000)],
        help_text="Why it was returned (required), or a note on approval.",
    )
    record_key = record_key_field()

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-as_of", "-recorded_at", "-pk"]
        # Editors hold it (migration 0007): see services.records.CORRECTION_POLICY.
        permissions = [
            ("correct_any_assessment", "Can correct any analyst's assessment"),
            ("review_assessment", "Can review another analyst's assessment"),
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
                condition=~models.Q(review=Review.RETURNED),
                name="assessment_corrected_once",
                violation_error_message="That assessment has already been corrected; "
                "correct the correction instead.",
            ),
            models.UniqueConstraint(
                fields=["coding_round", "recorded_by"],
                condition=models.Q(coding_round__isnull=False),
                name="assessment_one_coding_per_coder",
                violation_error_message="Each coder records one assessment in a "
                "double-coding round.",
            ),
            models.CheckConstraint(
                condition=models.Q(coding_round__isnull=True)
                | models.Q(member_state__isnull=True, corrects__isnull=True),
                name="assessment_coding_is_overall_and_new",
            ),
            models.CheckConstraint(
                condition=models.Q(review__in=Review.values),
                name="assessment_review_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(review=Review.PUBLISHED)
                | models.Q(published_at__isnull=False),
                name="assessment_published_when",
            ),
            models.CheckConstraint(
                condition=models.Q(reviewed_by__isnull=True)
                | ~models.Q(reviewed_by=models.F("recorded_by")),
                name="assessment_not_reviewed_by_author",
                violation_error_message="An assessment is reviewed by someone other "
                "than its author.",
            ),
            models.CheckConstraint(
                condition=~models.Q(review=Review.RETURNED)
                | ~models.Q(review_comment=""),
                name="assessment_returned_with_comment",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=Status.SUPERSEDED)
                | models.Q(superseded_by__isnull=False)
                | ~models.Q(superseding_decision=""),
                name="assessment_superseded_names_successor",
                violation_error_message="A superseded assessment names what "
                "superseded it.",
            ),
            models.UniqueConstraint(
                fields=["record_key"],
                condition=~models.Q(record_key=""),
                name="assessment_record_key_unique",
            ),
        ]
        indexes = [
            models.Index(
                fields=["commitment", "member_state", "-as_of", "-recorded_at"],
                name="assessment_in_force",
            ),
            models.Index(fields=["-recorded_at", "-id"], name="assessment_recorded"),
            models.Index(fields=["-published_at", "-id"], name="assessment_published"),
            # The review queue: drafts, oldest first.
            models.Index(
                fields=["recorded_at", "id"],
                condition=models.Q(review=Review.DRAFT),
                name="assessment_drafts",
            ),
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

    @property
    def is_published(self) -> bool:
        return self.review == Review.PUBLISHED

    @property
    def rests_on_retracted_evidence(self) -> bool:
        """Whether evidence it cites has been retracted since (read from the
        prefetched evidence where there is one: no query)."""
        return any(e.retracted_at is not None for e in self.evidence.all())
