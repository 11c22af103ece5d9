"""Import an implementation record (evidence and assessments) read from CSV.

Every row goes through the services the pages use (``evidence_log``,
``assessment_record``), so the rules of the record live in one place: a real source
title, no date in the future, a closed status that cites standing evidence of its
own commitment, a member state the commitment binds. The whole file is one
transaction: every row's problem is collected (each row is tried in a savepoint)
and, if there is any, nothing is written. The status of every commitment the file
touched is derived once, at the end, by ``status_derive``. A row whose key was
imported before is compared with what it wrote: the same, it is left as it is;
different, it is refused, because evidence and assessments are never edited (retract
the evidence or correct the assessment on the pages, and give the new row a new
key)."""

import dataclasses

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from ..importer.records import ParsedRecord, RecordFileError, RecordRow, with_search
from ..models import Assessment, Body, BodyKind, Commitment, Evidence, Review
from .records import assessment_record, evidence_log
from .status import status_derive

# The model's name for a field, where the file's column is named otherwise.
COLUMN_OF = {"evidence": "cites", "event_date_precision": "event_date"}


@dataclasses.dataclass
class RecordImportResult:
    """What an import wrote (or, in a dry run, would have written)."""

    evidence_created: int = 0
    evidence_unchanged: int = 0
    assessments_created: int = 0
    assessments_unchanged: int = 0
    drafts: int = 0
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.evidence_created or self.assessments_created)


class _DryRun(Exception):
    """Raised to roll a dry run back once it has been checked in full."""


def _evidence_fields(row: RecordRow) -> dict:
    return {
        "event_date": row["event_date"],
        "event_date_precision": row["event_date_precision"],
        "summary": row["summary"],
        "source_title": row["source_title"],
        "source_publisher": row["source_publisher"],
        "source_url": row["source_url"],
        "source_language": row["source_language"],
        "archived_url": row["archived_url"],
        "accessed_on": row["accessed_on"],
        "excerpt": row["excerpt"],
        "direction": row["direction"],
        "confidence": row["confidence"],
    }


def _differences(stored, wanted: dict) -> list[str]:
    return [name for name, value in wanted.items() if getattr(stored, name) != value]


def _problems_of(error: ValidationError, row: int) -> list[tuple[int, str, str]]:
    if not hasattr(error, "error_dict"):
        return [(row, "record", message) for message in error.messages]
    problems = []
    for field, messages in error.message_dict.items():
        column = "record" if field == NON_FIELD_ERRORS else COLUMN_OF.get(field, field)
        # Two validators can say the same thing (a URL field's own and ours).
        problems.extend((row, column, message) for message in dict.fromkeys(messages))
    return problems


@transaction.atomic
def record_import(
    *,
    record: ParsedRecord,
    publish: bool = False,
    dry_run: bool = False,
) -> RecordImportResult:
    """Write the evidence and assessments of a record file, all or nothing.

    Assessments are drafts where review is on (``review_required()``) unless
    ``publish`` says the file has been reviewed already. Raises RecordFileError
    with every row's problem as (row, column, reason), the reader's and the
    database's in row order, having written nothing; ``dry_run`` checks
    everything the same way and writes nothing either.
    """
    result = RecordImportResult(dry_run=dry_run)
    try:
        with transaction.atomic():
            problems = record.problems + _import(
                record.rows, dict(record.refused), publish or None, result
            )
            if problems:
                problems.sort(key=lambda problem: problem[0] or 0)
                raise RecordFileError(record.source, problems)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return result


def _import(rows: list[RecordRow], refused, publish, result) -> list:
    references = {row.commitment for row in rows} | {
        row["superseded_by"] for row in rows if row.record == "assessment"
    }
    commitments = Commitment.objects.select_related("declaration").in_bulk(
        [r for r in references if r], field_name="reference"
    )
    states = Body.objects.filter(kind=BodyKind.MEMBER_STATE).in_bulk(field_name="slug")
    keys = [row.key for row in rows]
    stored_evidence = {
        e.record_key: e
        for e in Evidence.objects.select_related("commitment").filter(
            record_key__in=keys
        )
    }
    stored_assessments = {
        a.record_key: a
        for a in Assessment.objects.select_related(
            "commitment", "member_state", "superseded_by"
        )
        .prefetch_related("evidence")
        .filter(record_key__in=keys)
    }
    # Evidence by key: this file's rows as they are written, then earlier imports'.
    evidence_by_key: dict[str, Evidence] = {}
    touched: set[int] = set()
    problems = []
    now = timezone.now()

    def refuse(row, column, reason):
        problems.append((row.row, column, reason))
        refused[row.key] = row.row

    for row in rows:
        commitment = commitments.get(row.commitment)
        if commitment is None:
            refuse(
                row, "commitment", f"no commitment has the reference '{row.commitment}'"
            )
            continue
        if row.record == "evidence":
            if row.key in stored_assessments:
                refuse(row, "key", f"'{row.key}' is the key of an imported assessment")
                continue
            fields = _evidence_fields(row)
            stored = stored_evidence.get(row.key)
            if stored is not None:
                changed = _differences(stored, fields)
                if stored.commitment.reference != row.commitment:
                    changed.insert(0, "commitment")
                if changed:
                    refuse(
                        row,
                        changed[0],
                        f"evidence '{row.key}' was imported before with another "
                        f"{', '.join(changed)}; evidence is never edited: retract it "
                        "on the commitment's page and give the new row a new key",
                    )
                    continue
                evidence_by_key[row.key] = stored
                result.evidence_unchanged += 1
                continue
            try:
                with transaction.atomic():
                    evidence_by_key[row.key] = evidence_log(
                        commitment=commitment,
                        logged_by=None,
                        logged_at=now,
                        record_key=row.key,
                        derive=False,
                        **fields,
                    )
            except ValidationError as error:
                for problem in _problems_of(error, row.row):
                    problems.append(problem)
                refused[row.key] = row.row
                continue
            result.evidence_created += 1
            touched.add(commitment.pk)
            continue

        # An assessment.
        if row.key in stored_evidence:
            refuse(row, "key", f"'{row.key}' is the key of imported evidence")
            continue
        cited, missing = [], []
        for key in row["cites"]:
            if key in evidence_by_key:
                cited.append(evidence_by_key[key])
            elif key in refused:
                missing.append(f"'{key}' (row {refused[key]}, refused)")
            elif found := Evidence.objects.filter(record_key=key).first():
                cited.append(found)
            else:
                missing.append(f"'{key}'")
        if missing:
            refuse(
                row,
                "cites",
                f"no evidence to cite under the key {', '.join(missing)}: an "
                "assessment cites evidence rows of this file or of an earlier import",
            )
            continue
        member_state = None
        if row["member_state"]:
            member_state = states.get(row["member_state"])
            if member_state is None:
                refuse(
                    row,
                    "member_state",
                    f"no member state has the slug '{row['member_state']}'",
                )
                continue
        superseded_by = None
        if row["superseded_by"]:
            superseded_by = commitments.get(row["superseded_by"])
            if superseded_by is None:
                refuse(
                    row,
                    "superseded_by",
                    f"no commitment has the reference '{row['superseded_by']}'",
                )
                continue
        wanted = {
            "status": row["status"],
            "as_of": row["as_of"],
            "confidence": row["confidence"],
            "rationale": with_search(row["rationale"], row["searched"]),
            "member_state": member_state,
            "superseded_by": superseded_by,
        }
        stored = stored_assessments.get(row.key)
        if stored is not None:
            changed = _differences(stored, wanted)
            if stored.commitment.reference != row.commitment:
                changed.insert(0, "commitment")
            if {e.pk for e in stored.evidence.all()} != {e.pk for e in cited}:
                changed.append("cites")
            if changed:
                refuse(
                    row,
                    changed[0],
                    f"assessment '{row.key}' was imported before with another "
                    f"{', '.join(changed)}; an assessment is never edited: record a "
                    "correction on the commitment's page",
                )
                continue
            result.assessments_unchanged += 1
            continue
        try:
            with transaction.atomic():
                assessment = assessment_record(
                    commitment=commitment,
                    recorded_by=None,
                    evidence=cited,
                    publish=publish,
                    record_key=row.key,
                    derive=False,
                    **wanted,
                )
        except ValidationError as error:
            problems.extend(_problems_of(error, row.row))
            refused[row.key] = row.row
            continue
        result.assessments_created += 1
        result.drafts += assessment.review == Review.DRAFT
        touched.add(commitment.pk)
    if touched and not problems and not refused:
        status_derive(commitment_ids=sorted(touched))
    return problems
