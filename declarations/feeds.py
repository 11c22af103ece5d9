"""Feeds through Django's syndication framework: the deadline calendar (iCalendar)
and the Atom feed of new evidence and assessments. Both take ``?body=<slug>`` for
one body's commitments.

Both write their text through ``text.printable``, so a control character stored
before the validator refused them (or written around it) cannot break them: Django's
XML writer refuses such a character with an error, and a carriage return would end
a calendar line in the middle of a value.
"""

import datetime
import re

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, SyndicationFeed

from .models import Assessment, Body, Commitment, Evidence, Status
from .text import printable

FEED_SIZE = 50
SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def ics_text(value: str) -> str:
    """A TEXT value escaped for iCalendar (RFC 5545, 3.3.11): every line break,
    whatever its kind (CR LF, LF, a lone CR, a vertical tab or form feed), becomes
    the escaped ``\\n``; other control characters are dropped."""
    return (
        printable(value)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def ics_line(line: str) -> str:
    """A content line folded at 75 octets, never inside a UTF-8 character."""
    data = line.encode("utf-8")
    parts, start, limit = [], 0, 75
    while True:
        end = min(start + limit, len(data))
        while end < len(data) and data[end] & 0xC0 == 0x80:
            end -= 1  # a continuation byte: fold before its character
        parts.append(data[start:end].decode("utf-8"))
        if end >= len(data):
            return "\r\n ".join(parts) + "\r\n"
        start, limit = end, 74  # folded lines start with a space


class ICalendarFeed(SyndicationFeed):
    """A SyndicationFeed that writes an iCalendar file: one all-day event per item.

    Written line by line: the icalendar library folds lines a character at a
    time, which took most of a minute for 50,000 events (the tests parse the
    output with it).
    """

    content_type = "text/calendar; charset=utf-8"

    def head(self) -> str:
        self.stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        lines = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Declaration tracker//Deadlines//EN",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            f"X-WR-CALNAME:{ics_text(self.feed['title'])}",
            f"X-WR-CALDESC:{ics_text(self.feed['description'] or '')}",
        ]
        return "".join(ics_line(line) for line in lines)

    def event(self, item: dict) -> str:
        # All-day events end on the day after their last day (RFC 5545).
        last = item["last_day"] + datetime.timedelta(days=1)
        lines = [
            "BEGIN:VEVENT",
            f"UID:{ics_text(item['unique_id'])}",
            f"DTSTAMP:{self.stamp}",
            f"SUMMARY:{ics_text(item['title'])}",
            f"DESCRIPTION:{ics_text(item['description'])}",
            f"URL:{item['link']}",
            f"DTSTART;VALUE=DATE:{item['first_day']:%Y%m%d}",
            f"DTEND;VALUE=DATE:{last:%Y%m%d}",
            "TRANSP:TRANSPARENT",
        ]
        if item["categories"]:
            categories = ",".join(ics_text(c) for c in item["categories"])
            lines.append(f"CATEGORIES:{categories}")
        lines.append("END:VEVENT")
        return "".join(ics_line(line) for line in lines)

    @staticmethod
    def tail() -> str:
        return ics_line("END:VCALENDAR")

    def write(self, outfile, encoding):
        outfile.write(self.head())
        for item in self.items:
            outfile.write(self.event(item))
        outfile.write(self.tail())


class PrintableAtomFeed(Atom1Feed):
    """An Atom feed whose every text is ``printable``: Django's XML writer refuses
    a control character with an error, which would take the whole feed down."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.feed = {key: _printable(value) for key, value in self.feed.items()}

    def add_item(self, *args, **kwargs):
        super().add_item(*args, **kwargs)
        self.items[-1] = {key: _printable(v) for key, v in self.items[-1].items()}


def _printable(value):
    if isinstance(value, list | tuple):
        return type(value)(printable(item) for item in value)
    return printable(value)


def _body_from(request) -> Body | None:
    slug = request.GET.get("body", "").strip()
    if not slug:
        return None
    body = Body.objects.filter(slug=slug).first() if SLUG.fullmatch(slug) else None
    if body is None:
        raise Http404(f"There is no body “{slug}”.")
    return body


class DeadlineCalendar(Feed):
    """Every dated due window as an all-day event spanning the window."""

    feed_type = ICalendarFeed

    def get_object(self, request):
        return _body_from(request)

    def title(self, body):
        return f"Deadlines: {body.name}" if body else "Declaration deadlines"

    def link(self, body):
        return body.get_absolute_url() if body else reverse("declarations:overdue")

    def description(self, body):
        who = f" of {body.name}" if body else ""
        return f"The due window of every commitment{who} with a dated deadline."

    def items(self, body):
        commitments = Commitment.objects.all()
        if body is not None:
            commitments = commitments.owned_by(body)
        return commitments.for_calendar()

    def item_title(self, commitment):
        return f"{commitment.reference} due: {commitment.title}"

    def item_description(self, commitment):
        deadline = commitment.deadline
        bodies = "; ".join(
            f"{link.body.name} ({link.get_role_display().lower()})"
            for link in commitment.body_links.all()
        )
        lines = [
            f"Deadline: “{deadline.wording}”" if deadline.wording else "",
            f"Due window: {deadline.window_display}",
            deadline.note,
            f"Bodies: {bodies}" if bodies else "",
            f"Status today: {Status(commitment.status_on).label}",
            f"Quote: “{commitment.quote}”",
        ]
        return "\n".join(line for line in lines if line)

    def item_guid(self, commitment):
        return f"{commitment.reference}@deadlines.declaration-tracker"

    def item_categories(self, commitment):
        return [commitment.theme] if commitment.theme else []

    def item_extra_kwargs(self, commitment):
        return {
            "first_day": commitment.deadline.earliest,
            "last_day": commitment.deadline.latest,
        }


class EvidenceFeed(Feed):
    """New evidence and new assessments, newest recorded first."""

    feed_type = PrintableAtomFeed

    def get_object(self, request):
        return _body_from(request)

    def title(self, body):
        who = f": {body.name}" if body else ""
        return f"New evidence and assessments{who}"

    def link(self, body):
        return body.get_absolute_url() if body else reverse("declarations:overview")

    def subtitle(self, body):
        return "Evidence logged and status assessments recorded by analysts."

    def items(self, body):
        evidence = Evidence.objects.for_feed()
        assessments = Assessment.objects.for_feed()
        if body is not None:
            owned = Commitment.objects.owned_by(body).values("pk")
            evidence = evidence.filter(commitment__in=owned)
            assessments = assessments.filter(commitment__in=owned)
        entries = [*evidence[:FEED_SIZE], *assessments[:FEED_SIZE]]
        entries.sort(key=self.item_pubdate, reverse=True)
        return entries[:FEED_SIZE]

    def item_title(self, item):
        reference = item.commitment.reference
        if isinstance(item, Evidence):
            retracted = " (retracted)" if item.is_retracted else ""
            return f"{reference}: evidence{retracted}, {item.event_date_display}"
        state = f" for {item.member_state.name}" if item.member_state else ""
        return (
            f"{reference}: assessed “{item.get_status_display()}”{state} "
            f"as of {item.as_of:%-d %B %Y}"
        )

    def item_description(self, item):
        if isinstance(item, Evidence):
            source = ", ".join(
                part for part in (item.source_title, item.source_publisher) if part
            )
            text = f"{item.summary}\n\nSource: {source}"
            if item.is_retracted:
                text += f"\n\nRetracted: {item.retraction_reason}"
            return text
        return f"{item.rationale}\n\nConfidence: {item.get_confidence_display()}."

    def item_pubdate(self, item):
        return item.logged_at if isinstance(item, Evidence) else item.recorded_at

    def item_updateddate(self, item):
        return self.item_pubdate(item)

    def item_guid(self, item):
        kind = "evidence" if isinstance(item, Evidence) else "assessment"
        return f"tag:declaration-tracker,2005:{kind}/{item.pk}"
