"""The deadline a commitment clause gives, as the deadline reader reads it.

The clause is searched for a phrase the reader understands: a connector ("by",
"before", "no later than", "until", "within", "in", "during", "at", ...)
followed by a few words that read as a date, a period or an event; an event
that is itself the actor ("the forthcoming meeting of the heads of government
... in the autumn of 2005 ... will approve"); or a plea for speed ("urgently",
"in the near future", "accelerate"). A date that only says when something
already happened ("the agreements reached at the meeting held on 2 June 2005",
"adopted in September 2004") is not a deadline. A dated phrase wins over a plea
for speed; "no deadline should be set" and "set a deadline" set none.
"""

import dataclasses
import datetime
import re

from ..deadline_reader import Reading, read_deadline
from ..models.choices import DeadlineKind

CONNECTOR = re.compile(
    r"\b(?:by\s+the\s+end\s+of|no\s+later\s+than|not\s+later\s+than|before\s+the\s+"
    r"end\s+of|until\s+the\s+end\s+of|by|before|until|till|prior\s+to|ahead\s+of|"
    r"within|during|in|at|over\s+the\s+(?:next|coming)|starting\s+from)\s+",
    re.IGNORECASE,
)
# Connectors that read only a calendar period, never an event ("in the dialogue").
CALENDAR_ONLY = {"within", "during", "in", "over the next", "over the coming"}
EVENT_WORD = re.compile(
    r"^(?:the\s+)?(?:\w+\s+){0,3}?(?:meeting|summit|session|conference|forum|"
    r"assembly)s?\b",
    re.IGNORECASE,
)
PAST_PARTICIPLE = re.compile(
    r"\b(?:\w+ed|held|signed|made|taken|set|given|established|founded|launched|"
    r"done|built|met|won|begun|seen|shown|known|out|up|place|took)\s*$",
    re.IGNORECASE,
)
SPEED = re.compile(
    r"\b(?:urgently|urgent|in\s+the\s+near\s+future|as\s+soon\s+as\s+possible|"
    r"without\s+(?:further\s+)?delay|at\s+an\s+early\s+date|in\s+due\s+course|"
    r"promptly|immediately|expeditiously|speedily|accelerat\w*|expedit\w*|"
    r"speed\s+up|in\s+the\s+shortest\s+possible\s+time|at\s+the\s+earliest\s+"
    r"(?:possible\s+)?(?:date|opportunity)|in\s+the\s+coming\s+(?:days|weeks|"
    r"months|years))\b",
    re.IGNORECASE,
)
NEGATED = re.compile(
    r"\bno\s+deadlines?\b|\bset\s+a\s+deadline\b|\bwithout\s+(?:setting\s+)?a\s+"
    r"deadline\b",
    re.IGNORECASE,
)
MAX_WORDS = 14


@dataclasses.dataclass(frozen=True)
class Timing:
    """A deadline found in the text: its wording, where it is, its reading."""

    wording: str
    start: int
    reading: Reading


NO_DEADLINE = Timing(
    "", -1, Reading(DeadlineKind.NONE, note="The text sets no deadline; never overdue.")
)


def _phrase_end(text: str, start: int, end: int) -> int:
    stop = re.search(r"[,;:.()]|\s[-–—]\s", text[start:end])
    return start + stop.start() if stop else end


def _dated(text: str, start: int, end: int, declared) -> list[Timing]:
    found = []
    for m in CONNECTOR.finditer(text, start, end):
        connector = re.sub(r"\s+", " ", m.group().strip().lower())
        if PAST_PARTICIPLE.search(text[max(start, m.start() - 20) : m.start()]):
            continue  # "reached at the meeting", "adopted in 2004"
        stop = _phrase_end(text, m.end(), end)
        tail = text[m.end() : stop].split()
        if not tail or re.match(
            r"(?:that|which)\s+(?:was|were|had\s+been)\b",
            text[stop : stop + 30].lstrip(", "),
        ):
            continue
        for size in range(min(len(tail), MAX_WORDS), 0, -1):
            phrase_end = m.end() + len(" ".join(tail[:size]))
            wording = text[m.start() : phrase_end]
            reading = read_deadline(wording, declared=declared)
            if not reading.understood or reading.kind not in (
                DeadlineKind.CALENDAR,
                DeadlineKind.EVENT,
            ):
                continue
            if reading.kind == DeadlineKind.EVENT and connector in CALENDAR_ONLY:
                continue
            if reading.kind == DeadlineKind.EVENT and not EVENT_WORD.match(
                text[m.end() : phrase_end]
            ):
                continue  # "by the decision of ...", "at the dialogue ..."
            if _read_later(wording, reading, declared):
                break  # the date belongs to a later connector, read in its place
            found.append(Timing(wording, m.start(), reading))
            break
    return found


def _read_later(wording: str, reading: Reading, declared) -> bool:
    """Whether a later connector in the wording gives the same reading: "in
    real-time in fulfilment of commitments reflected in the November 2022 ..."
    reads as "in the November 2022 ...", which its own context decides."""
    for later in CONNECTOR.finditer(wording, 1):
        again = read_deadline(wording[later.start() :], declared=declared)
        if (again.kind, again.earliest, again.latest) == (
            reading.kind,
            reading.earliest,
            reading.latest,
        ) and again.understood:
            return True
    return False


def event_actor(text: str, start: int, end: int, declared) -> Timing | None:
    """An actor that is an event ('the forthcoming meeting of ... in Moscow')."""
    phrase = text[start:end].strip(" ,")
    if not EVENT_WORD.match(phrase):
        return None
    reading = read_deadline(phrase, declared=declared)
    if reading.kind != DeadlineKind.EVENT:
        return None
    offset = start + (len(text[start:end]) - len(text[start:end].lstrip(" ,")))
    return Timing(phrase, offset, reading)


def timings(text: str, start: int, end: int, declared: datetime.date) -> list[Timing]:
    """Every deadline the stretch gives, dated ones first, in text order."""
    if NEGATED.search(text, start, end):
        return []
    dated = _dated(text, start, end, declared)
    speed = []
    for m in SPEED.finditer(text, start, end):
        reading = read_deadline(m.group(), declared=declared)
        if reading.kind == DeadlineKind.VAGUE:
            speed.append(Timing(m.group(), m.start(), reading))
    return [*dated, *speed]


def deadline_for(
    found: list[Timing], *, part: tuple[int, int], head_end: int
) -> Timing:
    """The deadline of one part of a clause: one inside the part, else one in
    the clause's head (before its verb), which every part shares."""
    own = [t for t in found if part[0] <= t.start < part[1] and t.start >= head_end]
    shared = [t for t in found if t.start < head_end]
    for pool in (own, shared):
        dated = [t for t in pool if t.reading.kind != DeadlineKind.VAGUE]
        if dated or pool:
            return (dated or pool)[0]
    return NO_DEADLINE
