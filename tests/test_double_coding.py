"""Blind double coding (issue 10, item 5): rounds, blindness, settlement, and the
agreement published on the methodology page."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from declarations import intercoder, services
from declarations.models import Assessment, CodingRound, Review, Status
from tests.factories import (
    AssessmentFactory,
    CommitmentFactory,
    EvidenceFactory,
    UserFactory,
    state_of,
)

pytestmark = pytest.mark.django_db

D = datetime.date
A_RATIONALE = "Alpha thinks the secretariat has begun the drafting."
B_RATIONALE = "Bravo reads the communique as the work being complete."
ROUNDS = reverse("declarations:coding-rounds")


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 27, 12, 0), tick=False):
        yield


def member(username, group="Analysts", **fields):
    user = UserFactory(username=username, is_staff=group == "Editors", **fields)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def alpha():
    return member("alpha")


@pytest.fixture
def bravo():
    return member("bravo")


@pytest.fixture
def reviewer():
    return member("rita")


@pytest.fixture
def editor():
    return member("edith", group="Editors")


@pytest.fixture
def commitment():
    return CommitmentFactory(reference="AST2005-07", title="Found the fund")


@pytest.fixture
def evidence(commitment):
    return EvidenceFactory(commitment=commitment)


@pytest.fixture
def coding_round(commitment, editor, alpha, bravo):
    return services.coding_round_open(
        commitment=commitment, opened_by=editor, coders=[alpha, bravo]
    )


def code(commitment, user, status=Status.IN_PROGRESS, rationale=A_RATIONALE, **kw):
    return services.assessment_record(
        commitment=commitment,
        recorded_by=user,
        status=status,
        as_of=D(2006, 6, 15),
        confidence="medium",
        rationale=rationale,
        **kw,
    )


@pytest.fixture
def both_in(coding_round, commitment, alpha, bravo, evidence):
    a = code(commitment, alpha, Status.IN_PROGRESS, A_RATIONALE)
    b = code(commitment, bravo, Status.IMPLEMENTED, B_RATIONALE, evidence=[evidence])
    coding_round.refresh_from_db()
    return a, b


def written():
    """What a refused request must leave as it was."""
    return (
        list(Assessment.objects.values_list("pk", "review", "coding_round")),
        list(CodingRound.objects.values_list("pk", "closed_at", "settled_with")),
    )


# Opening a round.


def test_an_editor_opens_a_round_and_an_analyst_cannot(commitment, editor, alpha):
    with pytest.raises(PermissionDenied):
        services.coding_round_open(commitment=commitment, opened_by=alpha)
    coding_round = services.coding_round_open(commitment=commitment, opened_by=editor)
    assert coding_round.is_open and coding_round.coder_a is None  # any two
    with pytest.raises(ValidationError) as refused:
        services.coding_round_open(commitment=commitment, opened_by=editor)
    assert "already has an open" in str(refused.value.message_dict["commitment"])


def test_two_coders_are_two_analysts(commitment, editor, alpha):
    with pytest.raises(ValidationError) as same:
        services.coding_round_open(
            commitment=commitment, opened_by=editor, coders=[alpha, alpha]
        )
    assert "two different analysts" in str(same.value.message_dict["coders"])
    outsider = UserFactory(username="reader")
    with pytest.raises(ValidationError) as plain:
        services.coding_round_open(
            commitment=commitment, opened_by=editor, coders=[alpha, outsider]
        )
    assert "reader" in str(plain.value.message_dict["coders"])
    assert not CodingRound.objects.exists()


def test_the_open_form_through_the_browser(client, commitment, editor, alpha, bravo):
    url = reverse("declarations:coding-round-open")
    client.force_login(alpha)
    assert client.post(url, {"reference": commitment.reference}).status_code == 403
    client.force_login(editor)
    bad = client.post(url, {"reference": "AST2005-99", "coder_a": "alpha"})
    assert bad.status_code == 200
    assert "No commitment has the reference" in bad.content.decode()
    assert "Name both coders" in bad.content.decode()
    unknown = client.post(
        url, {"reference": commitment.reference, "coder_a": "alpha", "coder_b": "zed"}
    )
    assert "No such user: zed" in unknown.content.decode()
    assert not CodingRound.objects.exists()
    done = client.post(
        url, {"reference": commitment.reference, "coder_a": "alpha", "coder_b": "bravo"}
    )
    assert done.status_code == 302
    coding_round = CodingRound.objects.get()
    assert (coding_round.coder_a, coding_round.coder_b) == (alpha, bravo)


def test_the_open_form_needs_csrf(commitment, editor):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(
        reverse("declarations:coding-round-open"), {"reference": commitment.reference}
    )
    assert response.status_code == 403
    assert not CodingRound.objects.exists()


# Codings join the round.


def test_codings_join_the_round_as_drafts_even_where_review_is_off(
    settings, coding_round, commitment, alpha
):
    settings.TRACKER_REVIEW_REQUIRED = False
    coding = code(commitment, alpha)
    assert coding.coding_round == coding_round
    assert coding.review == Review.DRAFT
    assert state_of(commitment).status == Status.UNASSESSED
    coding_round.refresh_from_db()
    assert coding_round.both_in_at is None


def test_who_may_code_in_a_named_round(coding_round, commitment, alpha, reviewer):
    with pytest.raises(ValidationError, match="two named analysts"):
        code(commitment, reviewer)
    code(commitment, alpha)
    with pytest.raises(ValidationError, match="A second one is refused"):
        code(commitment, alpha)
    assert Assessment.objects.count() == 1


def test_any_two_analysts_and_no_third(commitment, editor, alpha, bravo, reviewer):
    coding_round = services.coding_round_open(commitment=commitment, opened_by=editor)
    code(commitment, alpha)
    code(commitment, bravo)
    coding_round.refresh_from_db()
    assert coding_round.both_in_at is not None
    with pytest.raises(ValidationError, match="Both codings"):
        code(commitment, reviewer)


def test_a_coding_corrects_nothing(commitment, editor, alpha):
    earlier = AssessmentFactory(commitment=commitment, recorded_by=alpha)
    services.coding_round_open(commitment=commitment, opened_by=editor)
    with pytest.raises(ValidationError, match="corrects"):
        code(commitment, alpha, corrects=earlier)


# Blindness.


def test_neither_coder_sees_the_other_until_both_are_in(
    coding_round, commitment, alpha, bravo, reviewer, evidence
):
    a = code(commitment, alpha)
    for user in (bravo, reviewer):
        assert a not in Assessment.objects.visible_to(user)
    assert a in Assessment.objects.visible_to(alpha)
    assert a not in Assessment.objects.visible_to(None)
    assert a not in Assessment.objects.awaiting_review(bravo)
    b = code(commitment, bravo, Status.IMPLEMENTED, B_RATIONALE, evidence=[evidence])
    assert {a, b} <= set(Assessment.objects.visible_to(bravo))
    assert {a, b} <= set(Assessment.objects.visible_to(reviewer))
    assert a not in Assessment.objects.visible_to(None)  # drafts still
    assert a not in Assessment.objects.awaiting_review(reviewer)  # settled together


def test_no_page_or_form_shows_the_other_coding(
    client, coding_round, commitment, alpha, bravo, editor
):
    a = code(commitment, alpha)
    client.force_login(bravo)
    pages = [
        commitment.get_absolute_url(),
        reverse("declarations:assessment-create", args=[commitment.reference]),
        ROUNDS,
        reverse("declarations:me"),
        reverse("declarations:changes"),
        reverse("declarations:feed-evidence"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        assert A_RATIONALE not in content, url
        assert a.anchor not in content, url
    mine = client.get(ROUNDS).content.decode()
    assert "Not yet" in mine and "1 of 2" in mine
    settle = reverse("declarations:coding-round-settle", args=[coding_round.pk])
    assert client.get(settle).status_code == 403
    # Nor the admin, for an editor who is no coder.
    client.force_login(editor)
    admin_list = client.get(reverse("admin:declarations_assessment_changelist"))
    assert admin_list.status_code == 200
    assert "0 assessments" in admin_list.content.decode()
    # Nor anonymous readers, ever.
    client.logout()
    assert A_RATIONALE not in client.get(commitment.get_absolute_url()).content.decode()


def test_the_second_coder_is_not_refused_as_stale_by_the_first(
    client, coding_round, commitment, alpha, bravo
):
    """A stale-form refusal shows what changed: it must not show a blind coding."""
    client.force_login(bravo)
    url = reverse("declarations:assessment-create", args=[commitment.reference])
    form = client.get(url).context["form"]
    seen = form.initial["seen_latest"]
    code(commitment, alpha)
    response = client.post(
        url,
        {
            "status": Status.NOT_STARTED,
            "as_of": "2006-06-15",
            "confidence": "low",
            "rationale": B_RATIONALE,
            "seen_latest": seen or "",
        },
    )
    assert response.status_code == 302
    assert A_RATIONALE not in response.content.decode()
    assert Assessment.objects.filter(coding_round=coding_round).count() == 2


def test_the_coder_sees_both_once_both_are_in(client, both_in, commitment, bravo):
    client.force_login(bravo)
    page = client.get(commitment.get_absolute_url()).content.decode()
    assert A_RATIONALE in page and B_RATIONALE in page
    assert "awaiting settlement" in client.get(ROUNDS).content.decode()


# Settling.


def test_a_coder_cannot_settle(client, both_in, coding_round, alpha):
    a, _ = both_in
    with pytest.raises(ValidationError, match="coder in this round"):
        services.coding_round_settle(
            coding_round=coding_round, reviewer=alpha, choose=a
        )
    before = written()
    client.force_login(alpha)
    url = reverse("declarations:coding-round-settle", args=[coding_round.pk])
    response = client.post(url, {"action": "choose", "choose-choose": a.pk})
    assert response.status_code == 403
    assert written() == before
    assert coding_round not in CodingRound.objects.ready_to_settle(alpha)


def test_a_named_coder_cannot_settle_even_before_coding(
    coding_round, commitment, alpha, bravo
):
    assert coding_round not in CodingRound.objects.ready_to_settle(bravo)


def test_a_round_is_settled_once_both_are_in(coding_round, commitment, alpha, reviewer):
    a = code(commitment, alpha)
    with pytest.raises(ValidationError, match="1 of the two codings"):
        services.coding_round_settle(
            coding_round=coding_round, reviewer=reviewer, choose=a
        )
    assert CodingRound.objects.get().is_open


def test_a_coding_is_not_reviewed_on_its_own(both_in, reviewer):
    a, _ = both_in
    with pytest.raises(ValidationError, match="settles the round"):
        services.assessment_review(assessment=a, reviewer=reviewer, approve=True)


def test_settle_by_choosing_one_keeps_the_other_set_aside(
    client, both_in, coding_round, commitment, reviewer
):
    a, b = both_in
    client.force_login(reviewer)
    listing = client.get(ROUNDS).content.decode()
    assert "Ready to settle" in listing and commitment.reference in listing
    url = reverse("declarations:coding-round-settle", args=[coding_round.pk])
    page = client.get(url).content.decode()
    assert A_RATIONALE in page and B_RATIONALE in page
    response = client.post(
        url,
        {"action": "choose", "choose-choose": b.pk, "choose-comment": "Fund exists."},
    )
    assert response.status_code == 302
    a.refresh_from_db()
    b.refresh_from_db()
    coding_round.refresh_from_db()
    assert b.review == Review.PUBLISHED and b.reviewed_by == reviewer
    assert a.review == Review.SET_ASIDE and a.reviewed_by == reviewer
    assert a.rationale == A_RATIONALE  # kept, not deleted
    assert coding_round.settled_with == b and coding_round.closed_by == reviewer
    assert coding_round.comment == "Fund exists."
    assert state_of(commitment).status == Status.IMPLEMENTED
    # Public: the published one only.
    client.logout()
    public = client.get(commitment.get_absolute_url()).content.decode()
    assert B_RATIONALE in public and A_RATIONALE not in public
    # Settled once.
    with pytest.raises(ValidationError, match="already settled"):
        services.coding_round_settle(
            coding_round=coding_round, reviewer=reviewer, choose=a
        )


def test_settle_by_recording_the_settled_assessment(
    both_in, coding_round, commitment, reviewer, evidence
):
    services.coding_round_settle(
        coding_round=coding_round,
        reviewer=reviewer,
        record={
            "status": Status.PARTLY_IMPLEMENTED,
            "as_of": D(2006, 6, 15),
            "confidence": "high",
            "rationale": "The fund exists but only half the members joined.",
            "evidence": [evidence],
        },
    )
    coding_round.refresh_from_db()
    settled = coding_round.settled_with
    assert settled.recorded_by == reviewer and settled.review == Review.PUBLISHED
    assert settled.coding_round is None
    assert set(coding_round.assessments.values_list("review", flat=True)) == {
        Review.SET_ASIDE
    }
    assert state_of(commitment).status == Status.PARTLY_IMPLEMENTED


@pytest.mark.usefixtures("both_in")
def test_bad_settlements_write_nothing(client, coding_round, reviewer):
    client.force_login(reviewer)
    url = reverse("declarations:coding-round-settle", args=[coding_round.pk])
    before = written()
    none_chosen = client.post(url, {"action": "choose"})
    assert none_chosen.status_code == 200
    assert "Choose the coding to publish" in none_chosen.content.decode()
    assert client.post(url, {"action": "sideways"}).status_code == 400
    unbacked = client.post(
        url,
        {
            "action": "record",
            "record-status": Status.IMPLEMENTED,
            "record-as_of": "2006-06-15",
            "record-confidence": "high",
            "record-rationale": "Done, the fund is operating now.",
        },
    )
    assert unbacked.status_code == 200
    assert "cite at least one piece of evidence" in unbacked.content.decode()
    other = AssessmentFactory(review=Review.DRAFT, recorded_by=reviewer)
    with pytest.raises(ValidationError, match="not a coding in this round"):
        services.coding_round_settle(
            coding_round=coding_round, reviewer=reviewer, choose=other
        )
    with pytest.raises(ValidationError, match="one of the two"):
        services.coding_round_settle(coding_round=coding_round, reviewer=reviewer)
    assert written()[1] == before[1]
    assert Assessment.objects.filter(review=Review.SET_ASIDE).count() == 0


def test_an_editor_closes_a_round_unsettled(coding_round, commitment, alpha, editor):
    a = code(commitment, alpha)
    with pytest.raises(ValidationError, match="Say why"):
        services.coding_round_close(
            coding_round=coding_round, closed_by=editor, reason=" "
        )
    with pytest.raises(PermissionDenied):
        services.coding_round_close(
            coding_round=coding_round, closed_by=alpha, reason="Mine."
        )
    services.coding_round_close(
        coding_round=coding_round, closed_by=editor, reason="Coder left the team."
    )
    a.refresh_from_db()
    assert a.review == Review.SET_ASIDE and a.review_comment == "Coder left the team."
    # The commitment is assessed as usual again.
    later = code(commitment, alpha, rationale="Alpha again, outside any round now.")
    assert later.coding_round is None


# The agreement, published.


def double_coded(n: int, disagree_every: int = 3):
    """n rounds with both codings in, made directly (their rules are tested above)."""
    coders = [member(f"coder{i}") for i in range(2)]
    editor = member("opener", group="Editors")
    ladder = list(intercoder.ORDINAL_LADDER)
    for i in range(n):
        commitment = CommitmentFactory()
        coding_round = CodingRound.objects.create(
            commitment=commitment, opened_by=editor, both_in_at=timezone.now()
        )
        first = ladder[i % len(ladder)]
        second = ladder[(i + 1) % len(ladder)] if i % disagree_every == 0 else first
        for coder, status in zip(coders, (first, second), strict=True):
            AssessmentFactory(
                commitment=commitment,
                recorded_by=coder,
                status=status,
                coding_round=coding_round,
                review=Review.DRAFT,
            )


def test_methodology_says_not_enough_items_yet(client, both_in):
    page = client.get(reverse("declarations:methodology")).content.decode()
    assert "Not enough double-coded items yet" in page
    assert "over 1 double-coded item<" in page


def test_methodology_publishes_alpha_with_what_it_rests_on(client):
    double_coded(12)
    statuses = Assessment.objects.coded_statuses()
    expected = intercoder.status_agreement(statuses)
    page = client.get(reverse("declarations:methodology")).content.decode()
    assert "Not enough" not in page
    assert "over 12 double-coded items" in page
    assert f"{expected['ordinal'].alpha:.2f}" in page
    assert f"{expected['nominal'].alpha:.2f}" in page
    assert expected["nominal"].values == 24
    assert "Krippendorff" in page


def test_blind_rounds_are_not_in_the_agreement(coding_round, commitment, alpha):
    code(commitment, alpha)
    assert Assessment.objects.coded_statuses() == []


def test_the_methodology_page_takes_constant_queries(client):
    double_coded(intercoder.MIN_ITEMS)
    url = reverse("declarations:methodology")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    double_coded(3 * intercoder.MIN_ITEMS)
    with CaptureQueriesContext(connection) as many:
        assert "over 40 double-coded items" in client.get(url).content.decode()
    assert len(many) == len(few)


def test_the_coding_page_takes_constant_queries(
    client, django_assert_max_num_queries, reviewer
):
    def rounds_waiting(n):
        double_coded(n)

    rounds_waiting(1)
    client.force_login(reviewer)
    with CaptureQueriesContext(connection) as few:
        client.get(ROUNDS)
    rounds_waiting(8)
    with CaptureQueriesContext(connection) as many:
        page = client.get(ROUNDS).content.decode()
    assert page.count("Settle</a>") == 9
    assert len(many) == len(few)
    with django_assert_max_num_queries(len(few)):
        client.get(ROUNDS)
