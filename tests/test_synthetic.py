"""The synthetic data generator: exact sizes, and data that passes the codebook's
own integrity checks."""

import datetime
import io
import itertools
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from declarations import services
from declarations.importer import split_paragraphs
from declarations.models import (
    Assessment,
    Body,
    BodyKind,
    Commitment,
    CommitmentBody,
    CommitmentState,
    Deadline,
    DeadlineKind,
    DeadlineRevision,
    Declaration,
    Evidence,
    Paragraph,
    Precision,
    Status,
)
from declarations.models.commitments import REFERENCE_PATTERN
from declarations.models.deadlines import is_whole_period
from devtools import synthetic
from tests.checks import assert_figures_agree, derived_snapshot
from tests.factories import CommitmentFactory

pytestmark = pytest.mark.django_db

UNTIL = datetime.date(2024, 12, 31)
SIZES = {"commitments": 60, "evidence": 300, "assessments": 200, "declarations": 3}


def generate(*args, **sizes):
    sizes = {**SIZES, **sizes}
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "generate_synthetic",
        *(f"--{name}={value}" for name, value in sizes.items() if value is not None),
        "--seed=7",
        f"--until={UNTIL}",
        *args,
        stdout=out,
        stderr=err,
    )
    return out.getvalue(), err.getvalue()


@pytest.fixture
def generated():
    return generate()


def test_creates_exactly_what_it_is_asked_for(generated):
    out, err = generated
    assert Declaration.objects.count() == 3
    assert Commitment.objects.count() == 60
    assert Evidence.objects.count() == 300
    assert Assessment.objects.count() == 200
    assert Deadline.objects.count() == 60  # exactly one each
    assert 200 <= Body.objects.count() <= 400
    assert "commitments" in out and "60" in out
    assert "generate_synthetic" in err  # the progress bar, on stderr


def test_default_declarations_are_one_per_forty_commitments():
    generate(commitments=81, evidence=0, assessments=0, declarations=None)
    assert Declaration.objects.count() == 3


def test_every_deadline_kind_and_precision_is_present(generated):
    kinds = set(Deadline.objects.values_list("kind", flat=True))
    precisions = set(
        Deadline.objects.exclude(precision="").values_list("precision", flat=True)
    )
    assert kinds == set(DeadlineKind.values)
    assert precisions == set(Precision.values)
    assert DeadlineRevision.objects.exists()


def test_the_variety_the_ledger_needs(generated):
    assert Evidence.objects.filter(retracted_at__isnull=False).exists()
    assert Assessment.objects.filter(member_state__isnull=False).exists()
    assert Assessment.objects.filter(corrects__isnull=False).exists()
    assert Assessment.evidence.through.objects.exists()
    assert Body.objects.filter(kind=BodyKind.ORGAN, parent__isnull=False).exists()
    assert Body.objects.filter(parent__parent__parent__isnull=False).exists()
    assert Body.objects.filter(kind=BodyKind.EXTERNAL, parent__isnull=False).exists()
    counts = Commitment.objects.annotate(n=Count("body_links")).values_list(
        "n", flat=True
    )
    assert min(counts) >= 1 and max(counts) <= 4
    assert len(set(CommitmentBody.objects.values_list("role", flat=True))) == 3
    assert len(set(CommitmentState.objects.values_list("status", flat=True))) > 3


def test_every_object_passes_full_clean(generated):
    # Every codebook row; a sample of the rest keeps the test fast.
    every = {Declaration: 1, Paragraph: 1, Commitment: 1, Deadline: 1}
    sample = {Body: 5, CommitmentBody: 4, DeadlineRevision: 2, Evidence: 10}
    for model, step in {**every, **sample, Assessment: 4}.items():
        objects = list(model.objects.order_by("pk")[::step])
        assert objects
        for obj in objects:
            obj.full_clean()


def test_quotes_are_verbatim_and_the_full_text_reads_back_as_the_paragraphs(
    generated,
):
    for commitment in Commitment.objects.select_related("paragraph"):
        assert commitment.quote in commitment.paragraph.text
        assert commitment.paragraph.declaration_id == commitment.declaration_id
        if commitment.deadline.wording:
            assert commitment.deadline.wording in commitment.quote
    for declaration in Declaration.objects.all():
        parsed = split_paragraphs(declaration.full_text.split("\n"), 1)
        stored = list(declaration.paragraphs.order_by("number"))
        assert [(p.number, p.section, p.text) for p in parsed] == [
            (p.number, p.section, p.text) for p in stored
        ]
        assert stored[-1].section > 1


def test_references_are_unique_and_valid(generated):
    references = list(Commitment.objects.values_list("reference", flat=True))
    assert len(set(references)) == len(references)
    assert all(re.match(REFERENCE_PATTERN, r) for r in references)
    assert all(re.match(r"^SYN\d{4}-\d{3}[a-c]?$", r) for r in references)


def test_deadline_windows_match_their_precision(generated):
    for deadline in Deadline.objects.all():
        if deadline.kind in (DeadlineKind.VAGUE, DeadlineKind.NONE):
            assert deadline.earliest is None and deadline.precision == ""
        if deadline.earliest:
            assert is_whole_period(
                deadline.precision, deadline.earliest, deadline.latest
            )
    for revision in DeadlineRevision.objects.exclude(old_earliest=None):
        assert is_whole_period(
            revision.old_precision, revision.old_earliest, revision.old_latest
        )


def test_derived_data_is_what_the_services_derive(generated):
    generated_state = derived_snapshot()
    statuses = {row[1] for row in generated_state[0]}
    assert Status.UNASSESSED in statuses and len(statuses) > 3
    assert generated_state[1]
    for commitment_id in Commitment.objects.values_list("pk", flat=True):
        services.status_derive(commitment_ids=[commitment_id])
    assert derived_snapshot() == generated_state
    services.status_derive()
    assert derived_snapshot() == generated_state
    assert_figures_agree()


def test_member_state_assessments_only_for_bound_member_states(generated):
    for assessment in Assessment.objects.filter(member_state__isnull=False):
        assert assessment.member_state.kind == BodyKind.MEMBER_STATE
        assert CommitmentBody.objects.filter(
            commitment=assessment.commitment_id, body=assessment.member_state_id
        ).exists()


def test_corrections_correct_once_within_the_same_scope(generated):
    corrections = Assessment.objects.filter(corrects__isnull=False).select_related(
        "corrects"
    )
    targets = [c.corrects_id for c in corrections]
    assert len(targets) == len(set(targets))
    for correction in corrections:
        assert correction.corrects.commitment_id == correction.commitment_id
        assert correction.corrects.member_state_id == correction.member_state_id
        assert correction.recorded_at >= correction.corrects.recorded_at
        assert correction.pk > correction.corrects_id


def test_cited_evidence_belongs_to_the_same_commitment(generated):
    citations = Assessment.evidence.through.objects.select_related(
        "assessment", "evidence"
    )
    assert citations.exists()
    for citation in citations:
        assert citation.evidence.commitment_id == citation.assessment.commitment_id
        assert not citation.evidence.is_retracted
        assert citation.evidence.event_date <= citation.assessment.as_of
    for assessment in Assessment.objects.exclude(superseded_by=None):
        assert assessment.status == Status.SUPERSEDED
        assert assessment.superseded_by.declaration.date <= assessment.as_of


def test_nothing_is_dated_in_the_future_or_before_its_declaration(generated):
    now = timezone.now()
    for assessment in Assessment.objects.select_related("commitment__declaration"):
        assert assessment.commitment.declaration.date <= assessment.as_of <= UNTIL
        assert assessment.recorded_at <= now
        assert assessment.recorded_at.date() >= assessment.as_of
    for evidence in Evidence.objects.select_related("commitment__declaration"):
        assert evidence.commitment.declaration.date <= evidence.event_date <= UNTIL
        assert evidence.logged_at <= now
        if evidence.is_retracted:
            assert evidence.logged_at <= evidence.retracted_at <= now
            assert evidence.retraction_reason
        if evidence.accessed_on:
            assert evidence.accessed_on <= UNTIL
    assert DeadlineRevision.objects.filter(revised_at__gt=now).count() == 0


def test_no_historical_rows_for_bulk_data(generated):
    assert Commitment.history.count() == 0
    assert Deadline.history.count() == 0
    assert Body.history.count() == 0
    assert Declaration.history.count() == 0


def test_refuses_a_database_that_holds_commitments_and_writes_nothing():
    CommitmentFactory()
    before = {m: m.objects.count() for m in (Body, Declaration, Paragraph, Deadline)}
    with pytest.raises(CommandError, match="already holds 1 commitments"):
        generate()
    assert Commitment.objects.count() == 1
    assert {m: m.objects.count() for m in before} == before


def test_refuses_evidence_without_commitments():
    with pytest.raises(CommandError, match="need commitments"):
        generate(commitments=0, declarations=0)
    assert not Body.objects.exists()


def test_append_adds_after_what_is_there():
    generate(commitments=20, evidence=50, assessments=30, declarations=1)
    bodies = Body.objects.count()
    generate("--append", commitments=30, evidence=40, assessments=20, declarations=2)
    assert Commitment.objects.count() == 50
    assert Evidence.objects.count() == 90
    assert Assessment.objects.count() == 50
    assert Declaration.objects.count() == 3
    assert Body.objects.count() == bodies  # the synthetic bodies are reused
    prefixes = sorted(Declaration.objects.values_list("reference_prefix", flat=True))
    assert prefixes == ["SYN0001", "SYN0002", "SYN0003"]
    # The sequences follow the explicit keys: ordinary saves still work.
    commitment = Commitment.objects.order_by("pk").last()
    evidence = services.evidence_log(
        commitment=commitment,
        logged_by=None,
        event_date=UNTIL,
        summary="A later event.",
        source_title="A report",
    )
    assert evidence.pk > Evidence.objects.exclude(pk=evidence.pk).latest("pk").pk


def test_appends_to_a_hand_made_codebook():
    CommitmentFactory(reference="SYN0004-001")
    generate("--append", commitments=10, evidence=10, assessments=10, declarations=1)
    assert Declaration.objects.filter(reference_prefix="SYN0005").exists()
    assert Commitment.objects.count() == 11


def snapshot():
    return {
        "declarations": list(
            Declaration.objects.order_by("pk").values_list(
                "pk", "slug", "title", "date", "full_text", "content_hash"
            )
        ),
        "paragraphs": list(Paragraph.objects.order_by("pk").values_list()),
        "bodies": list(Body.objects.order_by("pk").values_list()),
        "commitments": list(Commitment.objects.order_by("pk").values_list()),
        "links": list(CommitmentBody.objects.order_by("pk").values_list()),
        "deadlines": list(Deadline.objects.order_by("pk").values_list()),
        "revisions": list(DeadlineRevision.objects.order_by("pk").values_list()),
        "evidence": list(Evidence.objects.order_by("pk").values_list()),
        "assessments": list(Assessment.objects.order_by("pk").values_list()),
        "citations": list(
            Assessment.evidence.through.objects.order_by("pk").values_list()
        ),
    }


def test_same_seed_same_data_and_another_seed_other_data():
    runs = []
    for seed in (7, 7, 8):
        with transaction.atomic():
            synthetic.generate(**SIZES, seed=seed, until=UNTIL)
            runs.append(snapshot())
            transaction.set_rollback(True)
    assert runs[0] == runs[1]
    assert runs[0]["commitments"] != runs[2]["commitments"]
    assert runs[0]["evidence"] != runs[2]["evidence"]


def test_refuses_a_last_day_in_the_future():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(CommandError, match="in the future"):
        call_command(
            "generate_synthetic",
            "--commitments=5",
            f"--until={tomorrow}",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )


def test_read_ahead_keeps_order_and_raises_the_producers_error():
    assert list(synthetic.read_ahead(iter(range(5)))) == [0, 1, 2, 3, 4]

    def broken():
        yield 1
        raise RuntimeError("boom")

    seen = []
    with pytest.raises(RuntimeError, match="boom"):
        for item in synthetic.read_ahead(broken()):
            seen.append(item)
    assert seen == [1]
    # Leaving early stops the thread.
    for item in synthetic.read_ahead(itertools.count()):
        if item == 3:
            break
