"""Propose a declaration's commitments from its paragraphs, by rules.

``propose(paragraphs, declared=..., bodies=...)`` reads each paragraph's
sentences and clauses and returns the ones that promise, decide, agree,
instruct or call on someone (``clauses``), each with its verbatim quote (a
slice of the paragraph), a suggested title, kind and theme (``titles``), the
bodies it names with their roles as the coding manual codes them (``actors``)
and its deadline as the deadline reader reads it (``timing``). Nothing here
touches the database: the registry of bodies comes in as ``RegistryBody``
values, and editors decide what becomes a commitment.

How bodies are coded (docs/coding-manual.md, sections 3 and 4): the named
agent is responsible; "the heads of state have agreed that X will" gives X;
the heads of state granting, approving or adopting as the supreme organ give
the Council of Heads of State; "the Parties", "the member states", "we" give
every member state the declaration's opening names; "the SCO" or "the
Organization" (whatever the text defines with "hereinafter") gives the
organisation as a whole, never one of its organs; no agent gives the member
states as the implied actor, unless the clause continues one with a named
agent, and list items take the agent of the sentence that introduces them. A
call has no responsible body, only its addressee. Other bodies are linked only
where named: supporting when they take part ("jointly with", "in cooperation
with", "the mechanism of", an organ named in the act), not linked when they are
only its object or beneficiary.
"""

import datetime
from collections.abc import Iterable, Sequence

from .actors import RegistryBody
from .clauses import clause_spans, sentences
from .reader import BULLET, Intro, Reader
from .results import Proposal, ProposedBody

__all__ = ["Proposal", "ProposedBody", "RegistryBody", "propose"]


def propose(
    paragraphs: Iterable[tuple[int, str]],
    *,
    declared: datetime.date,
    bodies: Sequence[RegistryBody],
) -> list[Proposal]:
    """The commitments the paragraphs ((number, text), in order) propose, read
    against the given registry of bodies, in document order."""
    reader = Reader(paragraphs, declared, bodies)
    proposals: list[Proposal] = []
    intro: Intro | None = None
    for number, text in reader.paragraphs:
        if BULLET.match(text) and intro is not None:
            if intro.commits:
                proposals.extend(reader.propose_item(number, text, intro))
            continue
        intro, reader.last = None, None
        for start, end in sentences(text):
            if text[start:end].rstrip().endswith(":"):
                intro = reader.intro(text, start, end)
                continue
            for cs, ce in clause_spans(text, start, end):
                proposals.extend(reader.propose_clause(number, text, cs, ce, start))
    return proposals
