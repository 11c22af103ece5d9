"""A published commitment is withdrawn with a reason, never deleted: its page
answers 410 with the reason and its record; it leaves every list, count, feed
and export, and stays in the data release."""

import csv
import datetime
import json

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from declarations import services
from declarations.datapackage import writer
from declarations.models import (
    Commitment,
    CommitmentBody,
    FigureTally,
    Role,
    Status,
)
from tests.factories import (
    AssessmentFactory,
    BodyFactory,
    CommitmentBodyFactory,
    CommitmentFactory,
    EvidenceFactory,
    UserFactory,
    with_window,
)

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime.datetime(2026, 11, 27, 12, 0), tick=False):
        yield


@pytest.fixture
def editor():
    user = UserFactory(username="editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def council():
    return BodyFactory(name="Council of Heads of Government", slug="council")


def overdue_commitment(reference, council, status=Status.IN_PROGRESS):
    commitment = with_window(
        CommitmentFactory(reference=reference, title=f"Promise {reference}"),
        D(2006, 1, 1),
        D(2006, 12, 31),
    )
    CommitmentBodyFactory(commitment=commitment, body=council, role=Role.RESPONSIBLE)
    evidence = EvidenceFactory(
        commitment=commitment, summary=f"Minutes of a meeting on {reference}."
    )
    AssessmentFactory(
        commitment=commitment,
        status=status,
        rationale=f"The minutes show work on {reference} began.",
    ).evidence.add(evidence)
    return commitment


@pytest.fixture
def pair(council, editor):
    """Two overdue commitments of one body; the second is withdrawn."""
    kept = overdue_commitment("AST2005-05", council)
    gone = overdue_commitment("AST2005-06", council)
    services.commitment_withdraw(
        commitment=gone,
        by=editor,
        reason="Coded twice: paragraph 6 repeats paragraph 5.",
    )
    gone.refresh_from_db()
    return kept, gone


def test_a_withdrawal_records_who_when_and_why(pair, editor):
    _, gone = pair
    assert gone.withdrawn_by == editor
    assert gone.withdrawn_at == timezone.now()
    assert gone.withdrawal_reason == "Coded twice: paragraph 6 repeats paragraph 5."
    # Nothing is deleted: its record is whole.
    assert gone.assessments.count() == 1
    assert gone.evidence.count() == 1
    assert CommitmentBody.objects.filter(commitment=gone).count() == 1


def test_a_withdrawal_needs_a_reason_and_happens_once(council, editor, pair):
    commitment = overdue_commitment("AST2005-07", council)
    with pytest.raises(ValidationError) as unexplained:
        services.commitment_withdraw(commitment=commitment, by=editor, reason="  ")
    assert "withdrawal_reason" in unexplained.value.message_dict
    commitment.refresh_from_db()
    assert commitment.withdrawn_at is None
    with pytest.raises(ValidationError) as twice:
        services.commitment_withdraw(commitment=pair[1], by=editor, reason="Again.")
    assert "already withdrawn" in twice.value.message_dict["withdrawal_reason"][0]


def test_the_database_requires_the_reason_of_a_withdrawal(council):
    commitment = overdue_commitment("AST2005-07", council)
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.filter(pk=commitment.pk).update(withdrawn_at=timezone.now())


def test_the_page_of_a_withdrawn_commitment_answers_410_with_reason_and_history(
    client, pair, django_assert_max_num_queries
):
    kept, gone = pair
    with django_assert_max_num_queries(30):
        response = client.get(gone.get_absolute_url())
    assert response.status_code == 410
    page = response.content.decode()
    assert 'Withdrawn on <time datetime="2026-11-27">27 November 2026</time>' in page
    assert "Coded twice: paragraph 6 repeats paragraph 5." in page
    assert "The minutes show work on AST2005-06 began." in page  # assessments
    assert "Minutes of a meeting on AST2005-06." in page  # evidence
    assert client.get(kept.get_absolute_url()).status_code == 200
    api = client.get(f"/api/commitments/{gone.reference}/")
    assert api.status_code == 410
    assert api.json()["withdrawal_reason"] == gone.withdrawal_reason


def test_nothing_more_is_logged_or_assessed_on_a_withdrawn_commitment(pair, editor):
    _, gone = pair
    with pytest.raises(ValidationError, match="was withdrawn"):
        services.evidence_log(
            commitment=gone,
            logged_by=editor,
            event_date=D(2007, 1, 1),
            summary="Late news.",
            source_title="A report",
            direction="toward",
        )
    assert gone.evidence.count() == 1


def references_in(text: str) -> set[str]:
    return {ref for ref in ("AST2005-05", "AST2005-06") if ref in text}


def test_a_withdrawn_commitment_leaves_lists_overdue_feeds_and_exports(
    client, pair, django_assert_max_num_queries
):
    for url in (
        "/commitments/",
        "/overdue/",
        "/bodies/council/",
        "/feeds/deadlines.ics",
        "/feeds/evidence/",
        f"/declarations/{pair[0].declaration.slug}/",
    ):
        with django_assert_max_num_queries(40):
            response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response) if response.streaming else response.content
        assert references_in(body.decode()) == {"AST2005-05"}, url
    exported = client.get("/commitments/?_export=csv")
    text = b"".join(exported).decode()
    assert references_in(text) == {"AST2005-05"}, text[:500]
    api = client.get("/api/commitments/").json()
    assert [item["reference"] for item in api["results"]] == ["AST2005-05"]


def test_a_withdrawn_commitment_is_counted_nowhere(client, pair, council):
    today = timezone.localdate()
    card = FigureTally.objects.scorecard(today)
    assert card.total == 1
    assert card.by_status[Status.IN_PROGRESS] == 1
    body = FigureTally.objects.body_scorecards(today, [council.pk])
    assert body[(council.pk, Role.RESPONSIBLE)].total == 1
    # The tallies agree with counting row by row, and after a full rebuild.
    assert Commitment.objects.scorecard(today).total == 1
    services.status_derive()
    assert FigureTally.objects.scorecard(today).total == 1
    # On an earlier date too (counted from the rows).
    assert FigureTally.objects.scorecard(D(2007, 6, 1)).total == 1
    overview = client.get("/")
    assert overview.context["card"].total == 1


def test_the_release_keeps_a_withdrawn_commitment_with_its_withdrawal(pair, tmp_path):
    folder = writer.release_write(releases_dir=tmp_path, version="2026.1").folder
    with open(folder / "data" / "commitments.csv", encoding="utf-8") as f:
        rows = {row["reference"]: row for row in csv.DictReader(f)}
    assert set(rows) == {"AST2005-05", "AST2005-06"}
    assert rows["AST2005-06"]["withdrawal_reason"] == pair[1].withdrawal_reason
    assert rows["AST2005-06"]["withdrawn_by"] == "editor"
    assert rows["AST2005-06"]["withdrawn_at"].startswith("2026-11-27T12:00:00")
    assert rows["AST2005-05"]["withdrawn_at"] == ""
    descriptor = json.loads((folder / "datapackage.json").read_text())
    commitments = next(r for r in descriptor["resources"] if r["name"] == "commitments")
    names = [field["name"] for field in commitments["schema"]["fields"]]
    assert {"withdrawn_at", "withdrawn_by", "withdrawal_reason"} <= set(names)


@pytest.mark.parametrize("who", ["editor", "superuser"])
def test_the_admin_never_deletes_a_commitment(client, pair, editor, superuser, who):
    kept, _ = pair
    client.force_login(editor if who == "editor" else superuser)
    delete = reverse("admin:declarations_commitment_delete", args=[kept.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    changelist = client.get(reverse("admin:declarations_commitment_changelist"))
    actions = dict(changelist.context["action_form"].fields["action"].choices)
    assert "delete_selected" not in actions
    assert "withdraw_selected" in actions
    response = client.post(
        reverse("admin:declarations_commitment_changelist"),
        {"action": "delete_selected", "_selected_action": [kept.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert Commitment.objects.filter(pk=kept.pk).exists()
    assert not editor.has_perm("declarations.delete_commitment")


def test_the_admin_withdraws_with_a_reason(client, pair, editor):
    kept, _ = pair
    client.force_login(editor)
    changelist = reverse("admin:declarations_commitment_changelist")
    chosen = {"action": "withdraw_selected", "_selected_action": [kept.pk]}
    asked = client.post(changelist, chosen)
    assert asked.status_code == 200
    assert "Withdraw them" in asked.content.decode()
    refused = client.post(changelist, {**chosen, "apply": "1", "reason": ""})
    assert refused.status_code == 200
    assert "This field is required" in refused.content.decode()
    kept.refresh_from_db()
    assert kept.withdrawn_at is None

    done = client.post(
        changelist, {**chosen, "apply": "1", "reason": "Not a commitment at all."}
    )
    assert done.status_code == 302
    kept.refresh_from_db()
    assert kept.withdrawal_reason == "Not a commitment at all."
    assert kept.withdrawn_by == editor
    change = client.get(reverse("admin:declarations_commitment_change", args=[kept.pk]))
    assert "Not a commitment at all." in change.content.decode()
    client.logout()
    assert client.get(kept.get_absolute_url()).status_code == 410
