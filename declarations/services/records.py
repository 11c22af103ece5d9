"""The implementation record: evidence logged and retracted, assessments recorded.

Each write is one transaction that locks the commitment it appends to
(``SELECT ... FOR NO KEY UPDATE``): writers of the same commitment queue, and the
second sees what the first wrote; writers of other commitments never wait. The
lock does not conflict with the key-share lock a new row's foreign key takes, so
logging evidence cannot deadlock with an assessment of the same commitment.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from ..models import (
    Assessment,
    Body,
    BodyKind,
    CodingRound,
    Commitment,
    Evidence,
    Review,
    Status,
)
from ..models.coding import CODERS_PER_ROUND
from ..page_cache import pages_changed
from .status import status_derive

RELATED_FIELDS = [
    "commitment",
    "recorded_by",
    "member_state",
    "corrects",
    "superseded_by",
]


class StaleAssessment(ValidationError):
    """The assessment form was built before someone else recorded an assessment."""

    def __init__(self, latest: Assessment):
        self.latest = latest
        who = (
            latest.recorded_by.get_username() if latest.recorded_by else "the codebook"
        )
        super().__init__(
            f"Someone assessed this commitment while you were editing: {who} recorded "
            f"'{latest.get_status_display()}' as of {latest.as_of:%-d %B %Y} at "
            f"{timezone.localtime(latest.recorded_at):%-d %B %Y %H:%M}. Review it and "
            "submit again if your assessment still stands.",
            code="stale",
        )


def _latest_assessment():
    # A blind coding is nobody else's news: a form must not be refused as stale
    # (and show it) because the other coder of a round recorded theirs.
    return (
        Assessment.objects.filter(commitment=models.OuterRef("pk"))
        .filter(
            models.Q(coding_round__isnull=True)
            | models.Q(coding_round__closed_at__isnull=False)
        )
        .order_by("-recorded_at", "-pk")
        .values("pk")[:1]
    )


def commitment_lock(commitment_id: int) -> Commitment:
    """The commitment, locked until the transaction ends, with its declaration
    and ``open_coding_round_id`` (its open double-coding round, or None)."""
    open_round = CodingRound.objects.open_for(models.OuterRef("pk")).values("pk")
    return (
        Commitment.objects.select_for_update(no_key=True, of=("self",))
        .select_related("declaration")
        .annotate(open_coding_round_id=models.Subquery(open_round[:1]))
        .get(pk=commitment_id)
    )


def _refuse_withdrawn(commitment: Commitment) -> None:
    if commitment.withdrawn_at is not None:
        raise ValidationError(
            f"{commitment.reference} was withdrawn: its record is kept as it "
            "stood, and nothing more is logged or assessed.",
            code="withdrawn",
        )


def _not_in_future(value: datetime.date, field: str, what: str) -> None:
    if value > timezone.localdate():
        raise ValidationError({field: f"The {what} cannot be in the future."})


@transaction.atomic
def evidence_log(
    *, commitment: Commitment, logged_by, derive: bool = True, **fields
) -> Evidence:
    """Validate and save one piece of evidence for a commitment.

    ``derive=False`` leaves deriving the commitment's status to the caller, who
    writes many rows in the same transaction and derives once (``record_import``).
    """
    commitment = commitment_lock(commitment.pk)
    _refuse_withdrawn(commitment)
    evidence = Evidence(commitment=commitment, logged_by=logged_by, **fields)
    # The fields' validators say what is wrong; the database holds the check
    # constraints, and validating them here again would cost a query each.
    evidence.full_clean(exclude=["commitment", "logged_by"], validate_constraints=False)
    _not_in_future(evidence.event_date, "event_date", "event date")
    if evidence.accessed_on:
        _not_in_future(evidence.accessed_on, "accessed_on", "accessed date")
    evidence.save()
    if derive:
        status_derive(commitment_ids=[commitment.pk], locked=True)
    return evidence


@transaction.atomic
def evidence_retract(*, evidence: Evidence, retracted_by, reason: str) -> Evidence:
    """Mark evidence retracted with its reason; the record itself stays."""
    commitment_lock(evidence.commitment_id)
    evidence = Evidence.objects.get(pk=evidence.pk)
    if evidence.is_retracted:
        raise ValidationError("This evidence is already retracted.")
    if not reason.strip():
        raise ValidationError(
            {"retraction_reason": "Say why the evidence is retracted."}
        )
    evidence.retracted_at = timezone.now()
    evidence.retracted_by = retracted_by
    evidence.retraction_reason = reason.strip()
    evidence.full_clean()
    evidence.save(update_fields=["retracted_at", "retracted_by", "retraction_reason"])
    status_derive(commitment_ids=[evidence.commitment_id], locked=True)
    return evidence


# Who may correct an assessment. The methodology page prints this sentence.
CORRECTION_POLICY = (
    "An assessment can be corrected only by the analyst who recorded it, or by an "
    "editor; an assessment shipped with the codebook, which has no analyst, only "
    "by an editor. Nobody can correct another analyst's judgement in their name: "
    "an analyst who disagrees records an assessment of their own."
)
CORRECT_ANY = "declarations.correct_any_assessment"


def may_correct(user, assessment: Assessment) -> bool:
    """Whether ``user`` may record a correction of ``assessment``
    (``CORRECTION_POLICY``): its author, or an editor."""
    if user is None or not user.is_authenticated:
        return False
    own = assessment.recorded_by_id is not None and assessment.recorded_by_id == user.pk
    return own or user.has_perm(CORRECT_ANY)


def correctable_by(user, assessments):
    """The assessments of a queryset that ``user`` may correct (``may_correct``)."""
    if user is None or not user.is_authenticated:
        return assessments.none()
    if user.has_perm(CORRECT_ANY):
        return assessments
    return assessments.filter(recorded_by=user)


def latest_assessment_id(commitment: Commitment) -> int | None:
    """The id of the most recently recorded assessment of a commitment (any kind)."""
    return (
        Commitment.objects.filter(pk=commitment.pk)
        .annotate(latest=models.Subquery(_latest_assessment()))
        .values_list("latest", flat=True)
        .first()
    )


def review_required() -> bool:
    """Whether a new assessment waits for review (``TRACKER_REVIEW_REQUIRED``)."""
    return settings.TRACKER_REVIEW_REQUIRED


def _evidence_errors(status: str, evidence: list[Evidence], commitment) -> str | None:
    """What is wrong with the evidence an assessment cites, if anything."""
    if any(e.commitment_id != commitment.pk for e in evidence):
        return "Cited evidence must belong to this commitment."
    if any(e.is_retracted for e in evidence):
        return "Retracted evidence cannot be cited."
    if status in Status.needing_evidence() and not evidence:
        return (
            f"'{Status(status).label}' says something happened (or will not): cite "
            "at least one piece of evidence that has not been retracted. Log the "
            "evidence first."
        )
    return None


@transaction.atomic
def assessment_record(
    *,
    commitment: Commitment,
    recorded_by,
    status: str,
    as_of: datetime.date,
    confidence: str,
    rationale: str,
    evidence=(),
    member_state: Body | None = None,
    corrects: Assessment | None = None,
    superseded_by: Commitment | None = None,
    superseding_decision: str = "",
    expected_latest_id: object = ...,
    publish: bool | None = None,
    record_key: str = "",
    derive: bool = True,
) -> Assessment:
    """Append an assessment and derive the commitment's status anew.

    It is a draft, counting nowhere the public sees, until another analyst
    approves it (``assessment_review``), unless review is off or ``publish`` says
    otherwise (the codebook's own assessments). ``record_key`` is the key of the
    record file's row it comes from (``record_import``), which passes
    ``derive=False`` to derive once for the whole file. ``expected_latest_id`` is the
    latest assessment the analyst saw; if another one was recorded since,
    StaleAssessment is raised and nothing is written. The commitment is locked
    for the whole write, so writers of it queue and the second one is refused as
    stale.
    """
    commitment = commitment_lock(commitment.pk)
    _refuse_withdrawn(commitment)
    if expected_latest_id is not ...:
        # Read after the lock is held, in a statement of its own: a writer that
        # waited for the lock must see what the one before it committed (the
        # locking statement's own snapshot predates the wait).
        latest_id = latest_assessment_id(commitment)
        if latest_id != expected_latest_id:
            raise StaleAssessment(
                Assessment.objects.select_related("recorded_by").get(pk=latest_id)
            )
    errors = {}
    if as_of > timezone.localdate():
        errors["as_of"] = "The as-of date cannot be in the future."
    elif as_of < commitment.declaration.date:
        errors["as_of"] = (
            "The as-of date cannot be before the declaration "
            f"({commitment.declaration.date:%-d %B %Y})."
        )
    # Re-read what is cited: the caller's copies may predate a retraction.
    cited = [e.pk for e in evidence]
    evidence = list(Evidence.objects.filter(pk__in=cited)) if cited else []
    if problem := _evidence_errors(status, evidence, commitment):
        errors["evidence"] = problem
    coding_round = None
    if member_state is None and commitment.open_coding_round_id is not None:
        coding_round = CodingRound.objects.get(pk=commitment.open_coding_round_id)
    if coding_round is not None and (
        problem := coding_round_refusal(coding_round, recorded_by, corrects)
    ):
        raise ValidationError(problem, code="coding_round")
    if member_state is not None:
        bound = commitment.body_links.filter(
            body=member_state, body__kind=BodyKind.MEMBER_STATE
        ).exists()
        if not bound:
            errors["member_state"] = (
                f"{member_state} is not a member state this commitment binds."
            )
    if corrects is not None and corrects.commitment_id != commitment.pk:
        errors["corrects"] = (
            "A correction must correct an assessment of the same commitment."
        )
    elif corrects is not None and corrects.review != Review.PUBLISHED:
        errors["corrects"] = (
            "Only a published assessment is corrected: a draft is approved or "
            "returned first."
        )
    elif corrects is not None and not may_correct(recorded_by, corrects):
        author = corrects.recorded_by
        whose = f"{author.get_username()}'s" if author else "the codebook's"
        errors["corrects"] = (
            f"Only its author or an editor can correct {whose} assessment. Record "
            "an assessment of your own instead."
        )
    elif (
        corrects is not None
        and corrects.corrections.exclude(review=Review.RETURNED).exists()
    ):
        errors["corrects"] = (
            "That assessment has already been corrected (or a correction awaits "
            "review); correct the correction instead."
        )
    superseding_decision = superseding_decision.strip()
    if status == Status.SUPERSEDED and not (superseded_by or superseding_decision):
        errors["superseded_by"] = (
            "Name what superseded it: the later commitment, or the decision as "
            "its source names it."
        )
    elif status != Status.SUPERSEDED and (superseded_by or superseding_decision):
        errors["superseded_by"] = "Only a superseded assessment names what replaced it."
    if errors:
        raise ValidationError(errors)
    if publish is None:
        publish = not review_required()
    if coding_round is not None:
        publish = False  # a coding counts only once its round is settled
    now = timezone.now()
    assessment = Assessment(
        commitment=commitment,
        recorded_by=recorded_by,
        status=status,
        as_of=as_of,
        confidence=confidence,
        rationale=rationale,
        member_state=member_state,
        corrects=corrects,
        superseded_by=superseded_by,
        superseding_decision=superseding_decision,
        recorded_at=now,
        review=Review.PUBLISHED if publish else Review.DRAFT,
        published_at=now if publish else None,
        coding_round=coding_round,
        record_key=record_key,
    )
    # The related rows were given as objects, and the database holds the check
    # constraints: validating either again would cost a query each.
    assessment.full_clean(exclude=RELATED_FIELDS, validate_constraints=False)
    assessment.save()
    Assessment.evidence.through.objects.bulk_create(
        Assessment.evidence.through(assessment=assessment, evidence=e) for e in evidence
    )
    if coding_round is not None:
        coding_round_joined(coding_round, at=now)
    if publish and derive:
        status_derive(commitment_ids=[commitment.pk], locked=True)
    return assessment


def coding_round_refusal(coding_round: CodingRound, user, corrects) -> str | None:
    """Why ``user`` may not record a coding in the open round, if they may not:
    a named round takes its two coders only, any round one coding from each
    and two in all, and a coding is a judgement of one's own, not a correction."""
    coded = set(coding_round.assessments.values_list("recorded_by", flat=True))
    named = coding_round.named_coder_ids
    user_id = user.pk if user is not None else None
    if user_id in coded:
        return (
            "You have recorded your coding in this commitment's double-coding "
            "round; a reviewer settles it. A second one is refused."
        )
    if named and user_id not in named:
        return (
            "This commitment is being double-coded blind by two named analysts: "
            "until the round is settled only they record its overall assessment."
        )
    if len(coded) >= CODERS_PER_ROUND:
        return (
            "Both codings of this commitment's double-coding round are in; it "
            "awaits settlement by a reviewer (/review/coding/)."
        )
    if corrects is not None:
        return (
            "In a double-coding round each analyst records an assessment of their "
            "own: leave 'corrects' empty."
        )
    return None


def coding_round_joined(coding_round: CodingRound, *, at) -> None:
    """Mark the round both in once its second coding is saved (the one writer of
    ``both_in_at``)."""
    if coding_round.assessments.count() >= CODERS_PER_ROUND:
        coding_round.both_in_at = at
        coding_round.save(update_fields=["both_in_at"])
        pages_changed()  # the methodology page's agreement counts this round


REVIEW_PERMISSION = "declarations.review_assessment"


@transaction.atomic
def assessment_review(
    *, assessment: Assessment, reviewer, approve: bool, comment: str = ""
) -> Assessment:
    """Approve a draft (it is published and counts from now) or return it to its
    author with a comment. The reviewer is never its author; a draft is reviewed
    once."""
    commitment_lock(assessment.commitment_id)
    assessment = (
        Assessment.objects.select_related(
            "commitment", "recorded_by", "reviewed_by", "corrects", "coding_round"
        )
        .prefetch_related("evidence")
        .get(pk=assessment.pk)
    )
    settling = assessment.coding_round_id is not None and (
        assessment.coding_round.settled_with_id == assessment.pk
    )
    comment = comment.strip()
    if reviewer is None or not reviewer.has_perm(REVIEW_PERMISSION):
        raise PermissionDenied("Only analysts and editors review assessments.")
    if assessment.review != Review.DRAFT:
        who = assessment.reviewed_by.get_username() if assessment.reviewed_by else ""
        when = (
            f" on {timezone.localtime(assessment.reviewed_at):%-d %B %Y %H:%M}"
            if assessment.reviewed_at
            else ""
        )
        raise ValidationError(
            f"This assessment has already been reviewed: "
            f"{assessment.get_review_display().lower()}"
            + (f" by {who}" if who else "")
            + f"{when}. Nothing was changed.",
            code="already_reviewed",
        )
    if assessment.commitment.withdrawn_at is not None:
        raise ValidationError(
            "The commitment was withdrawn: its assessments count nowhere and are "
            "not reviewed. Nothing was changed.",
            code="withdrawn",
        )
    if assessment.coding_round_id is not None and not settling:
        raise ValidationError(
            "This assessment is a coding in a double-coding round: a reviewer "
            "settles the round (/review/coding/), choosing between its codings. "
            "Nothing was changed.",
            code="coding_round",
        )
    if assessment.recorded_by_id == reviewer.pk:
        raise ValidationError(
            "You recorded this assessment: another analyst (or an editor) reviews it.",
            code="own_assessment",
        )
    if not approve and not comment:
        raise ValidationError(
            {"comment": "Say why it is returned: its author reads the comment."}
        )
    if approve:
        cited = list(assessment.evidence.all())
        if problem := _evidence_errors(assessment.status, cited, assessment.commitment):
            raise ValidationError(
                f"It cannot be approved as it stands: {problem} Return it instead.",
                code="evidence",
            )
    now = timezone.now()
    assessment.review = Review.PUBLISHED if approve else Review.RETURNED
    assessment.published_at = now if approve else None
    assessment.reviewed_by = reviewer
    assessment.reviewed_at = now
    assessment.review_comment = comment
    assessment.full_clean(exclude=RELATED_FIELDS, validate_constraints=False)
    assessment.save(
        update_fields=[
            "review",
            "published_at",
            "reviewed_by",
            "reviewed_at",
            "review_comment",
        ]
    )
    if approve:
        status_derive(commitment_ids=[assessment.commitment_id], locked=True)
    return assessment
