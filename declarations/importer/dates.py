"""Dates as the World and Japan Database spells them, with their precision.

A page's date may be a day ("July 5, 2005", "2006年6月15日"), a month ("June 2006",
"2006年6月"), a year, or a range of days or months ("June 15-16, 2006",
"15-16 June 2006", "2006年6月15日～16日"). ``read_date`` returns the first and the
last day it can mean and its precision; it never guesses: anything else is None.
"""

import calendar
import dataclasses
import datetime
import re
import unicodedata

DAY, MONTH, YEAR = "day", "month", "year"

# Shown in error messages, in the page's own language first.
EXAMPLES = {
    "en": "'July 5, 2005', '5 July 2005', 'June 2006', 'June 15-16, 2006' or "
    "'2005-07-05'",
    "ja": "'2005年7月5日', '2006年6月', '2006年6月15日～16日' or '平成17年7月5日'",
    "zh": "'2005年7月5日', '2006年6月' or '2006年6月15日至16日'",
}

DAY_FORMATS = (
    "%B %d, %Y",
    "%B %d %Y",
    "%d %B %Y",
    "%d %B, %Y",
    "%b %d, %Y",
    "%b %d %Y",
    "%d %b %Y",
    "%d %b, %Y",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y.%m.%d",
)
MONTH_FORMATS = ("%B %Y", "%B, %Y", "%b %Y", "%b, %Y", "%Y-%m", "%Y/%m")
ORDINAL_SUFFIX = re.compile(r"(?<=\d)(st|nd|rd|th)\b", re.IGNORECASE)
WEEKDAY = re.compile(
    r"^(mon|tues?|wed(nes)?|thu(rs)?|fri|sat(ur)?|sun)(day)?\.?,?\s+", re.IGNORECASE
)
# "June 15-16, 2006" and "15-16 June 2006": the days share a month and a year.
DAYS = r"(?P<d1>\d{1,2}) ?- ?(?P<d2>\d{1,2})"
DAYS_OF_A_MONTH = (
    re.compile(rf"^(?P<m>[A-Za-z]+) {DAYS},? (?P<y>\d{{4}})$"),
    re.compile(rf"^{DAYS} (?P<m>[A-Za-z]+),? (?P<y>\d{{4}})$"),
)
WESTERN_RANGE = re.compile(r"\s*(?:-|\bto\b|\buntil\b)\s*", re.IGNORECASE)

# Japanese eras: the year before each era's first year.
ERAS = {"明治": 1867, "大正": 1911, "昭和": 1925, "平成": 1988, "令和": 2018}
CJK_DATE = re.compile(
    r"^(?:(?P<era>明治|大正|昭和|平成|令和)(?P<era_year>\d{1,2}|元)|(?P<year>\d{4}))年"
    r"(?:(?P<month>\d{1,2})月(?:(?P<day>\d{1,2})日)?)?$"
)
CJK_RANGE = re.compile(r"\s*(?:-|~|〜|ー|―|至|から)\s*")
CJK_TAIL = re.compile(
    r"^(?:(?P<year>\d{4})年)?(?:(?P<month>\d{1,2})月)?(?:(?P<day>\d{1,2})日)?(?:まで)?$"
)


@dataclasses.dataclass(frozen=True)
class DateReading:
    """What a spelled date means: its first and last day, and its precision."""

    first: datetime.date
    last: datetime.date
    precision: str  # DAY, MONTH or YEAR

    @property
    def end(self) -> datetime.date | None:
        """The last day, or None where the reading is a single day."""
        return None if self.first == self.last else self.last


def read_date(value: str) -> DateReading | None:
    """The reading of a date in any spelling the database uses, or None."""
    # NFKC turns full-width digits and punctuation (２００６年６月, ～, （）) into
    # their plain forms; dashes of any width become "-".
    text = unicodedata.normalize("NFKC", value)
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    text = " ".join(text.split()).strip("()[] ")
    if not text:
        return None
    if "年" in text:
        return _cjk(text)
    return _western(text)


def parse_date(value: str) -> datetime.date | None:
    """The first day a spelled date can mean, or None."""
    reading = read_date(value)
    return reading.first if reading else None


def _window(year: int, month: int | None, day: int | None) -> DateReading | None:
    try:
        if day is not None:
            first = datetime.date(year, month, day)
            return DateReading(first, first, DAY)
        if month is not None:
            last_day = calendar.monthrange(year, month)[1]
            return DateReading(
                datetime.date(year, month, 1),
                datetime.date(year, month, last_day),
                MONTH,
            )
        return DateReading(datetime.date(year, 1, 1), datetime.date(year, 12, 31), YEAR)
    except (ValueError, TypeError):
        return None


def _span(first: DateReading | None, last: DateReading | None) -> DateReading | None:
    if not first or not last or first.precision != last.precision:
        return None
    if last.last <= first.first:
        return None
    return DateReading(first.first, last.last, first.precision)


def _western_single(text: str) -> DateReading | None:
    cleaned = ORDINAL_SUFFIX.sub("", text.replace(",", ", ")).replace(" ,", ",")
    cleaned = " ".join(re.sub(r"(?<=[A-Za-z])\.", "", cleaned).split())
    cleaned = re.sub(r"\bSept\b", "Sep", cleaned, flags=re.IGNORECASE)
    for formats, precision in ((DAY_FORMATS, DAY), (MONTH_FORMATS, MONTH)):
        for fmt in formats:
            try:
                parsed = datetime.datetime.strptime(cleaned, fmt).date()
            except ValueError:
                continue
            if precision == DAY:
                return _window(parsed.year, parsed.month, parsed.day)
            return _window(parsed.year, parsed.month, None)
    if re.fullmatch(r"\d{4}", cleaned):
        return _window(int(cleaned), None, None)
    return None


def _western(text: str) -> DateReading | None:
    text = WEEKDAY.sub("", text)
    reading = _western_single(text)
    if reading:
        return reading
    cleaned = ORDINAL_SUFFIX.sub("", text)
    for pattern in DAYS_OF_A_MONTH:
        match = pattern.match(cleaned)
        if match:
            month, year = match["m"], match["y"]
            return _span(
                _western_single(f"{match['d1']} {month} {year}"),
                _western_single(f"{match['d2']} {month} {year}"),
            )
    # "June 30 - July 1, 2006", "June-July 2006", "December 31, 2005 - January 2,
    # 2006": the right side is complete; the left may borrow its year.
    for match in WESTERN_RANGE.finditer(text):
        left, right = text[: match.start()], text[match.end() :]
        last = _western_single(right)
        if not last or not left:
            continue
        first = _western_single(left) or _western_single(f"{left} {last.last.year}")
        if first is None and left.isdigit() and last.precision == DAY:
            first = _window(last.last.year, last.last.month, int(left))
        span = _span(first, last)
        if span:
            return span
    return None


def _cjk_single(text: str) -> DateReading | None:
    match = CJK_DATE.match(text)
    if not match:
        return None
    if match["era"]:
        era_year = 1 if match["era_year"] == "元" else int(match["era_year"])
        year = ERAS[match["era"]] + era_year
    else:
        year = int(match["year"])
    month = int(match["month"]) if match["month"] else None
    day = int(match["day"]) if match["day"] else None
    return _window(year, month, day)


def _cjk(text: str) -> DateReading | None:
    text = text.replace(" ", "")
    reading = _cjk_single(text)
    if reading:
        return reading
    # "2006年6月15日～16日", "2006年6月15-16日", "2006年6月30日至7月1日",
    # "2006年6月～7月": the right side borrows what it leaves out from the left.
    for match in CJK_RANGE.finditer(text):
        left, right = text[: match.start()], text[match.end() :]
        tail = CJK_TAIL.match(right)
        if not tail or not any(tail.groupdict().values()):
            continue
        unit = "日" if tail["day"] else "月" if tail["month"] else "年"
        first = _cjk_single(left) or _cjk_single(left + unit)
        if first is None:
            continue
        year = int(tail["year"]) if tail["year"] else first.first.year
        if tail["day"]:
            month = int(tail["month"]) if tail["month"] else first.first.month
            last = _window(year, month, int(tail["day"]))
        elif tail["month"]:
            last = _window(year, int(tail["month"]), None)
        else:
            last = _window(year, None, None)
        span = _span(first, last)
        if span:
            return span
    return None
