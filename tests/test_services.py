import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils.html import escape

from declarations import services
from declarations.models import (
    Assessment,
    Confidence,
    DeadlineKind,
    DeadlineRevision,
    Direction,
    Evidence,
    Precision,
    Role,
    Status,
)
from tests.factories import (
    AssessmentFactory,
    CommitmentBodyFactory,
    CommitmentFactory,
    EvidenceFactory,
    MemberStateFactory,
    UserFactory,
    state_of,
    with_window,
)

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 11, 27)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 11, 27, 12, 0), tick=False):
        yield


def evidence_fields(**overrides):
    return {
        "event_date": D(2006, 6, 15),
        "summary": "The Secretariat's new regulations were approved.",
        "source_title": "Joint communiqué",
        "source_publisher": "Eastday",
        "source_url": "https://example.org/communique",
        "direction": Direction.TOWARD,
        **overrides,
    }


def record(commitment, **overrides):
    fields = {
        "commitment": commitment,
        "recorded_by": UserFactory(),
        "status": Status.IN_PROGRESS,
        "as_of": D(2006, 6, 15),
        "confidence": Confidence.HIGH,
        "rationale": "The communiqué says so.",
        **overrides,
    }
    if "evidence" not in overrides and fields["status"] in Status.needing_evidence():
        # A closed status stands on evidence.
        fields["evidence"] = [EvidenceFactory(commitment=commitment)]
    return services.assessment_record(**fields)


def test_evidence_log_saves_a_valid_entry():
    commitment = CommitmentFactory()
    evidence = services.evidence_log(
        commitment=commitment, logged_by=UserFactory(), **evidence_fields()
    )
    assert evidence.pk and evidence.commitment == commitment


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"source_url": "javascript:alert(1)"}, "source_url"),
        ({"source_url": "data:text/html,<b>x</b>"}, "source_url"),
        ({"source_url": "ftp://example.org/x"}, "source_url"),
        ({"event_date": TODAY + datetime.timedelta(days=1)}, "event_date"),
        ({"accessed_on": TODAY + datetime.timedelta(days=1)}, "accessed_on"),
        ({"summary": ""}, "summary"),
        ({"summary": "x" * 4001}, "summary"),
        ({"source_title": ""}, "source_title"),
        ({"direction": "sideways"}, "direction"),
        ({"event_date_precision": "month", "event_date": D(2006, 6, 15)}, "event_date"),
        ({"event_date_precision": "year", "event_date": D(2006, 6, 1)}, "event_date"),
    ],
)
def test_evidence_log_rejects_bad_input_and_writes_nothing(overrides, field):
    commitment = CommitmentFactory()
    with pytest.raises(ValidationError) as error:
        services.evidence_log(
            commitment=commitment,
            logged_by=UserFactory(),
            **evidence_fields(**overrides),
        )
    assert field in error.value.message_dict
    assert not Evidence.objects.exists()


def test_retraction_keeps_the_record_and_its_reason():
    evidence = EvidenceFactory()
    analyst = UserFactory()
    services.evidence_retract(
        evidence=evidence, retracted_by=analyst, reason="Misdated"
    )
    evidence.refresh_from_db()
    assert evidence.is_retracted
    assert evidence.retraction_reason == "Misdated"
    assert evidence.retracted_by == analyst
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert not Evidence.objects.standing().filter(pk=evidence.pk).exists()
    with pytest.raises(ValidationError, match="already retracted"):
        services.evidence_retract(evidence=evidence, retracted_by=analyst, reason="x")


def test_retraction_needs_a_reason():
    evidence = EvidenceFactory()
    with pytest.raises(ValidationError):
        services.evidence_retract(evidence=evidence, retracted_by=None, reason="  ")
    evidence.refresh_from_db()
    assert not evidence.is_retracted


def test_assessment_record_updates_the_current_status():
    commitment = CommitmentFactory()
    evidence = EvidenceFactory(commitment=commitment)
    assessment = record(commitment, evidence=[evidence])
    assert state_of(commitment).status == Status.IN_PROGRESS
    assert state_of(commitment).since == D(2006, 6, 15)
    assert list(assessment.evidence.all()) == [evidence]
    # A back-dated assessment does not displace the later one.
    record(commitment, status=Status.NOT_STARTED, as_of=D(2005, 9, 1))
    assert state_of(commitment).status == Status.IN_PROGRESS


def test_a_correction_replaces_what_it_corrects():
    commitment = CommitmentFactory()
    wrong = record(commitment, status=Status.IMPLEMENTED, as_of=D(2010, 1, 1))
    record(
        commitment,
        status=Status.STALLED,
        as_of=D(2008, 1, 1),
        corrects=wrong,
        recorded_by=wrong.recorded_by,
    )
    assert state_of(commitment).status == Status.STALLED
    assert Assessment.objects.filter(pk=wrong.pk).exists()


def editor():
    from django.contrib.auth.models import Group

    user = UserFactory()
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def test_only_its_author_or_an_editor_may_correct_an_assessment():
    commitment = CommitmentFactory()
    author = UserFactory(username="amina")
    wrong = record(commitment, status=Status.IMPLEMENTED, recorded_by=author)
    # Another analyst cannot mark it corrected in the author's name.
    with pytest.raises(ValidationError) as error:
        record(commitment, corrects=wrong, recorded_by=UserFactory(username="omar"))
    assert "Only its author or an editor can correct amina's assessment" in " ".join(
        error.value.message_dict["corrects"]
    )
    assert not Assessment.objects.filter(corrects=wrong).exists()
    assert state_of(commitment).status == Status.IMPLEMENTED
    # An editor can.
    record(commitment, corrects=wrong, status=Status.STALLED, recorded_by=editor())
    assert state_of(commitment).status == Status.STALLED


def test_the_codebooks_own_assessments_are_corrected_by_editors_only():
    commitment = CommitmentFactory()
    shipped = record(commitment, status=Status.IMPLEMENTED, recorded_by=None)
    for nobody in (UserFactory(), None):
        with pytest.raises(ValidationError, match="the codebook's assessment"):
            record(commitment, corrects=shipped, recorded_by=nobody)
    record(commitment, corrects=shipped, recorded_by=editor())
    assert Assessment.objects.filter(corrects=shipped).count() == 1


def test_the_correction_policy_is_on_the_methodology_page(client):
    page = client.get("/methodology/").content.decode()
    assert escape(services.CORRECTION_POLICY) in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"as_of": TODAY + datetime.timedelta(days=1)}, "as_of", "future"),
        ({"as_of": D(2005, 7, 4)}, "as_of", "before the declaration"),
        ({"status": Status.UNASSESSED}, "status", "not a valid choice"),
        ({"confidence": "certain"}, "confidence", "not a valid choice"),
        ({"rationale": ""}, "rationale", "blank"),
    ],
)
def test_assessment_record_rejects_bad_input_and_writes_nothing(
    overrides, field, message
):
    commitment = CommitmentFactory()
    with pytest.raises(ValidationError) as error:
        record(commitment, **overrides)
    assert field in error.value.message_dict
    assert message in " ".join(error.value.message_dict[field])
    assert not Assessment.objects.exists()
    assert state_of(commitment).status == Status.UNASSESSED


def test_cited_evidence_must_belong_to_the_commitment_and_stand():
    commitment = CommitmentFactory()
    other = EvidenceFactory()
    with pytest.raises(ValidationError, match="must belong to this commitment"):
        record(commitment, evidence=[other])
    retracted = EvidenceFactory(commitment=commitment)
    services.evidence_retract(evidence=retracted, retracted_by=None, reason="Wrong")
    with pytest.raises(ValidationError, match="Retracted evidence"):
        record(commitment, evidence=[retracted])
    assert not Assessment.objects.exists()


def test_member_state_must_be_bound_by_the_commitment():
    commitment = CommitmentFactory()
    bound = MemberStateFactory()
    CommitmentBodyFactory(commitment=commitment, body=bound, role=Role.RESPONSIBLE)
    with pytest.raises(ValidationError, match="not a member state this commitment"):
        record(commitment, member_state=MemberStateFactory())
    assessment = record(commitment, member_state=bound)
    assert assessment.member_state == bound
    assert state_of(commitment).status == Status.UNASSESSED  # per-state only


def test_stale_form_is_refused_with_what_changed():
    commitment = CommitmentFactory()
    seen = services.latest_assessment_id(commitment)
    first = record(commitment, expected_latest_id=seen)
    with pytest.raises(services.StaleAssessment) as error:
        record(commitment, status=Status.STALLED, expected_latest_id=seen)
    assert error.value.latest == first
    assert "In progress" in error.value.messages[0]
    assert Assessment.objects.count() == 1
    record(commitment, status=Status.STALLED, expected_latest_id=first.pk)
    assert Assessment.objects.count() == 2


def test_deadline_revision_keeps_the_old_window_and_the_reason():
    commitment = with_window(
        CommitmentFactory(),
        D(2006, 1, 1),
        D(2006, 12, 31),
        Precision.YEAR,
        kind=DeadlineKind.EVENT,
        wording="by the next 2006 Summit",
    )
    editor = UserFactory()
    revision = services.deadline_revise(
        deadline=commitment.deadline,
        revised_by=editor,
        reason="The 2006 Summit was held in Shanghai on 15 June 2006.",
        earliest=D(2006, 6, 15),
        latest=D(2006, 6, 15),
        precision=Precision.DAY,
    )
    commitment.deadline.refresh_from_db()
    assert commitment.deadline.latest == D(2006, 6, 15)
    assert (revision.old_earliest, revision.old_latest) == (
        D(2006, 1, 1),
        D(2006, 12, 31),
    )
    assert revision.old_precision == Precision.YEAR
    assert revision.new_precision == Precision.DAY
    assert revision.revised_by == editor
    assert revision.old_window_display == "2006"


def test_deadline_revision_refuses_a_bad_window_or_no_reason():
    commitment = with_window(
        CommitmentFactory(), D(2006, 1, 1), D(2006, 12, 31), "year"
    )
    with pytest.raises(ValidationError):
        services.deadline_revise(
            deadline=commitment.deadline,
            revised_by=None,
            reason="",
            latest=D(2007, 12, 31),
        )
    with pytest.raises(ValidationError):
        services.deadline_revise(
            deadline=commitment.deadline,
            revised_by=None,
            reason="extended",
            latest=D(2007, 6, 30),
        )
    commitment.deadline.refresh_from_db()
    assert commitment.deadline.latest == D(2006, 12, 31)
    assert not DeadlineRevision.objects.exists()


def statements(queries) -> list[str]:
    """The SQL a write sent, without the savepoints of the test's own transaction
    (in production the service's transaction is the outermost: BEGIN/COMMIT)."""
    return [
        q["sql"]
        for q in queries.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def test_one_assessment_takes_at_most_twelve_queries():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    commitment = CommitmentFactory()
    CommitmentBodyFactory(commitment=commitment)
    evidence = EvidenceFactory(commitment=commitment)
    seen = services.latest_assessment_id(commitment)
    analyst = UserFactory()
    with CaptureQueriesContext(connection) as queries:
        services.assessment_record(
            commitment=commitment,
            recorded_by=analyst,
            status=Status.IMPLEMENTED,
            as_of=D(2006, 6, 15),
            confidence="high",
            rationale="Done in June, as the communiqué shows.",
            evidence=[evidence],
            expected_latest_id=seen,
        )
    sent = statements(queries)
    assert len(sent) <= 12, "\n".join(sent)
    assert state_of(commitment).status == Status.IMPLEMENTED


def test_correcting_an_assessment_twice_is_refused_with_a_message():
    first = AssessmentFactory(status=Status.IN_PROGRESS)
    corrector = editor()
    services.assessment_record(
        commitment=first.commitment,
        recorded_by=corrector,
        status=Status.STALLED,
        as_of=D(2007, 1, 1),
        confidence="low",
        rationale="The first reading was wrong.",
        corrects=first,
    )
    with pytest.raises(ValidationError) as refused:
        services.assessment_record(
            commitment=first.commitment,
            recorded_by=corrector,
            status=Status.NOT_STARTED,
            as_of=D(2007, 1, 1),
            confidence="low",
            rationale="Wrong again, said the communiqué.",
            corrects=first,
        )
    assert "already been corrected" in str(refused.value.message_dict["corrects"])
