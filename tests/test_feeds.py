"""The deadline calendar (iCalendar) and the Atom feed of evidence and assessments."""

import datetime
import xml.etree.ElementTree as ET

import icalendar
import pytest
from django.urls import reverse

from declarations.models import Role, Status
from tests.factories import (
    AssessmentFactory,
    BodyFactory,
    CommitmentBodyFactory,
    CommitmentFactory,
    EvidenceFactory,
    with_window,
)

pytestmark = pytest.mark.django_db

D = datetime.date
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def ledger():
    council = BodyFactory(slug="cnc", name="Council of National Coordinators")
    other = BodyFactory(slug="other", name="Other body")
    summit = with_window(
        CommitmentFactory(reference="AST2005-05", title="Prepare proposals"),
        D(2006, 1, 1),
        D(2006, 12, 31),
        "year",
        kind="event",
        wording="by the next 2006 Summit",
    )
    CommitmentBodyFactory(commitment=summit, body=council, role=Role.RESPONSIBLE)
    autumn = with_window(
        CommitmentFactory(reference="AST2005-09", title="Moscow meeting"),
        D(2005, 9, 1),
        D(2005, 11, 30),
        "season",
    )
    CommitmentBodyFactory(commitment=autumn, body=other)
    CommitmentFactory(reference="AST2005-14")  # no deadline: no event
    evidence = EvidenceFactory(
        commitment=summit, summary="The Summit met in Shanghai & decided."
    )
    assessment = AssessmentFactory(
        commitment=summit,
        status=Status.IMPLEMENTED,
        as_of=D(2006, 6, 15),
        rationale="Done <at> the Summit.",
    )
    EvidenceFactory(commitment=autumn, summary="The Moscow meeting took place.")
    return {"summit": summit, "evidence": evidence, "assessment": assessment}


def calendar(client, **params):
    response = client.get(reverse("declarations:feed-deadlines"), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.streaming
    return icalendar.Calendar.from_ical(response.getvalue())


def events(cal) -> dict:
    return {str(e["uid"]).split("@")[0]: e for e in cal.walk("VEVENT")}


def test_the_calendar_parses_with_one_event_per_dated_window(client, ledger):
    cal = calendar(client)
    assert cal["version"] == "2.0"
    found = events(cal)
    assert set(found) == {"AST2005-05", "AST2005-09"}
    summit = found["AST2005-05"]
    assert summit.decoded("dtstart") == D(2006, 1, 1)
    assert summit.decoded("dtend") == D(2007, 1, 1)  # the day after the last day
    assert str(summit["summary"]) == "AST2005-05 due: Prepare proposals"
    assert "by the next 2006 Summit" in str(summit["description"])
    assert str(summit["url"]).endswith("/commitments/AST2005-05/")
    autumn = found["AST2005-09"]
    assert autumn.decoded("dtstart") == D(2005, 9, 1)
    assert autumn.decoded("dtend") == D(2005, 12, 1)


def test_the_calendar_per_body(client, ledger):
    assert set(events(calendar(client, body="cnc"))) == {"AST2005-05"}
    assert set(events(calendar(client, body="other"))) == {"AST2005-09"}


def test_the_calendar_for_an_unknown_body_is_404(client, ledger):
    response = client.get(reverse("declarations:feed-deadlines"), {"body": "nobody"})
    assert response.status_code == 404


def atom(client, **params):
    response = client.get(reverse("declarations:feed-evidence"), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def test_the_atom_feed_parses_with_evidence_and_assessments(client, ledger):
    feed = atom(client)
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 3  # two pieces of evidence, one assessment
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert any("AST2005-05: assessed “Implemented”" in t for t in titles)
    assert any(t.startswith("AST2005-05: evidence") for t in titles)
    summaries = " ".join(e.findtext(f"{ATOM}summary") for e in entries)
    assert "The Summit met in Shanghai & decided." in summaries
    assert "Done <at> the Summit." in summaries
    links = [e.find(f"{ATOM}link").get("href") for e in entries]
    assert any(link.endswith(f"#evidence-{ledger['evidence'].pk}") for link in links)
    assert any(
        link.endswith(f"#assessment-{ledger['assessment'].pk}") for link in links
    )
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == len(ids)


def test_the_atom_feed_per_body(client, ledger):
    entries = atom(client, body="other").findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title")[:10] for e in entries] == ["AST2005-09"]


def test_the_atom_feed_for_an_unknown_body_is_404(client, ledger):
    response = client.get(reverse("declarations:feed-evidence"), {"body": "nobody"})
    assert response.status_code == 404


def test_feeds_refuse_writes(client, ledger):
    assert client.post(reverse("declarations:feed-deadlines")).status_code == 405
    assert client.post(reverse("declarations:feed-evidence")).status_code == 405


def test_calendar_text_survives_escaping_and_folding(client):
    awkward = "Déclaration; with, commas \\ back\\slash\nand a new line " + "é" * 90
    commitment = with_window(
        CommitmentFactory(reference="ICS-1", title=awkward),
        datetime.date(2006, 1, 1),
        datetime.date(2006, 12, 31),
        "year",
    )
    body = client.get(reverse("declarations:feed-deadlines")).getvalue()
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    calendar = icalendar.Calendar.from_ical(body)
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == f"{commitment.reference} due: {awkward}"
    assert event.decoded("DTSTART") == datetime.date(2006, 1, 1)
    assert event.decoded("DTEND") == datetime.date(2007, 1, 1)


def test_the_calendar_streams_in_chunks_and_says_the_same(client, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from declarations import feeds

    for n in range(7):
        with_window(
            CommitmentFactory(reference=f"CH-{n}"),
            D(2006, 1, 1) + datetime.timedelta(days=n % 3),
            D(2006, 12, 31),
            "year",
        )
    whole = client.get(reverse("declarations:feed-deadlines")).getvalue()
    monkeypatch.setattr(feeds, "CALENDAR_CHUNK", 3)
    response = client.get(reverse("declarations:feed-deadlines"))
    assert response.streaming
    with CaptureQueriesContext(connection) as captured:
        chunks = list(response.streaming_content)
    # The head goes out before any commitment is read; then 3 + 3 + 1 events,
    # each chunk with one query for its bodies, through one cursor of rows.
    assert chunks[0].startswith(b"BEGIN:VCALENDAR") and b"VEVENT" not in chunks[0]
    assert [chunk.count(b"BEGIN:VEVENT") for chunk in chunks[1:-1]] == [3, 3, 1]
    # The rows query and the first chunk's bodies ran before the response
    # started (an outage then answers 503); one bodies query per later chunk.
    assert len(captured) == 3 - 1

    # Only the DTSTAMP (the time of writing) may differ.
    def stable(body):
        return [line for line in body.split(b"\r\n") if not line.startswith(b"DTSTAMP")]

    assert stable(b"".join(chunks)) == stable(whole)
    order = [e.split(b"@")[0] for e in b"".join(chunks).split(b"UID:")[1:]]
    assert order == [b"CH-0", b"CH-3", b"CH-6", b"CH-1", b"CH-4", b"CH-2", b"CH-5"]
