"""The shipped Astana codebook (fixtures/astana_2005.json) and its record
(fixtures/astana_2005_record.csv, imported by ``import_evidence``): they load, and
they are right.

These tests load the whole fixture on purpose: the data itself is what they check.
The coding manual's own rules are checked in test_record.py.
"""

import csv
import datetime
import io
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from declarations import services
from declarations.models import (
    Assessment,
    Body,
    BodyKind,
    Commitment,
    CommitmentBody,
    CommitmentKind,
    Deadline,
    DeadlineKind,
    DeadlineRevision,
    Declaration,
    Evidence,
    OverdueBand,
    Paragraph,
    Precision,
    Role,
    Status,
)
from declarations.models.deadlines import is_whole_period
from tests.checks import assert_figures_agree, derived_snapshot
from tests.factories import state_of

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
TEXT = FIXTURES / "astana_2005.txt"
RECORD_CSV = FIXTURES / "astana_2005_record.csv"

DECLARATION_DATE = datetime.date(2005, 7, 5)

THEMES = {
    "Institutions",
    "Security and counter-terrorism",
    "Economy and finance",
    "External relations",
    "International order",
    "Emergencies and infrastructure",
    "Humanitarian cooperation",
    "Environment",
}

# What each dated wording allows, and the event's date once history gives it.
EVENT_WINDOWS = {
    "by the next 2006 Summit": (
        (datetime.date(2006, 1, 1), datetime.date(2006, 12, 31), Precision.YEAR),
        (datetime.date(2006, 6, 15), datetime.date(2006, 6, 15), Precision.DAY),
    ),
    "in the autumn of 2005": (
        (datetime.date(2005, 9, 1), datetime.date(2005, 11, 30), Precision.SEASON),
        (datetime.date(2005, 10, 26), datetime.date(2005, 10, 26), Precision.DAY),
    ),
}
VAGUE_WORDINGS = {
    "AST2005-10b": "will accelerate the founding",
    "AST2005-14": "In the near future",
    "AST2005-34a": "urgently",
    "AST2005-41a": "An urgent task",
}

ORGAN_SLUGS = {
    "council-of-heads-of-state",
    "council-of-heads-of-government",
    "council-of-ministers-of-foreign-affairs",
    "council-of-national-coordinators",
    "secretariat",
    "rats",
    "rats-council",
    "business-council",
    "meeting-of-secretaries-of-security-councils",
}
# Bodies the coding manual names that sit under no organ: the SCO as a whole
# (rule 5) and the member states' agencies the text names (paragraphs 9 and 23).
UNGOVERNED_ORGANS = {
    "shanghai-cooperation-organization",
    "sectoral-ministries-and-agencies",
    "security-and-foreign-policy-agencies",
}
MEMBER_STATES = {
    "kazakhstan": "Republic of Kazakhstan",
    "china": "People's Republic of China",
    "kyrgyzstan": "Kyrgyz Republic",
    "russia": "Russian Federation",
    "tajikistan": "Republic of Tajikistan",
    "uzbekistan": "Republic of Uzbekistan",
}
EXTERNAL_SLUGS = {
    "united-nations",
    "un-general-assembly",
    "un-secretariat",
    "asean",
    "cis",
    "pakistan",
    "iran",
    "india",
    "afghanistan",
    "anti-terrorist-coalition",
    "anti-terrorist-coalition-states",
    "international-community",
}


def record_rows(record):
    with RECORD_CSV.open(newline="", encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["record"] == record]


def csv_date(value: str) -> tuple[datetime.date, str]:
    """A CSV date as (day, precision): '2006-06' is the month, dated on the 1st,
    '2006' the year, dated on 1 January."""
    if re.fullmatch(r"\d{4}", value):
        return datetime.date.fromisoformat(f"{value}-01-01"), "year"
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return datetime.date.fromisoformat(f"{value}-01"), "month"
    return datetime.date.fromisoformat(value), "day"


def bands_on(day: datetime.date) -> dict[str, str]:
    return dict(
        Commitment.objects.with_overdue_band(day).values_list(
            "reference", "overdue_band"
        )
    )


def restore_worded_window(reference: str) -> None:
    """Put back the window the wording allows, as the deadline's revision kept it."""
    revision = DeadlineRevision.objects.get(deadline__commitment__reference=reference)
    Deadline.objects.filter(pk=revision.deadline_id).update(
        earliest=revision.old_earliest,
        latest=revision.old_latest,
        precision=revision.old_precision,
    )
    services.status_derive(commitment_ids=[revision.deadline_id])


# --------------------------------------------------------------------- the text


def test_declaration_header_fields_are_exact(codebook):
    declaration = Declaration.objects.get()
    assert declaration.slug == "astana-2005"
    assert declaration.reference_prefix == "AST2005"
    assert declaration.title == (
        "DECLARATION by the Heads of the Member States of the Shanghai "
        "Cooperation Organization"
    )
    assert declaration.place == "Astana"
    assert declaration.date == DECLARATION_DATE
    assert declaration.source == "Shanghai Cooperation Organization Secretariat"
    assert declaration.header_fields["Date"] == "July 5, 2005"


def test_42_paragraphs_in_4_sections(codebook):
    paragraphs = Paragraph.objects.order_by("number")
    assert [p.number for p in paragraphs] == list(range(1, 43))
    sections = defaultdict(list)
    for paragraph in paragraphs:
        sections[paragraph.section].append(paragraph.number)
    assert sections == {
        1: [1],
        2: list(range(2, 15)),
        3: list(range(15, 21)),
        4: list(range(21, 43)),
    }


def test_reimporting_the_text_reports_unchanged_and_changes_nothing(codebook):
    def snapshot():
        return (
            list(Declaration.objects.values()),
            list(Paragraph.objects.order_by("pk").values()),
            list(Commitment.objects.order_by("pk").values()),
        )

    before = snapshot()
    out = io.StringIO()
    call_command("import_declaration", str(TEXT), stdout=out)
    assert "Unchanged" in out.getvalue()
    assert snapshot() == before


# ------------------------------------------------------------ every row is valid


@pytest.mark.parametrize(
    "model",
    [
        Declaration,
        Paragraph,
        Body,
        Commitment,
        CommitmentBody,
        Deadline,
        DeadlineRevision,
        Evidence,
        Assessment,
    ],
)
def test_every_shipped_object_passes_full_clean(codebook, model):
    objects = list(model.objects.all())
    assert objects
    for obj in objects:
        obj.full_clean()


def test_shipped_records_have_no_author_and_carry_their_rows_key(codebook):
    assert not Evidence.objects.exclude(logged_by=None).exists()
    assert not Assessment.objects.exclude(recorded_by=None).exists()
    assert not DeadlineRevision.objects.exclude(revised_by=None).exists()
    # Logged by one import, in one moment; each row's key kept.
    assert len(set(Evidence.objects.values_list("logged_at", flat=True))) == 1
    assert not Evidence.objects.filter(record_key="").exists()
    assert not Assessment.objects.filter(record_key="").exists()
    assert not Assessment.objects.exclude(review="published").exists()


# ------------------------------------------------------------------------ bodies


def test_every_named_body_is_there_with_its_kind(codebook):
    kinds = dict(Body.objects.values_list("slug", "kind"))
    organs = {s for s, k in kinds.items() if k == BodyKind.ORGAN}
    assert organs == ORGAN_SLUGS | UNGOVERNED_ORGANS
    assert {s for s, k in kinds.items() if k == BodyKind.EXTERNAL} == EXTERNAL_SLUGS
    states = dict(Body.objects.member_states().values_list("slug", "name"))
    assert states == MEMBER_STATES
    preamble = Paragraph.objects.get(number=1).text
    for name in MEMBER_STATES.values():
        assert f"the {name}" in preamble
    for body in Body.objects.all():
        assert body.description and "\n" not in body.description


def test_body_hierarchy(codebook):
    parent = dict(Body.objects.values_list("slug", "parent__slug"))
    assert parent["rats"] == "rats-council"
    assert parent["council-of-heads-of-state"] is None
    for slug in ORGAN_SLUGS - {"council-of-heads-of-state", "business-council"}:
        chain = [b.slug for b in Body.objects.get(slug=slug).ancestors()]
        assert chain[-1] == "council-of-heads-of-state", slug
    assert (
        parent["un-general-assembly"] == parent["un-secretariat"] == ("united-nations")
    )
    assert parent["anti-terrorist-coalition-states"] == "anti-terrorist-coalition"


# ------------------------------------------------------------------- commitments


def test_every_quote_occurs_verbatim_in_its_paragraph(codebook):
    for commitment in Commitment.objects.select_related("paragraph"):
        assert commitment.paragraph.declaration_id == commitment.declaration_id
        assert commitment.quote in commitment.paragraph.text, commitment.reference


def test_references_follow_the_paragraph_and_letter_scheme(codebook):
    by_paragraph = defaultdict(list)
    for reference, number in Commitment.objects.values_list(
        "reference", "paragraph__number"
    ):
        match = re.fullmatch(r"AST2005-(\d{2})([a-z]?)", reference)
        assert match, reference
        assert int(match[1]) == number, reference
        by_paragraph[number].append(match[2])
    for number, letters in by_paragraph.items():
        if len(letters) == 1:
            assert letters == [""], number
        else:
            expected = [chr(ord("a") + i) for i in range(len(letters))]
            assert sorted(letters) == expected, number


def test_commitments_are_coded_with_the_controlled_vocabularies(codebook):
    commitments = list(Commitment.objects.all())
    assert 35 <= len(commitments) <= 45
    for commitment in commitments:
        assert commitment.theme in THEMES, commitment.reference
        assert commitment.kind in CommitmentKind.values
        assert commitment.title and len(commitment.title) <= 120
        assert commitment.body_links.exists(), commitment.reference
    calls = Commitment.objects.filter(kind=CommitmentKind.CALL)
    for call in calls:
        assert call.body_links.filter(role=Role.ADDRESSEE).exists(), call.reference


def test_every_bullet_of_the_list_is_its_own_commitment(codebook):
    bullets = [p for p in Paragraph.objects.all() if p.is_list_item]
    assert [p.number for p in bullets] == list(range(23, 31))
    for paragraph in bullets:
        assert paragraph.commitments.count() == 1, paragraph.number


def test_paragraph_37_names_the_coalition_as_addressee(codebook):
    commitment = Commitment.objects.get(paragraph__number=37)
    assert commitment.kind == CommitmentKind.CALL
    addressees = set(
        commitment.body_links.filter(role=Role.ADDRESSEE).values_list(
            "body__slug", flat=True
        )
    )
    # The participating states the call names, not the coalition they belong to.
    assert addressees == {"anti-terrorist-coalition-states"}
    assert "set a deadline" in commitment.quote


def test_paragraph_31_binds_each_member_state(codebook):
    commitment = Commitment.objects.get(reference="AST2005-31")
    responsible = set(
        commitment.body_links.filter(role=Role.RESPONSIBLE).values_list(
            "body__slug", flat=True
        )
    )
    assert responsible == set(MEMBER_STATES)
    per_state = commitment.assessments.filter(member_state__isnull=False)
    assert set(per_state.values_list("member_state__slug", flat=True)) == {
        "kazakhstan",
        "kyrgyzstan",
    }
    assert commitment.assessments.overall().exists()


def test_the_cnc_owns_its_commitments(codebook):
    cnc = Body.objects.get(short_name="CNC")
    owned = set(Commitment.objects.owned_by(cnc).values_list("reference", flat=True))
    assert owned == {"AST2005-05a", "AST2005-05b", "AST2005-11", "AST2005-14"}
    responsible = Commitment.objects.owned_by(cnc, role=Role.RESPONSIBLE)
    assert responsible.count() == len(owned)


# --------------------------------------------------------------------- deadlines


def test_every_commitment_has_one_deadline_with_a_note(codebook):
    assert Deadline.objects.count() == Commitment.objects.count()
    for deadline in Deadline.objects.select_related("commitment__paragraph"):
        assert deadline.note, deadline.commitment.reference
        if deadline.wording:
            assert deadline.wording in deadline.commitment.paragraph.text


def test_event_windows_start_from_the_wording_and_narrow_to_the_event(codebook):
    events = Deadline.objects.filter(kind=DeadlineKind.EVENT)
    assert set(events.values_list("wording", flat=True)) == set(EVENT_WINDOWS)
    for deadline in events.select_related("commitment"):
        worded, narrowed = EVENT_WINDOWS[deadline.wording]
        assert (deadline.earliest, deadline.latest, deadline.precision) == narrowed
        assert deadline.event
        revision = deadline.revisions.get()
        assert (
            revision.old_earliest,
            revision.old_latest,
            revision.old_precision,
        ) == worded
        assert (
            revision.new_earliest,
            revision.new_latest,
            revision.new_precision,
        ) == narrowed
        assert revision.old_kind == revision.new_kind == DeadlineKind.EVENT
        assert revision.reason
        for earliest, latest, precision in (worded, narrowed):
            assert is_whole_period(precision, earliest, latest)


def test_vague_and_absent_deadlines_have_no_window(codebook):
    vague = dict(
        Deadline.objects.filter(kind=DeadlineKind.VAGUE).values_list(
            "commitment__reference", "wording"
        )
    )
    assert vague == VAGUE_WORDINGS
    undated = Deadline.objects.filter(kind__in=[DeadlineKind.VAGUE, DeadlineKind.NONE])
    assert not undated.exclude(earliest=None, latest=None, precision="").exists()
    assert (
        not Deadline.objects.filter(kind=DeadlineKind.NONE).exclude(wording="").exists()
    )
    undated_refs = set(undated.values_list("commitment__reference", flat=True))
    for day in (DECLARATION_DATE, datetime.date(2030, 1, 1)):
        bands = bands_on(day)
        for reference in undated_refs:
            assert bands[reference] in {OverdueBand.NO_WINDOW, OverdueBand.CLOSED}


def test_a_day_window_is_due_on_its_day_and_overdue_the_day_after(codebook):
    # AST2005-09b (budget policy): nothing found shows it done, so open ('no
    # evidence available'), and overdue from the day after the Moscow meeting.
    assert bands_on(datetime.date(2005, 10, 26))["AST2005-09b"] == (
        OverdueBand.DUE_SOON
    )
    assert bands_on(datetime.date(2005, 10, 27))["AST2005-09b"] == (
        OverdueBand.DEFINITELY
    )
    # AST2005-05b was done at the 2006 Summit, the day its window names.
    assert bands_on(datetime.date(2006, 6, 14))["AST2005-05b"] == (OverdueBand.DUE_SOON)
    assert bands_on(datetime.date(2006, 6, 15))["AST2005-05b"] == OverdueBand.CLOSED


@pytest.mark.parametrize(
    ("reference", "last_day"),
    [
        ("AST2005-05a", datetime.date(2006, 12, 31)),
        ("AST2005-05b", datetime.date(2006, 12, 31)),
        ("AST2005-09a", datetime.date(2005, 11, 30)),
        ("AST2005-09b", datetime.date(2005, 11, 30)),
    ],
)
def test_periods_are_due_at_their_end(codebook, reference, last_day):
    restore_worded_window(reference)
    day_after = last_day + datetime.timedelta(days=1)
    on_last_day = Commitment.objects.filter(reference=reference)
    assert not on_last_day.in_bands([OverdueBand.DEFINITELY], last_day).exists()
    commitment = on_last_day.with_overdue_band(day_after).get()
    if commitment.status_on in Status.open_values():
        assert commitment.overdue_band == OverdueBand.DEFINITELY
    else:
        assert commitment.overdue_band == OverdueBand.CLOSED


def test_the_2006_window_while_open_is_only_possibly_overdue(codebook):
    restore_worded_window("AST2005-05b")
    rows = Commitment.objects.filter(reference="AST2005-05b")
    before = rows.with_overdue_band(datetime.date(2006, 6, 14)).get()
    assert before.status_on == Status.UNASSESSED
    assert before.overdue_band == OverdueBand.POSSIBLY
    done = rows.with_overdue_band(datetime.date(2006, 12, 31)).get()
    assert done.overdue_band == OverdueBand.CLOSED


def test_autumn_2005_window_open_commitment_is_overdue_from_1_december(codebook):
    restore_worded_window("AST2005-09b")
    overdue = Commitment.objects.in_bands(
        [OverdueBand.DEFINITELY], datetime.date(2005, 12, 1)
    )
    assert overdue.filter(reference="AST2005-09b").exists()
    possibly = Commitment.objects.in_bands(
        [OverdueBand.POSSIBLY], datetime.date(2005, 11, 30)
    )
    assert possibly.filter(reference="AST2005-09b").exists()


# -------------------------------------------------------------------- evidence


def test_every_evidence_row_of_the_record_is_shipped_as_it_reads(codebook):
    rows = record_rows("evidence")
    assert len(rows) == Evidence.objects.count() == 89
    shipped = Evidence.objects.select_related("commitment").in_bulk(
        [e.pk for e in Evidence.objects.all()]
    )
    by_key = {e.record_key: e for e in shipped.values()}
    for row in rows:
        evidence = by_key[row["key"]]
        event_date, precision = csv_date(row["event_date"])
        assert evidence.commitment.reference == row["commitment"]
        assert (evidence.event_date, evidence.event_date_precision) == (
            event_date,
            precision,
        )
        for field in (
            "summary",
            "source_title",
            "source_publisher",
            "source_url",
            "source_language",
            "archived_url",
            "excerpt",
            "direction",
            "confidence",
        ):
            assert getattr(evidence, field) == row[field], (row["key"], field)
        assert evidence.accessed_on.isoformat() == row["accessed_on"]


def test_the_confidence_of_the_research_is_carried_over(codebook):
    # Each entry's own, from its row (above); none is left without one.
    assert not Evidence.objects.filter(confidence="").exists()
    assert Evidence.objects.filter(confidence="medium").exists()
    assert Evidence.objects.filter(confidence="high").exists()


def test_month_dated_rows_are_logged_on_the_first_with_month_precision(codebook):
    months = Evidence.objects.filter(event_date_precision="month")
    assert months.exists()
    assert set(months.values_list("event_date__day", flat=True)) == {1}


# ------------------------------------------------------------------ assessments


def test_assessments_are_dated_within_the_record_and_cite_their_evidence(codebook):
    today = timezone.localdate()
    for assessment in Assessment.objects.prefetch_related("evidence"):
        assert DECLARATION_DATE <= assessment.as_of <= today
        assert assessment.rationale
        cited = list(assessment.evidence.all())
        if assessment.status == Status.NO_EVIDENCE:
            assert "What was searched:" in assessment.rationale, assessment.pk
            continue
        assert cited, assessment.pk
        assert {e.commitment_id for e in cited} == {assessment.commitment_id}


def test_current_status_is_the_latest_effective_overall_assessment(codebook):
    for commitment in Commitment.objects.all():
        latest = (
            Assessment.objects.filter(commitment=commitment)
            .overall()
            .effective()
            .in_force_order()
            .first()
        )
        expected = latest.status if latest else Status.UNASSESSED
        assert state_of(commitment).status == expected, commitment.reference


def test_the_fixture_ships_the_codebook_only():
    """Derived data has one writer, and the record's provenance is its CSV: the
    fixture holds neither."""
    shipped = json.loads((FIXTURES / "astana_2005.json").read_text())
    models = {row["model"] for row in shipped}
    assert not models & {
        "declarations.statusperiod",
        "declarations.commitmentstate",
        "declarations.figuretally",
        "declarations.evidence",
        "declarations.assessment",
    }


def test_deriving_everything_or_one_by_one_gives_the_same_data(codebook):
    everything = derived_snapshot()
    assert everything[1], "the shipped assessments make status periods"
    for commitment_id in Commitment.objects.values_list("pk", flat=True):
        services.status_derive(commitment_ids=[commitment_id])
    assert derived_snapshot() == everything
    assert_figures_agree()


def test_the_development_fund_is_still_not_founded_today(codebook):
    fund = Commitment.objects.get(quote__contains="SCO Development Fund")
    assert fund.reference == "AST2005-10b"
    today = timezone.localdate()
    status_today = Commitment.objects.with_status_as_of(today).get(pk=fund.pk)
    assert status_today.status_on == Status.STALLED
    latest = fund.assessments.overall().in_force_order().first()
    assert latest.as_of == datetime.date(2015, 7, 10)  # Ufa: still "working on it"


def test_both_proposals_of_paragraph_5_were_acted_on_at_the_2006_summit(codebook):
    # The manual: a deadline for proposals is met when they were acted on at the
    # event, so 05a and 05b, resting on the same evidence, read the same.
    for reference in ("AST2005-05a", "AST2005-05b"):
        rows = Commitment.objects.filter(reference=reference)
        before = rows.with_status_as_of(datetime.date(2006, 6, 14)).get()
        assert before.status_on == Status.UNASSESSED
        at_summit = rows.with_status_as_of(datetime.date(2006, 6, 15)).get()
        assert (at_summit.status_on, at_summit.status_since) == (
            Status.IMPLEMENTED,
            datetime.date(2006, 6, 15),
        )
