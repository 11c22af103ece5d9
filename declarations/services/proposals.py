"""Proposed commitments: drafted by the proposer, decided by an editor.

``proposals_for`` runs the rules-first proposer on a declaration's paragraphs
against the body registry (it never reads the declaration's commitments);
``proposals_store`` keeps its proposals as pending rows; ``proposal_accept``
turns one into a commitment of the public codebook; ``proposal_reject`` closes
one with a reason.
"""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .. import proposer
from ..models import (
    Body,
    Commitment,
    CommitmentBody,
    CommitmentProposal,
    Deadline,
    Declaration,
    ProposalStatus,
    ProposedBody,
    ReferenceAlias,
)
from .codebook import reference_available
from .status import status_derive

DEADLINE_FIELDS = (
    "wording",
    "kind",
    "event",
    "earliest",
    "latest",
    "precision",
    "note",
)


def registry() -> list[proposer.RegistryBody]:
    """The body registry as the proposer reads it."""
    return [
        proposer.RegistryBody(
            name=body.name,
            short_name=body.short_name,
            aliases=tuple(body.alias_list),
            kind=body.kind,
            key=body.pk,
        )
        for body in Body.objects.order_by("pk")
    ]


def proposals_for(declaration: Declaration) -> list[proposer.Proposal]:
    """The proposer's commitments for the declaration, from its paragraphs and
    the body registry alone (nothing stored, the codebook unread)."""
    paragraphs = declaration.paragraphs.order_by("number").values_list("number", "text")
    return proposer.propose(
        list(paragraphs), declared=declaration.date, bodies=registry()
    )


@transaction.atomic
def proposals_store(*, declaration: Declaration) -> list[CommitmentProposal]:
    """Store the proposer's commitments for the declaration as pending proposals
    and return the new ones. A proposal already made (pending, accepted or
    rejected) is not proposed again, nor one whose quote overlaps a commitment
    already coded on its paragraph."""
    paragraphs = {p.number: p for p in declaration.paragraphs.all()}
    proposed = set(
        CommitmentProposal.objects.filter(declaration=declaration).values_list(
            "paragraph__number", "quote"
        )
    )
    coded = list(declaration.commitments.values_list("paragraph__number", "quote"))
    created = []
    for found in proposals_for(declaration):
        if (found.paragraph, found.quote) in proposed or any(
            number == found.paragraph
            and _overlap(paragraphs[number].text, quote, found.quote)
            for number, quote in coded
        ):
            continue
        proposed.add((found.paragraph, found.quote))
        reading = found.deadline
        proposal = CommitmentProposal(
            declaration=declaration,
            paragraph=paragraphs[found.paragraph],
            quote=found.quote,
            title=found.title,
            theme=found.theme,
            kind=found.kind,
            deadline_wording=found.deadline_wording,
            deadline_kind=reading.kind,
            deadline_event=reading.event,
            deadline_earliest=reading.earliest,
            deadline_latest=reading.latest,
            deadline_precision=reading.precision or "",
            deadline_note=reading.note,
            note=found.note,
        )
        proposal.full_clean()
        proposal.save()
        ProposedBody.objects.bulk_create(
            ProposedBody(proposal=proposal, body_id=b.key, name=b.name, role=b.role)
            for b in found.bodies
        )
        created.append(proposal)
    return created


def _overlap(text: str, a: str, b: str) -> bool:
    i, j = text.find(a), text.find(b)
    return i >= 0 and j >= 0 and i < j + len(b) and j < i + len(a)


def next_reference(*, declaration: Declaration, paragraph_number: int) -> str:
    """The next free reference in the declaration's scheme for a paragraph:
    'PREFIX-05' for its first commitment, then 'PREFIX-05b', 'PREFIX-05c' (a
    bare 'PREFIX-05' counts as its 'a'; published references never change)."""
    base = f"{declaration.reference_prefix}-{paragraph_number:02d}"
    taken = set(
        Commitment.objects.filter(reference__startswith=base).values_list(
            "reference", flat=True
        )
    ) | set(  # a former reference is never reused either
        ReferenceAlias.objects.filter(old_reference__startswith=base).values_list(
            "old_reference", flat=True
        )
    )
    letters = [
        ref[len(base) :] for ref in taken if re.fullmatch(r"[a-z]?", ref[len(base) :])
    ]
    if not letters:
        return base
    highest = max(letter or "a" for letter in letters)
    for code in range(ord(highest) + 1, ord("z") + 1):
        candidate = f"{base}{chr(code)}"
        if candidate not in taken:
            return candidate
    raise ValidationError(
        {"reference": f"No free reference left after {base}{highest}: give one."}
    )


def _locked_pending(proposal: CommitmentProposal) -> CommitmentProposal:
    proposal = CommitmentProposal.objects.select_for_update().get(pk=proposal.pk)
    if not proposal.is_pending:
        raise ValidationError(
            f"This proposal was already {proposal.get_status_display().lower()}."
        )
    return proposal


@transaction.atomic
def proposal_accept(
    *,
    proposal: CommitmentProposal,
    accepted_by,
    reference: str = "",
    **changes,
) -> Commitment:
    """Accept a pending proposal (with the editor's ``changes`` to its fields):
    create its commitment, body links and deadline, note that it was proposed,
    derive its status and return it. Refused, with nothing written, if a named
    body is not in the registry or anything fails the codebook's checks."""
    proposal = _locked_pending(proposal)
    for field, value in changes.items():
        setattr(proposal, field, value)
    proposal.full_clean()
    links = list(proposal.bodies.select_related("body"))
    unknown = [link.name for link in links if link.body is None]
    if unknown:
        raise ValidationError(
            {
                "bodies": "Not in the body registry yet: "
                + "; ".join(unknown)
                + ". Add each in Bodies (or choose an existing one), or remove it "
                "from the proposal, then accept."
            }
        )
    when = timezone.now()
    who = accepted_by.get_username()
    commitment = Commitment(
        declaration=proposal.declaration,
        paragraph=proposal.paragraph,
        reference=reference.strip()
        or next_reference(
            declaration=proposal.declaration,
            paragraph_number=proposal.paragraph.number,
        ),
        title=proposal.title,
        theme=proposal.theme,
        kind=proposal.kind,
        quote=proposal.quote,
        notes=(
            f"Proposed by the rules-first proposer on {proposal.proposed_at:%Y-%m-%d} "
            f"and accepted by {who} on {when:%Y-%m-%d}. {proposal.note}"
        ).strip(),
    )
    reference_available(reference=commitment.reference, commitment=None)
    commitment.full_clean()
    commitment._history_user = accepted_by
    commitment.save()
    seen = set()
    for link in links:
        if link.body_id in seen:
            continue
        seen.add(link.body_id)
        row = CommitmentBody(commitment=commitment, body=link.body, role=link.role)
        row.full_clean()
        row._history_user = accepted_by
        row.save()
    deadline = Deadline(
        commitment=commitment,
        **{field: getattr(proposal, f"deadline_{field}") for field in DEADLINE_FIELDS},
    )
    if deadline.kind == "none":
        deadline.wording = ""
    deadline.full_clean()
    deadline._history_user = accepted_by
    deadline.save()
    proposal.status = ProposalStatus.ACCEPTED
    proposal.decided_by, proposal.decided_at = accepted_by, when
    proposal.commitment = commitment
    proposal.full_clean()
    proposal.save()
    status_derive(commitment_ids=[commitment.pk])
    return commitment


@transaction.atomic
def proposal_reject(
    *, proposal: CommitmentProposal, rejected_by, reason: str
) -> CommitmentProposal:
    """Reject a pending proposal, keeping it with the reason and who decided."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the proposal is rejected."})
    proposal = _locked_pending(proposal)
    proposal.status = ProposalStatus.REJECTED
    proposal.reason = reason.strip()
    proposal.decided_by, proposal.decided_at = rejected_by, timezone.now()
    proposal.full_clean()
    proposal.save()
    return proposal
