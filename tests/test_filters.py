"""Each filter of each public list, tested on the FilterSet directly."""

import datetime

import pytest

from declarations.filters import (
    BodyFilter,
    CommitmentFilter,
    DeclarationFilter,
    OverdueFilter,
)
from declarations.models import (
    Body,
    BodyKind,
    Commitment,
    DeadlineKind,
    Declaration,
    OverdueBand,
    Role,
    Status,
)
from tests.factories import (
    AssessmentFactory,
    BodyFactory,
    CommitmentBodyFactory,
    CommitmentFactory,
    DeclarationFactory,
    MemberStateFactory,
    ParagraphFactory,
    with_window,
)

pytestmark = pytest.mark.django_db

D = datetime.date
AS_OF = D(2006, 12, 31)


def refs(filterset) -> set[str]:
    assert filterset.is_valid(), filterset.errors
    return {c.reference for c in filterset.qs}


def commitments(data, as_of=AS_OF):
    return refs(
        CommitmentFilter(
            data, queryset=Commitment.objects.for_public_list(as_of), as_of=as_of
        )
    )


@pytest.fixture
def ledger():
    """Four commitments across two declarations, bodies, roles and windows."""
    astana = DeclarationFactory(slug="astana", title="Astana")
    other = DeclarationFactory(slug="other", title="Other")
    council = BodyFactory(slug="cnc", name="Council of National Coordinators")
    secretariat = BodyFactory(slug="secretariat", name="Secretariat")
    kazakhstan = MemberStateFactory(slug="kazakhstan", name="Kazakhstan")
    coalition = BodyFactory(slug="coalition", name="Coalition", kind=BodyKind.EXTERNAL)

    proposals = with_window(
        CommitmentFactory(
            declaration=astana,
            reference="A-05",
            title="Prepare proposals for the Secretariat",
            theme="Institutions",
            paragraph=ParagraphFactory(
                declaration=astana, text="The Council will prepare proposals."
            ),
        ),
        D(2006, 1, 1),
        D(2006, 12, 31),
        "year",
        kind=DeadlineKind.EVENT,
        wording="by the next 2006 Summit",
    )
    CommitmentBodyFactory(commitment=proposals, body=council, role=Role.RESPONSIBLE)
    CommitmentBodyFactory(commitment=proposals, body=secretariat, role=Role.SUPPORTING)

    fund = CommitmentFactory(
        declaration=astana,
        reference="A-10",
        title="Found the Development Fund",
        theme="Economy",
        quote="accelerate the founding of the SCO Development Fund",
        paragraph=ParagraphFactory(
            declaration=astana,
            text="The Parties will accelerate the founding of the SCO Development "
            "Fund.",
        ),
    )
    CommitmentBodyFactory(commitment=fund, body=kazakhstan, role=Role.RESPONSIBLE)
    AssessmentFactory(commitment=fund, status=Status.STALLED, as_of=D(2006, 6, 1))

    bases = with_window(
        CommitmentFactory(declaration=astana, reference="A-37", theme="Security"),
        D(2005, 9, 1),
        D(2005, 11, 30),
        "season",
    )
    CommitmentBodyFactory(commitment=bases, body=coalition, role=Role.ADDRESSEE)
    AssessmentFactory(commitment=bases, status=Status.IMPLEMENTED, as_of=D(2007, 3, 1))

    elsewhere = with_window(
        CommitmentFactory(declaration=other, reference="O-01", theme="Economy"),
        D(2007, 2, 1),
        D(2007, 2, 28),
        "month",
    )
    CommitmentBodyFactory(commitment=elsewhere, body=secretariat)
    return {"council": council, "secretariat": secretariat, "kazakhstan": kazakhstan}


def test_no_filter_gives_every_commitment(ledger):
    assert commitments({}) == {"A-05", "A-10", "A-37", "O-01"}


def test_free_text_searches_reference_title_and_quote(ledger):
    assert commitments({"q": "development fund"}) == {"A-10"}  # title
    assert commitments({"q": "accelerate the founding"}) == {"A-10"}  # quote
    assert commitments({"q": "o-01"}) == {"O-01"}  # reference
    assert commitments({"q": "   "}) == {"A-05", "A-10", "A-37", "O-01"}


def test_declaration_filter(ledger):
    assert commitments({"declaration": "other"}) == {"O-01"}


def test_body_filter_covers_every_role_and_narrows_with_role(ledger):
    assert commitments({"body": "secretariat"}) == {"A-05", "O-01"}
    assert commitments({"body": "secretariat", "role": Role.SUPPORTING}) == {"A-05"}
    assert commitments({"body": "cnc", "role": Role.RESPONSIBLE}) == {"A-05"}
    assert commitments({"body": "cnc", "role": Role.ADDRESSEE}) == set()


def test_role_alone_means_any_body_in_that_role(ledger):
    assert commitments({"role": Role.ADDRESSEE}) == {"A-37"}
    assert commitments({"role": Role.SUPPORTING}) == {"A-05"}


def test_member_state_filter(ledger):
    assert commitments({"member_state": "kazakhstan"}) == {"A-10"}


def test_member_state_filter_offers_only_member_states(ledger):
    field = CommitmentFilter({}).form.fields["member_state"]
    assert list(field.queryset) == [ledger["kazakhstan"]]


def test_theme_filter_offers_the_themes_in_use(ledger):
    assert commitments({"theme": "Economy"}) == {"A-10", "O-01"}
    choices = [value for value, _ in CommitmentFilter({}).form.fields["theme"].choices]
    assert choices == ["", "Economy", "Institutions", "Security"]


def test_status_filter_uses_the_status_on_the_as_of_date(ledger):
    assert commitments({"status": [Status.STALLED]}, D(2006, 6, 1)) == {"A-10"}
    assert commitments({"status": [Status.STALLED]}, D(2006, 5, 31)) == set()
    assert commitments({"status": [Status.IMPLEMENTED]}, D(2007, 3, 1)) == {"A-37"}
    assert commitments({"status": [Status.IMPLEMENTED]}, AS_OF) == set()
    assert commitments({"status": [Status.UNASSESSED, Status.STALLED]}, AS_OF) == {
        "A-05",
        "A-10",
        "A-37",
        "O-01",
    }


def test_overdue_band_filter_on_the_as_of_date(ledger):
    definitely = {"overdue_band": [OverdueBand.DEFINITELY]}
    assert commitments(definitely, AS_OF) == {"A-37"}
    assert commitments({"overdue_band": [OverdueBand.POSSIBLY]}, AS_OF) == {"A-05"}
    assert commitments({"overdue_band": [OverdueBand.DUE_SOON]}, AS_OF) == {"O-01"}
    assert commitments({"overdue_band": [OverdueBand.NO_WINDOW]}, AS_OF) == {"A-10"}
    assert commitments(definitely, D(2007, 1, 1)) == {"A-05", "A-37"}
    # Implemented in March 2007: closed from then on.
    assert commitments(definitely, D(2007, 3, 1)) == {"A-05", "O-01"}


def test_timeliness_filter_on_the_as_of_date(ledger):
    # The bases (autumn 2005) were implemented in March 2007: late.
    assert commitments({"timeliness": ["late"]}, D(2007, 3, 1)) == {"A-37"}
    assert commitments({"timeliness": ["late"]}, D(2007, 2, 28)) == set()
    assert commitments({"timeliness": ["on_time"]}, D(2007, 3, 1)) == set()


def test_deadline_kind_filter(ledger):
    assert commitments({"deadline_kind": DeadlineKind.EVENT}) == {"A-05"}
    assert commitments({"deadline_kind": DeadlineKind.NONE}) == {"A-10"}


def test_due_window_filters_keep_windows_that_overlap(ledger):
    assert commitments({"due_after": "2006-12-31"}) == {"A-05", "O-01"}
    assert commitments({"due_after": "2007-01-01"}) == {"O-01"}
    assert commitments({"due_before": "2005-09-01"}) == {"A-37"}
    assert commitments({"due_before": "2005-08-31"}) == set()
    both = {"due_after": "2006-06-01", "due_before": "2006-06-30"}
    assert commitments(both) == {"A-05"}


def test_filters_combine(ledger):
    data = {"theme": "Economy", "declaration": "astana", "status": [Status.STALLED]}
    assert commitments(data) == {"A-10"}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"body": "nobody"}, "body"),
        ({"declaration": "nope"}, "declaration"),
        ({"member_state": "cnc"}, "member_state"),  # a body, not a member state
        ({"status": ["finished"]}, "status"),
        ({"overdue_band": ["late"]}, "overdue_band"),
        ({"due_after": "yesterday"}, "due_after"),
        ({"theme": "Nothing"}, "theme"),
    ],
)
def test_unknown_values_are_form_errors_that_say_what(ledger, data, field):
    filterset = CommitmentFilter(data, queryset=Commitment.objects.all())
    assert not filterset.is_valid()
    assert field in filterset.errors


def test_unknown_body_error_names_it(ledger):
    filterset = CommitmentFilter({"body": "nobody"}, queryset=Commitment.objects.all())
    assert filterset.errors["body"] == ["There is no body “nobody”."]


def test_overdue_filter_by_body_role_and_band(ledger):
    def overdue(data):
        as_of = D(2007, 1, 1)
        queryset = Commitment.objects.for_overdue_list(as_of)
        return refs(OverdueFilter(data, queryset=queryset, as_of=as_of))

    assert overdue({}) == {"A-05", "A-37", "O-01"}
    assert overdue({"body": "cnc"}) == {"A-05"}
    assert overdue({"body": "secretariat", "role": Role.SUPPORTING}) == {"A-05"}
    assert overdue({"band": [OverdueBand.DUE_SOON]}) == {"O-01"}
    assert overdue({"band": [OverdueBand.DEFINITELY]}) == {"A-05", "A-37"}


def test_body_filter_by_name_and_kind(ledger):
    def bodies(data):
        filterset = BodyFilter(data, queryset=Body.objects.for_public_list())
        assert filterset.is_valid()
        return {b.slug for b in filterset.qs}

    assert bodies({"q": "coordinators"}) == {"cnc"}
    assert bodies({"kind": BodyKind.MEMBER_STATE}) == {"kazakhstan"}
    assert bodies({"kind": BodyKind.EXTERNAL}) == {"coalition"}


def test_declaration_filter_by_title_or_place(ledger):
    filterset = DeclarationFilter({"q": "other"}, queryset=Declaration.objects.all())
    assert filterset.is_valid()
    assert [d.slug for d in filterset.qs] == ["other"]
