"""Deadlines: a change of wording or window is a revision, kept with its reason."""

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import Deadline, DeadlineRevision
from .records import commitment_lock
from .status import status_derive


@transaction.atomic
def deadline_revise(
    *, deadline: Deadline, revised_by, reason: str, derive: bool = True, **changes
) -> DeadlineRevision:
    """Change a deadline's wording or window, keeping the old one and the reason.

    ``derive=False`` when the caller revises several deadlines and derives their
    commitments once, in the same transaction (``event_held``).
    """
    if not reason.strip():
        raise ValidationError({"reason": "Say why the deadline changes."})
    commitment_lock(deadline.pk)
    deadline = Deadline.objects.get(pk=deadline.pk)
    old = {
        f: getattr(deadline, f)
        for f in ("wording", "kind", "earliest", "latest", "precision")
    }
    for field, value in changes.items():
        setattr(deadline, field, value)
    deadline.full_clean()
    new = {f: getattr(deadline, f) for f in old}
    if new == old and "note" not in changes:
        raise ValidationError("The revision changes nothing.")
    deadline.save()
    revision = DeadlineRevision(
        deadline=deadline,
        revised_by=revised_by,
        reason=reason.strip(),
        **{f"old_{k}": v for k, v in old.items()},
        **{f"new_{k}": v for k, v in new.items()},
    )
    revision.full_clean()
    revision.save()
    if derive:
        status_derive(commitment_ids=[deadline.pk], locked=True)
    return revision
