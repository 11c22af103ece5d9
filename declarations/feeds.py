"""Feeds through Django's syndication framework: the deadline calendar (iCalendar,
written with the icalendar library) and the Atom feed of new evidence and
assessments. Both take ``?body=<slug>`` for one body's commitments."""

import datetime
import re

import icalendar
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, SyndicationFeed

from .models import Assessment, Body, Commitment, Evidence

FEED_SIZE = 50
SLUG = re.compile(r"[-a-zA-Z0-9_]+")


class ICalendarFeed(SyndicationFeed):
    """A SyndicationFeed that writes an iCalendar file: one all-day event per item."""

    content_type = "text/calendar; charset=utf-8"

    def write(self, outfile, encoding):
        calendar = icalendar.Calendar()
        calendar.add("prodid", "-//Declaration tracker//Deadlines//EN")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", self.feed["title"])
        calendar.add("x-wr-caldesc", self.feed["description"])
        stamp = timezone.now()
        for item in self.items:
            event = icalendar.Event()
            event.add("uid", item["unique_id"])
            event.add("dtstamp", stamp)
            event.add("summary", item["title"])
            event.add("description", item["description"])
            event.add("url", item["link"])
            event.add("dtstart", item["first_day"])
            # All-day events end on the day after their last day (RFC 5545).
            event.add("dtend", item["last_day"] + datetime.timedelta(days=1))
            event.add("transp", "TRANSPARENT")
            if item["categories"]:
                event.add("categories", item["categories"])
            calendar.add_component(event)
        outfile.write(calendar.to_ical())


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
            f"Status today: {commitment.get_current_status_display()}",
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

    feed_type = Atom1Feed

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
