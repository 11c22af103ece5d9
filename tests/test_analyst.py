"""Analysts' workflow: who may do what, validation through the pages, stale forms."""

import datetime
import io

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

from declarations.models import Assessment, BodyKind, Evidence, Role, Status
from tests.factories import (
    AssessmentFactory,
    BodyFactory,
    CommitmentBodyFactory,
    CommitmentFactory,
    EvidenceFactory,
    UserFactory,
    state_of,
)

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 27, 12, 0), tick=False):
        yield


def member(role):
    """A user in the role's group: anonymous, plain, analyst, editor, staff."""
    if role == "anonymous":
        return None
    if role == "plain":
        return UserFactory(username="plain")
    if role == "staff":
        return UserFactory(username="staff", is_staff=True)
    user = UserFactory(username=role, is_staff=role == "editor")
    user.groups.add(
        Group.objects.get(name={"analyst": "Analysts", "editor": "Editors"}[role])
    )
    return user


@pytest.fixture
def commitment():
    commitment = CommitmentFactory(reference="AST2005-31", title="Suppress terrorism")
    CommitmentBodyFactory(
        commitment=commitment,
        body=BodyFactory(kind=BodyKind.MEMBER_STATE, name="Kyrgyz Republic"),
        role=Role.RESPONSIBLE,
    )
    return commitment


def evidence_post(**overrides):
    return {
        "event_date": "2006-08-09",
        "event_date_precision": "day",
        "summary": "Kyrgyzstan extradited four refugees.",
        "source_title": "UNHCR press release",
        "source_publisher": "UNHCR",
        "source_url": "https://www.unhcr.org/news/extradition",
        "source_language": "en",
        "accessed_on": "2026-11-20",
        "excerpt": "four Uzbek refugees were extradited",
        "direction": "toward",
        "confidence": "high",
        **overrides,
    }


def assessment_post(commitment, **overrides):
    from declarations.services import latest_assessment_id

    return {
        "status": Status.IN_PROGRESS,
        "as_of": "2006-08-09",
        "confidence": "medium",
        "rationale": "The extraditions follow the pledge.",
        "seen_latest": latest_assessment_id(commitment) or "",
        **overrides,
    }


def client_for(client, role):
    user = member(role)
    if user is not None:
        client.force_login(user)
    return client, user


# role -> expected status of GET and of a valid POST on the analysts' forms.
WRITE_MATRIX = {
    "anonymous": (302, 302),
    "plain": (403, 403),
    "staff": (403, 403),
    "analyst": (200, 302),
    "editor": (200, 302),
}


@pytest.mark.parametrize("role", WRITE_MATRIX)
def test_log_evidence_permissions(client, commitment, role):
    client, _ = client_for(client, role)
    url = reverse("declarations:evidence-create", args=[commitment.reference])
    get_status, post_status = WRITE_MATRIX[role]
    response = client.get(url)
    assert response.status_code == get_status
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    response = client.post(url, evidence_post())
    assert response.status_code == post_status
    assert Evidence.objects.exists() == (post_status == 302 and role != "anonymous")


@pytest.mark.parametrize("role", WRITE_MATRIX)
def test_record_assessment_permissions(client, commitment, role):
    client, _ = client_for(client, role)
    url = reverse("declarations:assessment-create", args=[commitment.reference])
    get_status, post_status = WRITE_MATRIX[role]
    assert client.get(url).status_code == get_status
    response = client.post(url, assessment_post(commitment))
    assert response.status_code == post_status
    written = Assessment.objects.exists()
    assert written == (role in ("analyst", "editor"))
    commitment.refresh_from_db()
    expected = Status.IN_PROGRESS if written else Status.UNASSESSED
    assert state_of(commitment).status == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("plain", 200), ("staff", 200), ("analyst", 200)],
)
def test_my_page_needs_a_login(client, role, expected):
    client, _ = client_for(client, role)
    assert client.get(reverse("declarations:me")).status_code == expected


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("plain", 302),
        ("staff", 403),
        ("analyst", 302),
        ("editor", 200),
    ],
)
def test_admin_is_for_editors(client, commitment, role, status):
    client, _ = client_for(client, role)
    url = reverse("admin:declarations_commitment_changelist")
    assert client.get(url).status_code == status


def public_urls(commitment):
    return [
        reverse("declarations:overview"),
        reverse("declarations:commitment-list"),
        commitment.get_absolute_url(),
        reverse("declarations:body-list"),
        reverse("declarations:overdue"),
        reverse("declarations:declaration-list"),
        commitment.declaration.get_absolute_url(),
        reverse("declarations:methodology"),
        reverse("declarations:changes"),
        reverse("declarations:feed-deadlines"),
        reverse("declarations:feed-evidence"),
    ]


@pytest.mark.parametrize("role", ["anonymous", "analyst", "editor"])
def test_public_pages_are_read_only_for_everyone(client, commitment, role):
    client, _ = client_for(client, role)
    for url in public_urls(commitment):
        assert client.get(url).status_code == 200, url
        assert client.post(url, {"title": "x"}).status_code in (403, 405), url
    commitment.refresh_from_db()
    assert commitment.title == "Suppress terrorism"


def test_refused_post_without_csrf_token_writes_nothing(commitment):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member("analyst"))
    url = reverse("declarations:evidence-create", args=[commitment.reference])
    assert client.post(url, evidence_post()).status_code == 403
    assert not Evidence.objects.exists()


def test_logged_evidence_shows_on_the_commitment_page(client, commitment):
    client, analyst = client_for(client, "analyst")
    url = reverse("declarations:evidence-create", args=[commitment.reference])
    archive = "https://web.archive.org/web/2006/https://www.unhcr.org/news/x"
    response = client.post(url, evidence_post(archived_url=archive), follow=True)
    evidence = Evidence.objects.get()
    assert evidence.logged_by == analyst
    assert (evidence.source_language, evidence.confidence) == ("en", "high")
    assert response.redirect_chain[-1][0].endswith(f"#evidence-{evidence.pk}")
    html = response.content.decode()
    assert "Kyrgyzstan extradited four refugees." in html
    # What a reader needs to check it: title, publisher, language, date read,
    # the source's words and the archived copy.
    assert '<cite lang="en">UNHCR press release</cite></a>, UNHCR (in English)' in html
    assert "accessed 20 Nov 2026" in html
    assert "four Uzbek refugees were extradited</blockquote>" in html
    assert f'<a class="archived" href="{archive}"' in html
    assert "High confidence" in html
    log = client.get(reverse("declarations:changes"), {"kind": "evidence"})
    assert "Kyrgyzstan extradited four refugees." in log.content.decode()
    assert analyst.username in log.content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"source_url": "javascript:alert(1)"}, "Enter a valid URL"),
        ({"source_url": "data:text/html;base64,PHNjcmlwdD4="}, "Enter a valid URL"),
        ({"event_date": "2026-11-28"}, "cannot be in the future"),
        ({"accessed_on": "2026-12-01"}, "cannot be in the future"),
        ({"event_date": "yesterday"}, "Enter a valid date"),
        ({"summary": ""}, "This field is required"),
        ({"summary": "x" * 4001}, "at most 4000 characters"),
        ({"source_title": "t" * 501}, "at most 500 characters"),
        ({"direction": "sideways"}, "Select a valid choice"),
        ({"source_title": "[no title in corpus excerpt]"}, "is a placeholder"),
        ({"source_title": "Untitled"}, "is a placeholder"),
        ({"source_title": " n/a "}, "is a placeholder"),
        ({"source_language": "Russian"}, "as a short code"),
        ({"source_language": ""}, "This field is required"),
        ({"source_publisher": ""}, "This field is required"),
        ({"accessed_on": ""}, "This field is required"),
        ({"excerpt": ""}, "This field is required"),
        ({"confidence": "certain"}, "Select a valid choice"),
        ({"archived_url": "ftp://archive.org/x"}, "Enter a valid URL"),
    ],
)
def test_evidence_validation_messages_and_nothing_written(
    client, commitment, overrides, message
):
    client, _ = client_for(client, "analyst")
    url = reverse("declarations:evidence-create", args=[commitment.reference])
    response = client.post(url, evidence_post(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Nothing was saved" in response.content.decode()
    assert not Evidence.objects.exists()


def test_assessment_validation_messages_and_nothing_written(client, commitment):
    client, _ = client_for(client, "analyst")
    url = reverse("declarations:assessment-create", args=[commitment.reference])
    other_evidence = EvidenceFactory()
    cases = [
        ({"as_of": "2026-11-28"}, "cannot be in the future"),
        ({"as_of": "2005-07-04"}, "before the declaration"),
        ({"status": Status.UNASSESSED}, "Select a valid choice"),
        ({"rationale": ""}, "This field is required"),
        ({"evidence": [other_evidence.pk]}, "Select a valid choice"),
        ({"member_state": BodyFactory(kind=BodyKind.MEMBER_STATE).pk}, "valid choice"),
        ({"superseded_by": "NOPE-1"}, "No other commitment has the reference"),
        (
            {"superseded_by": other_evidence.commitment.reference},
            "Only a superseded assessment",
        ),
    ]
    for overrides, message in cases:
        response = client.post(url, assessment_post(commitment, **overrides))
        assert response.status_code == 200, overrides
        assert message in response.content.decode(), overrides
    assert not Assessment.objects.exists()


def test_an_event_known_to_the_month_is_stored_as_its_first_day(client, commitment):
    client, _ = client_for(client, "analyst")
    url = reverse("declarations:evidence-create", args=[commitment.reference])
    post = evidence_post(event_date="2006-04-17", event_date_precision="month")
    assert client.post(url, post).status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.event_date == D(2006, 4, 1)
    assert evidence.event_date_display == "April 2006"


def test_html_in_fields_is_shown_as_text(client, commitment):
    client, _ = client_for(client, "analyst")
    url = reverse("declarations:evidence-create", args=[commitment.reference])
    payload = "<script>alert('x')</script><b>bold</b>"
    client.post(url, evidence_post(summary=payload, source_title=payload))
    page = client.get(commitment.get_absolute_url()).content.decode()
    assert "<script>alert(" not in page
    assert "&lt;script&gt;alert(" in page
    assert "<b>bold</b>" not in page


def test_stale_assessment_form_is_refused_with_what_changed(client, commitment):
    client, _ = client_for(client, "analyst")
    url = reverse("declarations:assessment-create", args=[commitment.reference])
    page_seen_by_me = assessment_post(commitment, status=Status.STALLED)
    # Meanwhile a colleague records an assessment.
    colleague = member("editor")
    from declarations import services

    services.assessment_record(
        commitment=commitment,
        recorded_by=colleague,
        status=Status.IMPLEMENTED,
        as_of=D(2007, 1, 1),
        confidence="high",
        rationale="Done, per the communiqué.",
        evidence=[EvidenceFactory(commitment=commitment)],
    )
    response = client.post(url, page_seen_by_me)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Someone assessed this commitment while you were editing" in content
    assert "editor recorded" in content and "Implemented" in content
    assert Assessment.objects.count() == 1
    assert state_of(commitment).status == Status.IMPLEMENTED
    # The refreshed form carries the new latest id: submitting again goes through.
    resubmit = {**page_seen_by_me, "seen_latest": Assessment.objects.get().pk}
    assert client.post(url, resubmit).status_code == 302
    assert Assessment.objects.count() == 2


def test_a_correction_says_what_it_corrects_and_shows_in_the_changelog(
    client, commitment
):
    client, analyst = client_for(client, "analyst")
    wrong = AssessmentFactory(
        commitment=commitment, status=Status.IMPLEMENTED, recorded_by=analyst
    )
    url = reverse("declarations:assessment-create", args=[commitment.reference])
    response = client.post(
        url,
        assessment_post(
            commitment,
            status=Status.STALLED,
            corrects=wrong.pk,
            rationale="The earlier reading misdated the agreement.",
        ),
    )
    assert response.status_code == 302
    correction = Assessment.objects.get(corrects=wrong)
    assert state_of(commitment).status == Status.STALLED
    log = client.get(reverse("declarations:changes")).content.decode()
    assert "Correction" in log and "misdated the agreement" in log
    assert correction.recorded_by.username in log


def test_per_member_state_assessment(client, commitment):
    client, _ = client_for(client, "analyst")
    state = commitment.bodies.get()
    url = reverse("declarations:assessment-create", args=[commitment.reference])
    response = client.post(url, assessment_post(commitment, member_state=state.pk))
    assert response.status_code == 302
    assert Assessment.objects.get().member_state == state
    assert state_of(commitment).status == Status.UNASSESSED


def test_retraction_by_its_analyst_keeps_the_record(client, commitment):
    client, analyst = client_for(client, "analyst")
    evidence = EvidenceFactory(commitment=commitment, logged_by=analyst)
    url = reverse("declarations:evidence-retract", args=[evidence.pk])
    assert client.post(url, {"reason": ""}).status_code == 200
    evidence.refresh_from_db()
    assert not evidence.is_retracted
    response = client.post(
        url, {"reason": "The source misdated the event."}, follow=True
    )
    evidence.refresh_from_db()
    assert evidence.is_retracted and evidence.retracted_by == analyst
    page = response.content.decode()
    assert evidence.summary in page
    assert "The source misdated the event." in page
    log = client.get(reverse("declarations:changes") + "?kind=retractions")
    assert "The source misdated the event." in log.content.decode()


@pytest.mark.parametrize("role", ["anonymous", "plain", "analyst", "editor"])
def test_others_cannot_retract_evidence(client, commitment, role):
    evidence = EvidenceFactory(commitment=commitment, logged_by=UserFactory())
    client, _ = client_for(client, role)
    url = reverse("declarations:evidence-retract", args=[evidence.pk])
    response = client.post(url, {"reason": "I do not like it"})
    assert response.status_code == (302 if role == "anonymous" else 403)
    evidence.refresh_from_db()
    assert not evidence.is_retracted


def test_my_page_lists_my_work_newest_first(client, commitment):
    client, analyst = client_for(client, "analyst")
    EvidenceFactory(
        commitment=commitment,
        logged_by=analyst,
        summary="older evidence",
        logged_at=datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC),
    )
    AssessmentFactory(
        commitment=commitment,
        recorded_by=analyst,
        status=Status.STALLED,
        recorded_at=datetime.datetime(2026, 11, 2, tzinfo=datetime.UTC),
    )
    EvidenceFactory(commitment=commitment, summary="someone else's")
    page = client.get(reverse("declarations:me")).content.decode()
    assert page.index("Stalled") < page.index("older evidence")
    assert "someone else" not in page


def test_unknown_commitment_is_404_for_analysts(client):
    client, _ = client_for(client, "analyst")
    url = reverse("declarations:evidence-create", args=["NOPE-1"])
    assert client.get(url).status_code == 404


def write_password(tmp_path, password="a-long enough passphrase 42"):
    path = tmp_path / "password"
    path.write_text(password + "\n")
    return path


@pytest.mark.parametrize(
    ("role", "group", "staff"),
    [("analyst", "Analysts", False), ("editor", "Editors", True)],
)
def test_create_user_command(tmp_path, role, group, staff):
    out = io.StringIO()
    call_command(
        "create_user",
        "amina",
        "--role",
        role,
        "--password-file",
        str(write_password(tmp_path)),
        stdout=out,
    )
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="amina")
    assert list(user.groups.values_list("name", flat=True)) == [group]
    assert user.is_staff is staff
    assert user.check_password("a-long enough passphrase 42")
    assert not user.check_password("wrong")
    assert "Created" in out.getvalue()


def test_create_user_refuses_weak_passwords_and_duplicates(tmp_path):
    with pytest.raises(CommandError, match=r"too short|too common"):
        call_command(
            "create_user",
            "amina",
            "--role",
            "analyst",
            "--password-file",
            str(write_password(tmp_path, "abc")),
        )
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="amina").exists()
    UserFactory(username="amina")
    with pytest.raises(CommandError, match="already exists"):
        call_command(
            "create_user",
            "amina",
            "--role",
            "analyst",
            "--password-file",
            str(write_password(tmp_path)),
        )


def test_login_and_logout_pages(client):
    user = member("analyst")
    user.set_password("a-long enough passphrase 42")
    user.save()
    assert client.get(reverse("login")).status_code == 200
    response = client.post(
        reverse("login"),
        {"username": "analyst", "password": "a-long enough passphrase 42"},
    )
    assert response.status_code == 302
    assert client.get(reverse("declarations:me")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("declarations:me")).status_code == 302


def test_password_reset_does_not_reveal_accounts(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(username="known", email="known@example.org")
    # The mail goes out once the request's transaction commits (here: at once).
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("password_reset"), {"email": "known@example.org"})
        unknown = client.post(
            reverse("password_reset"), {"email": "nobody@example.org"}
        )
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mailoutbox) == 1
    assert "known" in mailoutbox[0].body


# Issue 16: policies stated and enforced ------------------------------------------


def test_a_member_state_for_a_commitment_that_binds_none_is_refused(client):
    commitment = CommitmentFactory(reference="AST2005-40")  # binds no member state
    state = BodyFactory(kind=BodyKind.MEMBER_STATE, name="Republic of Kazakhstan")
    client, _ = client_for(client, "analyst")
    url = reverse("declarations:assessment-create", args=[commitment.reference])
    response = client.post(url, assessment_post(commitment, member_state=state.pk))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Member state: this commitment binds no member state" in content
    assert not Assessment.objects.exists()
    assert state_of(commitment).status == Status.UNASSESSED
    # Without the member state the same assessment goes through, as a whole.
    assert client.post(url, assessment_post(commitment)).status_code == 302
    assert Assessment.objects.get().member_state is None


def test_another_analysts_assessment_cannot_be_corrected(client, commitment):
    theirs = AssessmentFactory(
        commitment=commitment,
        status=Status.IMPLEMENTED,
        recorded_by=UserFactory(username="amina"),
    )
    client, _ = client_for(client, "analyst")
    url = reverse("declarations:assessment-create", args=[commitment.reference])
    # The form does not offer it...
    page = client.get(url).content.decode()
    corrects = page[page.index('name="corrects"') :].split("</select>")[0]
    assert f'<option value="{theirs.pk}"' not in corrects
    # ...and a forged post is refused, naming the field's rule.
    response = client.post(
        url, assessment_post(commitment, corrects=theirs.pk, status=Status.STALLED)
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Assessment.objects.filter(corrects=theirs).exists()
    assert state_of(commitment).status == Status.IMPLEMENTED


def test_an_editor_may_correct_any_assessment(client, commitment):
    theirs = AssessmentFactory(
        commitment=commitment,
        status=Status.IMPLEMENTED,
        recorded_by=UserFactory(username="amina"),
    )
    client, _ = client_for(client, "editor")
    url = reverse("declarations:assessment-create", args=[commitment.reference])
    response = client.post(
        url, assessment_post(commitment, corrects=theirs.pk, status=Status.STALLED)
    )
    assert response.status_code == 302
    assert state_of(commitment).status == Status.STALLED


@pytest.mark.parametrize("role", ["plain", "analyst", "editor"])
def test_every_page_for_a_signed_in_user_is_private(client, commitment, role):
    client, _ = client_for(client, role)
    urls = [
        *public_urls(commitment),
        reverse("declarations:me"),
        reverse("password_change"),
    ]
    if role != "plain":
        urls += [
            reverse("declarations:evidence-create", args=[commitment.reference]),
            reverse("declarations:assessment-create", args=[commitment.reference]),
        ]
    if role == "editor":
        urls += ["/admin/", "/admin/declarations/commitment/"]
    for url in urls:
        response = client.get(url)
        cache_control = {
            part.strip() for part in response.get("Cache-Control", "").split(",")
        }
        assert {"private", "no-store"} <= cache_control, (url, cache_control)
        assert "public" not in cache_control, url
    # Even a page that is not there, and the response that signs out.
    assert "no-store" in client.get("/no/such/page/")["Cache-Control"]


def test_signing_in_answers_privately_and_anonymous_pages_stay_cacheable(client):
    UserFactory(username="amina", password="a-long enough passphrase 42")
    anonymous = client.get(reverse("declarations:overview"))
    assert "private" not in anonymous.get("Cache-Control", "")
    login = client.post(
        reverse("login"),
        {"username": "amina", "password": "a-long enough passphrase 42"},
    )
    assert login.status_code == 302
    assert "no-store" in login["Cache-Control"] and "private" in login["Cache-Control"]
