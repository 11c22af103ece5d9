"""Review before publishing: drafts count nowhere and show nowhere public until
another analyst approves them; the queue; evidence retracted under an assessment."""

import datetime
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from declarations import services
from declarations.models import Assessment, Review, Status
from tests.factories import (
    AssessmentFactory,
    CommitmentFactory,
    EvidenceFactory,
    state_of,
)
from tests.test_analyst import assessment_post, member

pytestmark = pytest.mark.django_db

D = datetime.date
MARKER = "Zebrafinch draft rationale nobody public should read"


@pytest.fixture(autouse=True)
def review_on(settings):
    settings.TRACKER_REVIEW_REQUIRED = True


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 27, 12, 0), tick=False):
        yield


@pytest.fixture
def commitment():
    return CommitmentFactory(reference="AST2005-31", title="Suppress terrorism")


@pytest.fixture
def evidence(commitment):
    return EvidenceFactory(commitment=commitment, event_date=D(2006, 8, 9))


def draft(commitment, evidence, author, **fields):
    return services.assessment_record(
        commitment=commitment,
        recorded_by=author,
        status=fields.pop("status", Status.IMPLEMENTED),
        as_of=fields.pop("as_of", D(2006, 8, 9)),
        confidence="high",
        rationale=fields.pop("rationale", MARKER),
        evidence=[evidence],
        **fields,
    )


def test_review_is_on_by_default():
    env = {k: v for k, v in os.environ.items() if k != "TRACKER_REVIEW_REQUIRED"}
    env.update(DJANGO_SETTINGS_MODULE="tracker.settings", DJANGO_DEBUG="1")
    code = "import django; django.setup(); from django.conf import settings; "
    code += "print(settings.TRACKER_REVIEW_REQUIRED)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "True"


def test_an_analysts_assessment_is_a_draft_that_counts_for_nothing(
    client, commitment, evidence
):
    author = member("analyst")
    client.force_login(author)
    url = reverse("declarations:assessment-create", args=[commitment.reference])
    response = client.post(
        url,
        assessment_post(
            commitment,
            status=Status.IMPLEMENTED,
            rationale=MARKER,
            evidence=[evidence.pk],
        ),
        follow=True,
    )
    assert (
        "Draft recorded: Implemented as of 9 August 2006" in response.content.decode()
    )
    assessment = Assessment.objects.get()
    assert (assessment.review, assessment.published_at) == (Review.DRAFT, None)
    assert state_of(commitment).status == Status.UNASSESSED
    # The analyst sees it, marked; an anonymous reader does not.
    page = client.get(commitment.get_absolute_url()).content.decode()
    assert MARKER in page and "Draft: awaiting review, not counted" in page
    client.logout()
    page = client.get(commitment.get_absolute_url()).content.decode()
    assert MARKER not in page and "Draft" not in page


def test_with_review_off_it_is_published_at_once(
    client, settings, commitment, evidence
):
    settings.TRACKER_REVIEW_REQUIRED = False
    assessment = draft(commitment, evidence, member("analyst"))
    assert assessment.review == Review.PUBLISHED
    assert assessment.published_at is not None and assessment.reviewed_by is None
    assert state_of(commitment).status == Status.IMPLEMENTED
    page = client.get(commitment.get_absolute_url()).content.decode()
    assert "published 27 Nov 2026 without a second review" in page


def test_a_draft_is_served_by_no_public_page_feed_export_or_api(
    client, commitment, evidence, tmp_path
):
    draft(commitment, evidence, member("analyst"))
    public = [
        commitment.get_absolute_url(),
        reverse("declarations:commitment-list"),
        reverse("declarations:commitment-list") + "?_export=csv",
        reverse("declarations:commitment-list") + "?_export=json",
        reverse("declarations:commitment-list") + "?status=implemented",
        reverse("declarations:overview"),
        reverse("declarations:changes"),
        reverse("declarations:changes") + "?_export=csv",
        reverse("declarations:feed-evidence"),
        "/api/assessments/",
        f"/api/commitments/{commitment.reference}/",
        "/api/changes/",
    ]
    for url in public:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response) if response.streaming else response.content
        assert MARKER.encode() not in body, url
    assert (
        client.get(f"/api/assessments/{Assessment.objects.get().pk}/").status_code
        == 404
    )
    listed = client.get(reverse("declarations:commitment-list") + "?status=implemented")
    assert commitment.reference not in listed.content.decode()
    call_command("release", "2026.9", releases_dir=tmp_path, verbosity=0)
    archive = next(tmp_path.rglob("*.zip"))
    with zipfile.ZipFile(archive) as release:
        for name in release.namelist():
            assert MARKER.encode() not in release.read(name), name


REVIEW_MATRIX = {"anonymous": 302, "plain": 403, "staff": 403, "analyst": 200}


@pytest.mark.parametrize("role", REVIEW_MATRIX)
def test_who_may_open_the_queue(client, role, commitment, evidence):
    user = member(role)
    if user:
        client.force_login(user)
    assert client.get(reverse("declarations:review")).status_code == REVIEW_MATRIX[role]
    pending = draft(commitment, evidence, member("editor"))
    url = reverse("declarations:review-assessment", args=[pending.pk])
    response = client.post(url, {"decision": "approve"})
    expected = 302 if role == "analyst" else REVIEW_MATRIX[role]
    assert response.status_code == expected, response.content[:300]
    pending.refresh_from_db()
    assert pending.is_published == (role == "analyst")


def test_another_analyst_approves_and_the_page_says_who(client, commitment, evidence):
    author, reviewer = member("analyst"), member("editor")
    pending = draft(commitment, evidence, author)
    client.force_login(reviewer)
    queue = client.get(reverse("declarations:review")).content.decode()
    assert "Drafts awaiting your review (1)" in queue
    url = reverse("declarations:review-assessment", args=[pending.pk])
    assert MARKER in client.get(url).content.decode()
    response = client.post(url, {"decision": "approve"}, follow=True)
    assert "is published and counts from now" in response.content.decode()
    pending.refresh_from_db()
    assert pending.review == Review.PUBLISHED and pending.reviewed_by == reviewer
    assert state_of(commitment).status == Status.IMPLEMENTED
    client.logout()
    page = client.get(commitment.get_absolute_url()).content.decode()
    assert MARKER in page
    assert "by analyst; reviewed 27 Nov 2026 by editor" in page


def test_the_author_cannot_approve_their_own(client, commitment, evidence):
    author = member("analyst")
    pending = draft(commitment, evidence, author)
    client.force_login(author)
    url = reverse("declarations:review-assessment", args=[pending.pk])
    page = client.get(url).content.decode()
    assert "another analyst (or an editor) reviews it" in page
    assert "Approve and publish" not in page
    response = client.post(url, {"decision": "approve"})
    assert response.status_code == 200
    assert "You recorded this assessment" in response.content.decode()
    pending.refresh_from_db()
    assert pending.review == Review.DRAFT and pending.reviewed_by is None
    assert (
        "awaiting your review (0)"
        in client.get(reverse("declarations:review")).content.decode()
    )


def test_a_return_needs_a_comment_and_reaches_the_author(client, commitment, evidence):
    author, reviewer = member("analyst"), member("editor")
    pending = draft(commitment, evidence, author)
    client.force_login(reviewer)
    url = reverse("declarations:review-assessment", args=[pending.pk])
    response = client.post(url, {"decision": "return", "comment": "  "})
    assert "Say why it is returned" in response.content.decode()
    pending.refresh_from_db()
    assert pending.review == Review.DRAFT
    client.post(url, {"decision": "return", "comment": "Cite the 2007 decree too."})
    pending.refresh_from_db()
    assert pending.review == Review.RETURNED and pending.published_at is None
    assert state_of(commitment).status == Status.UNASSESSED
    client.force_login(author)
    queue = client.get(reverse("declarations:review")).content.decode()
    assert "Returned to you (1)" in queue and "Cite the 2007 decree too." in queue
    # Once the author assesses again, the returned one leaves the list.
    with time_machine.travel(datetime.datetime(2026, 11, 28, 9, 0), tick=False):
        draft(commitment, evidence, author, rationale="Now citing the decree as asked.")
        queue = client.get(reverse("declarations:review")).content.decode()
    assert "Returned to you (0)" in queue
    assert "Your drafts, awaiting another analyst (1)" in queue


def test_a_reviewed_assessment_is_not_reviewed_again(commitment, evidence):
    pending = draft(commitment, evidence, member("analyst"))
    reviewer = member("editor")
    services.assessment_review(assessment=pending, reviewer=reviewer, approve=True)
    with pytest.raises(ValidationError, match="already been reviewed: published by"):
        services.assessment_review(
            assessment=pending, reviewer=reviewer, approve=False, comment="Oops."
        )
    pending.refresh_from_db()
    assert pending.review == Review.PUBLISHED and pending.review_comment == ""


def test_a_plain_user_cannot_review_through_the_service(commitment, evidence):
    pending = draft(commitment, evidence, member("analyst"))
    with pytest.raises(PermissionDenied):
        services.assessment_review(
            assessment=pending, reviewer=member("plain"), approve=True
        )
    pending.refresh_from_db()
    assert pending.review == Review.DRAFT


def test_an_approval_on_evidence_retracted_since_is_refused(commitment, evidence):
    pending = draft(commitment, evidence, member("analyst"))
    services.evidence_retract(
        evidence=evidence, retracted_by=None, reason="The page was a mirror."
    )
    with pytest.raises(ValidationError, match="cannot be approved as it stands"):
        services.assessment_review(
            assessment=pending, reviewer=member("editor"), approve=True
        )
    assert Assessment.objects.get().review == Review.DRAFT


def test_retracted_evidence_marks_what_rests_on_it_and_queues_it(
    client, settings, commitment, evidence
):
    settings.TRACKER_REVIEW_REQUIRED = False
    published = draft(commitment, evidence, member("analyst"))
    services.evidence_retract(
        evidence=evidence, retracted_by=None, reason="The page was a mirror."
    )
    page = client.get(commitment.get_absolute_url()).content.decode()
    assert "Rests on retracted evidence" in page
    client.force_login(member("editor"))
    queue = client.get(reverse("declarations:review")).content.decode()
    assert "resting on retracted evidence (1)" in queue
    correct = (
        reverse("declarations:assessment-create", args=[commitment.reference])
        + f"?corrects={published.pk}"
    )
    assert f"?corrects={published.pk}" in queue
    form = client.get(correct).context["form"]
    assert form.initial["corrects"] == published.pk


def test_a_draft_correction_leaves_the_published_one_in_force(commitment, evidence):
    author = member("analyst")
    first = AssessmentFactory(
        commitment=commitment, status=Status.IN_PROGRESS, recorded_by=author
    )
    correction = draft(commitment, evidence, author, corrects=first)
    assert correction.review == Review.DRAFT
    assert list(Assessment.objects.counting()) == [first]
    assert state_of(commitment).status == Status.IN_PROGRESS


def test_the_queue_runs_the_same_queries_for_more_drafts(
    client, django_assert_max_num_queries
):
    author = member("analyst")
    client.force_login(member("editor"))
    url = reverse("declarations:review")

    def add(n):
        for _ in range(n):
            commitment = CommitmentFactory()
            draft(commitment, EvidenceFactory(commitment=commitment), author)

    add(2)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    add(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_methodology_page_explains_review_and_evidence_rules(client, settings):
    html = client.get(reverse("declarations:methodology")).content.decode()
    assert "is a <strong>draft</strong> until an analyst other than its author" in html
    assert "at least 4 words" in html and "rests on retracted evidence" in html
    settings.TRACKER_REVIEW_REQUIRED = False
    html = client.get(reverse("declarations:methodology")).content.decode()
    assert "publishes assessments directly" in html


@pytest.mark.parametrize("status", [value for value, _ in Status.assessable()])
def test_each_ladder_state_end_to_end(client, settings, status):
    """Recorded through the form, shown on the page, found by the filter,
    written in the download."""
    settings.TRACKER_REVIEW_REQUIRED = False
    commitment = CommitmentFactory(reference="AST2005-40", title="Hold a forum")
    other = CommitmentFactory(reference="AST2005-41", title="Hold another forum")
    evidence = EvidenceFactory(commitment=commitment, event_date=D(2006, 8, 9))
    client.force_login(member("analyst"))
    post = assessment_post(
        commitment,
        status=status,
        rationale="The forum's own report shows where it stands.",
        evidence=[evidence.pk],
    )
    if status == Status.SUPERSEDED:
        post["superseding_decision"] = "The 2006 Shanghai summit's decision"
    url = reverse("declarations:assessment-create", args=[commitment.reference])
    response = client.post(url, post)
    assert response.status_code == 302, response.context["form"].errors
    label = Status(status).label
    page = client.get(commitment.get_absolute_url()).content.decode()
    assert f"{label}</span> as of" in page
    listed = client.get(reverse("declarations:commitment-list"), {"status": status})
    rows = [row.record.reference for row in listed.context["table"].rows]
    assert rows == [commitment.reference] and other.reference not in rows
    download = client.get(
        reverse("declarations:commitment-list"), {"status": status, "_export": "csv"}
    )
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    assert commitment.reference in text and status in text


def test_the_queue_links_double_coding_and_hides_blind_codings(
    client, commitment, evidence
):
    from django.contrib.auth.models import Group

    from declarations.services.coding import coding_round_open
    from tests.factories import UserFactory

    editor, first = member("editor"), member("analyst")
    second = UserFactory(username="second-coder")
    second.groups.add(Group.objects.get(name="Analysts"))
    coding_round_open(commitment=commitment, opened_by=editor, coders=[first, second])
    coding = draft(commitment, evidence, first)
    assert coding.coding_round_id is not None
    client.force_login(second)
    url = reverse("declarations:review-assessment", args=[coding.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": "approve"}).status_code == 404
    client.force_login(editor)
    queue = client.get(reverse("declarations:review")).content.decode()
    assert reverse("declarations:coding-rounds") in queue
    assert "Drafts awaiting your review (0)" in queue


def test_a_withdrawn_commitments_drafts_leave_the_queue_and_are_not_reviewed(
    client, commitment, evidence
):
    other = CommitmentFactory(reference="AST2005-32", title="Improve RATS")
    author = member("analyst")
    withdrawn_draft = draft(commitment, evidence, author)
    standing_draft = draft(
        other, EvidenceFactory(commitment=other, event_date=D(2006, 8, 9)), author
    )
    editor = member("editor")
    services.commitment_withdraw(
        commitment=commitment, by=editor, reason="Coded twice by mistake."
    )
    client.force_login(editor)
    queue = client.get(reverse("declarations:review")).content.decode()
    assert "AST2005-32" in queue and "AST2005-31" not in queue
    client.force_login(author)
    mine = client.get(reverse("declarations:review")).content.decode()
    assert "AST2005-32" in mine and "AST2005-31" not in mine
    with pytest.raises(ValidationError, match="withdrawn"):
        services.assessment_review(
            assessment=withdrawn_draft, reviewer=editor, approve=True
        )
    withdrawn_draft.refresh_from_db()
    assert withdrawn_draft.review == Review.DRAFT
    services.assessment_review(assessment=standing_draft, reviewer=editor, approve=True)
