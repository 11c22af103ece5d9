"""Events that deadlines wait for: recording one as held narrows them all."""

import csv
import datetime
import gzip
import json
import subprocess
import sys

import frictionless
import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework import serializers as drf

from declarations import services
from declarations.api.serializers import EventSerializer, event_record
from declarations.datapackage import writer
from declarations.models import (
    CommitmentState,
    Deadline,
    DeadlineKind,
    DeadlineRevision,
    Event,
)
from tests.factories import (
    BodyFactory,
    CommitmentFactory,
    EventFactory,
    UserFactory,
    waiting_for,
    with_window,
)
from tests.test_migrations import DATA, ROOT, environment, manage

pytestmark = pytest.mark.django_db

D = datetime.date
SOURCE = "https://example.org/communique-2006"


@pytest.fixture
def summit():
    return EventFactory(name="The next SCO summit, 2006")


@pytest.fixture
def three(summit):
    return [waiting_for(summit, CommitmentFactory()) for _ in range(3)]


def held(summit, **changes):
    arguments = {
        "event": summit,
        "date": D(2006, 6, 15),
        "place": "Shanghai",
        "by": None,
        "reason": "Joint communiqué of 15 June 2006.",
        "source_url": SOURCE,
        **changes,
    }
    return services.event_held(**arguments)


def windows(commitments):
    return [
        tuple(
            Deadline.objects.filter(pk=c.pk).values_list(
                "earliest", "latest", "precision"
            )[0]
        )
        for c in commitments
    ]


def test_an_event_date_narrows_three_deadlines_at_once_each_with_a_revision(
    summit, three
):
    editor = UserFactory(username="editor")
    revisions = held(summit, by=editor)

    assert len(revisions) == 3
    assert DeadlineRevision.objects.count() == 3
    assert windows(three) == [(D(2006, 6, 15), D(2006, 6, 15), "day")] * 3
    for revision, commitment in zip(revisions, three, strict=True):
        assert revision.deadline_id == commitment.pk
        assert revision.revised_by == editor
        assert (revision.old_earliest, revision.old_latest) == (
            D(2006, 1, 1),
            D(2006, 12, 31),
        )
        assert (revision.old_precision, revision.new_precision) == ("year", "day")
        assert revision.reason == (
            "The event's date is known: The next SCO summit, 2006 was held in "
            "Shanghai on 15 June 2006. Joint communiqué of 15 June 2006."
        )
    deadline = Deadline.objects.get(pk=three[0].pk)
    assert deadline.note.endswith("so the window narrows to 15 June 2006 (was 2006).")
    summit.refresh_from_db()
    assert (summit.held_on, summit.held_precision, summit.place) == (
        D(2006, 6, 15),
        "day",
        "Shanghai",
    )
    assert summit.source_url == SOURCE
    assert summit.history.first().history_user == editor
    # Derived through the one writer: the overdue pages read the new window.
    states = CommitmentState.objects.filter(commitment__in=three)
    assert {(s.earliest, s.latest) for s in states} == {
        (D(2006, 6, 15), D(2006, 6, 15))
    }


def test_a_date_known_to_the_month_narrows_to_that_month(summit, three):
    held(summit, date=D(2006, 6, 1), precision="month")
    assert windows(three) == [(D(2006, 6, 1), D(2006, 6, 30), "month")] * 3
    summit.refresh_from_db()
    assert summit.held_display == "June 2006"


def test_one_deadline_that_cannot_narrow_writes_nothing_at_all(summit, three):
    # A deadline left invalid by an older edit: an event deadline must quote
    # its wording.
    Deadline.objects.filter(pk=three[1].pk).update(wording="")

    with pytest.raises(ValidationError) as refused:
        held(summit)

    assert three[1].reference in str(refused.value)
    assert "Nothing was recorded" in str(refused.value)
    assert DeadlineRevision.objects.count() == 0
    assert windows(three) == [(D(2006, 1, 1), D(2006, 12, 31), "year")] * 3
    summit.refresh_from_db()
    assert summit.held_on is None and summit.place == ""
    assert summit.history.count() == 1  # its creation only


def test_a_date_outside_the_expected_window_is_refused_unless_overridden(summit, three):
    with pytest.raises(ValidationError) as refused:
        held(summit, date=D(2007, 1, 10))
    assert "date" in refused.value.message_dict
    assert "outside the window" in refused.value.message_dict["date"][0]
    assert "(2006)" in refused.value.message_dict["date"][0]
    assert DeadlineRevision.objects.count() == 0
    assert Event.objects.get(pk=summit.pk).held_on is None

    revisions = held(
        summit,
        date=D(2007, 1, 10),
        outside_window=True,
        reason="Postponed to January 2007 (communiqué of 10 January 2007).",
    )
    assert len(revisions) == 3
    assert "outside the window it was expected in (2006)" in revisions[0].reason
    assert windows(three) == [(D(2007, 1, 10), D(2007, 1, 10), "day")] * 3


def test_a_second_setting_is_refused_unless_it_is_a_correction(summit, three):
    held(summit)
    with pytest.raises(ValidationError) as refused:
        held(summit, date=D(2006, 6, 16))
    assert "already recorded as held on 15 June 2006" in str(refused.value)
    assert DeadlineRevision.objects.count() == 3

    corrected = held(
        summit,
        date=D(2006, 6, 16),
        correction=True,
        reason="The communiqué is dated the day after the summit's first day.",
    )
    assert len(corrected) == 3
    assert corrected[0].reason.startswith("Correction: ")
    assert (corrected[0].old_earliest, corrected[0].new_earliest) == (
        D(2006, 6, 15),
        D(2006, 6, 16),
    )
    assert DeadlineRevision.objects.count() == 6


def test_a_correction_of_an_event_not_yet_held_is_refused(summit, three):
    with pytest.raises(ValidationError) as refused:
        held(summit, correction=True)
    assert "correction" in refused.value.message_dict


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reason": "  "}, "reason"),
        ({"date": D(2099, 1, 1)}, "date"),
        ({"precision": "fortnight"}, "precision"),
        ({"source_url": "ftp://example.org/x"}, "source_url"),
    ],
)
def test_bad_input_names_its_field_and_writes_nothing(summit, three, changes, field):
    with pytest.raises(ValidationError) as refused:
        held(summit, **changes)
    assert field in refused.value.message_dict
    assert DeadlineRevision.objects.count() == 0
    assert Event.objects.get(pk=summit.pk).held_on is None


def test_a_deadline_already_on_the_date_needs_no_revision(summit, three):
    with_window(
        three[0],
        D(2006, 6, 15),
        D(2006, 6, 15),
        kind=DeadlineKind.EVENT,
        wording="by the next 2006 Summit",
        waits_for=summit,
    )
    revisions = held(summit)
    assert [r.deadline_id for r in revisions] == [three[1].pk, three[2].pk]


def test_only_an_event_deadline_waits_for_an_event(summit):
    commitment = with_window(CommitmentFactory(), D(2006, 1, 1), D(2006, 12, 31))
    deadline = commitment.deadline
    deadline.waits_for = summit
    with pytest.raises(ValidationError) as refused:
        deadline.full_clean()
    assert "waits_for" in refused.value.message_dict


def test_an_expected_window_must_end_a_period_of_its_precision():
    event = Event(
        name="A meeting",
        expected_earliest=D(2006, 1, 1),
        expected_latest=D(2006, 6, 15),
        expected_precision="year",
    )
    with pytest.raises(ValidationError) as refused:
        event.full_clean()
    assert "expected_latest" in refused.value.message_dict


# -- the admin ----------------------------------------------------------------------


def member(group: str, **fields):
    user = UserFactory(**fields)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor_client(client):
    client.force_login(member("Editors", username="eda", is_staff=True))
    return client


def test_the_admin_lists_events_unresolved_after_their_window_closed(
    editor_client, django_assert_max_num_queries
):
    overdue = EventFactory(name="Overdue summit")
    EventFactory(name="Held summit", held_on=D(2006, 6, 15), held_precision="day")
    EventFactory(
        name="Future summit",
        expected_earliest=D(2099, 1, 1),
        expected_latest=D(2099, 12, 31),
    )
    EventFactory(
        name="Undated summit",
        expected_earliest=None,
        expected_latest=None,
        expected_precision="",
    )
    for _ in range(3):
        waiting_for(overdue, CommitmentFactory())
    url = reverse("admin:declarations_event_changelist") + "?resolution=unresolved"

    with django_assert_max_num_queries(8):
        response = editor_client.get(url)

    assert response.status_code == 200
    shown = [event.name for event in response.context["cl"].result_list]
    assert shown == ["Overdue summit"]
    assert response.context["cl"].result_list[0].deadline_count == 3
    assert "Unresolved after their window closed" in response.content.decode()
    for _ in range(5):
        EventFactory(expected_latest=D(2005, 12, 31), expected_earliest=D(2005, 1, 1))
    with django_assert_max_num_queries(8):
        assert editor_client.get(url).status_code == 200


def test_an_editor_records_the_event_as_held_in_the_admin(editor_client, summit, three):
    page = reverse("admin:declarations_event_change", args=[summit.pk])
    content = editor_client.get(page).content.decode()
    held_url = reverse("admin:declarations_event_held", args=[summit.pk])
    assert held_url in content  # the "Record as held" button
    for commitment in three:
        assert commitment.reference in content  # the deadlines tied to it

    form = {
        "date": "2006-06-15",
        "precision": "day",
        "place": "Shanghai",
        "source_url": SOURCE,
        "reason": "Joint communiqué of 15 June 2006.",
    }
    response = editor_client.post(held_url, form)

    assert response.status_code == 302 and response.url == page
    assert DeadlineRevision.objects.count() == 3
    assert {r.revised_by.username for r in DeadlineRevision.objects.all()} == {"eda"}
    assert windows(three) == [(D(2006, 6, 15), D(2006, 6, 15), "day")] * 3


def test_the_admin_form_shows_an_out_of_window_refusal_and_writes_nothing(
    editor_client, summit, three
):
    held_url = reverse("admin:declarations_event_held", args=[summit.pk])
    response = editor_client.post(
        held_url,
        {"date": "2007-03-01", "precision": "day", "reason": "A report."},
    )
    assert response.status_code == 200
    assert "outside the window" in str(response.context["form"].errors["date"])
    assert DeadlineRevision.objects.count() == 0


def test_the_list_action_opens_the_form_for_one_event(editor_client, summit):
    response = editor_client.post(
        reverse("admin:declarations_event_changelist"),
        {"action": "record_as_held", "_selected_action": [summit.pk]},
    )
    assert response.status_code == 302
    assert response.url == reverse("admin:declarations_event_held", args=[summit.pk])


@pytest.mark.parametrize(
    ("group", "staff", "status"), [("Analysts", True, 403), ("Analysts", False, 302)]
)
def test_only_editors_record_an_event_as_held(client, summit, group, staff, status):
    client.force_login(member(group, is_staff=staff))
    held_url = reverse("admin:declarations_event_held", args=[summit.pk])
    form = {"date": "2006-06-15", "precision": "day", "reason": "A report."}
    assert client.post(held_url, form).status_code == status
    assert Event.objects.get(pk=summit.pk).held_on is None


# -- the commitment page, the API, the release -------------------------------------


def page_queries(client, commitment) -> tuple[int, str]:
    url = reverse("declarations:commitment-detail", args=[commitment.reference])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def test_the_commitment_page_shows_the_event_its_deadline_waits_for(client, summit):
    summit.body = BodyFactory(name="Council of Heads of State")
    summit.save()
    commitment = waiting_for(summit, CommitmentFactory())
    plain = with_window(CommitmentFactory(), D(2006, 1, 1), D(2006, 12, 31), "year")

    waiting, html = page_queries(client, commitment)
    assert "Waits for" in html
    assert "The next SCO summit, 2006" in html
    assert "(Council of Heads of State)" in html
    assert "Expected: 2006." in html
    assert "Not held yet" in html

    held(summit)
    cache.clear()
    after, html = page_queries(client, commitment)
    assert "Held in Shanghai on 15 June 2006" in html
    assert f'href="{SOURCE}"' in html
    # The event costs no query of its own: it comes with the deadline's row.
    assert waiting == after == page_queries(client, plain)[0]


def test_the_event_name_is_escaped_on_the_page(client):
    event = EventFactory(name="<script>alert(1)</script> summit")
    commitment = waiting_for(event, CommitmentFactory())
    _, html = page_queries(client, commitment)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; summit" in html


def test_the_api_carries_the_event_with_the_deadline(client, summit, three):
    held(summit)
    record = client.get(f"/api/commitments/{three[0].reference}/").json()
    assert record["deadline"]["event"] == "The next SCO summit, 2006"
    assert record["deadline"]["waits_for"] == {
        "id": summit.pk,
        "name": "The next SCO summit, 2006",
        "body": None,
        "expected_earliest": "2006-01-01",
        "expected_latest": "2006-12-31",
        "expected_precision": "year",
        "expected_window": "2006",
        "held_on": "2006-06-15",
        "held_precision": "day",
        "held": "15 June 2006",
        "place": "Shanghai",
        "source_url": SOURCE,
    }


def test_the_release_has_an_events_table_the_deadlines_refer_to(
    summit, three, tmp_path
):

    held(summit)
    folder = writer.release_write(releases_dir=tmp_path, version="2026.1").folder
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "note"])[:10]
    with open(folder / "data" / "events.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows == [
        {
            "id": str(summit.pk),
            "name": "The next SCO summit, 2006",
            "body": "",
            "expected_earliest": "2006-01-01",
            "expected_latest": "2006-12-31",
            "expected_precision": "year",
            "held_on": "2006-06-15",
            "held_precision": "day",
            "place": "Shanghai",
            "source_url": SOURCE,
            "notes": "",
        }
    ]
    with open(folder / "data" / "deadlines.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    waits = {row["commitment"]: row["deadline_waits_for"] for row in rows}
    assert waits == {c.reference: str(summit.pk) for c in three}
    descriptor = json.loads((folder / "datapackage.json").read_text())
    schema = next(r for r in descriptor["resources"] if r["name"] == "deadlines")[
        "schema"
    ]
    assert {
        "fields": ["deadline_waits_for"],
        "reference": {"resource": "events", "fields": ["id"]},
    } in schema["foreignKeys"]


# -- the migration ------------------------------------------------------------------

LINKS = """
import json, django
django.setup()
from declarations.models import Deadline, Event
print(json.dumps({
    "events": {
        e.name: [str(e.expected_earliest), str(e.expected_latest),
                 e.expected_precision, e.held_on and str(e.held_on), e.notes]
        for e in Event.objects.all()
    },
    "links": {
        d.commitment.reference: [d.event, d.waits_for and d.waits_for.name,
                                 str(d.earliest), str(d.latest)]
        for d in Deadline.objects.select_related("commitment", "waits_for")
        .exclude(event="")
    },
    "unlinked_events": Deadline.objects.filter(
        kind="event", waits_for__isnull=True).count(),
}))
"""


def test_the_migration_links_existing_event_deadlines_to_events(tmp_path):

    database = tmp_path / "old.sqlite3"
    with gzip.open(DATA / "main-2026-11-30.sqlite3.gz") as packed:
        database.write_bytes(packed.read())
    env = environment(f"sqlite:///{database}")
    manage(env, "migrate", "--noinput")
    result = subprocess.run(
        [sys.executable, "-c", LINKS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])

    summit = "The next SCO summit (Council of Heads of State), 2006"
    moscow = "The meeting of the SCO heads of government in Moscow, autumn 2005"
    # One event per distinct event text, expected in the window the wording
    # allowed before the deadlines were narrowed; its date is left to an editor.
    assert set(found["events"]) == {summit, moscow}
    assert found["events"][summit][:4] == ["2006-01-01", "2006-12-31", "year", None]
    assert found["events"][moscow][:4] == ["2005-09-01", "2005-11-30", "season", None]
    assert "AST2005-05a, AST2005-05b" in found["events"][summit][4]
    # Every event deadline waits for its event; its text and window are kept.
    assert found["links"] == {
        "AST2005-05a": [summit, summit, "2006-06-15", "2006-06-15"],
        "AST2005-05b": [summit, summit, "2006-06-15", "2006-06-15"],
        "AST2005-09a": [moscow, moscow, "2005-10-26", "2005-10-26"],
        "AST2005-09b": [moscow, moscow, "2005-10-26", "2005-10-26"],
    }
    assert found["unlinked_events"] == 0


def test_recording_an_event_as_held_is_in_the_changes_log(client, summit, three):
    held(summit, by=UserFactory(username="eda"))
    html = client.get(reverse("declarations:changes") + "?kind=codebook").content
    assert "Event “The next SCO summit, 2006”".encode() in html
    revisions = client.get(reverse("declarations:changes") + "?kind=deadlines")
    shown = revisions.content.decode()
    assert shown.count("The next SCO summit, 2006 was held in Shanghai") == 3


def test_the_api_event_is_what_drf_gives_from_the_declared_fields(rf, summit):
    summit.body = BodyFactory(slug="heads-of-state")
    summit.save()
    for event in (summit, EventFactory(held_on=D(2006, 6, 1), held_precision="month")):
        serializer = EventSerializer(context={"request": rf.get("/api/")})
        generic = drf.Serializer.to_representation(serializer, event)
        fast = event_record(event)
        assert list(fast) == list(serializer.fields)
        assert fast == json.loads(json.dumps(generic, default=str))


# Last: the shipped codebook stays loaded for the rest of the module.
def test_the_shipped_event_deadlines_wait_for_events_held_on_their_date(codebook):
    deadlines = Deadline.objects.filter(kind=DeadlineKind.EVENT).select_related(
        "waits_for"
    )
    assert deadlines.count() == 4
    for deadline in deadlines:
        event = deadline.waits_for
        assert event is not None and event.name == deadline.event
        assert event.held_window == (deadline.earliest, deadline.latest)
        first = deadline.revisions.order_by("revised_at", "pk").first()
        assert (event.expected_earliest, event.expected_latest) == (
            first.old_earliest,
            first.old_latest,
        )
        assert event.place in first.reason
    assert not Event.objects.unresolved_after_window(D(2026, 1, 1)).exists()
