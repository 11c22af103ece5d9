"""Query counts stay constant whatever the number of rows, and the page-shaped
QuerySet methods compute their figures in the database."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from declarations.models import (
    Commitment,
    DeadlineRevision,
    Role,
    Status,
)
from declarations.models.scorecards import Timeliness
from tests.factories import (
    AssessmentFactory,
    BodyFactory,
    CommitmentBodyFactory,
    CommitmentFactory,
    DeclarationFactory,
    EvidenceFactory,
    MemberStateFactory,
    ParagraphFactory,
    with_window,
)

pytestmark = pytest.mark.django_db

D = datetime.date


class Ledger:
    """A ledger that grows: more commitments, and more history on the first one."""

    def __init__(self):
        self.declaration = DeclarationFactory(slug="decl")
        self.parent = BodyFactory(slug="parent")
        self.body = BodyFactory(slug="body", parent=self.parent)
        self.state = MemberStateFactory(slug="state")
        self.first = None

    def grow(self, n: int) -> None:
        for _ in range(n):
            paragraph = ParagraphFactory(declaration=self.declaration)
            commitment = with_window(
                CommitmentFactory(declaration=self.declaration, paragraph=paragraph),
                D(2006, 1, 1),
                D(2006, 12, 31),
                "year",
            )
            self.first = self.first or commitment
            CommitmentBodyFactory(commitment=commitment, body=self.body)
            CommitmentBodyFactory(
                commitment=commitment, body=self.state, role=Role.SUPPORTING
            )
            evidence = EvidenceFactory(commitment=commitment)
            AssessmentFactory(
                commitment=commitment, status=Status.IN_PROGRESS, as_of=D(2006, 3, 1)
            ).evidence.add(evidence)
            AssessmentFactory(
                commitment=commitment, status=Status.IMPLEMENTED, as_of=D(2007, 2, 1)
            )
            # More history on one commitment, for its page.
            history = EvidenceFactory(commitment=self.first)
            AssessmentFactory(
                commitment=self.first,
                member_state=self.state,
                status=Status.STALLED,
                as_of=D(2006, 5, 1),
            ).evidence.add(history)
            DeadlineRevision.objects.create(
                deadline=self.first.deadline,
                reason="Reread.",
                old_kind="calendar",
                new_kind="calendar",
            )


def urls(ledger):
    reference = ledger.first.reference
    pages = [
        reverse("declarations:overview"),
        reverse("declarations:commitment-list"),
        reverse("declarations:commitment-list") + "?status=implemented&body=body",
        reverse("declarations:commitment-list") + "?_export=csv",
        reverse("declarations:commitment-detail", args=[reference]),
        reverse("declarations:body-list"),
        reverse("declarations:body-detail", args=["body"]),
        reverse("declarations:overdue"),
        reverse("declarations:overdue") + "?body=body",
        reverse("declarations:declaration-list"),
        reverse("declarations:declaration-detail", args=["decl"]),
        reverse("declarations:methodology"),
        reverse("declarations:feed-deadlines"),
        reverse("declarations:feed-evidence"),
    ]
    dated = [
        f"{url}{'&' if '?' in url else '?'}as_of=2006-12-31"
        for url in pages
        if "feeds" not in url
    ]
    return pages + dated


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        response.getvalue()  # a streamed response queries as it is read
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def test_every_page_runs_the_same_number_of_queries_at_two_sizes(
    client, django_assert_max_num_queries
):
    ledger = Ledger()
    ledger.grow(3)
    small = {url: queries(client, url) for url in urls(ledger)}
    ledger.grow(30)
    for url, count in small.items():
        with django_assert_max_num_queries(count, info=url):
            response = client.get(url)
            response.getvalue()
        assert response.status_code == 200
    # And the numbers themselves stay small. The most is a commitment's page read
    # cold: the row, its bodies and revisions, a page of its status history (with
    # the evidence each cites and corrections), the member states, the chart's
    # points, a page of evidence with the latest check of each source, its
    # links across declarations, and the ledger's token (the chain of links
    # costs one query a step, and none when the commitment has no link).
    assert max(small.values()) <= 18, small


# The figures, computed in the database -------------------------------------------


def implemented(commitment, as_of):
    return (
        Commitment.objects.with_implementation(as_of)
        .values_list("implemented_on", "timeliness")
        .get(pk=commitment.pk)
    )


def test_implemented_on_time_up_to_the_last_day_of_the_window():
    commitment = with_window(CommitmentFactory(), D(2006, 1, 1), D(2006, 12, 31))
    AssessmentFactory(
        commitment=commitment, status=Status.IMPLEMENTED, as_of=D(2006, 12, 31)
    )
    assert implemented(commitment, D(2006, 12, 30)) == (None, None)
    assert implemented(commitment, D(2006, 12, 31)) == (
        D(2006, 12, 31),
        Timeliness.ON_TIME,
    )


def test_implemented_the_day_after_the_window_is_late():
    commitment = with_window(CommitmentFactory(), D(2006, 1, 1), D(2006, 12, 31))
    AssessmentFactory(
        commitment=commitment, status=Status.IMPLEMENTED, as_of=D(2007, 1, 1)
    )
    assert implemented(commitment, D(2008, 1, 1)) == (D(2007, 1, 1), Timeliness.LATE)


def test_the_earliest_standing_implemented_assessment_counts():
    commitment = with_window(CommitmentFactory(), D(2006, 1, 1), D(2006, 12, 31))
    wrong = AssessmentFactory(
        commitment=commitment, status=Status.IMPLEMENTED, as_of=D(2006, 6, 1)
    )
    AssessmentFactory(
        commitment=commitment,
        status=Status.IN_PROGRESS,
        as_of=D(2006, 6, 1),
        corrects=wrong,
    )
    AssessmentFactory(
        commitment=commitment, status=Status.IMPLEMENTED, as_of=D(2007, 3, 1)
    )
    AssessmentFactory(
        commitment=commitment,
        status=Status.IMPLEMENTED,
        as_of=D(2007, 4, 1),
        member_state=MemberStateFactory(),
    )
    assert implemented(commitment, D(2008, 1, 1)) == (D(2007, 3, 1), Timeliness.LATE)


def test_implemented_without_a_window_is_undated():
    commitment = CommitmentFactory()
    AssessmentFactory(
        commitment=commitment, status=Status.IMPLEMENTED, as_of=D(2006, 3, 1)
    )
    assert implemented(commitment, D(2007, 1, 1)) == (
        D(2006, 3, 1),
        Timeliness.UNDATED,
    )


@pytest.fixture
def scored():
    """Five commitments of one responsible body, one it supports."""
    body = BodyFactory()
    year = (D(2006, 1, 1), D(2006, 12, 31), "year")

    def make(status=None, as_of=None, window=True, role=Role.RESPONSIBLE):
        commitment = CommitmentFactory()
        if window:
            with_window(commitment, *year)
        CommitmentBodyFactory(commitment=commitment, body=body, role=role)
        if status:
            AssessmentFactory(commitment=commitment, status=status, as_of=as_of)
        return commitment

    make(Status.IMPLEMENTED, D(2006, 6, 1))  # on time
    make(Status.IMPLEMENTED, D(2007, 6, 1))  # late
    make(Status.SUPERSEDED, D(2006, 6, 1))  # assessed, not implemented
    make()  # unassessed: in the whole, overdue in 2007
    make(Status.STALLED, D(2006, 6, 1), window=False)  # never overdue
    make(Status.IN_PROGRESS, D(2006, 6, 1), role=Role.SUPPORTING)
    return body


def test_scorecard_counts_rates_and_overdue_on_a_date(scored):
    card = Commitment.objects.owned_by(scored, Role.RESPONSIBLE).scorecard(
        D(2007, 1, 1)
    )
    assert card.total == 5
    assert card.count(Status.IMPLEMENTED) == 1
    assert card.count(Status.UNASSESSED) == 2  # one is assessed only in June 2007
    assert card.assessed == 3  # the implemented, superseded and stalled ones
    # Implemented of all five owned, of the three assessed; three of five assessed.
    assert (card.implementation_rate.part, card.implementation_rate.whole) == (1, 5)
    assert card.implementation_rate_assessed.value == pytest.approx(1 / 3)
    assert str(card.coverage) == "3 of 5 (60%)"
    assert card.definitely_overdue == 2  # the unassessed and the one done late
    assert (card.on_time, card.late) == (1, 0)
    assert card.deadline_tested == 4  # every dated window had closed
    assert (card.on_time_rate.part, card.on_time_rate.whole) == (1, 4)

    later = Commitment.objects.owned_by(scored, Role.RESPONSIBLE).scorecard(
        D(2007, 6, 1)
    )
    assert (later.on_time, later.late) == (1, 1)
    assert later.assessed == 4
    assert str(later.implementation_rate) == "2 of 5 (40%)"
    assert str(later.implementation_rate_assessed) == "2 of 4 (50%)"


def test_scorecards_by_body_group_by_role_in_one_query(
    scored, django_assert_num_queries
):
    other = BodyFactory()
    CommitmentBodyFactory(body=other)
    with django_assert_num_queries(1):
        cards = Commitment.objects.scorecards_by_body(D(2007, 1, 1))
    assert cards[(scored.pk, Role.RESPONSIBLE)].total == 5
    assert cards[(scored.pk, Role.SUPPORTING)].total == 1
    assert cards[(scored.pk, Role.SUPPORTING)].count(Status.IN_PROGRESS) == 1
    assert cards[(other.pk, Role.RESPONSIBLE)].total == 1
    only = Commitment.objects.scorecards_by_body(D(2007, 1, 1), [scored.pk])
    assert set(only) == {(scored.pk, Role.RESPONSIBLE), (scored.pk, Role.SUPPORTING)}
    assert only[(scored.pk, Role.RESPONSIBLE)] == cards[(scored.pk, Role.RESPONSIBLE)]


def test_an_empty_scorecard_has_no_rates():
    card = Commitment.objects.none().scorecard(D(2007, 1, 1))
    assert card.total == 0
    for rate in (
        card.implementation_rate,
        card.implementation_rate_assessed,
        card.coverage,
        card.on_time_rate,
    ):
        assert (rate.part, rate.whole, rate.value) == (0, 0, None)
        assert str(rate) == "0 of 0 (—)"


def test_last_evidence_is_the_latest_standing_one_up_to_the_date():
    commitment = CommitmentFactory()
    EvidenceFactory(commitment=commitment, event_date=D(2006, 1, 1))
    EvidenceFactory(commitment=commitment, event_date=D(2006, 6, 1))
    EvidenceFactory(
        commitment=commitment,
        event_date=D(2006, 9, 1),
        retracted_at=datetime.datetime(2006, 10, 1, tzinfo=datetime.UTC),
        retraction_reason="Wrong.",
    )

    def last(as_of):
        return Commitment.objects.with_last_evidence(as_of).get().last_evidence_on

    assert last(D(2005, 12, 31)) is None
    assert last(D(2006, 5, 31)) == D(2006, 1, 1)
    assert last(D(2007, 1, 1)) == D(2006, 6, 1)
