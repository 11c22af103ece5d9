"""Every rate is shown with the counts it is made of, on a codebook with
unassessed commitments and a draft that must not count; a member state's own
record comes from the member-state assessments of its part."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from declarations.models import Review, Role, Status
from tests.factories import (
    AssessmentFactory,
    BodyFactory,
    CommitmentBodyFactory,
    CommitmentFactory,
    MemberStateFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def owned():
    """Four commitments of one body: implemented, in progress, unassessed, and
    one whose only assessment is a draft (so unassessed too)."""
    body = BodyFactory(name="Council of Heads of Government", slug="chg")
    made = []
    for status, review in (
        (Status.IMPLEMENTED, Review.PUBLISHED),
        (Status.IN_PROGRESS, Review.PUBLISHED),
        (None, None),
        (Status.IMPLEMENTED, Review.DRAFT),
    ):
        commitment = CommitmentFactory()
        CommitmentBodyFactory(commitment=commitment, body=body, role=Role.RESPONSIBLE)
        if status:
            AssessmentFactory(
                commitment=commitment,
                status=status,
                as_of=D(2006, 6, 1),
                review=review,
            )
        made.append(commitment)
    return body


def test_the_body_page_shows_each_rate_with_its_counts(client, owned):
    html = client.get(owned.get_absolute_url()).content.decode()
    assert "<dd>1 of 4 (25%)</dd>" in html  # implemented, of all four
    assert "<dd>1 of 2 (50%)</dd>" in html  # of the two assessed (not the draft)
    assert "<dd>2 of 4 (50%)</dd>" in html  # assessed coverage


def test_the_overview_shows_each_rate_with_its_counts(client, owned):
    html = client.get(reverse("declarations:overview")).content.decode()
    assert "1 of 4 (25%)" in html and "1 of 2 (50%)" in html and "2 of 4 (50%)" in html


def test_the_bodies_download_carries_the_counts_behind_the_rates(client, owned):
    response = client.get(reverse("declarations:body-list"), {"_export": "csv"})
    text = b"".join(response.streaming_content if response.streaming else [response])
    rows = list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))
    row = next(r for r in rows if r["slug"] == owned.slug)
    counts = ("responsible_for", "assessed", "implemented", "deadline_tested")
    assert [row[name] for name in counts] == ["4", "2", "1", "0"]
    # Each rate is the quotient of two of the counts; no whole, no rate.
    assert row["implementation_rate"] == "0.25"
    assert row["implementation_rate_assessed"] == "0.5"
    assert row["coverage"] == "0.5"
    assert row["on_time_rate"] == ""


def test_the_api_gives_part_and_whole(client, owned):
    data = client.get(f"/api/bodies/{owned.slug}/").json()
    card = next(c for c in data["scorecards"] if c["role"] == Role.RESPONSIBLE)
    assert card["implementation_rate"] == {"part": 1, "whole": 4, "value": 0.25}
    assert card["implementation_rate_assessed"] == {"part": 1, "whole": 2, "value": 0.5}
    assert card["coverage"] == {"part": 2, "whole": 4, "value": 0.5}
    assert card["on_time_rate"]["whole"] == card["deadline_tested"]


def test_a_member_states_record_comes_from_its_own_assessments(client):
    state, other = MemberStateFactory(name="Kyrgyz Republic"), MemberStateFactory()
    bound = []
    for _ in range(3):
        commitment = CommitmentFactory()
        for body in (state, other):
            CommitmentBodyFactory(commitment=commitment, body=body)
        bound.append(commitment)
    # The commitment as a whole is implemented, but the state's part is not.
    AssessmentFactory(commitment=bound[0], status=Status.IMPLEMENTED)
    AssessmentFactory(
        commitment=bound[0], member_state=state, status=Status.IN_PROGRESS
    )
    AssessmentFactory(
        commitment=bound[1], member_state=state, status=Status.IMPLEMENTED
    )
    AssessmentFactory(  # another state's, and a draft of this one's: neither counts
        commitment=bound[2], member_state=other, status=Status.IMPLEMENTED
    )
    AssessmentFactory(
        commitment=bound[2],
        member_state=state,
        status=Status.IMPLEMENTED,
        review=Review.DRAFT,
    )
    response = client.get(state.get_absolute_url())
    record = response.context["state_record"]
    assert record.total == 3
    assert (record.count(Status.IMPLEMENTED), record.count(Status.IN_PROGRESS)) == (
        1,
        1,
    )
    assert record.count(Status.UNASSESSED) == 1
    html = response.content.decode()
    assert "Kyrgyz Republic's own record" in html
    assert "<dd>1 of 3 (33%)</dd>" in html and "<dd>1 of 2 (50%)</dd>" in html
    # Before the declaration was adopted, the state was bound by nothing.
    early = client.get(state.get_absolute_url(), {"as_of": "2004-01-01"})
    assert early.context["state_record"].total == 0
    assert "own record" not in early.content.decode()
