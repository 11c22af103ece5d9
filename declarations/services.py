"""Writes that touch several rows or carry rules: each is one transaction, which
takes the ledger's write lock first (``ledger_write``)."""

import dataclasses
import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import slugify

from .importer import ParsedDocument
from .models import (
    Assessment,
    Body,
    BodyKind,
    Commitment,
    Deadline,
    DeadlineRevision,
    Declaration,
    Evidence,
    LedgerVersion,
    Paragraph,
    Status,
    StatusPeriod,
    ledger_write,
)
from .models.status import first_implemented, grouped_by_commitment, periods_from


class ImportRefused(ValueError):
    """The document is readable but importing it would overwrite or break data."""


class StaleAssessment(ValidationError):
    """The assessment form was built before someone else recorded an assessment."""

    def __init__(self, latest: Assessment):
        self.latest = latest
        who = (
            latest.recorded_by.get_username() if latest.recorded_by else "the codebook"
        )
        super().__init__(
            f"Someone assessed this commitment while you were editing: {who} recorded "
            f"'{latest.get_status_display()}' as of {latest.as_of:%-d %B %Y} at "
            f"{timezone.localtime(latest.recorded_at):%-d %B %Y %H:%M}. Review it and "
            "submit again if your assessment still stands.",
            code="stale",
        )


@dataclasses.dataclass(frozen=True)
class ImportResult:
    declaration: Declaration
    action: str  # "created", "unchanged" or "replaced"


def _unique(candidate: str, taken, suffixes) -> str:
    if not taken(candidate):
        return candidate
    for suffix in suffixes:
        if not taken(f"{candidate}{suffix}"):
            return f"{candidate}{suffix}"
    raise ImportRefused(f"cannot find a free identifier starting {candidate!r}")


def _words_up_to(slug: str, length: int) -> str:
    """The slug cut to at most ``length`` characters, at a word's end if it can."""
    if len(slug) <= length:
        return slug
    return slug[: length + 1].rsplit("-", 1)[0] or slug[:length]


def default_slug(doc: ParsedDocument) -> str:
    base = _words_up_to(slugify(doc.place), 40) or _words_up_to(slugify(doc.title), 60)
    return _unique(
        f"{base}-{doc.date.year}",
        lambda s: Declaration.objects.filter(slug=s).exists(),
        (f"-{doc.date:%m-%d}", *(f"-{n}" for n in range(2, 100))),
    )


def default_reference_prefix(doc: ParsedDocument) -> str:
    letters = re.sub(r"[^A-Za-z]", "", doc.place)[:3]
    if not letters:
        words = re.findall(r"[A-Za-z]+", doc.title)
        letters = "".join(w[0] for w in words if len(w) > 3)[:4] or "DECL"
    return _unique(
        f"{letters.upper()}{doc.date.year}",
        lambda p: Declaration.objects.filter(reference_prefix=p).exists(),
        "BCDEFGHIJKLMNOPQRSTUVWXYZ",
    )


def _content_hash(doc: ParsedDocument) -> str:
    header = "\n".join(f"[{k}] {v}" for k, v in sorted(doc.fields.items()))
    return Declaration.hash_text(f"{doc.banner}\n{header}\n{doc.full_text}")


@ledger_write()
def declaration_import(
    *,
    doc: ParsedDocument,
    replace: bool = False,
    slug: str | None = None,
    reference_prefix: str | None = None,
) -> ImportResult:
    """Create or update a declaration and its paragraphs from a parsed document.

    The same document again changes nothing ("unchanged"). A different text under
    the same title and date is refused unless ``replace``; replacing keeps every
    commitment on its paragraph number and refuses if a quote would no longer be
    found there.
    """
    content_hash = _content_hash(doc)
    existing = (
        Declaration.objects.select_for_update()
        .filter(title=doc.title, date=doc.date)
        .first()
    )
    if existing and existing.content_hash == content_hash:
        return ImportResult(existing, "unchanged")
    if existing and not replace:
        raise ImportRefused(
            f"{doc.source}: a different text of '{doc.title}' ({doc.date}) is already "
            f"imported as '{existing.slug}'. Use --replace to replace it."
        )
    declaration = existing or Declaration(
        slug=slug or default_slug(doc),
        reference_prefix=reference_prefix or default_reference_prefix(doc),
    )
    declaration.title = doc.title
    declaration.place = doc.place
    declaration.date = doc.date
    declaration.source = doc.source_name
    declaration.header_fields = doc.fields
    declaration.banner = doc.banner
    declaration.full_text = doc.full_text
    declaration.content_hash = content_hash
    declaration.source_file = doc.source.rsplit("/", 1)[-1][:255]
    declaration.full_clean()
    declaration.save()
    if existing:
        _replace_paragraphs(declaration, doc)
        return ImportResult(declaration, "replaced")
    Paragraph.objects.bulk_create(
        Paragraph(
            declaration=declaration, number=p.number, section=p.section, text=p.text
        )
        for p in doc.paragraphs
    )
    return ImportResult(declaration, "created")


def _replace_paragraphs(declaration: Declaration, doc: ParsedDocument) -> None:
    new = {p.number: p for p in doc.paragraphs}
    problems = []
    for commitment in declaration.commitments.select_related("paragraph"):
        number = commitment.paragraph.number
        if number not in new:
            problems.append(
                f"{commitment.reference} cites paragraph {number}, which the new text "
                "does not have"
            )
        elif commitment.quote not in new[number].text:
            problems.append(
                f"{commitment.reference}'s quote is no longer in paragraph {number}"
            )
    if problems:
        raise ImportRefused(
            f"{doc.source}: replacing the text would break commitments: "
            + "; ".join(problems)
        )
    old = {p.number: p for p in declaration.paragraphs.all()}
    for number, parsed in new.items():
        paragraph = old.pop(number, None) or Paragraph(
            declaration=declaration, number=number
        )
        paragraph.section, paragraph.text = parsed.section, parsed.text
        paragraph.save()
    Paragraph.objects.filter(pk__in=[p.pk for p in old.values()]).delete()


def _not_in_future(value: datetime.date, field: str, what: str) -> None:
    if value > timezone.localdate():
        raise ValidationError({field: f"The {what} cannot be in the future."})


@ledger_write()
def evidence_log(*, commitment: Commitment, logged_by, **fields) -> Evidence:
    """Validate and save one piece of evidence for a commitment."""
    evidence = Evidence(commitment=commitment, logged_by=logged_by, **fields)
    evidence.full_clean()
    _not_in_future(evidence.event_date, "event_date", "event date")
    if evidence.accessed_on:
        _not_in_future(evidence.accessed_on, "accessed_on", "accessed date")
    evidence.save()
    return evidence


@ledger_write()
def evidence_retract(*, evidence: Evidence, retracted_by, reason: str) -> Evidence:
    """Mark evidence retracted with its reason; the record itself stays."""
    evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
    if evidence.is_retracted:
        raise ValidationError("This evidence is already retracted.")
    if not reason.strip():
        raise ValidationError(
            {"retraction_reason": "Say why the evidence is retracted."}
        )
    evidence.retracted_at = timezone.now()
    evidence.retracted_by = retracted_by
    evidence.retraction_reason = reason.strip()
    evidence.full_clean()
    evidence.save(update_fields=["retracted_at", "retracted_by", "retraction_reason"])
    return evidence


def _effective_history(assessments):
    """(commitment id, as_of, status) of effective overall assessments, in order."""
    return (
        assessments.overall()
        .effective()
        .order_by("commitment_id", "as_of", "recorded_at", "pk")
        .values_list("commitment_id", "as_of", "status")
    )


def commitment_refresh_status(commitment: Commitment) -> None:
    """Re-derive a commitment's status periods, current status and implementation
    date from its effective overall assessments."""
    history = [
        (as_of, status)
        for _, as_of, status in _effective_history(
            Assessment.objects.filter(commitment=commitment)
        )
    ]
    periods = periods_from(history)
    StatusPeriod.objects.filter(commitment=commitment).delete()
    StatusPeriod.objects.bulk_create(
        StatusPeriod(commitment=commitment, status=st, starts_on=start, ends_on=end)
        for st, start, end in periods
    )
    status, since = (
        (periods[-1][0], periods[-1][1]) if periods else (Status.UNASSESSED, None)
    )
    implemented = first_implemented(history)
    Commitment.objects.filter(pk=commitment.pk).update(
        current_status=status,
        current_status_since=since,
        first_implemented_on=implemented,
    )
    commitment.current_status, commitment.current_status_since = status, since
    commitment.first_implemented_on = implemented


@ledger_write()
def status_rebuild(*, batch_size: int = 5000) -> int:
    """Re-derive every commitment's status periods and derived columns in bulk.

    For data loaded without the services (bulk generation, raw SQL); returns the
    number of commitments with at least one assessment.
    """
    StatusPeriod.objects.all().delete()
    Commitment.objects.update(
        current_status=Status.UNASSESSED,
        current_status_since=None,
        first_implemented_on=None,
    )
    rows = _effective_history(Assessment.objects.all()).iterator(chunk_size=batch_size)
    periods, changed, assessed = [], [], 0
    for commitment_id, history in grouped_by_commitment(rows):
        assessed += 1
        spans = periods_from(history)
        periods.extend(
            StatusPeriod(commitment_id=commitment_id, status=st, starts_on=a, ends_on=b)
            for st, a, b in spans
        )
        changed.append(
            Commitment(
                pk=commitment_id,
                current_status=spans[-1][0],
                current_status_since=spans[-1][1],
                first_implemented_on=first_implemented(history),
            )
        )
        if len(changed) >= batch_size:
            _flush_rebuild(periods, changed, batch_size)
            periods, changed = [], []
    _flush_rebuild(periods, changed, batch_size)
    LedgerVersion.bump()
    return assessed


def _flush_rebuild(periods, changed, batch_size):
    StatusPeriod.objects.bulk_create(periods, batch_size=batch_size)
    Commitment.objects.bulk_update(
        changed,
        ["current_status", "current_status_since", "first_implemented_on"],
        batch_size=batch_size,
    )


def latest_assessment_id(commitment: Commitment) -> int | None:
    """The id of the most recently recorded assessment of a commitment (any kind)."""
    return (
        Assessment.objects.filter(commitment=commitment)
        .order_by("-recorded_at", "-pk")
        .values_list("pk", flat=True)
        .first()
    )


@ledger_write()
def assessment_record(
    *,
    commitment: Commitment,
    recorded_by,
    status: str,
    as_of: datetime.date,
    confidence: str,
    rationale: str,
    evidence=(),
    member_state: Body | None = None,
    corrects: Assessment | None = None,
    superseded_by: Commitment | None = None,
    expected_latest_id: object = ...,
) -> Assessment:
    """Append an assessment and bring the commitment's current status up to date.

    ``expected_latest_id`` is the latest assessment the analyst saw; if another one
    was recorded since, StaleAssessment is raised and nothing is written. The
    commitment row is locked for the whole write, so concurrent writers queue.
    """
    commitment = (
        Commitment.objects.select_for_update()
        .select_related("declaration")
        .get(pk=commitment.pk)
    )
    if expected_latest_id is not ...:
        latest_id = latest_assessment_id(commitment)
        if latest_id != expected_latest_id:
            raise StaleAssessment(
                Assessment.objects.select_related("recorded_by").get(pk=latest_id)
            )
    errors = {}
    if as_of > timezone.localdate():
        errors["as_of"] = "The as-of date cannot be in the future."
    elif as_of < commitment.declaration.date:
        errors["as_of"] = (
            "The as-of date cannot be before the declaration "
            f"({commitment.declaration.date:%-d %B %Y})."
        )
    # Re-read what is cited: the caller's copies may predate a retraction.
    evidence = list(Evidence.objects.filter(pk__in=[e.pk for e in evidence]))
    foreign = [e for e in evidence if e.commitment_id != commitment.pk]
    if foreign:
        errors["evidence"] = "Cited evidence must belong to this commitment."
    if any(e.is_retracted for e in evidence):
        errors["evidence"] = "Retracted evidence cannot be cited."
    if member_state is not None:
        bound = commitment.body_links.filter(
            body=member_state, body__kind=BodyKind.MEMBER_STATE
        ).exists()
        if not bound:
            errors["member_state"] = (
                f"{member_state} is not a member state this commitment binds."
            )
    if corrects is not None and corrects.commitment_id != commitment.pk:
        errors["corrects"] = (
            "A correction must correct an assessment of the same commitment."
        )
    if errors:
        raise ValidationError(errors)
    assessment = Assessment(
        commitment=commitment,
        recorded_by=recorded_by,
        status=status,
        as_of=as_of,
        confidence=confidence,
        rationale=rationale,
        member_state=member_state,
        corrects=corrects,
        superseded_by=superseded_by,
    )
    assessment.full_clean()
    assessment.save()
    assessment.evidence.set(evidence)
    commitment_refresh_status(commitment)
    return assessment


@ledger_write()
def deadline_revise(
    *, deadline: Deadline, revised_by, reason: str, **changes
) -> DeadlineRevision:
    """Change a deadline's wording or window, keeping the old one and the reason."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the deadline changes."})
    deadline = Deadline.objects.select_for_update().get(pk=deadline.pk)
    old = {
        f: getattr(deadline, f)
        for f in ("wording", "kind", "earliest", "latest", "precision")
    }
    for field, value in changes.items():
        setattr(deadline, field, value)
    deadline.full_clean()
    new = {f: getattr(deadline, f) for f in old}
    if new == old and "note" not in changes:
        raise ValidationError("The revision changes nothing.")
    deadline.save()
    revision = DeadlineRevision(
        deadline=deadline,
        revised_by=revised_by,
        reason=reason.strip(),
        **{f"old_{k}": v for k, v in old.items()},
        **{f"new_{k}": v for k, v in new.items()},
    )
    revision.full_clean()
    revision.save()
    return revision
