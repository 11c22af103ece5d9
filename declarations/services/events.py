"""Events: recording when one was held narrows every deadline that waits for it."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import Deadline, DeadlineRevision, Event, Precision
from ..models.deadlines import describe_window, window_for
from .deadlines import deadline_revise
from .status import status_derive


def _refuse(field: str, message: str):
    raise ValidationError({field: message})


@transaction.atomic
def event_held(
    *,
    event: Event,
    date: datetime.date,
    place: str,
    by,
    reason: str,
    source_url: str = "",
    precision: str = Precision.DAY,
    outside_window: bool = False,
    correction: bool = False,
) -> list[DeadlineRevision]:
    """Record the date (to ``precision``) and place the event was held, and
    narrow every deadline that waits for it to that date, each through
    ``deadline_revise`` with a revision of its own; then derive their
    commitments once. All or nothing. Returns the revisions, in deadline order
    (a deadline already on that window needs none).

    Refuses a date outside the event's expected window unless
    ``outside_window``, and a second setting unless ``correction``; either way
    ``reason`` says why (the source, the correction).
    """
    reason = (reason or "").strip()
    if not reason:
        _refuse("reason", "Say how the date is known (the source), or why it changes.")
    if precision not in Precision.values:
        _refuse("precision", f"{precision!r} is not a precision of a date.")
    if not isinstance(date, datetime.date):
        _refuse("date", "Give the date the event was held.")
    if date > timezone.localdate():
        _refuse("date", "An event cannot have been held in the future.")
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.is_held and not correction:
        _refuse(
            "date",
            f"{event} is already recorded as held on {event.held_display}. "
            "To change that, record a correction with its reason.",
        )
    if correction and not event.is_held:
        _refuse("correction", f"{event} has no date yet: there is nothing to correct.")
    earliest, latest = window_for(precision, date)
    held = describe_window(earliest, latest, precision)
    expected = event.expected_window_display
    outside = event.expected_earliest is not None and not (
        event.expected_earliest <= earliest and latest <= event.expected_latest
    )
    if outside and not outside_window:
        _refuse(
            "date",
            f"{held} is outside the window {event} was expected in ({expected}). "
            "If it really was held then, override the window with a reason.",
        )

    event.held_on, event.held_precision = date, precision
    event.place = (place or "").strip()
    if source_url:
        event.source_url = source_url.strip()
    event._history_user = by
    event.full_clean()
    event.save()

    where = f" in {event.place}" if event.place else ""
    fact = f"{event.name} was held{where} on {held}"
    if outside:
        fact += f", outside the window it was expected in ({expected})"
    prefix = "Correction: " if correction else "The event's date is known: "
    deadlines = list(
        Deadline.objects.filter(waits_for=event)
        .select_related("commitment")
        .order_by("pk")
    )
    revisions = []
    for deadline in deadlines:
        if (deadline.earliest, deadline.latest, deadline.precision) == (
            earliest,
            latest,
            precision,
        ):
            continue
        was = deadline.window_display
        note = f"{fact}, so the window narrows to {held} (was {was})."
        try:
            revisions.append(
                deadline_revise(
                    deadline=deadline,
                    revised_by=by,
                    reason=f"{prefix}{fact}. {reason}",
                    derive=False,
                    earliest=earliest,
                    latest=latest,
                    precision=precision,
                    note=f"{deadline.note} {note}".strip(),
                )
            )
        except ValidationError as error:
            raise ValidationError(
                f"The deadline of {deadline.commitment.reference} cannot narrow to "
                f"{held}: {' '.join(error.messages)} Nothing was recorded."
            ) from error
    # The revised deadlines' commitments are locked (deadline_revise took them).
    status_derive(commitment_ids=[r.deadline_id for r in revisions], locked=True)
    return revisions
