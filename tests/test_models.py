import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from declarations.models import (
    Assessment,
    Body,
    BodyKind,
    Commitment,
    CommitmentBody,
    CommitmentState,
    Deadline,
    DeadlineKind,
    Evidence,
    OverdueBand,
    Paragraph,
    Precision,
    Role,
    Status,
)
from declarations.models.deadlines import describe_window, window_for
from tests.factories import (
    AssessmentFactory,
    BodyFactory,
    CommitmentBodyFactory,
    CommitmentFactory,
    EvidenceFactory,
    ParagraphFactory,
    state_of,
    with_window,
)

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.mark.parametrize(
    ("precision", "day", "window"),
    [
        (Precision.DAY, D(2006, 6, 15), (D(2006, 6, 15), D(2006, 6, 15))),
        (Precision.MONTH, D(2008, 2, 10), (D(2008, 2, 1), D(2008, 2, 29))),
        (Precision.QUARTER, D(2005, 11, 3), (D(2005, 10, 1), D(2005, 12, 31))),
        (Precision.SEASON, D(2005, 10, 26), (D(2005, 9, 1), D(2005, 11, 30))),
        (Precision.SEASON, D(2006, 1, 10), (D(2005, 12, 1), D(2006, 2, 28))),
        (Precision.SEASON, D(2005, 12, 10), (D(2005, 12, 1), D(2006, 2, 28))),
        (Precision.SEASON, D(2005, 4, 1), (D(2005, 3, 1), D(2005, 5, 31))),
        (Precision.HALF, D(2006, 6, 30), (D(2006, 1, 1), D(2006, 6, 30))),
        (Precision.HALF, D(2008, 7, 1), (D(2008, 7, 1), D(2008, 12, 31))),
        (Precision.YEAR, D(2006, 6, 15), (D(2006, 1, 1), D(2006, 12, 31))),
    ],
)
def test_window_for_each_precision(precision, day, window):
    assert window_for(precision, day) == window


def test_windows_described_in_words():
    assert describe_window(D(2005, 9, 1), D(2005, 11, 30), "season") == "autumn 2005"
    assert describe_window(D(2006, 1, 1), D(2006, 12, 31), "year") == "2006"
    assert describe_window(D(2006, 6, 15), D(2006, 6, 15), "day") == "15 June 2006"
    assert describe_window(D(2006, 1, 1), D(2006, 6, 30), "half") == "H1 2006"
    assert describe_window(D(2008, 7, 1), D(2008, 12, 31), "half") == "H2 2008"
    assert describe_window(None, None, "") == "no dated window"


def test_windows_that_start_before_their_period_are_described_from_their_first_day():
    # "by 2006" read on 5 July 2005, "within six months", "this decade".
    assert (
        describe_window(D(2005, 7, 5), D(2006, 12, 31), "year")
        == "5 July 2005 to the end of 2006"
    )
    assert (
        describe_window(D(2005, 7, 5), D(2006, 1, 5), "day")
        == "5 July 2005 to 5 January 2006"
    )
    assert (
        describe_window(D(2005, 7, 5), D(2006, 11, 30), "season")
        == "5 July 2005 to the end of autumn 2006"
    )
    assert (
        describe_window(D(2005, 7, 5), D(2006, 6, 30), "month")
        == "5 July 2005 to the end of June 2006"
    )
    assert (
        describe_window(D(2000, 1, 1), D(2009, 12, 31), "year")
        == "1 January 2000 to the end of 2009"
    )


def deadline(**fields):
    commitment = CommitmentFactory(deadline=None)
    return Deadline(commitment=commitment, **fields)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        (
            {"kind": "calendar", "earliest": D(2006, 1, 1), "latest": D(2006, 12, 30)},
            "precision",
        ),
        (
            {
                "kind": "calendar",
                "earliest": D(2006, 1, 1),
                "latest": D(2006, 12, 30),
                "precision": "year",
            },
            "latest",
        ),
        (
            {
                "kind": "event",
                "wording": "by the summit",
                "earliest": D(2006, 2, 1),
                "latest": D(2006, 1, 1),
                "precision": "day",
            },
            "latest",
        ),
        ({"kind": "calendar", "wording": "in 2006"}, "earliest"),
        (
            {
                "kind": "vague",
                "wording": "soon",
                "earliest": D(2006, 1, 1),
                "latest": D(2006, 12, 31),
                "precision": "year",
            },
            "kind",
        ),
        ({"kind": "none", "wording": "urgently"}, "wording"),
        ({"kind": "vague", "wording": ""}, "wording"),
        ({"kind": "none", "precision": "day"}, "precision"),
    ],
)
def test_deadline_clean_rejects_windows_that_do_not_fit(fields, field):
    with pytest.raises(ValidationError) as error:
        deadline(**fields).full_clean()
    assert field in error.value.message_dict


@pytest.mark.parametrize(
    ("wording", "earliest", "latest", "precision"),
    [
        # DESIGN.md: "by 2030" is the declaration's date to 31 December 2030, year.
        ("by 2030", D(2005, 7, 5), D(2030, 12, 31), "year"),
        # "Within six months": the declaration's date to the same day, precision day.
        ("within six months", D(2005, 7, 5), D(2006, 1, 5), "day"),
        ("by the end of June 2006", D(2005, 7, 5), D(2006, 6, 30), "month"),
        ("until the autumn of 2006", D(2005, 7, 5), D(2006, 11, 30), "season"),
        ("by the first quarter of 2006", D(2005, 7, 5), D(2006, 3, 31), "quarter"),
        ("by mid-2006", D(2005, 7, 5), D(2006, 6, 30), "half"),
        ("this decade", D(2000, 1, 1), D(2009, 12, 31), "year"),
        ("in 2006", D(2006, 1, 1), D(2006, 12, 31), "year"),
    ],
)
def test_deadline_clean_accepts_a_window_ending_a_period_of_its_precision(
    wording, earliest, latest, precision
):
    # The rule used to be "exactly one period", which refused the first seven.
    d = deadline(
        kind="calendar",
        wording=wording,
        earliest=earliest,
        latest=latest,
        precision=precision,
    )
    d.full_clean()
    d.save()


@pytest.mark.parametrize(
    ("latest", "precision"),
    [
        (D(2030, 12, 30), "year"),
        (D(2006, 6, 29), "month"),
        (D(2006, 11, 29), "season"),
        (D(2006, 2, 28), "quarter"),
        (D(2006, 5, 31), "half"),
    ],
)
def test_deadline_clean_refuses_a_window_ending_inside_a_period(latest, precision):
    d = deadline(
        kind="calendar",
        wording="by then",
        earliest=D(2005, 7, 5),
        latest=latest,
        precision=precision,
    )
    with pytest.raises(ValidationError) as error:
        d.full_clean()
    assert "does not end a" in error.value.message_dict["latest"][0]


def test_deadline_clean_accepts_a_season():
    d = deadline(
        kind="event",
        wording="in the autumn of 2005",
        earliest=D(2005, 9, 1),
        latest=D(2005, 11, 30),
        precision="season",
    )
    d.full_clean()
    assert d.is_period and d.window_display == "autumn 2005"


def integrity_error(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_constraints_reject_bad_rows_in_the_database():
    commitment = CommitmentFactory()
    deadline = commitment.deadline
    integrity_error(
        lambda: Deadline.objects.filter(pk=deadline.pk).update(
            kind=DeadlineKind.CALENDAR, earliest=D(2006, 1, 1)
        )
    )
    integrity_error(
        lambda: Deadline.objects.filter(pk=deadline.pk).update(
            kind=DeadlineKind.CALENDAR,
            earliest=D(2006, 2, 1),
            latest=D(2006, 1, 1),
            precision="day",
        )
    )
    integrity_error(lambda: Deadline.objects.filter(pk=deadline.pk).update(kind="soon"))
    integrity_error(
        lambda: Commitment.objects.filter(pk=commitment.pk).update(reference="a b/c")
    )
    integrity_error(
        lambda: CommitmentState.objects.filter(pk=commitment.pk).update(status="done")
    )
    integrity_error(
        lambda: CommitmentState.objects.filter(pk=commitment.pk).update(
            status=Status.IMPLEMENTED
        )
    )
    integrity_error(lambda: CommitmentFactory(reference=commitment.reference))
    integrity_error(
        lambda: Paragraph.objects.create(
            declaration=commitment.declaration,
            number=commitment.paragraph.number,
            text="again",
        )
    )
    body = BodyFactory()
    integrity_error(lambda: Body.objects.filter(pk=body.pk).update(kind="club"))
    CommitmentBodyFactory(commitment=commitment, body=body)
    integrity_error(
        lambda: CommitmentBody.objects.create(
            commitment=commitment, body=body, role=Role.SUPPORTING
        )
    )
    integrity_error(
        lambda: CommitmentBody.objects.create(
            commitment=commitment, body=BodyFactory(), role="owner"
        )
    )
    evidence = EvidenceFactory(commitment=commitment)
    integrity_error(
        lambda: Evidence.objects.filter(pk=evidence.pk).update(
            source_url="javascript:alert(1)"
        )
    )
    integrity_error(
        lambda: Evidence.objects.filter(pk=evidence.pk).update(direction="up")
    )
    integrity_error(
        lambda: Evidence.objects.filter(pk=evidence.pk).update(
            retraction_reason="no date given"
        )
    )
    assessment = AssessmentFactory(commitment=commitment)
    integrity_error(
        lambda: Assessment.objects.filter(pk=assessment.pk).update(
            status=Status.UNASSESSED
        )
    )
    integrity_error(
        lambda: Assessment.objects.filter(pk=assessment.pk).update(rationale="")
    )
    integrity_error(
        lambda: Assessment.objects.filter(pk=assessment.pk).update(confidence="total")
    )
    integrity_error(
        lambda: Assessment.objects.filter(pk=assessment.pk).update(
            superseded_by=commitment
        )
    )
    AssessmentFactory(commitment=commitment, corrects=assessment)
    integrity_error(
        lambda: AssessmentFactory(commitment=commitment, corrects=assessment)
    )


def test_commitment_clean_requires_the_quote_in_its_paragraph():
    commitment = CommitmentFactory()
    commitment.quote = "words that are not there"
    with pytest.raises(ValidationError) as error:
        commitment.full_clean()
    assert "does not occur verbatim" in error.value.message_dict["quote"][0]
    commitment.paragraph = ParagraphFactory()  # another declaration's paragraph
    with pytest.raises(ValidationError, match="another declaration"):
        commitment.full_clean()


def test_body_cannot_sit_under_itself():
    parent = BodyFactory()
    child = BodyFactory(parent=parent)
    parent.parent = child
    with pytest.raises(ValidationError, match="under itself"):
        parent.full_clean()
    assert child.ancestors() == [parent]


def status_on(commitment, day):
    return Commitment.objects.with_status_as_of(day).get(pk=commitment.pk).status_on


def test_status_on_a_date_is_the_latest_assessment_on_or_before_it():
    commitment = CommitmentFactory()
    AssessmentFactory(
        commitment=commitment, status=Status.NOT_STARTED, as_of=D(2005, 9, 1)
    )
    AssessmentFactory(
        commitment=commitment, status=Status.IN_PROGRESS, as_of=D(2006, 6, 15)
    )
    AssessmentFactory(
        commitment=commitment, status=Status.IMPLEMENTED, as_of=D(2007, 1, 1)
    )
    assert status_on(commitment, D(2005, 8, 31)) == Status.UNASSESSED
    assert status_on(commitment, D(2005, 9, 1)) == Status.NOT_STARTED
    assert status_on(commitment, D(2006, 6, 14)) == Status.NOT_STARTED
    assert status_on(commitment, D(2006, 6, 15)) == Status.IN_PROGRESS
    assert status_on(commitment, D(2006, 12, 31)) == Status.IN_PROGRESS
    assert status_on(commitment, D(2007, 1, 1)) == Status.IMPLEMENTED
    assert state_of(commitment).status == Status.IMPLEMENTED
    assert state_of(commitment).since == D(2007, 1, 1)


def test_status_ignores_member_state_assessments_and_corrected_ones():
    commitment = CommitmentFactory()
    state = BodyFactory(kind=BodyKind.MEMBER_STATE)
    wrong = AssessmentFactory(
        commitment=commitment, status=Status.IMPLEMENTED, as_of=D(2010, 1, 1)
    )
    AssessmentFactory(
        commitment=commitment,
        status=Status.ABANDONED,
        as_of=D(2011, 1, 1),
        member_state=state,
    )
    assert status_on(commitment, D(2012, 1, 1)) == Status.IMPLEMENTED
    AssessmentFactory(
        commitment=commitment,
        status=Status.STALLED,
        as_of=D(2008, 1, 1),
        corrects=wrong,
    )
    assert status_on(commitment, D(2012, 1, 1)) == Status.STALLED
    assert status_on(commitment, D(2007, 12, 31)) == Status.UNASSESSED
    assert state_of(commitment).status == Status.STALLED


def test_same_day_assessments_are_ordered_by_when_they_were_recorded():
    commitment = CommitmentFactory()
    first = AssessmentFactory(commitment=commitment, status=Status.STALLED)
    AssessmentFactory(
        commitment=commitment,
        status=Status.IN_PROGRESS,
        as_of=first.as_of,
        recorded_at=first.recorded_at - datetime.timedelta(hours=1),
    )
    assert status_on(commitment, first.as_of) == Status.STALLED


def test_status_since_is_the_first_day_of_the_run():
    commitment = CommitmentFactory()
    AssessmentFactory(
        commitment=commitment, status=Status.STALLED, as_of=D(2015, 7, 10)
    )
    AssessmentFactory(commitment=commitment, status=Status.STALLED, as_of=D(2025, 9, 1))
    row = Commitment.objects.with_status_as_of(D(2026, 1, 1)).get(pk=commitment.pk)
    assert (row.status_on, row.status_since) == (Status.STALLED, D(2015, 7, 10))
    assert state_of(commitment).since == D(2015, 7, 10)
    assert [
        (p.status, p.starts_on, p.ends_on) for p in commitment.status_periods.all()
    ] == [(Status.STALLED, D(2015, 7, 10), None)]


def test_status_periods_agree_with_the_assessments_on_every_date():
    commitment = CommitmentFactory()
    history = [
        (Status.NOT_STARTED, D(2005, 9, 1)),
        (Status.IN_PROGRESS, D(2006, 3, 1)),
        (Status.IN_PROGRESS, D(2006, 9, 1)),
        (Status.IMPLEMENTED, D(2007, 1, 1)),
        (Status.ABANDONED, D(2009, 1, 1)),
    ]
    for status, as_of in history:
        AssessmentFactory(commitment=commitment, status=status, as_of=as_of)
    day = D(2005, 8, 30)
    while day < D(2009, 1, 3):
        expected = next(
            (status for status, as_of in reversed(history) if as_of <= day),
            Status.UNASSESSED,
        )
        assert status_on(commitment, day) == expected, day
        day += datetime.timedelta(days=11)
    commitment.refresh_from_db()
    assert state_of(commitment).first_implemented_on == D(2007, 1, 1)


def band(commitment, day):
    return Commitment.objects.with_overdue_band(day).get(pk=commitment.pk).overdue_band


def test_overdue_bands_at_the_edges_of_a_year_window(settings):
    settings.TRACKER_DUE_SOON_DAYS = 90
    commitment = with_window(
        CommitmentFactory(), D(2006, 1, 1), D(2006, 12, 31), Precision.YEAR
    )
    assert band(commitment, D(2005, 10, 3)) == OverdueBand.DUE_SOON  # 90 days ahead
    assert band(commitment, D(2005, 10, 2)) == OverdueBand.NOT_DUE  # 91 days ahead
    assert band(commitment, D(2006, 1, 1)) == OverdueBand.DUE_SOON  # opens today
    assert band(commitment, D(2006, 1, 2)) == OverdueBand.POSSIBLY
    assert band(commitment, D(2006, 12, 31)) == OverdueBand.POSSIBLY  # last day
    assert band(commitment, D(2007, 1, 1)) == OverdueBand.DEFINITELY  # day after


def test_a_one_day_window_is_definitely_overdue_the_day_after():
    commitment = with_window(CommitmentFactory(), D(2006, 6, 15), D(2006, 6, 15))
    assert band(commitment, D(2006, 6, 15)) == OverdueBand.DUE_SOON
    assert band(commitment, D(2006, 6, 16)) == OverdueBand.DEFINITELY


def test_closed_commitments_and_undated_ones_are_never_overdue():
    done = with_window(CommitmentFactory(), D(2006, 1, 1), D(2006, 12, 31), "year")
    AssessmentFactory(commitment=done, status=Status.IMPLEMENTED, as_of=D(2006, 5, 1))
    vague = CommitmentFactory()
    Deadline.objects.filter(pk=vague.pk).update(kind=DeadlineKind.VAGUE, wording="soon")
    assert band(done, D(2006, 4, 30)) == OverdueBand.POSSIBLY
    assert band(done, D(2007, 1, 1)) == OverdueBand.CLOSED
    assert band(vague, D(2030, 1, 1)) == OverdueBand.NO_WINDOW
    assert set(Commitment.objects.overdue(D(2007, 1, 1))) == set()
    assert set(Commitment.objects.overdue(D(2006, 4, 30))) == {done}


def test_owned_by_and_role():
    body = BodyFactory()
    owned = CommitmentBodyFactory(body=body, role=Role.RESPONSIBLE).commitment
    supported = CommitmentBodyFactory(body=body, role=Role.SUPPORTING).commitment
    CommitmentFactory()
    assert set(Commitment.objects.owned_by(body)) == {owned, supported}
    assert set(Commitment.objects.owned_by(body, Role.SUPPORTING)) == {supported}


def test_status_vocabulary_is_complete():
    assert set(Status.open_values()) | set(Status.closed_values()) == set(Status.values)
    assert all(Status(value).definition for value in Status.values)
    assert Status.UNASSESSED not in dict(Status.assessable())


def test_saving_a_stale_copy_does_not_put_an_old_status_back():
    commitment = CommitmentFactory(title="Old title")
    stale_copy = Commitment.objects.get(pk=commitment.pk)
    AssessmentFactory(
        commitment=commitment, status=Status.IMPLEMENTED, as_of=D(2007, 1, 1)
    )
    stale_copy.title = "New title"
    stale_copy.save()
    commitment.refresh_from_db()
    assert commitment.title == "New title"
    assert state_of(commitment).status == Status.IMPLEMENTED
    assert state_of(commitment).since == D(2007, 1, 1)


def test_periods_from_merges_runs_and_lets_the_last_recorded_of_a_day_hold():
    from declarations.models.status import periods_from

    assert periods_from([]) == []
    assert periods_from(
        [
            (D(2006, 1, 1), Status.NOT_STARTED),
            (D(2006, 1, 1), Status.IN_PROGRESS),  # recorded later the same day
            (D(2006, 5, 1), Status.IN_PROGRESS),
            (D(2007, 1, 1), Status.IMPLEMENTED),
        ]
    ) == [
        (Status.IN_PROGRESS, D(2006, 1, 1), D(2007, 1, 1)),
        (Status.IMPLEMENTED, D(2007, 1, 1), None),
    ]


@pytest.mark.parametrize(
    ("viewname", "argument"),
    [
        ("declarations:commitment-detail", "AST2005-05a"),
        ("declarations:commitment-detail", "A.b_c-1"),
        ("declarations:body-detail", "rats-council"),
        ("declarations:declaration-detail", "astana-2005"),
    ],
)
def test_object_urls_are_what_reverse_gives(viewname, argument):
    from django.urls import reverse, set_script_prefix

    from declarations.models.routes import object_url

    assert object_url(viewname, argument) == reverse(viewname, args=[argument])
    set_script_prefix("/tracker/")
    try:
        assert object_url(viewname, argument) == reverse(viewname, args=[argument])
        assert object_url(viewname, argument).startswith("/tracker/")
    finally:
        set_script_prefix("/")
