"""The audit trail: codebook edits, corrections, retractions and revisions, public."""

import datetime

import pytest
from django.urls import reverse

from declarations import services
from declarations.models import Commitment, Status
from tests.factories import (
    AssessmentFactory,
    CommitmentFactory,
    EvidenceFactory,
    UserFactory,
    with_window,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def commitment_change_form(commitment, **overrides):
    deadline = commitment.deadline
    data = {
        "declaration": commitment.declaration_id,
        "paragraph": commitment.paragraph_id,
        "reference": commitment.reference,
        "title": commitment.title,
        "kind": commitment.kind,
        "quote": commitment.quote,
        "theme": commitment.theme,
        "notes": commitment.notes,
        "body_links-TOTAL_FORMS": "0",
        "body_links-INITIAL_FORMS": "0",
        "body_links-MIN_NUM_FORMS": "0",
        "body_links-MAX_NUM_FORMS": "1000",
        "deadline-TOTAL_FORMS": "1",
        "deadline-INITIAL_FORMS": "1",
        "deadline-MIN_NUM_FORMS": "1",
        "deadline-MAX_NUM_FORMS": "1",
        "deadline-0-commitment": commitment.pk,
        "deadline-0-wording": deadline.wording,
        "deadline-0-kind": deadline.kind,
        "deadline-0-event": deadline.event,
        "deadline-0-earliest": deadline.earliest or "",
        "deadline-0-latest": deadline.latest or "",
        "deadline-0-precision": deadline.precision,
        "deadline-0-note": deadline.note,
        "deadline-0-review_date": "",
        "deadline-0-reason": "",
        "evidence-TOTAL_FORMS": "0",
        "evidence-INITIAL_FORMS": "0",
        "evidence-MIN_NUM_FORMS": "0",
        "evidence-MAX_NUM_FORMS": "1000",
        "assessments-TOTAL_FORMS": "0",
        "assessments-INITIAL_FORMS": "0",
        "assessments-MIN_NUM_FORMS": "0",
        "assessments-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_an_admin_edit_is_recorded_with_who_when_and_what(client):
    editor = UserFactory(username="editor", is_staff=True, is_superuser=True)
    client.force_login(editor)
    commitment = CommitmentFactory(title="Old title")
    url = reverse("admin:declarations_commitment_change", args=[commitment.pk])
    response = client.post(url, commitment_change_form(commitment, title="New title"))
    assert response.status_code == 302, response.content.decode()[:3000]
    record = Commitment.history.filter(id=commitment.pk).first()
    assert record.history_user == editor
    assert record.history_type == "~"
    delta = record.diff_against(record.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [
        ("title", "Old title", "New title")
    ]
    log = client.get(reverse("declarations:changes")).content.decode()
    assert "Codebook changed" in log
    assert "Old title" in log and "New title" in log and "editor" in log


def test_deadline_revised_in_the_commitment_admin_keeps_a_revision(client):
    editor = UserFactory(username="editor", is_staff=True, is_superuser=True)
    client.force_login(editor)
    commitment = with_window(
        CommitmentFactory(),
        D(2006, 1, 1),
        D(2006, 12, 31),
        "year",
        kind="event",
        wording="by the next 2006 Summit",
    )
    url = reverse("admin:declarations_commitment_change", args=[commitment.pk])
    narrowed = {
        "deadline-0-earliest": "2006-06-15",
        "deadline-0-latest": "2006-06-15",
        "deadline-0-precision": "day",
    }
    response = client.post(url, commitment_change_form(commitment, **narrowed))
    assert response.status_code == 200
    assert "Say why the deadline changes" in response.content.decode()
    commitment.deadline.refresh_from_db()
    assert commitment.deadline.latest == D(2006, 12, 31)

    response = client.post(
        url,
        commitment_change_form(
            commitment, **narrowed, **{"deadline-0-reason": "Held on 15 June 2006"}
        ),
    )
    assert response.status_code == 302
    revision = commitment.deadline.revisions.get()
    assert (revision.old_latest, revision.new_latest) == (
        D(2006, 12, 31),
        D(2006, 6, 15),
    )
    assert revision.revised_by == editor
    log = client.get(reverse("declarations:changes") + "?kind=deadlines")
    assert "Held on 15 June 2006" in log.content.decode()


def test_changelog_lists_every_kind_newest_first_with_constant_queries(
    client, django_assert_max_num_queries
):
    def make(n):
        for i in range(n):
            commitment = CommitmentFactory()
            wrong = AssessmentFactory(commitment=commitment, status=Status.IMPLEMENTED)
            AssessmentFactory(
                commitment=commitment, status=Status.STALLED, corrects=wrong
            )
            services.evidence_retract(
                evidence=EvidenceFactory(commitment=commitment),
                retracted_by=UserFactory(),
                reason=f"reason {i}",
            )

    url = reverse("declarations:changes")
    make(2)
    # At most: the count, the page, one query per kind of change on it and one
    # more per codebook model (the versions before each edit). 23, not 20, since
    # accepted proposals and confirmed links are kinds of their own, events a
    # codebook model of their own (one more index scan each).
    with django_assert_max_num_queries(23):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(6) as small:
        client.get(url, {"kind": "retractions"})
    make(30)
    with django_assert_max_num_queries(23):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(6) as large:
        response = client.get(url, {"kind": "retractions"})
    assert len(large.captured_queries) == len(small.captured_queries)
    content = response.content.decode()
    assert content.index("reason 29") < content.index("reason 0")


def test_an_unknown_kind_is_404(client):
    assert (
        client.get(reverse("declarations:changes") + "?kind=bogus").status_code == 404
    )


@pytest.mark.parametrize(
    "query",
    [
        "?before=x",
        "?after=20260101T000000.000000Z.evidence.x",
        "?before=2026-01-01",
        "?before=20260101T000000.000000Z.evidence.1&after=20260101T000000.000000Z"
        ".evidence.2",
    ],
)
def test_a_bad_position_is_400_saying_so(client, query):
    response = client.get(reverse("declarations:changes") + query)
    assert response.status_code == 400
    assert "position in the log" in response.content.decode() or (
        "not both" in response.content.decode()
    )


def entries(page: str) -> list[str]:
    import re

    return re.findall(r'class="change change-(\w+)"', page)


def test_the_log_pages_by_position_without_gaps_or_repeats(
    client, django_assert_max_num_queries
):
    """Older and Newer links walk the whole log, one kind interleaved with
    another at the same moment, in the same number of queries at any depth."""
    import re

    from django.utils import timezone

    commitment = CommitmentFactory()
    moment = timezone.now()
    for n in range(70):
        # Pairs of changes at the same moment: an evidence and a retraction.
        evidence = EvidenceFactory(
            commitment=commitment, summary=f"Event {n}.", logged_at=moment
        )
        if n % 2:
            services.evidence_retract(
                evidence=evidence, retracted_by=None, reason=f"reason {n}"
            )
    url = reverse("declarations:changes")
    seen, pages, next_url = [], 0, url
    while next_url:
        with django_assert_max_num_queries(20):
            page = client.get(next_url).content.decode()
        pages += 1
        seen += re.findall(r'<a href="[^"]*#evidence-(\d+)">', page)
        older = re.search(r'href="\?before=([^"]+)" rel="next"', page)
        next_url = f"{url}?before={older[1]}" if older else None
    assert pages == 3
    # Every evidence entry once and every retraction once (105 entries).
    assert len(seen) == 70 + 35
    # One query a kind and one a kind shown, whatever the depth (the bound above).
    # And back from the last page with Newer: the same pages, newest first.
    newer = re.search(r'href="\?after=([^"]+)" rel="prev"', page)
    assert newer
    back = client.get(f"{url}?after={newer[1]}").content.decode()
    assert re.findall(r'#evidence-(\d+)">', back) == seen[50:100]
