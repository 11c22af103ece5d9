"""Blind double coding: open a round, settle it, or close it unsettled.

Codings join a round in ``records.assessment_record``; here are the editor's and
the reviewer's writes. Each locks the commitment, as every writer of its record
does, so a settlement and a late coding queue. Nothing is deleted: the codings
not published are set aside (``Review.SET_ASIDE``) and stay on the record.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import Assessment, CodingRound, Commitment, Review
from .records import (
    REVIEW_PERMISSION,
    assessment_record,
    assessment_review,
    commitment_lock,
)

OPEN_PERMISSION = "declarations.add_codinground"
CLOSE_PERMISSION = "declarations.change_codinground"
CODER_PERMISSION = "declarations.add_assessment"


def _when(moment) -> str:
    return f"{timezone.localtime(moment):%-d %B %Y %H:%M}"


@transaction.atomic
def coding_round_open(*, commitment: Commitment, opened_by, coders=()) -> CodingRound:
    """Open the commitment to blind double coding by two named analysts, or (no
    ``coders``) by any two analysts. One round is open per commitment."""
    if opened_by is None or not opened_by.has_perm(OPEN_PERMISSION):
        raise PermissionDenied("Only editors open a commitment to double coding.")
    commitment = commitment_lock(commitment.pk)
    coders = list(coders)
    errors = {}
    if CodingRound.objects.open_for(commitment.pk).exists():
        errors["commitment"] = (
            f"{commitment.reference} already has an open double-coding round: "
            "settle or close it first."
        )
    if coders and len(coders) != 2:
        errors["coders"] = "Name two coders, or none for any two analysts."
    elif coders and coders[0].pk == coders[1].pk:
        errors["coders"] = "The two coders are two different analysts."
    elif coders:
        not_analysts = [u.get_username() for u in coders if not _may_code(u)]
        if not_analysts:
            errors["coders"] = (
                f"Not an analyst (cannot record assessments): "
                f"{', '.join(not_analysts)}."
            )
    if errors:
        raise ValidationError(errors)
    coding_round = CodingRound(
        commitment=commitment,
        opened_by=opened_by,
        coder_a=coders[0] if coders else None,
        coder_b=coders[1] if coders else None,
    )
    coding_round.full_clean(validate_constraints=False)
    coding_round.save()
    return coding_round


def _may_code(user) -> bool:
    return user.is_active and user.has_perm(CODER_PERMISSION)


def _locked_open_round(coding_round: CodingRound) -> CodingRound:
    """The round read again under its commitment's lock; refused if closed."""
    commitment_lock(coding_round.commitment_id)
    coding_round = CodingRound.objects.select_related("closed_by", "commitment").get(
        pk=coding_round.pk
    )
    if not coding_round.is_open:
        what = "settled" if coding_round.is_settled else "closed"
        raise ValidationError(
            f"This round was already {what} by "
            f"{coding_round.closed_by.get_username()} on "
            f"{_when(coding_round.closed_at)}. Nothing was changed.",
            code="closed",
        )
    return coding_round


def _set_aside(codings, *, by, at, comment: str) -> None:
    for coding in codings:
        coding.review = Review.SET_ASIDE
        coding.reviewed_by = by
        coding.reviewed_at = at
        coding.review_comment = comment
        coding.save(
            update_fields=["review", "reviewed_by", "reviewed_at", "review_comment"]
        )


@transaction.atomic
def coding_round_settle(
    *,
    coding_round: CodingRound,
    reviewer,
    choose: Assessment | None = None,
    record: dict | None = None,
    comment: str = "",
) -> CodingRound:
    """Settle a round whose two codings are in: publish one (``choose``, through
    ``assessment_review``) or record the settled assessment (``record``: the
    arguments of ``assessment_record``; it is published at once, the review
    being this settlement). The codings not published are set aside, kept. The
    reviewer coded neither and was not named a coder."""
    if reviewer is None or not reviewer.has_perm(REVIEW_PERMISSION):
        raise PermissionDenied("Only analysts and editors settle a double coding.")
    coding_round = _locked_open_round(coding_round)
    codings = list(coding_round.assessments.select_related("recorded_by"))
    comment = comment.strip()
    if coding_round.both_in_at is None:
        raise ValidationError(
            f"Only {len(codings)} of the two codings is in: the round is settled "
            "once both coders have recorded theirs. Nothing was changed.",
            code="not_both_in",
        )
    coders = coding_round.named_coder_ids | {c.recorded_by_id for c in codings}
    if reviewer.pk in coders:
        raise ValidationError(
            "You are a coder in this round: an analyst who coded neither assessment "
            "settles it. Nothing was changed.",
            code="own_round",
        )
    if (choose is None) == (record is None):
        raise ValidationError(
            {
                "choose": "Choose the coding to publish, or record the settled "
                "assessment: one of the two."
            }
        )
    if choose is not None and choose.pk not in {c.pk for c in codings}:
        raise ValidationError(
            {"choose": "That assessment is not a coding in this round."}
        )
    now = timezone.now()
    coding_round.closed_at = now
    coding_round.closed_by = reviewer
    coding_round.comment = comment
    if choose is not None:
        coding_round.settled_with = choose
        coding_round.save(
            update_fields=["closed_at", "closed_by", "comment", "settled_with"]
        )
        settled = assessment_review(
            assessment=choose, reviewer=reviewer, approve=True, comment=comment
        )
    else:
        coding_round.save(update_fields=["closed_at", "closed_by", "comment"])
        # The round is closed now, so this assessment joins no round.
        settled = assessment_record(
            commitment=coding_round.commitment,
            recorded_by=reviewer,
            publish=True,
            **record,
        )
        coding_round.settled_with = settled
        coding_round.save(update_fields=["settled_with"])
    _set_aside(
        [c for c in codings if c.pk != settled.pk],
        by=reviewer,
        at=now,
        comment=comment or "Set aside when the double coding was settled.",
    )
    return coding_round


@transaction.atomic
def coding_round_close(*, coding_round: CodingRound, closed_by, reason: str):
    """Close an open round unsettled, with the reason; its codings are set aside
    (kept on the record, counting nowhere)."""
    if closed_by is None or not closed_by.has_perm(CLOSE_PERMISSION):
        raise PermissionDenied("Only editors close a double-coding round.")
    coding_round = _locked_open_round(coding_round)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"comment": "Say why the round is closed unsettled."})
    codings = list(coding_round.assessments.all())
    coders = coding_round.named_coder_ids | {c.recorded_by_id for c in codings}
    if closed_by.pk in coders:
        raise ValidationError(
            "You are a coder in this round: another editor closes it.",
            code="own_round",
        )
    now = timezone.now()
    coding_round.closed_at = now
    coding_round.closed_by = closed_by
    coding_round.comment = reason
    coding_round.full_clean(validate_constraints=False)
    coding_round.save(update_fields=["closed_at", "closed_by", "comment"])
    _set_aside(codings, by=closed_by, at=now, comment=reason)
    return coding_round


def coders_named(usernames: list[str]) -> list:
    """The users with these usernames, in order; a ValidationError on ``coders``
    naming the ones that do not exist."""
    User = get_user_model()
    found = {
        u.get_username(): u
        for u in User.objects.filter(**{f"{User.USERNAME_FIELD}__in": usernames})
    }
    missing = [name for name in usernames if name not in found]
    if missing:
        raise ValidationError({"coders": f"No such user: {', '.join(missing)}."})
    return [found[name] for name in usernames]
