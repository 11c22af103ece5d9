"""Read a deadline's wording into its kind and due window.

The reading rules are DESIGN.md's ("Deadlines: the rule most likely to be got
wrong"); the methodology page states them. In short:

- "in" or "during" a period is that period;
- "by", "before", "no later than", "not later than", "by the end of" and
  "until" a date or period run from the declaration's date to the end of it,
  with the period's precision ("before 2010": 5 July 2005 to 31 December 2010,
  as DESIGN.md groups "before" with "by"); "later this year" runs to 31
  December. Such a window ends a period of its precision and starts on the
  declaration's date, which the ledger stores as it is (Deadline.clean);
- a duration ("within six months", "over the next two years", "an 18-month
  effort") runs from the declaration's date to the same day number that much
  later, precision day (the 31st becomes the last day of a shorter month);
- "next year" is the next calendar year; a month or season without a year is the
  next one to begin after the declaration's date; "early" a year is its first
  quarter, "mid-" a year its first half and, our choice, "late" a year its last
  quarter; "this decade" is the years ending in 0 to 9 that hold the declaration;
- an event takes the window its wording allows: the day, month, season or year
  it names, or none ("by the next summit", "by COP26");
- vague wordings have no window; recurring or open-ended ones and negations are
  not deadlines.

A window that closes before the declaration's date is still returned (the
period itself), and the note says so. Wordings in Russian and Chinese, the SCO's
languages, are read for the common forms. The module is pure: no database.
"""

import calendar
import datetime
import re
from dataclasses import dataclass

from .models.choices import DeadlineKind, Precision
from .models.deadlines import describe_window, window_for

# --- the reading -----------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """How a wording reads: its kind, its due window (if any) and why."""

    kind: str
    earliest: datetime.date | None = None
    latest: datetime.date | None = None
    precision: str | None = None
    event: str = ""
    note: str = ""
    # False when no date could be read and the wording was taken as vague only
    # for want of a reading (the note asks an analyst to check it).
    understood: bool = True

    def as_dict(self) -> dict:
        """The reading as JSON-ready values: ISO dates, None where absent."""
        return {
            "kind": str(self.kind),
            "earliest": self.earliest.isoformat() if self.earliest else None,
            "latest": self.latest.isoformat() if self.latest else None,
            "precision": str(self.precision) if self.precision else None,
            "event": self.event,
            "note": self.note,
        }


@dataclass(frozen=True)
class _Period:
    """A calendar window named by the wording, before any 'by' or 'until'."""

    first: datetime.date
    last: datetime.date
    precision: str
    label: str = ""  # how the note names it; describe_window() when empty

    @property
    def name(self) -> str:
        return self.label or describe_window(self.first, self.last, self.precision)


def read_deadline(wording: str, *, declared: datetime.date) -> Reading:
    """Read ``wording`` as a deadline set by a text adopted on ``declared``."""
    cased = _normalise(wording)
    if not cased:
        return Reading(
            DeadlineKind.NONE, note="The text sets no deadline; never overdue."
        )
    if _CJK.search(cased):
        return _read_chinese(cased.lower(), cased, declared)
    if _CYRILLIC.search(cased):
        return _read_russian(cased.lower(), cased, declared)
    return _read_english(cased.lower(), cased, declared)


# --- shared helpers ----------------------------------------------------------

_CJK = re.compile(r"[\u3400-\u9fff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
ORDINALS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "last": 4,
}
NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "eighteen": 18,
    "twenty": 20,
    "thirty": 30,
    "sixty": 60,
    "ninety": 90,
}


def _normalise(wording: str) -> str:
    """One space between words, plain quotes and hyphens, no end punctuation."""
    text = wording.replace("\u00a0", " ").replace("\u2019", "'").replace("\u2011", "-")
    text = re.sub(r"[\u2010\u2012\u2013\u2014]", "-", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text.strip(" .,;:。，")


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day number ``months`` later; the 31st becomes a shorter month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _long(day: datetime.date) -> str:
    return f"{day:%-d %B %Y}"


def _period(precision: str, day: datetime.date, label: str = "") -> _Period:
    first, last = window_for(precision, day)
    return _Period(first, last, precision, label)


def _next_start(months: tuple[int, ...], precision: str, declared: datetime.date):
    """The first window starting in one of ``months`` after ``declared``."""
    for year in (declared.year, declared.year + 1):
        for month in months:
            start = datetime.date(year, month, 1)
            if start > declared:
                return _period(precision, start)
    raise AssertionError("a window of every month starts within two years")


def _next_day(month: int, day: int, declared: datetime.date) -> _Period | None:
    for year in (declared.year, declared.year + 1, declared.year + 4):
        try:
            candidate = datetime.date(year, month, day)
        except ValueError:
            continue
        if candidate > declared:
            return _period(Precision.DAY, candidate)
    return None


def _closed(period_last: datetime.date, declared: datetime.date) -> str:
    if period_last < declared:
        return (
            f"; the window closed before the declaration's date ({_long(declared)}),"
            " so it is already past"
        )
    return ""


def _in(period: _Period, declared: datetime.date, how: str = "") -> Reading:
    """The period itself; ``how`` is the connector as the note quotes it."""
    unit = "day" if period.precision == Precision.DAY else "period"
    lead = f"{how} a {unit}" if how else f"A {unit}"
    if period.precision == Precision.DAY:
        what = f"{lead}: {_long(period.first)}"
    else:
        what = f"{lead}: {period.name}, {_long(period.first)} to {_long(period.last)}"
    return Reading(
        DeadlineKind.CALENDAR,
        period.first,
        period.last,
        period.precision,
        note=f"{what}{_closed(period.last, declared)}.",
    )


def _by(period: _Period, declared: datetime.date, how: str) -> Reading:
    if period.last < declared:
        return Reading(
            DeadlineKind.CALENDAR,
            period.first,
            period.last,
            period.precision,
            note=f"{how} {period.name}: the window is that period itself, "
            f"{_long(period.first)} to {_long(period.last)}"
            f"{_closed(period.last, declared)}.",
        )
    unit = "day" if period.precision == Precision.DAY else "period"
    end = (
        _long(period.last)
        if period.precision == Precision.DAY
        else f"the end of {period.name} ({_long(period.last)})"
    )
    return Reading(
        DeadlineKind.CALENDAR,
        declared,
        period.last,
        period.precision,
        note=f"{how} a {unit}: from the declaration's date ({_long(declared)}) "
        f"to {end}.",
    )


def _within(amount: int, unit: str, declared: datetime.date, phrase: str) -> Reading:
    if unit == "day":
        latest = declared + datetime.timedelta(days=amount)
    elif unit == "week":
        latest = declared + datetime.timedelta(weeks=amount)
    elif unit == "month":
        latest = _add_months(declared, amount)
    else:
        latest = _add_months(declared, 12 * amount)
    return Reading(
        DeadlineKind.CALENDAR,
        declared,
        latest,
        Precision.DAY,
        note=f"A duration ({phrase}): from the declaration's date ({_long(declared)}) "
        f"to the same day number that much later, {_long(latest)}.",
    )


def _event(name: str, period: _Period | None, declared: datetime.date) -> Reading:
    name = name.strip(" ,.;:")
    if period is None:
        return Reading(
            DeadlineKind.EVENT,
            event=name,
            note=f"An event deadline ({name}) with no date in the wording: no window "
            "until the event's date is known.",
        )
    if period.precision == Precision.DAY:
        window = _long(period.first)
    else:
        window = f"{period.name} ({_long(period.first)} to {_long(period.last)})"
    return Reading(
        DeadlineKind.EVENT,
        period.first,
        period.last,
        period.precision,
        event=name,
        note=f"An event deadline ({name}): the window is what the wording gives, "
        f"{window}, until the event's date is known{_closed(period.last, declared)}.",
    )


def _vague(original: str) -> Reading:
    return Reading(
        DeadlineKind.VAGUE,
        note=f"Vague: '{original}' gives no date, so no window; never overdue.",
    )


def _unread(original: str) -> Reading:
    return Reading(
        DeadlineKind.VAGUE,
        note=f"No date could be read in '{original}', so it is read as vague (no "
        "window); an analyst should check it.",
        understood=False,
    )


def _recurring(original: str) -> Reading:
    return Reading(
        DeadlineKind.NONE,
        note=f"Not a deadline: '{original}' recurs or is open-ended, so there is no "
        "window; never overdue.",
    )


def _negation(asks_for_one: bool = False) -> Reading:
    if asks_for_one:
        note = (
            "Not a deadline: the wording asks for a deadline to be set but sets "
            "none itself; never overdue."
        )
    else:
        note = (
            "Not a deadline: the wording says that no deadline is (or should be) "
            "set; never overdue."
        )
    return Reading(DeadlineKind.NONE, note=note)


def _with_recurrence(reading: Reading, original: str) -> Reading:
    note = reading.note.rstrip(".") + f"; the recurrence in '{original}' is not read."
    return Reading(
        reading.kind,
        reading.earliest,
        reading.latest,
        reading.precision,
        reading.event,
        note,
    )


# --- English -----------------------------------------------------------------

_MONTH = (
    r"(january|february|march|april|may|june|july|august|september|october|"
    r"november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
)
_DAYNUM = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(\d{4})"
_SEASON = r"(spring|summer|autumn|fall|winter)"

NEGATIONS_EN = re.compile(
    r"\bno deadline\b|\bwithout (?:setting |a )?(?:a )?deadline\b|"
    r"\bnot (?:to )?set (?:a )?deadline\b|\bset a deadline\b"
)
OPEN_ENDED_EN = re.compile(
    r"\bfor as long as it takes\b|\bas long as it takes\b|"
    r"\bwithin existing resources\b|\bon an ongoing basis\b|\bindefinitely\b"
)
RECURRING_EN = re.compile(
    r"\b(?:at least )?annually\b|"
    r"\bevery (?:other |\w+ )?(?:years?|months?|weeks?|days?)(?: thereafter)?\b|"
    r"\beach year\b|\byearly\b|\bbiennially\b|\bregularly\b|"
    r"\bon an? (?:regular|annual|yearly|periodic) basis\b|\bperiodically\b"
)
VAGUE_EN = re.compile(
    r"\bnear future\b|\burgent(?:ly)?\b|\bas soon as possible\b|\bwithout (?:further )?"
    r"delays?\b|\bin due course\b|\bat an early date\b|\bprompt(?:ly)?\b|"
    r"\bimmediate(?:ly)?\b|\bswift(?:ly)?\b|\bexpeditious(?:ly)?\b|\burgency\b|"
    r"\btimely\b|\bin (?:the )?coming (?:days|weeks|months|years)\b|"
    r"\bshortest time\b|\bearliest (?:possible )?(?:date|opportunity)\b|"
    r"\bas early as possible\b|\baccelerat\w*\b|\bquickly\b|\brapid(?:ly)?\b|"
    r"\bsoon\b|\bmedium[- ]term\b|\blong[- ]term\b|\bappropriate time\b|\bspeedy\b|"
    r"\bin an expeditious manner\b"
)
EVENT_EN = re.compile(
    r"\bsummits?\b|\bmeetings?\b|\bsessions?\b|\bconferences?\b|\bcop[ -]?\d+\b|"
    r"\bassembly\b|\bforum\b|\bministerial\b|\bcongress\b|\belections?\b|\bmc\d+\b|"
    r"\bcease-?fire\b|\bpull-?out\b|\bwithdrawal\b|\bentry into force\b|"
    r"\bcoming into force\b|\bdecision\b|\bnotification\b|\bdialogue\b"
)
THIS_DOCUMENT_EN = re.compile(
    r"^(?:the )?(?:date of )?(?:the )?"
    r"(?:adoption|signing|signature|entry into force)? ?(?:of )?"
    r"(?:this|the present) "
    r"(?:document|resolution|declaration|agreement|decision|statement|communiqu[eé])$"
)

# Connectors, longest first, with how they read the period that follows.
CONNECTORS_EN = [
    ("for a new period terminating on", "by", "'Until'"),
    ("no later than the end of", "by", "'No later than the end of'"),
    ("not later than the end of", "by", "'Not later than the end of'"),
    ("before the end of", "by", "'Before the end of'"),
    ("by the end of", "by", "'By the end of'"),
    ("until the end of", "by", "'Until the end of'"),
    ("till the end of", "by", "'Until the end of'"),
    ("by the end", "by", "'By the end of'"),
    ("by end of", "by", "'By the end of'"),
    ("by end-", "by", "'By the end of'"),
    ("by end", "by", "'By the end of'"),
    ("end-", "by", "'By the end of'"),
    ("no later than", "by", "'No later than'"),
    ("not later than", "by", "'Not later than'"),
    ("terminating on", "by", "'Until'"),
    ("by or before", "by", "'By'"),
    ("up to", "by", "'Until'"),
    ("until", "by", "'Until'"),
    ("till", "by", "'Until'"),
    ("by", "by", "'By'"),
    ("before", "by", "'Before'"),
    ("prior to", "by", "'Prior to'"),
    ("during", "in", "'During'"),
    ("within", "in", "'Within'"),
    ("in", "in", "'In'"),
    ("on", "in", "'On'"),
    ("at", "in", "'At'"),
    ("for", "in", "'For'"),
    ("as of", "in", "'As of'"),
    ("starting from", "in", "'From'"),
]

DURATION_UNITS = {
    "day": "day",
    "days": "day",
    "week": "week",
    "weeks": "week",
    "month": "month",
    "months": "month",
    "year": "year",
    "years": "year",
}
_AMOUNT = r"(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|eighteen|twenty|thirty|sixty|ninety)"  # noqa: E501
_UNIT = r"(days?|weeks?|months?|years?)"


def _amount(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word]


def _read_english(text: str, original: str, declared: datetime.date) -> Reading:
    if NEGATIONS_EN.search(text):
        asks = "set a deadline" in text and not re.search(r"\bno deadline\b", text)
        return _negation(asks_for_one=asks)
    if OPEN_ENDED_EN.search(text):
        return _recurring(original)
    text = re.sub(r",? (?:at the latest|or sooner|or earlier)$", "", text)

    relative = _relative_duration_en(text, original, declared)
    if relative is not None:
        return relative
    day_after = re.search(
        r"\b((?:the )?(?:first|second|third|\d+(?:st|nd|rd|th)?) day (?:after|of) .+)$",
        text,
    )
    if day_after:
        return _event(original[day_after.start(1) :], None, declared)

    if RECURRING_EN.search(text):
        dated = RECURRING_EN.sub(" ", text)
        dated = re.sub(r"\b(?:and|thereafter)\b", " ", dated)
        dated = re.sub(r"\s+", " ", dated).strip(" ,")
        reading = _dated_en(dated, original, declared) if dated else None
        if reading is None:
            return _recurring(original)
        return _with_recurrence(reading, original)

    reading = _dated_en(text, original, declared)
    if reading is not None:
        return reading
    if VAGUE_EN.search(text):
        return _vague(original)
    return _unread(original)


def _relative_duration_en(
    text: str, original: str, declared: datetime.date
) -> Reading | None:
    """'Within 30 days of X', 'no later than six months from X' and the like."""
    match = re.search(
        rf"\b(?:within|no later than|not later than|in|upon expiry of)\s+{_AMOUNT}\s+"
        rf"{_UNIT}\s+(?:of|from|after)\s+(.+)$",
        text,
    )
    if not match:
        return None
    amount, unit, anchor = match.groups()
    phrase = f"{amount} {unit}"
    if THIS_DOCUMENT_EN.match(anchor) or re.match(
        r"^(?:its|their) (?:adoption|signing|signature)$", anchor
    ):
        return _within(_amount(amount), DURATION_UNITS[unit], declared, phrase)
    return _event(original[match.start(1) :], None, declared)


def _dated_en(text: str, original: str, declared: datetime.date) -> Reading | None:
    """A calendar or event reading of the wording, or None if it names no date."""
    impossible = _impossible_day_en(text)
    if impossible:
        return Reading(
            DeadlineKind.VAGUE,
            note=f"'{original}' names a day that does not exist ({impossible}), so "
            "no window is read; an analyst should check it.",
            understood=False,
        )
    if EVENT_EN.search(text):
        return _event_en(text, original, declared)
    duration = _duration_en(text, declared)
    if duration is not None:
        return duration
    if re.fullmatch(r"(?:sometime )?later (?:this|in the) year", text):
        last = datetime.date(declared.year, 12, 31)
        return Reading(
            DeadlineKind.CALENDAR,
            declared,
            last,
            Precision.YEAR,
            note="'Later this year': from the declaration's date "
            f"({_long(declared)}) to {_long(last)}.",
        )
    # The whole wording first, then the longest tail that reads as a period.
    words = [m.start() for m in re.finditer(r"\S+", text)]
    for start in words:
        reading = _connected_en(text[start:], declared)
        if reading is not None:
            return reading
    return None


def _impossible_day_en(text: str) -> str:
    """The first day-month-year in ``text`` that is not a real day, or ''."""
    for pattern, order in (
        (rf"\b{_DAYNUM}\s+(?:of\s+)?{_MONTH}\s*,?\s+{_YEAR}", (3, 2, 1)),
        (rf"\b{_MONTH}\s+{_DAYNUM}\s*,\s*{_YEAR}", (3, 1, 2)),
    ):
        for m in re.finditer(pattern, text):
            year, month, day = (m[i] for i in order)
            try:
                datetime.date(int(year), MONTHS[month], int(day))
            except ValueError:
                return f"{int(day)} {calendar.month_name[MONTHS[month]]} {year}"
    return ""


def _connected_en(text: str, declared: datetime.date) -> Reading | None:
    for connector, how, label in CONNECTORS_EN:
        if text.startswith(connector) and (
            connector.endswith("-") or text[len(connector) : len(connector) + 1] in " "
        ):
            rest = text[len(connector) :].strip()
            period = _period_en(rest, declared)
            if period is None:
                continue
            if how == "by":
                return _by(period, declared, label)
            return _in(period, declared, label)
    period = _period_en(text, declared)
    if period is not None:
        return _in(period, declared)
    return None


def _duration_en(text: str, declared: datetime.date) -> Reading | None:
    match = re.search(
        rf"\b(?:within|over|during|in|for|no later than|not later than)\s+"
        rf"(?:the\s+)?(?:next|coming|following)?\s*{_AMOUNT}\s+{_UNIT}$",
        text,
    )
    if match:
        amount, unit = match.groups()
        phrase = text[match.start() :]
        return _within(_amount(amount), DURATION_UNITS[unit], declared, phrase)
    # "Within the next year", "over the coming year": one unit (not "months").
    match = re.search(
        r"\b(?:within|over|during|in)\s+the\s+(?:next|coming|following)\s+"
        r"(day|week|month|year)$",
        text,
    )
    if match:
        return _within(1, match[1], declared, text[match.start() :])
    match = re.search(rf"\b{_AMOUNT}[- ](day|week|month|year)[- ](?:long )?\w+$", text)
    if match and not re.search(r"\b\d{4}\b", text):
        amount, unit = match.groups()
        return _within(_amount(amount), unit, declared, text[match.start() :])
    return None


def _event_en(text: str, original: str, declared: datetime.date) -> Reading:
    name = re.sub(
        r"^(?:by|at|before|until|till|in|during|on|for|ahead of|no later than|"
        r"not later than|to|with)\s+",
        "",
        original.strip(" .,;:"),
        flags=re.IGNORECASE,
    )
    return _event(name, _inner_period_en(text, declared), declared)


def _inner_period_en(text: str, declared: datetime.date) -> _Period | None:
    """The most precise date an event's wording gives, if any."""
    for pattern in (
        rf"{_DAYNUM}\s+(?:of\s+)?{_MONTH}\s*,?\s+{_YEAR}",
        rf"{_MONTH}\s+{_DAYNUM}\s*,\s*{_YEAR}",
        rf"{_MONTH}\s*(?:of\s+)?{_YEAR}",
        rf"(?:the\s+)?{_SEASON}\s+(?:of\s+)?{_YEAR}",
        r"\b(?:19|20)\d{2}\b",
        rf"\b{_MONTH}(?=\s|$)",
    ):
        match = re.search(pattern, text)
        if match:
            period = _period_en(match.group(0), declared)
            if period is not None:
                return period
    return None


def _period_en(text: str, declared: datetime.date) -> _Period | None:
    """The calendar period that ``text`` names in full, or None."""
    text = re.sub(r"^the\s+", "", text.strip(" ,"))
    text = re.sub(r"^year\s+(?=\d{4}$)", "", text)
    if m := re.fullmatch(rf"{_DAYNUM}\s+(?:of\s+)?{_MONTH}\s*,?\s+{_YEAR}", text):
        return _day(int(m[3]), MONTHS[m[2]], int(m[1]))
    if m := re.fullmatch(rf"{_MONTH}\s+{_DAYNUM}\s*,?\s+{_YEAR}", text):
        return _day(int(m[3]), MONTHS[m[1]], int(m[2]))
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text):
        return _day(int(m[1]), int(m[2]), int(m[3]))
    if m := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text):
        return _day(int(m[3]), int(m[2]), int(m[1]))
    if m := re.fullmatch(rf"{_DAYNUM}\s+(?:of\s+)?{_MONTH}", text):
        return _next_day(MONTHS[m[2]], int(m[1]), declared)
    if m := re.fullmatch(rf"{_MONTH}\s+{_DAYNUM}", text):
        return _next_day(MONTHS[m[1]], int(m[2]), declared)
    if m := re.fullmatch(
        rf"(?:(early|mid-?|late)\s*)?{_MONTH}\s*,?\s*(?:of\s+)?{_YEAR}", text
    ):
        month = datetime.date(int(m[3]), MONTHS[m[2]], 1)
        # "Mid-September of 2001" has no finer window than its month.
        label = f"{m[1].rstrip('-')}-{month:%B %Y} (read as the month)" if m[1] else ""
        return _period(Precision.MONTH, month, label)
    if m := re.fullmatch(rf"(this|next|coming)?\s*{_MONTH}", text):
        return _month_without_year(MONTHS[m[2]], m[1], declared)
    if m := re.fullmatch(
        rf"(?:(early|late)\s+)?{_SEASON}\s+(?:of\s+)?{_YEAR}(?:/\d{{2,4}})?", text
    ):
        start = datetime.date(int(m[3]), SEASONS[m[2]], 1)
        return _period(Precision.SEASON, start)
    if m := re.fullmatch(rf"(this|next|coming)?\s*{_SEASON}", text):
        return _season_without_year(SEASONS[m[2]], m[1], declared)
    if m := re.fullmatch(
        r"(first|second|third|fourth|last|1st|2nd|3rd|4th) quarter(?: of)? (.+)", text
    ):
        year = _year_en(m[2], declared)
        if year is not None:
            month = 3 * ORDINALS[m[1]] - 2
            return _period(Precision.QUARTER, datetime.date(year, month, 1))
    if m := re.fullmatch(
        r"(first|second|third|fourth|last|1st|2nd|3rd|4th) quarter", text
    ):
        month = 3 * ORDINALS[m[1]] - 2
        return _next_start((month,), Precision.QUARTER, declared)
    if m := re.fullmatch(r"q([1-4])[ -]?(\d{4})", text):
        return _period(
            Precision.QUARTER, datetime.date(int(m[2]), 3 * int(m[1]) - 2, 1)
        )
    if m := re.fullmatch(r"(first|second|1st|2nd) half(?: of)? (.+)", text):
        year = _year_en(m[2], declared)
        if year is not None:
            month = 1 if m[1] in ("first", "1st") else 7
            return _period(Precision.HALF, datetime.date(year, month, 1))
    if m := re.fullmatch(r"h([12])[ -]?(\d{4})", text):
        return _period(Precision.HALF, datetime.date(int(m[2]), 6 * int(m[1]) - 5, 1))
    if m := re.fullmatch(r"(early|mid-?|late)\s*-?\s*(\d{4})", text):
        return _part_of_year(m[1], int(m[2]))
    if m := re.fullmatch(
        r"(?:(early|mid-?|late)\s+)?(this|next|the current) year", text
    ):
        year = declared.year + (1 if m[2] == "next" else 0)
        if m[1]:
            return _part_of_year(m[1], year)
        return _period(Precision.YEAR, datetime.date(year, 1, 1))
    if text == "year":
        return _period(Precision.YEAR, declared)
    if m := re.fullmatch(r"(\d{4})", text):
        return _period(Precision.YEAR, datetime.date(int(m[1]), 1, 1))
    if text in ("this decade", "decade", "current decade"):
        start = declared.year - declared.year % 10
        return _decade(start, "this decade")
    if m := re.fullmatch(r"(\d{3}0)s", text):
        return _decade(int(m[1]), f"the {m[1]}s")
    if m := re.fullmatch(r"(this|the current) month", text):
        return _period(Precision.MONTH, declared)
    if text == "next month":
        return _period(Precision.MONTH, _add_months(declared.replace(day=1), 1))
    return None


def _year_en(text: str, declared: datetime.date) -> int | None:
    if re.fullmatch(r"\d{4}", text):
        return int(text)
    if text in ("this year", "the current year", "the year"):
        return declared.year
    if text == "next year":
        return declared.year + 1
    return None


def _day(year: int, month: int, day: int) -> _Period | None:
    try:
        return _period(Precision.DAY, datetime.date(year, month, day))
    except ValueError:
        return None  # no such day (29 February 2007): not read as a date


def _month_without_year(month: int, which: str | None, declared: datetime.date):
    if which == "this":
        here = _period(Precision.MONTH, datetime.date(declared.year, month, 1))
        if here.last >= declared:
            return here
    return _next_start((month,), Precision.MONTH, declared)


def _season_without_year(start_month: int, which: str | None, declared: datetime.date):
    if which == "this":
        current = _period(Precision.SEASON, declared)
        if current.first.month == start_month:
            return current
    return _next_start((start_month,), Precision.SEASON, declared)


def _part_of_year(part: str, year: int) -> _Period:
    part = part.rstrip("-")
    if part == "early":
        return _period(Precision.QUARTER, datetime.date(year, 1, 1), f"early {year}")
    if part == "mid":
        return _period(Precision.HALF, datetime.date(year, 1, 1), f"mid-{year}")
    return _period(Precision.QUARTER, datetime.date(year, 10, 1), f"late {year}")


def _decade(start: int, label: str) -> _Period:
    return _Period(
        datetime.date(start, 1, 1),
        datetime.date(start + 9, 12, 31),
        Precision.YEAR,
        label,
    )


# --- Russian -----------------------------------------------------------------

MONTHS_RU = [
    ("январ", 1),
    ("феврал", 2),
    ("март", 3),
    ("апрел", 4),
    ("ма[йяюе]", 5),
    ("июн", 6),
    ("июл", 7),
    ("август", 8),
    ("сентябр", 9),
    ("октябр", 10),
    ("ноябр", 11),
    ("декабр", 12),
]
_MONTH_RU = r"(" + "|".join(stem for stem, _ in MONTHS_RU) + r")[а-я]*"
_YEAR_RU = r"(\d{4})\s*(?:год[а-я]*|г\.?)"
SEASONS_RU = {"осен": 9, "весн": 3, "лет": 6, "зим": 12}
_SEASON_RU = r"(осен|весн|лет|зим)(?:ью|ой|ом|и|ы|у|а|о|ь)"
NUMBERS_RU = {
    "одного": 1,
    "один": 1,
    "одну": 1,
    "двух": 2,
    "два": 2,
    "две": 2,
    "трех": 3,
    "три": 3,
    "четырех": 4,
    "четыре": 4,
    "пяти": 5,
    "пять": 5,
    "шести": 6,
    "шесть": 6,
    "семи": 7,
    "восьми": 8,
    "девяти": 9,
    "десяти": 10,
    "двенадцати": 12,
    "восемнадцати": 18,
    "тридцати": 30,
}
UNITS_RU = [
    ("дн|ден|сут", "day"),
    ("недел", "week"),
    ("месяц", "month"),
    ("год|лет", "year"),
]

NEGATIONS_RU = re.compile(
    r"срок\w* не (?:следует )?устанавлива|без установления срок|не устанавливать срок"
)
RECURRING_RU = re.compile(
    r"ежегодн|регулярн|периодическ|каждые? \S+ (?:год|лет|месяц)|на постоянной основе"
)
VAGUE_RU = re.compile(
    r"в ближайшее время|как можно скорее|в кратчайш\w* (?:возможн\w* )?срок|"
    r"незамедлительно|безотлагательно|срочн|"
    r"без (?:дальнейш\w* )?(?:задержк|промедлени)|"
    r"немедленн|своевременн|в приоритетном порядке|в скорейш\w* срок|ускор"
)
EVENT_RU = re.compile(r"саммит|заседани|встреч|совещани|конференци|сесси")


def _read_russian(text: str, original: str, declared: datetime.date) -> Reading:
    text = text.replace("ё", "е")
    if NEGATIONS_RU.search(text):
        return _negation()
    if RECURRING_RU.search(text):
        return _recurring(original)
    if EVENT_RU.search(text):
        name = re.sub(r"^(?:к|до|на|в|во)\s+", "", original.strip(" .,;:"), flags=re.I)
        return _event(name, _inner_period_ru(text, declared), declared)
    duration = _duration_ru(text, declared)
    if duration is not None:
        return duration
    reading = _calendar_ru(text, declared)
    if reading is not None:
        return reading
    if VAGUE_RU.search(text):
        return _vague(original)
    return _unread(original)


def _duration_ru(text: str, declared: datetime.date) -> Reading | None:
    match = re.search(
        r"(?:в течение|не позднее|в пределах)\s+(\d+|[а-я]+)\s+([а-я]+)(.*)$", text
    )
    if not match:
        return None
    amount_word, unit_word, rest = match.groups()
    if re.fullmatch(r"\d{4}", amount_word):
        return None  # "в течение 2006 года": a year, not a duration
    amount = int(amount_word) if amount_word.isdigit() else NUMBERS_RU.get(amount_word)
    unit = next((u for stem, u in UNITS_RU if re.match(stem, unit_word)), None)
    if amount is None or unit is None:
        return None
    rest = rest.strip()
    if rest and not re.search(
        r"(?:настоящ|этого|данного)\w* (?:документ|решени|соглашени|резолюци)", rest
    ):
        return _event(text[match.start(1) :], None, declared)
    return _within(amount, unit, declared, text[match.start() :])


def _calendar_ru(text: str, declared: datetime.date) -> Reading | None:
    for connector, how, label in (
        (r"до конца", "by", "'By the end of'"),
        (r"к концу", "by", "'By the end of'"),
        (r"не позднее", "by", "'No later than'"),
        (r"до", "by", "'Until'"),
        (r"к", "by", "'By'"),
        (r"в течение", "in", "'During'"),
        (r"во?|на", "in", "'In'"),
        (r"", "in", ""),
    ):
        match = re.fullmatch(rf"(?:{connector})\s*(.+)", text) if connector else None
        rest = match[1] if match else (text if not connector else None)
        if rest is None:
            continue
        period = _period_ru(rest, declared)
        if period is None:
            continue
        return (
            _by(period, declared, label)
            if how == "by"
            else _in(period, declared, label)
        )
    return None


def _inner_period_ru(text: str, declared: datetime.date) -> _Period | None:
    for pattern in (
        rf"\d{{1,2}}\s+{_MONTH_RU}\s+{_YEAR_RU}",
        rf"{_MONTH_RU}\s+{_YEAR_RU}",
        rf"{_SEASON_RU}\s+{_YEAR_RU}",
        _YEAR_RU,
    ):
        match = re.search(pattern, text)
        if match:
            return _period_ru(match.group(0), declared)
    return None


def _month_ru(word: str) -> int:
    return next(number for stem, number in MONTHS_RU if re.match(stem, word))


def _period_ru(text: str, declared: datetime.date) -> _Period | None:
    text = text.strip(" ,")
    if m := re.fullmatch(rf"(\d{{1,2}})\s+{_MONTH_RU}\s+{_YEAR_RU}", text):
        return _day(int(m[3]), _month_ru(m[2]), int(m[1]))
    if m := re.fullmatch(rf"(\d{{1,2}})\s+{_MONTH_RU}", text):
        return _next_day(_month_ru(m[2]), int(m[1]), declared)
    if m := re.fullmatch(rf"{_MONTH_RU}\s+{_YEAR_RU}", text):
        return _period(Precision.MONTH, datetime.date(int(m[2]), _month_ru(m[1]), 1))
    if m := re.fullmatch(rf"{_SEASON_RU}\s+{_YEAR_RU}", text):
        return _period(Precision.SEASON, datetime.date(int(m[2]), SEASONS_RU[m[1]], 1))
    if m := re.fullmatch(_SEASON_RU, text):
        return _next_start((SEASONS_RU[m[1]],), Precision.SEASON, declared)
    if m := re.fullmatch(
        rf"(перв|втор|трет|четверт)\w*\s+квартал\w*\s+{_YEAR_RU}", text
    ):
        index = ["перв", "втор", "трет", "четверт"].index(m[1]) + 1
        return _period(Precision.QUARTER, datetime.date(int(m[2]), 3 * index - 2, 1))
    if m := re.fullmatch(rf"(перв|втор)\w*\s+полугоди\w*\s+{_YEAR_RU}", text):
        month = 1 if m[1] == "перв" else 7
        return _period(Precision.HALF, datetime.date(int(m[2]), month, 1))
    if m := re.fullmatch(rf"(начал|середин|конц)\w*\s+{_YEAR_RU}", text):
        part = {"начал": "early", "середин": "mid", "конц": "late"}[m[1]]
        return _part_of_year(part, int(m[2]))
    if m := re.fullmatch(_YEAR_RU, text):
        return _period(Precision.YEAR, datetime.date(int(m[1]), 1, 1))
    if re.fullmatch(r"(?:следующ|будущ)\w* год\w*", text):
        return _period(Precision.YEAR, datetime.date(declared.year + 1, 1, 1))
    if re.fullmatch(r"(?:этого|этом|текущ)\w* год\w*|года", text):
        return _period(Precision.YEAR, declared)
    return None


# --- Chinese -----------------------------------------------------------------

NUMBERS_ZH = {
    "一": 1,
    "两": 2,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
SEASONS_ZH = {"春": 3, "夏": 6, "秋": 9, "冬": 12}
NEGATIONS_ZH = re.compile(r"不(?:应|應)?(?:设|設)(?:定)?(?:时限|時限|期限)")
RECURRING_ZH = re.compile(
    r"每年|每[两兩二三四五六七八九十\d]+年|定期|长期|長期|经常|經常"
)
VAGUE_ZH = re.compile(
    r"尽快|儘快|盡快|近期|尽早|儘早|立即|马上|馬上|紧急|緊急|及时|及時|早日|尽可能短|盡可能短|加快"
)
EVENT_ZH = re.compile(r"峰会|峰會|会议|會議|会晤|會晤|大会|大會|论坛|論壇")


def _zh_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + NUMBERS_ZH.get(text[1:], 0)
    if text.endswith("十"):
        return NUMBERS_ZH.get(text[:-1], 0) * 10
    if "十" in text:
        tens, units = text.split("十")
        return NUMBERS_ZH.get(tens, 0) * 10 + NUMBERS_ZH.get(units, 0)
    return NUMBERS_ZH.get(text)


def _read_chinese(text: str, original: str, declared: datetime.date) -> Reading:
    text = re.sub(r"\s+", "", text)
    if NEGATIONS_ZH.search(text):
        return _negation()
    if RECURRING_ZH.search(text):
        return _recurring(original)
    if EVENT_ZH.search(text):
        name = re.sub(r"^(?:在|于|於|到)", "", original.strip(" .,;:。，"))
        name = re.sub(r"(?:之前|以前|前)$", "", name)
        year = re.search(r"(\d{4})年", text)
        period = (
            _period(Precision.YEAR, datetime.date(int(year[1]), 1, 1)) if year else None
        )
        return _event(name, period, declared)
    match = re.search(
        r"([\d一二两三四五六七八九十]+)(?:个|個)?(月|年|天|日|周|週|星期)(?:以)?内",
        text,
    )
    if match and not re.fullmatch(r"\d{4}", match[1]):
        amount = _zh_number(match[1])
        unit = {"月": "month", "年": "year", "天": "day", "日": "day"}.get(
            match[2], "week"
        )
        if amount:
            return _within(amount, unit, declared, match[0])
    reading = _calendar_zh(text, declared)
    if reading is not None:
        return reading
    if VAGUE_ZH.search(text):
        return _vague(original)
    return _unread(original)


def _calendar_zh(text: str, declared: datetime.date) -> Reading | None:
    text = re.sub(r"^(?:力争|力爭|争取|爭取)", "", text)
    by = re.fullmatch(r"(?:到|至|在|于|於)?(.+?)(底|末)?(?:之前|以前|前)", text)
    if by:
        period = _period_zh(by[1], declared)
        if period is not None:
            return _by(period, declared, "'By the end of'" if by[2] else "'By'")
    by = re.fullmatch(r"(?:到|至)(.+?)(底|末)?", text)
    if by:
        period = _period_zh(by[1], declared)
        if period is not None:
            return _by(period, declared, "'By the end of'" if by[2] else "'By'")
    if re.fullmatch(r"(?:今年)?(?:年内|年內)", text):
        return _in(_period(Precision.YEAR, declared), declared, "'Within'")
    inside = re.fullmatch(r"(在|于|於)?(.+?)(?:内|內)?", text)
    if inside:
        period = _period_zh(inside[2], declared)
        if period is not None:
            return _in(period, declared, "'In'" if inside[1] else "")
    return None


def _period_zh(text: str, declared: datetime.date) -> _Period | None:
    if m := re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text):
        return _day(int(m[1]), int(m[2]), int(m[3]))
    if m := re.fullmatch(r"(\d{4})年(\d{1,2})月(?:份)?", text):
        return _period(Precision.MONTH, datetime.date(int(m[1]), int(m[2]), 1))
    if m := re.fullmatch(r"(\d{4})年(春|夏|秋|冬)(?:季|天)?", text):
        return _period(Precision.SEASON, datetime.date(int(m[1]), SEASONS_ZH[m[2]], 1))
    if m := re.fullmatch(r"(\d{4})年(上|下)半年", text):
        return _period(
            Precision.HALF, datetime.date(int(m[1]), 1 if m[2] == "上" else 7, 1)
        )
    if m := re.fullmatch(r"(\d{4})年第([一二三四1-4])季度", text):
        index = _zh_number(m[2])
        return _period(Precision.QUARTER, datetime.date(int(m[1]), 3 * index - 2, 1))
    if m := re.fullmatch(r"(\d{4})年(初|中)", text):
        return _part_of_year("early" if m[2] == "初" else "mid", int(m[1]))
    if m := re.fullmatch(r"(\d{4})年(?:年)?", text):
        return _period(Precision.YEAR, datetime.date(int(m[1]), 1, 1))
    if text in ("明年", "明年年"):
        return _period(Precision.YEAR, datetime.date(declared.year + 1, 1, 1))
    if text in ("今年", "今年年", "年", "本年"):
        return _period(Precision.YEAR, declared)
    if m := re.fullmatch(r"(春|夏|秋|冬)(?:季|天)", text):
        return _next_start((SEASONS_ZH[m[1]],), Precision.SEASON, declared)
    return None
