"""The implementation record as a researcher checks it: evidence that names its
source, the CSV it is imported from (``import_evidence``), and the coding
manual's checkable rules over the shipped Astana record."""

import csv
import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from declarations.importer.records import COLUMNS, SEARCHED_LABEL
from declarations.manual import render_manual
from declarations.models import (
    Assessment,
    Body,
    Commitment,
    CommitmentBody,
    CommitmentKind,
    DatePrecision,
    Evidence,
    Paragraph,
    Review,
    Role,
    Status,
)
from declarations.models.records import real_title
from tests.checks import derived_snapshot
from tests.conftest import RECORD
from tests.factories import (
    CommitmentBodyFactory,
    CommitmentFactory,
    EvidenceFactory,
    MemberStateFactory,
    state_of,
)

pytestmark = pytest.mark.django_db


# ------------------------------------------------------ evidence names its source


@pytest.mark.parametrize(
    "title",
    [
        "[no title in corpus excerpt]",
        "［無題］",
        "[Untitled]",
        "Untitled",
        "untitled.",
        "N/A",
        " n/a ",
        "none",
        "—",
        "...",
        "(no title)",
        "Report, no title given",
    ],
)
def test_a_placeholder_title_is_refused_by_the_field(title):
    evidence = EvidenceFactory.build(
        commitment=EvidenceFactory().commitment, source_title=title
    )
    with pytest.raises(ValidationError) as refused:
        evidence.full_clean()
    assert "placeholder" in str(refused.value.message_dict["source_title"])


@pytest.mark.parametrize(
    "title",
    [
        "Joint Communiqué of the Meeting of the Council of Heads of State",
        "中国拟批准有关修改上合组织宪章议定书",
        "Title IX and the SCO",
        "Federal Law No. 126-FZ [on ratification]",
    ],
)
def test_a_real_title_passes(title):
    evidence = EvidenceFactory.build(
        commitment=EvidenceFactory().commitment,
        source_title=title,
        source_language="en",
        confidence="high",
    )
    evidence.full_clean()


@pytest.mark.parametrize("title", ["[no title in corpus excerpt]", "UNTITLED", "n/a"])
def test_the_database_refuses_a_placeholder_title(title):
    evidence = EvidenceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Evidence.objects.filter(pk=evidence.pk).update(source_title=title)


def test_the_database_refuses_an_unknown_confidence_and_a_non_http_archive():
    evidence = EvidenceFactory()
    for change in ({"confidence": "certain"}, {"archived_url": "ftp://x.org/a"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Evidence.objects.filter(pk=evidence.pk).update(**change)


@pytest.mark.parametrize(
    ("code", "name"),
    [("en", "English"), ("ru", "Russian"), ("zh", "Chinese"), ("kk", "Kazakh")],
)
def test_a_language_code_is_named(code, name):
    assert Evidence(source_language=code).source_language_name == name


@pytest.mark.parametrize("code", ["Russian", "e", "EN", "en_GB", "русский"])
def test_a_language_is_a_short_code(code):
    evidence = EvidenceFactory.build(
        commitment=EvidenceFactory().commitment, source_language=code
    )
    with pytest.raises(ValidationError) as refused:
        evidence.full_clean()
    assert "source_language" in refused.value.message_dict


# ------------------------------------------------------------------ import_evidence

HEADER = ",".join(COLUMNS)


def csv_row(**values) -> str:
    """One CSV line holding the given columns, the others empty."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([values.get(c, "") for c in COLUMNS])
    return out.getvalue()


def evidence_row(**overrides) -> str:
    return csv_row(
        **{
            "record": "evidence",
            "key": "E1",
            "commitment": "TST-01",
            "event_date": "2006-06-15",
            "summary": "The heads of state approved the regulations.",
            "source_title": "Joint Communiqué of the 2006 Summit",
            "source_publisher": "China.org.cn",
            "source_url": "http://china.org.cn/communique.htm",
            "source_language": "en",
            "accessed_on": "2026-11-30",
            "excerpt": "approved a new version of the regulations",
            "direction": "toward",
            "confidence": "high",
            **overrides,
        }
    )


def assessment_row(**overrides) -> str:
    return csv_row(
        **{
            "record": "assessment",
            "key": "A1",
            "commitment": "TST-01",
            "status": "implemented",
            "as_of": "2006-06-15",
            "confidence": "medium",
            "rationale": "The summit approved them. The communiqué says so.",
            "cites": "E1",
            **overrides,
        }
    )


@pytest.fixture
def record_file(tmp_path):
    def write(*rows, header=HEADER, name="record.csv"):
        path = tmp_path / name
        path.write_text(header + "\n" + "".join(rows), encoding="utf-8")
        return path

    return write


@pytest.fixture
def commitment():
    commitment = CommitmentFactory(reference="TST-01")
    state = MemberStateFactory(slug="kazakhstan")
    CommitmentBodyFactory(commitment=commitment, body=state, role=Role.RESPONSIBLE)
    MemberStateFactory(slug="china")  # a member state it does not bind
    CommitmentFactory(reference="TST-02")
    return commitment


def run(path, *options) -> str:
    out = io.StringIO()
    call_command("import_evidence", str(path), *options, stdout=out)
    return out.getvalue()


def refusal(path, *options) -> list[str]:
    """The lines of the error, having checked that nothing was written."""
    before = snapshot()
    with pytest.raises(CommandError) as refused:
        run(path, *options)
    assert snapshot() == before
    lines = str(refused.value).splitlines()
    assert lines[-1] == "Nothing was imported."
    return lines[:-1]


def snapshot():
    return (
        list(Evidence.objects.order_by("pk").values()),
        list(Assessment.objects.order_by("pk").values()),
        derived_snapshot(),
    )


def test_a_record_file_is_imported_published_and_derived(commitment, record_file):
    path = record_file(evidence_row(), assessment_row())
    out = run(path)
    assert "evidence: 1 created, 0 unchanged; assessments: 1 created" in out
    evidence = Evidence.objects.get()
    assert (evidence.record_key, evidence.source_language, evidence.confidence) == (
        "E1",
        "en",
        "high",
    )
    assert evidence.accessed_on == datetime.date(2026, 11, 30)
    assessment = Assessment.objects.get()
    assert assessment.record_key == "A1"
    assert list(assessment.evidence.all()) == [evidence]
    assert assessment.review == Review.PUBLISHED  # review is off in the tests
    assert state_of(commitment).status == Status.IMPLEMENTED
    assert state_of(commitment).since == datetime.date(2006, 6, 15)


def test_dates_known_to_the_month_or_year_keep_their_precision(commitment, record_file):
    run(
        record_file(
            evidence_row(key="E1", event_date="2006-06"),
            evidence_row(key="E2", event_date="2006"),
        )
    )
    dates = dict(Evidence.objects.values_list("record_key", "event_date_precision"))
    assert dates == {"E1": DatePrecision.MONTH, "E2": DatePrecision.YEAR}
    assert Evidence.objects.get(record_key="E1").event_date == datetime.date(2006, 6, 1)


def test_no_evidence_carries_what_was_searched(commitment, record_file):
    path = record_file(
        assessment_row(
            status="no_evidence",
            as_of="2005-07-05",
            cites="",
            rationale="Nothing found says it was done. It stays open.",
            searched="Pages corpus: 'SCO budget 2005' in English and Russian.",
        )
    )
    run(path)
    assessment = Assessment.objects.get()
    assert assessment.rationale == (
        "Nothing found says it was done. It stays open.\n\nWhat was searched: "
        "Pages corpus: 'SCO budget 2005' in English and Russian."
    )
    assert state_of(commitment).status == Status.NO_EVIDENCE


def test_a_member_state_is_assessed_beside_the_whole(commitment, record_file):
    run(
        record_file(
            evidence_row(),
            assessment_row(key="A1", status="in_progress"),
            assessment_row(key="A2", status="in_progress", member_state="kazakhstan"),
        )
    )
    assert Assessment.objects.get(record_key="A2").member_state.slug == "kazakhstan"


# Each problem, the row (the header is row 1) and the column it names.
ROW_PROBLEMS = [
    ({"record": "event"}, "record", "neither 'evidence' nor 'assessment'"),
    ({"key": ""}, "key", "give each row a key"),
    ({"key": "E 1"}, "key", "not 'E 1'"),
    ({"commitment": "TST-99"}, "commitment", "no commitment has the reference"),
    ({"event_date": "15/06/2006"}, "event_date", "is not a date"),
    ({"event_date": "2099-01-01"}, "event_date", "cannot be in the future"),
    ({"accessed_on": "yesterday"}, "accessed_on", "is not a day"),
    ({"accessed_on": "2099-01-01"}, "accessed_on", "cannot be in the future"),
    ({"summary": ""}, "summary", "an evidence row needs it"),
    ({"source_title": "[no title in corpus excerpt]"}, "source_title", "placeholder"),
    ({"source_title": "untitled"}, "source_title", "placeholder"),
    ({"source_url": "javascript:alert(1)"}, "source_url", "Enter a valid URL"),
    ({"archived_url": "ftp://a.org/x"}, "archived_url", "Enter a valid URL"),
    ({"source_language": "Russian"}, "source_language", "short code"),
    ({"excerpt": ""}, "excerpt", "an evidence row needs it"),
    ({"direction": "up"}, "direction", "'up' is not one of: toward, against"),
    ({"confidence": "sure"}, "confidence", "'sure' is not one of: low, medium"),
    ({"status": "implemented"}, "status", "an evidence row leaves this column empty"),
    ({"summary": "x" * 4001}, "summary", "at most 4000 characters"),
    ({"summary": "a\x0cb"}, "summary", "form feed"),
]


@pytest.mark.parametrize(("overrides", "column", "reason"), ROW_PROBLEMS)
def test_each_problem_of_an_evidence_row_names_file_row_and_column(
    commitment, record_file, overrides, column, reason
):
    path = record_file(evidence_row(key="E0"), evidence_row(**overrides))
    (line,) = refusal(path)
    assert line.startswith(f"{path}:3: {column}: "), line
    assert reason in line


ASSESSMENT_PROBLEMS = [
    ({"status": "unassessed"}, "status", "'unassessed' is not one of"),
    ({"status": ""}, "status", "an assessment row needs it"),
    ({"as_of": "2006-6-15"}, "as_of", "is not a day"),
    ({"as_of": "2005-07-04"}, "as_of", "before the declaration"),
    ({"as_of": "2099-01-01"}, "as_of", "cannot be in the future"),
    ({"rationale": "Done."}, "rationale", "at least 4 words"),
    ({"cites": "E9"}, "cites", "no evidence to cite under the key 'E9'"),
    ({"cites": "E1 E1"}, "cites", "a key is cited twice"),
    ({"cites": ""}, "cites", "cite at least one piece of evidence"),
    ({"status": "no_evidence", "cites": ""}, "searched", "what was searched"),
    ({"member_state": "china"}, "member_state", "not a member state this"),
    ({"member_state": "atlantis"}, "member_state", "no member state has the slug"),
    ({"status": "superseded"}, "superseded_by", "Name what superseded it"),
    ({"superseded_by": "TST-98"}, "superseded_by", "no commitment has the reference"),
    ({"summary": "Something."}, "summary", "an assessment row leaves this column"),
    ({"confidence": ""}, "confidence", "an assessment row needs it"),
]


@pytest.mark.parametrize(("overrides", "column", "reason"), ASSESSMENT_PROBLEMS)
def test_each_problem_of_an_assessment_row_names_file_row_and_column(
    commitment, record_file, overrides, column, reason
):
    path = record_file(evidence_row(), assessment_row(**overrides))
    (line,) = refusal(path)
    assert line.startswith(f"{path}:3: {column}: "), line
    assert reason in line


def test_evidence_of_another_commitment_cannot_be_cited(commitment, record_file):
    path = record_file(evidence_row(commitment="TST-02"), assessment_row())
    assert refusal(path) == [
        f"{path}:3: cites: Cited evidence must belong to this commitment."
    ]


def test_every_problem_of_the_file_is_reported_at_once(commitment, record_file):
    path = record_file(
        evidence_row(key="E1", source_title="[no title]"),
        evidence_row(key="E2", direction="up"),
        evidence_row(key="E2"),
        assessment_row(key="A1", cites="E1"),
        evidence_row(key="E3"),
    )
    lines = refusal(path)
    assert [line.split(": ")[0:2] for line in lines] == [
        [f"{path}:2", "source_title"],
        [f"{path}:3", "direction"],
        [f"{path}:4", "key"],
        [f"{path}:5", "cites"],
    ]
    assert "'E1' (row 2, refused)" in lines[-1]


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (HEADER.replace(",searched", ""), "missing column(s): searched"),
        (HEADER + ",notes", "unknown column(s): notes"),
        ("", "the file is empty"),
    ],
)
def test_a_file_without_the_documented_columns_is_refused(
    commitment, record_file, header, reason
):
    path = record_file(header=header)
    (line,) = refusal(path)
    assert line == f"{path}:1: header: {reason}"


def test_a_file_that_is_not_utf8_or_too_large_is_refused(
    commitment, tmp_path, settings
):
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        (HEADER + "\n").encode() + evidence_row(summary="é").encode("latin-1")
    )
    (line,) = refusal(path)
    assert line.startswith(f"{path}:1: file: not UTF-8 text")
    settings.TRACKER_MAX_IMPORT_BYTES = 100
    (line,) = refusal(tmp_path / "latin1.csv")
    assert "larger than 100 bytes" in line


def test_a_bad_row_leaves_the_database_as_it_was(commitment, record_file):
    run(record_file(evidence_row(key="E0"), name="first.csv"))
    before = snapshot()
    path = record_file(
        evidence_row(key="E1"),
        assessment_row(key="A1"),
        evidence_row(key="E2", commitment="TST-99"),
    )
    refusal(path)
    assert snapshot() == before
    assert state_of(commitment).status == Status.UNASSESSED


def test_importing_the_same_file_again_changes_nothing_and_says_so(
    commitment, record_file
):
    path = record_file(evidence_row(), assessment_row())
    run(path)
    before = snapshot()
    out = run(path)
    assert (
        "evidence: 0 created, 1 unchanged; assessments: 0 created, 1 unchanged" in out
    )
    assert "Nothing new: the file was imported before." in out
    assert snapshot() == before


def test_a_row_changed_since_its_import_is_refused_not_edited(commitment, record_file):
    run(record_file(evidence_row(), assessment_row()))
    path = record_file(evidence_row(summary="Another summary."), assessment_row())
    line, cited = refusal(path)
    assert line.startswith(f"{path}:2: summary: evidence 'E1' was imported before")
    assert "never edited" in line
    assert cited.startswith(f"{path}:3: cites: ")  # it cites the refused row
    path = record_file(evidence_row(), assessment_row(status="in_progress"))
    (line,) = refusal(path)
    assert line.startswith(f"{path}:3: status: assessment 'A1' was imported before")


def test_a_later_file_cites_evidence_of_an_earlier_import(commitment, record_file):
    run(record_file(evidence_row(), name="evidence.csv"))
    run(record_file(assessment_row(), name="assessments.csv"))
    assert Assessment.objects.get().evidence.get().record_key == "E1"


def test_assessments_land_as_drafts_where_review_is_on(
    commitment, record_file, settings
):
    settings.TRACKER_REVIEW_REQUIRED = True
    out = run(record_file(evidence_row(), assessment_row()))
    assert "1 created (1 as drafts awaiting review)" in out
    assert Assessment.objects.get().review == Review.DRAFT
    assert state_of(commitment).status == Status.UNASSESSED  # counts nowhere yet


def test_publish_publishes_a_reviewed_file_where_review_is_on(
    commitment, record_file, settings
):
    settings.TRACKER_REVIEW_REQUIRED = True
    run(record_file(evidence_row(), assessment_row()), "--publish")
    assert Assessment.objects.get().review == Review.PUBLISHED
    assert state_of(commitment).status == Status.IMPLEMENTED


def test_a_dry_run_checks_everything_and_writes_nothing(commitment, record_file):
    before = snapshot()
    out = run(record_file(evidence_row(), assessment_row()), "--dry-run")
    assert "evidence: 1 would be created" in out
    assert "Dry run: nothing was written." in out
    assert snapshot() == before
    bad = record_file(evidence_row(), assessment_row(cites="E7"), name="bad.csv")
    (line,) = refusal(bad, "--dry-run")
    assert line.startswith(f"{bad}:3: cites: ")


def test_the_help_documents_every_column():
    from declarations.management.commands.import_evidence import COLUMN_HELP

    for column in COLUMNS:
        assert re.search(rf"^  {column}\b", COLUMN_HELP, re.M), column


# ------------------------------------- the coding manual's rules, over the record


def names_of(body) -> list[str]:
    """The ways the text can name a body: its name, short name and aliases."""
    return [n for n in (body.name, body.short_name, *body.aliases.splitlines()) if n]


def test_every_paragraph_records_its_commitments_or_says_why_not(codebook):
    assert not Paragraph.objects.unexplained().exists()
    for paragraph in Paragraph.objects.filter(commitments__isnull=True):
        assert len(paragraph.coding_note.split()) >= 4, paragraph.number


def test_the_reader_shows_every_paragraphs_coding_note(client, codebook):
    declaration = Paragraph.objects.select_related("declaration").first().declaration
    html = client.get(declaration.get_absolute_url()).content.decode()
    for paragraph in Paragraph.objects.all():
        assert f'id="note-{paragraph.anchor}"' in html, paragraph.number


def test_no_supporting_body_the_paragraph_does_not_name(codebook):
    links = CommitmentBody.objects.filter(role=Role.SUPPORTING).select_related(
        "body", "commitment__paragraph"
    )
    assert links.exists()
    for link in links:
        text = link.commitment.paragraph.text.casefold()
        assert any(name.casefold() in text for name in names_of(link.body)), (
            link.commitment.reference,
            link.body.slug,
        )


def test_a_call_binds_its_addressee_and_no_responsible_body(codebook):
    calls = Commitment.objects.filter(kind=CommitmentKind.CALL)
    assert calls.exists()
    for call in calls:
        roles = set(call.body_links.values_list("role", flat=True))
        assert roles == {Role.ADDRESSEE}, call.reference


def test_the_sco_is_the_organisation_not_the_council_of_heads_of_state(codebook):
    sco = Body.objects.get(slug="shanghai-cooperation-organization")
    council = Body.objects.get(slug="council-of-heads-of-state")
    for commitment in Commitment.objects.owned_by(sco).select_related("paragraph"):
        assert "SCO" in commitment.paragraph.text, commitment.reference
    # The Council owns only what the heads of state did in their own session.
    owned = Commitment.objects.owned_by(council, role=Role.RESPONSIBLE)
    assert set(owned.values_list("reference", flat=True)) == {"AST2005-12"}


def test_every_closed_status_cites_standing_evidence(codebook):
    closed = Assessment.objects.published().filter(status__in=Status.closed_values())
    assert closed.exists()
    for assessment in closed.prefetch_related("evidence"):
        standing = [e for e in assessment.evidence.all() if not e.is_retracted]
        assert standing, assessment.record_key
        assert {e.commitment_id for e in standing} == {assessment.commitment_id}


def explains_its_date(assessment) -> bool:
    """The rationale says why 'as of' is the day it is (manual, section 7)."""
    rationale = assessment.rationale.casefold()
    named = f"{assessment.as_of:%-d %B %Y}".casefold() in rationale
    return "as of" in rationale and (named or "declaration's date" in rationale)


def test_every_status_date_is_a_cited_event_or_is_explained(codebook):
    for assessment in Assessment.objects.prefetch_related("evidence"):
        days = {e.event_date for e in assessment.evidence.all()}
        assert assessment.as_of in days or explains_its_date(assessment), (
            assessment.record_key,
            assessment.as_of,
        )


def test_no_evidence_says_what_was_searched_and_dates_from_adoption(codebook):
    unknown = Assessment.objects.filter(status=Status.NO_EVIDENCE)
    assert unknown.exists()
    for assessment in unknown.select_related("commitment__declaration"):
        searched = assessment.rationale.partition(SEARCHED_LABEL)[2]
        assert len(searched.split()) >= 4, assessment.record_key
        assert assessment.as_of == assessment.commitment.declaration.date


def test_every_rationale_says_why_in_sentences(codebook):
    for assessment in Assessment.objects.all():
        reasoning = assessment.rationale.partition(SEARCHED_LABEL)[0]
        sentences = re.findall(r"[.!?](\s|$)", reasoning)
        assert len(sentences) >= 2, assessment.record_key


def test_every_source_is_named_as_a_researcher_needs_it(codebook):
    evidence = list(Evidence.objects.all())
    assert len(evidence) == 89
    for entry in evidence:
        real_title(entry.source_title)  # raises on a placeholder
        assert entry.source_publisher, entry.record_key
        assert entry.accessed_on, entry.record_key
        assert entry.excerpt, entry.record_key
        assert entry.source_language, entry.record_key
        assert entry.confidence, entry.record_key
        assert entry.source_url.startswith(("http://", "https://"))


def test_no_source_is_a_mirror_a_farm_or_a_redirect(codebook):
    banned = ("movatter.jp", "knowledgr.com", "weblio", "blogspot.", "wikipedia.org")
    for url in Evidence.objects.values_list("source_url", flat=True):
        assert not any(b in url for b in banned), url


def test_every_commitment_is_assessed_and_published(codebook):
    unassessed = Commitment.objects.exclude(
        pk__in=Assessment.objects.counting().values("commitment")
    )
    assert not unassessed.exists(), list(unassessed.values_list("reference", flat=True))
    today = timezone.localdate()
    statuses = Commitment.objects.with_status_as_of(today).values_list(
        "status_on", flat=True
    )
    assert Status.UNASSESSED not in set(statuses)


def test_every_evidence_page_item_shows_its_source(client, codebook):
    commitment = Commitment.objects.get(reference="AST2005-05a")
    html = client.get(commitment.get_absolute_url()).content.decode()
    for entry in commitment.evidence.all():
        assert f'id="evidence-{entry.pk}"' in html
        assert f"accessed {entry.accessed_on:%-d %b %Y}" in html
    assert "[no title" not in html
    assert "(in Chinese)" in html and "(in English)" in html


def test_reimporting_the_shipped_record_changes_nothing(codebook):
    before = snapshot()
    out = io.StringIO()
    call_command("import_evidence", str(RECORD), "--publish", stdout=out)
    assert "evidence: 0 created, 89 unchanged" in out.getvalue()
    assert "assessments: 0 created, 46 unchanged" in out.getvalue()
    assert snapshot() == before


# ---------------------------------------------- the manual on the methodology page


def test_the_methodology_page_prints_the_coding_manual(client, db):
    html = client.get(reverse("declarations:methodology")).content.decode()
    assert '<a href="#coding-manual">The coding manual</a>' in html
    assert '<h3 id="manual-3-who-is-responsible">3. Who is responsible</h3>' in html
    assert "<h1>Coding manual</h1>" not in html  # the page's heading names it
    assert "<th>status</th>" in html  # the manual's table of statuses
    assert "Open-ended practices are never" in html
    assert "<strong>member states as the implied actor</strong>" in html


def test_the_manual_is_rendered_with_html_and_unsafe_links_off():
    html = render_manual(
        "# Title\n\n## Rules\n\n<script>alert(1)</script>\n\n"
        "[click](javascript:alert(1)) and [a page](https://example.org/)\n"
    )
    assert "<h1>" not in html and "Title" not in html
    assert '<h3 id="manual-rules">Rules</h3>' in html
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript:' not in html
    assert '<a href="https://example.org/">a page</a>' in html
