"""Each commitment's deadline: its kind, window, wording and any revision."""

import datetime
from typing import TYPE_CHECKING

from declarations.models import Deadline, DeadlineKind, DeadlineRevision, Precision
from declarations.models.deadlines import window_for

from .rows import build
from .vocabulary import PLACES, PRECISIONS, QUARTERS, SEASONS, VAGUE_WORDINGS

if TYPE_CHECKING:
    from .generator import Generator


# The first commitments of a run cover every kind of deadline and every precision,
# so even a small run has them all.
FORCED_DEADLINES = [
    (DeadlineKind.CALENDAR, Precision.DAY),
    (DeadlineKind.CALENDAR, Precision.MONTH),
    (DeadlineKind.CALENDAR, Precision.SEASON),
    (DeadlineKind.CALENDAR, Precision.QUARTER),
    (DeadlineKind.CALENDAR, Precision.YEAR),
    (DeadlineKind.EVENT, Precision.DAY),
    (DeadlineKind.EVENT, Precision.YEAR),
    (DeadlineKind.VAGUE, ""),
    (DeadlineKind.NONE, ""),
]


def calendar_wording(precision: str, first: datetime.date) -> str:
    """How a declaration words a window of the precision that starts on ``first``."""
    if precision == Precision.DAY:
        return f"by {first.day} {first:%B %Y}"
    if precision == Precision.MONTH:
        return f"in {first:%B %Y}"
    if precision == Precision.SEASON:
        season = SEASONS[first.month]
        if season == "winter":
            return f"in the winter of {first.year}/{(first.year + 1) % 100:02d}"
        return f"in the {season} of {first.year}"
    if precision == Precision.QUARTER:
        return f"in the {QUARTERS[first.month]} quarter of {first.year}"
    return f"by the end of {first.year}"


def write_deadline(gen: "Generator", pk, declared: datetime.date, forced, rows) -> str:
    """Write the deadline (and any revision); return its wording, '' for none."""
    rng, s = gen.rng, gen.summary
    if forced is not None:
        kind, precision = FORCED_DEADLINES[forced]
    else:
        kind = rng.choices(
            (
                DeadlineKind.CALENDAR,
                DeadlineKind.EVENT,
                DeadlineKind.VAGUE,
                DeadlineKind.NONE,
            ),
            weights=(30, 20, 20, 30),
        )[0]
        precision = rng.choice(PRECISIONS)
    deadline = build(Deadline, commitment_id=pk, kind=kind)
    revision = None
    if kind == DeadlineKind.CALENDAR:
        day = declared + datetime.timedelta(days=rng.randint(30, 6 * 365))
        deadline.earliest, deadline.latest = window_for(precision, day)
        deadline.precision = precision
        deadline.wording = calendar_wording(precision, deadline.earliest)
        deadline.note = "Calendar deadline: the window is the wording's period."
        if rng.random() < 0.05:
            # Extended: the old window is kept in the revision.
            old = (deadline.earliest, deadline.latest)
            later = deadline.latest + datetime.timedelta(days=rng.randint(1, 400))
            deadline.earliest, deadline.latest = window_for(precision, later)
            deadline.note = "Extended by a later decision (see the revision)."
            revision = _revision(
                gen,
                deadline,
                old=(deadline.wording, kind, *old, precision),
                when=declared + datetime.timedelta(days=rng.randint(1, 300)),
                reason="The Council of Heads of State extended the deadline.",
            )
    elif kind == DeadlineKind.EVENT:
        wording, event, held = _event(gen, declared)
        deadline.wording, deadline.event = wording, event
        first, last = window_for(Precision.YEAR, held)
        # An event deadline starts as the year the wording allows and narrows
        # to the event's day once it has been held.
        narrow = held <= gen.until and (forced is None or precision == Precision.DAY)
        if narrow and (forced is not None or rng.random() < 0.85):
            deadline.earliest = deadline.latest = held
            deadline.precision = Precision.DAY
            deadline.note = (
                f"Event deadline; the event was held on {held:%-d %B %Y}, so the "
                "window narrows to that day (see the revision)."
            )
            revision = _revision(
                gen,
                deadline,
                old=(wording, kind, first, last, Precision.YEAR),
                when=held + datetime.timedelta(days=rng.randint(1, 30)),
                reason=f"The event was held on {held:%-d %B %Y}.",
            )
        elif forced is not None or rng.random() < 0.9:
            deadline.earliest, deadline.latest = first, last
            deadline.precision = Precision.YEAR
            deadline.note = "Event deadline: the wording allows any day of the year."
        else:
            deadline.note = "Event deadline with no known date yet."
    elif kind == DeadlineKind.VAGUE:
        deadline.wording = rng.choice(VAGUE_WORDINGS)
        deadline.note = "Vague: no date, so no window; never overdue."
        if rng.random() < 0.4:
            deadline.review_date = declared + datetime.timedelta(
                days=rng.randint(365, 3 * 365)
            )
    else:
        deadline.note = "The text sets no deadline; never overdue."
        if rng.random() < 0.1:
            deadline.review_date = declared + datetime.timedelta(
                days=rng.randint(365, 5 * 365)
            )
    rows[Deadline].append(deadline)
    if revision:
        rows[DeadlineRevision].append(revision)
        s.deadline_revisions += 1
    s.deadlines += 1
    s.deadline_kinds[kind] = s.deadline_kinds.get(kind, 0) + 1
    if deadline.precision:
        s.precisions[deadline.precision] = s.precisions.get(deadline.precision, 0) + 1
    return deadline.wording


def _event(gen: "Generator", declared: datetime.date) -> tuple[str, str, datetime.date]:
    rng = gen.rng
    held = declared + datetime.timedelta(days=rng.randint(60, 730))
    if held > gen.until and declared + datetime.timedelta(days=60) <= gen.until:
        held = declared + datetime.timedelta(
            days=rng.randint(60, (gen.until - declared).days)
        )
    place = rng.choice(PLACES)
    choice = rng.randrange(4)
    if choice == 0:
        wording = "by the next Summit"
        event = f"The next summit of the Council of Heads of State ({place})"
    elif choice == 1:
        wording = f"by the {held.year} Summit"
        event = f"The {held.year} summit of the Council of Heads of State"
    elif choice == 2:
        wording = f"at the meeting of Heads of Government in {place}"
        event = f"The meeting of the Council of Heads of Government in {place}"
    else:
        wording = "before the next meeting of the Council of Ministers"
        event = "The next meeting of the Council of Ministers of Foreign Affairs"
    return wording, event, held


def _revision(gen: "Generator", deadline, *, old, when, reason) -> DeadlineRevision:
    revised_at = min(gen.moment(min(when, gen.until)), gen.limit)
    return build(
        DeadlineRevision,
        pk=gen.take(DeadlineRevision),
        deadline_id=deadline.commitment_id,
        revised_at=revised_at,
        reason=reason,
        old_wording=old[0],
        old_kind=old[1],
        old_earliest=old[2],
        old_latest=old[3],
        old_precision=old[4],
        new_wording=deadline.wording,
        new_kind=deadline.kind,
        new_earliest=deadline.earliest,
        new_latest=deadline.latest,
        new_precision=deadline.precision,
    )
