"""Feeds through Django's syndication framework: the deadline calendar (iCalendar)
and the Atom feed of new evidence and assessments. Both take ``?body=<slug>`` for
one body's commitments and ``?declaration=<slug>`` for one declaration's.

Both write their text through ``text.printable``, so a control character stored
before the validator refused them (or written around it) cannot break them: Django's
XML writer refuses such a character with an error, and a carriage return would end
a calendar line in the middle of a value.
"""

import dataclasses
import datetime
import itertools
import re

from django.contrib.sites.shortcuts import get_current_site
from django.contrib.syndication.views import Feed, add_domain
from django.http import Http404, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, SyndicationFeed

from .models import (
    Assessment,
    Body,
    Commitment,
    CommitmentBody,
    Declaration,
    Evidence,
    Role,
    Status,
)
from .models.deadlines import describe_window
from .text import printable

FEED_SIZE = 50
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
# Commitments the calendar reads from the database at a time, with their bodies.
CALENDAR_CHUNK = 1000


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
    if len(data) <= 75:
        return line + "\r\n"
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
    output with it). ``DeadlineCalendar`` streams the same lines (``head``,
    ``event``, ``tail``) without holding the items.
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


@dataclasses.dataclass(frozen=True)
class FeedScope:
    """Whose commitments a feed carries: one body's, one declaration's, both
    (the body's in that declaration) or everyone's."""

    body: Body | None = None
    declaration: Declaration | None = None

    def __bool__(self) -> bool:
        return self.body is not None or self.declaration is not None

    @property
    def name(self) -> str:
        parts = [self.body.name if self.body else ""]
        if self.declaration is not None:
            parts.append(f"{self.declaration.title} ({self.declaration.date:%Y})")
        return ", ".join(part for part in parts if part)

    def commitments(self):
        commitments = Commitment.objects.all()
        if self.body is not None:
            commitments = commitments.owned_by(self.body)
        if self.declaration is not None:
            commitments = commitments.filter(declaration=self.declaration)
        return commitments

    def url(self, default: str) -> str:
        if self.body is not None:
            return self.body.get_absolute_url()
        if self.declaration is not None:
            return self.declaration.get_absolute_url()
        return reverse(default)


def _named(request, parameter: str, model, what: str):
    slug = request.GET.get(parameter, "").strip()
    if not slug:
        return None
    found = model.objects.filter(slug=slug).first() if SLUG.fullmatch(slug) else None
    if found is None:
        raise Http404(f"There is no {what} “{slug[:80]}”.")
    return found


def _scope_from(request) -> FeedScope:
    return FeedScope(
        body=_named(request, "body", Body, "body"),
        declaration=_named(request, "declaration", Declaration, "declaration"),
    )


class DeadlineCalendar(Feed):
    """Every dated due window as an all-day event spanning the window.

    Streamed in flat memory: the calendar's head goes out at once; then its
    commitments are read in calendar order as plain values through one cursor
    (server-side on PostgreSQL), and written ``CALENDAR_CHUNK`` at a time with
    their bodies (one query per chunk). No model is built, so the calendar of
    100,000 commitments takes seconds, not a minute.
    """

    feed_type = ICalendarFeed

    def __call__(self, request, *args, **kwargs):
        scope = self.get_object(request)
        stream = self.stream(scope, request)
        # The head and the first chunk are read before the response starts, so
        # an unavailable database answers with the 503 page, not a cut stream.
        started = [next(stream), next(stream, "")]
        response = StreamingHttpResponse(
            itertools.chain(started, stream), content_type=self.feed_type.content_type
        )
        response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
        return response

    def stream(self, scope, request):
        domain, secure = get_current_site(request).domain, request.is_secure()
        calendar = self.feed_type(
            title=self.title(scope),
            link=add_domain(domain, self.link(scope), secure),
            description=self.description(scope),
        )
        yield calendar.head()
        # A reference is URL-safe (REFERENCE_PATTERN): one reverse() for all.
        url = add_domain(
            domain,
            reverse("declarations:commitment-detail", args=["REFERENCE"]),
            secure,
        ).replace("REFERENCE", "{}")
        rows = self.items(scope).calendar_rows().iterator(chunk_size=CALENDAR_CHUNK)
        while chunk := list(itertools.islice(rows, CALENDAR_CHUNK)):
            bodies = _bodies_of([row["pk"] for row in chunk])
            yield "".join(
                calendar.event(self.event(row, bodies.get(row["pk"], ()), url))
                for row in chunk
            )
        yield calendar.tail()

    def event(self, row: dict, bodies, url: str) -> dict:
        """The iCalendar item of one commitment's ``calendar_rows`` row."""
        return {
            "title": f"{row['reference']} due: {row['title']}",
            "link": url.format(row["reference"]),
            "description": self.item_description(row, bodies),
            "unique_id": f"{row['reference']}@deadlines.declaration-tracker",
            "categories": [row["theme"]] if row["theme"] else [],
            "first_day": row["deadline_earliest"],
            "last_day": row["deadline_latest"],
        }

    def get_object(self, request):
        return _scope_from(request)

    def title(self, scope):
        return f"Deadlines: {scope.name}" if scope else "Declaration deadlines"

    def link(self, scope):
        return scope.url("declarations:overdue")

    def description(self, scope):
        who = f" of {scope.name}" if scope else ""
        return f"The due window of every commitment{who} with a dated deadline."

    def items(self, scope):
        return scope.commitments().for_calendar()

    def item_description(self, row: dict, bodies) -> str:
        window = describe_window(
            row["deadline_earliest"], row["deadline_latest"], row["deadline_precision"]
        )
        named = "; ".join(f"{name} ({ROLE_WORDS[role]})" for name, role in bodies)
        wording = row["deadline_wording"]
        lines = [
            f"Deadline: “{wording}”" if wording else "",
            f"Due window: {window}",
            row["deadline_note"],
            f"Bodies: {named}" if named else "",
            f"Status today: {Status(row['status_on']).label}",
            f"Quote: “{row['quote']}”",
        ]
        return "\n".join(line for line in lines if line)


ROLE_WORDS = {role.value: role.label.lower() for role in Role}


def _bodies_of(commitment_ids) -> dict[int, list[tuple[str, str]]]:
    """Each commitment's bodies as (name, role), by role then name."""
    bodies: dict[int, list[tuple[str, str]]] = {}
    links = (
        CommitmentBody.objects.filter(commitment_id__in=commitment_ids)
        .order_by("role", "body__name")
        .values_list("commitment_id", "body__name", "role")
    )
    for commitment_id, name, role in links:
        bodies.setdefault(commitment_id, []).append((name, role))
    return bodies


class EvidenceFeed(Feed):
    """New evidence and newly published assessments, newest first."""

    feed_type = PrintableAtomFeed

    def get_object(self, request):
        return _scope_from(request)

    def title(self, scope):
        who = f": {scope.name}" if scope else ""
        return f"New evidence and assessments{who}"

    def link(self, scope):
        return scope.url("declarations:overview")

    def subtitle(self, scope):
        return "Evidence logged and status assessments recorded by analysts."

    def items(self, scope):
        evidence = Evidence.objects.for_feed()
        assessments = Assessment.objects.for_feed()
        if scope:
            owned = scope.commitments().values("pk")
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
        return item.logged_at if isinstance(item, Evidence) else item.published_at

    def item_updateddate(self, item):
        return self.item_pubdate(item)

    def item_guid(self, item):
        kind = "evidence" if isinstance(item, Evidence) else "assessment"
        return f"tag:declaration-tracker,2005:{kind}/{item.pk}"
