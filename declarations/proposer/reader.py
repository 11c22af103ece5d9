"""Reading a declaration paragraph by paragraph into proposals.

The reader keeps what a paragraph has said so far (the agent of the last
commitment, the introduction of a list) and applies the coding manual's rules
for who is responsible (see the package's docstring).
"""

import dataclasses
import re

from ..models.choices import DeadlineKind
from .actors import (
    PREPOSITIONS,
    Mention,
    Registry,
    RegistryBody,
    actor_mentions,
    organisation_of,
    parties_of,
    role_of,
    words,
)
from .clauses import Cue, find_cue, first_modal, modal_cue, subject_span
from .results import Proposal, ProposedBody
from .splits import split_points
from .timing import NO_DEADLINE, Timing, deadline_for, event_actor, timings
from .titles import theme_for, title_for

BULLET = re.compile(r"^\s*(?:[-–—•*·・―－○●]|\(\w{1,3}\)|\w{1,3}[.)])\s+")
ORGAN_ACTS = re.compile(
    r"^(?:\w+ly\s+)?(?:grant|approve|adopt|admit|appoint|endorse|confer|meet|"
    r"convene|hold|sign|accept|elect|designate)\b"
)
# A subject that names a body by its proper name: "The Quad Space Working Group".
NEW_BODY = re.compile(
    r"^(?:[Tt]he\s+)?(?P<name>(?:[A-Z][\w’'-]*\s+)+(?:Working\s+Group|Task\s+Force|"
    r"Group|Council|Committee|Commission|Secretariat|Board|Forum|Agency|Ministry|"
    r"Centre|Center|Structure|Fund|Bank|Office|Network|Organi[sz]ation))$"
)
UNNAMED_PARTIES = "The declaration's member states"
IMPLIED = (
    "Implied actor: no agent is named, so the member states (coding manual, "
    "section 3, rule 6)."
)


@dataclasses.dataclass
class _Actor:
    bodies: list[ProposedBody]
    label: str
    note: str = ""


@dataclasses.dataclass
class Intro:
    """A sentence ending with ':' that introduces a list of items."""

    commits: bool
    actor: _Actor | None
    timing: Timing | None


class Reader:
    def __init__(self, paragraphs, declared, bodies):
        self.paragraphs = [(n, t) for n, t in paragraphs]
        self.declared = declared
        opening = [t for _, t in self.paragraphs[:3]]
        self.registry = Registry(bodies, organisation=organisation_of(opening))
        self.short = {b.name: b.short_name for b in bodies if b.short_name}
        first = self.paragraphs[0][1] if self.paragraphs else ""
        self.parties = parties_of(self.registry, first)
        supreme = tuple(w for w, _, _ in words("Council of Heads of State"))
        self.supreme = self.registry.variants.get(supreme)
        self.last: _Actor | None = None

    # --- actors ---------------------------------------------------------------

    def short_of(self, name: str) -> str:
        return self.short.get(name, name)

    def party_actor(self, note: str = "") -> _Actor:
        if not self.parties:
            return _Actor(
                [ProposedBody(UNNAMED_PARTIES, "responsible")],
                "Member states",
                " ".join(
                    x
                    for x in (
                        note,
                        "The opening names no member state of the body registry: "
                        "add the declaration's states (kind 'member state') and "
                        "choose them before accepting.",
                    )
                    if x
                ),
            )
        return _Actor(
            [ProposedBody(b.name, "responsible", b.key) for b in self.parties],
            "Member states",
            note,
        )

    def implied(self) -> _Actor:
        return self.last or self.party_actor(IMPLIED)

    def organisation(self) -> _Actor | None:
        r = self.registry
        if not r.organisation_name:
            return None
        body = r.organisation_body
        label = r.organisation[1] if len(r.organisation) > 1 else r.organisation_name
        return _Actor(
            [
                ProposedBody(
                    r.organisation_name, "responsible", body.key if body else None
                )
            ],
            label,
            ""
            if body
            else f"'{r.organisation_name}' (the organisation as a whole) is not in "
            "the body registry yet: add it before accepting.",
        )

    def body_actor(self, body: RegistryBody) -> _Actor:
        if body.kind == "member_state" and body in self.parties:
            return _Actor([ProposedBody(body.name, "responsible", body.key)], body.name)
        return _Actor(
            [ProposedBody(body.name, "responsible", body.key)],
            body.short_name or body.name,
        )

    def actor_of(self, mention: Mention, act: str) -> _Actor | None:
        if mention.what == "body":
            if mention.body is self.registry.organisation_body:
                return self.organisation()
            return self.body_actor(mention.body)
        if mention.what in ("parties", "we"):
            return self.party_actor()
        if mention.what == "organisation":
            return self.organisation()
        if mention.what == "heads":
            if self.supreme is not None and ORGAN_ACTS.match(act.strip()):
                return self.body_actor(self.supreme)
            return self.party_actor(IMPLIED)
        if mention.what == "they":
            return self.last or self.party_actor(IMPLIED)
        if mention.what == "it" and self.last and len(self.last.bodies) == 1:
            return self.last
        return None

    def subject_actor(self, text, span, act) -> tuple[_Actor | None, Timing | None]:
        """The actor the subject names, and the event it is, if it is one."""
        start, end = span
        event = event_actor(text, start, end, self.declared)
        mentions = actor_mentions(self.registry, text[start:end])
        if event is not None:
            named = [m for m in mentions if m.what in ("body", "organisation")]
            if named:
                return self.actor_of(named[0], act), event
        for m in reversed(mentions):
            before = text[start : start + m.start].split()
            if before and before[-1].lower() in PREPOSITIONS:
                continue
            return self.actor_of(m, act), event
        named = NEW_BODY.match(text[start:end].strip())
        if named:
            # A body the registry lacks (coding manual, section 4: create it).
            name = named["name"]
            return (
                _Actor(
                    [ProposedBody(name, "responsible")],
                    name,
                    f"'{name}' is not in the body registry yet: add it (or choose "
                    "an existing body) before accepting.",
                ),
                event,
            )
        return None, event

    # --- clauses ----------------------------------------------------------------

    def propose_clause(self, number, text, cs, ce, sentence_start) -> list[Proposal]:
        cue = find_cue(text, cs, ce)
        if cue is None:
            return []
        if cue.what == "decision" and cue.embedded:
            inner = modal_cue(text, cue.end, ce, embedded=True)
            if inner is None:
                return []
            inner.kind, inner.quote_from = "decision", cue.end
            cue = inner
        act = text[cue.end : ce]
        actor, event, addressee, note = self.resolve(text, cs, ce, cue, act)
        if actor is None and cue.kind != "call":
            return []
        found = timings(text, cs, ce, self.declared)
        if event is not None:
            found.insert(0, event)
        quote_from = cue.quote_from if cue.quote_from is not None else cs
        if cue.what == "modal" and cue.subject and cue.embedded:
            quote_from = min(quote_from, cue.subject[0])
        points = split_points(text, cue.end, ce)
        bounds = [quote_from, *[b for _, b in points]]
        ends = [a for a, _ in points] + [ce]
        proposals = []
        for i, (ps, pe) in enumerate(zip(bounds, ends, strict=True)):
            quote = _trim(text[ps:pe])
            if not quote:
                continue
            head = (quote_from, cue.end)
            bodies = list(actor.bodies if actor else [])
            bodies += addressee
            bodies += self.others(text, [head, (max(ps, cue.end), pe)], bodies, cue)
            timing = deadline_for(found, part=(ps, pe), head_end=cue.end)
            part_act = (
                text[cue.end : ends[0]]
                if i == 0
                else _part_act(text[cue.end : ends[0]], quote)
            )
            if cue.what == "call":
                to = _infinitive_at(text, cue.end, pe)
                part_act = re.sub(r"^to\s+", "", text[to:pe]) if i == 0 else part_act
            elif cue.what == "passive":
                part_act = quote
            proposals.append(
                self.proposal(
                    number, quote, cue, actor, addressee, bodies, timing, part_act, note
                )
            )
        if actor is not None:
            self.last = actor
        return proposals

    def resolve(self, text, cs, ce, cue: Cue, act):
        """(actor, event timing, addressee bodies, note) of a clause."""
        event, addressee, note = None, [], ""
        if cue.kind == "call":
            span = cue.addressee or (cue.end, _infinitive_at(text, cue.end, ce))
            for m in self.registry.find(text[span[0] : span[1]]):
                addressee.append(ProposedBody(m.body.name, "addressee", m.body.key))
                break
            if not addressee:
                named = actor_mentions(self.registry, text[span[0] : span[1]])
                if any(m.what in ("parties", "we") for m in named):
                    # "It is necessary for the member states to ...": a pledge.
                    cue.kind = "pledge"
                    return self.party_actor(), None, [], note
            return None, None, addressee, note
        if cue.what == "advocacy":
            object_end = _phrase_stop(text, cue.end, ce)
            mentions = actor_mentions(self.registry, text[cue.end : object_end])
            for m in mentions:
                if m.what == "body" and m.body.kind == "external":
                    cue.kind = "call"
                    addressee.append(ProposedBody(m.body.name, "addressee", m.body.key))
                    return None, None, addressee, note
                if m.what in ("body", "organisation", "parties"):
                    after = text[cue.end + m.end : cue.end + m.end + 20]
                    if re.match(r"\s+[a-z]+ing\b", after):
                        return self.actor_of(m, ""), None, [], note
            return self.implied(), None, [], note
        if cue.what in ("impersonal", "necessary") and cue.subject:
            mentions = actor_mentions(
                self.registry, text[cue.subject[0] : cue.subject[1]]
            )
            if mentions:
                return self.actor_of(mentions[0], act), None, [], note
        if cue.what == "passive-by":
            agents = []
            for m in re.finditer(r"\bby\s+(?:the\s+)?", text[cs:ce]):
                found = actor_mentions(self.registry, text[cs + m.end() : ce])
                if found and found[0].start == 0:
                    agent = self.actor_of(found[0], "")
                    if agent:
                        agents.extend(agent.bodies)
            if agents:
                label = ", ".join(dict.fromkeys(self.short_of(b.name) for b in agents))
                return _Actor(agents, label), None, [], note
            # "Disputes should be resolved by peaceful means": a principle.
            return None, None, [], note
        if cue.what in ("passive", "impersonal", "importance", "necessary"):
            if cue.embedded:
                return None, None, [], note
            return self.implied(), None, [], note
        if cue.what == "decision":
            before = text[cs : cue.start]
            mentions = actor_mentions(self.registry, before)
            if mentions:
                return self.actor_of(mentions[-1], act), None, [], note
            return self.implied(), None, [], note
        # A modal: the subject must name an actor.
        span = cue.subject or subject_span(text, cs, cue.start)
        actor, event = self.subject_actor(text, span, act)
        if actor is not None and cue.embedded and self.outside(actor):
            return None, None, [], note  # "confident that India will ...": a hope
        return actor, event, [], note

    def outside(self, actor: _Actor) -> bool:
        kinds = {b.key: b.kind for b in self.registry.bodies}
        return all(kinds.get(b.key) == "external" for b in actor.bodies)

    def others(self, text, spans, taken, cue) -> list[ProposedBody]:
        """Bodies the clause names besides its actor, with the role they play."""
        seen = {b.name for b in taken}
        linked = []
        for start, end in spans:
            if end <= start:
                continue
            for m in self.registry.find(text[start:end]):
                body = m.body
                if body.name in seen or body is self.registry.organisation_body:
                    continue
                if body.kind == "member_state" and body in self.parties:
                    continue
                role = role_of(m, text[start:end])
                if role:
                    linked.append(ProposedBody(body.name, role, body.key))
                    seen.add(body.name)
        return linked

    def proposal(
        self, number, quote, cue, actor, addressee, bodies, timing, act, note
    ) -> Proposal:
        label = actor.label if actor else ""
        title = title_for(
            actor=label,
            act=act,
            kind=cue.kind,
            addressee=self.short_of(addressee[0].name) if addressee else "",
            how=cue.what,
        )
        notes = [f"Proposed by rule ({cue.what}: '{_cue_text(quote, cue)}')."]
        if actor and actor.note:
            notes.append(actor.note)
        if note:
            notes.append(note)
        reading = timing.reading
        wording = timing.wording if reading.kind != DeadlineKind.NONE else ""
        return Proposal(
            paragraph=number,
            quote=quote,
            title=title,
            kind=cue.kind,
            theme=theme_for(quote),
            bodies=tuple(_unique(bodies)),
            deadline_wording=wording,
            deadline=reading,
            note=" ".join(notes),
        )

    # --- lists ----------------------------------------------------------------

    def intro(self, text, start, end) -> Intro:
        cue = find_cue(text, start, end)
        commits = cue is not None or first_modal(text, start, end) is not None
        actor = None
        if cue is not None and cue.kind != "call":
            actor, _, _, _ = self.resolve(text, start, end, cue, text[cue.end : end])
        found = timings(text, start, end, self.declared)
        return Intro(commits, actor, found[0] if found else None)

    def propose_item(self, number, text, intro: Intro) -> list[Proposal]:
        bullet = BULLET.match(text)
        start = bullet.end() if bullet else 0
        quote = _trim(text[start:]).rstrip(";.").rstrip()
        if not quote:
            return []
        actor = intro.actor or self.party_actor(IMPLIED)
        bodies = list(actor.bodies)
        bodies += self.others(text, [(start, len(text))], bodies, None)
        found = timings(text, start, len(text), self.declared)
        timing = found[0] if found else (intro.timing or NO_DEADLINE)
        cue = Cue("pledge", "list item", start, start)
        return [self.proposal(number, quote, cue, actor, [], bodies, timing, quote, "")]


def _trim(text: str) -> str:
    text = text.strip()
    text = re.sub(r"^[,;:]\s*", "", text)
    return text.rstrip(" ,;:").strip()


def _unique(bodies):
    seen = set()
    for body in bodies:
        if body.name not in seen:
            seen.add(body.name)
            yield body


def _cue_text(quote: str, cue: Cue) -> str:
    return cue.what if cue.what == "list item" else quote.split()[0] + " …"


def _infinitive_at(text: str, start: int, end: int) -> int:
    m = re.search(r"\bto\s+[a-z]", text[start:end])
    return start + m.start() if m else min(end, start + 120)


def _phrase_stop(text: str, start: int, end: int) -> int:
    m = re.search(r"[;.]|,\s+(?:and|but)\s", text[start:end])
    return start + m.start() if m else end


def _part_act(first_act: str, part: str) -> str:
    """The act of a later part: the shared verb with this part's object."""
    part = re.sub(r"^(?:and|as\s+well\s+as)\s+(?:also\s+)?", "", part.strip())
    if re.match(r"(?:will|shall|should|to)\s", part):
        return re.sub(r"^to\s+", "", part)
    prep = re.match(r"(in|to|for|on)\s+the\b", part)
    if prep:
        at = re.search(rf"\b{prep[1]}\s+the\b", first_act)
        if at:
            return first_act[: at.start()] + part
    gerund = re.search(rf"\b(?:{'|'.join(PREPOSITIONS)})\s+[a-z]+ing\b", first_act)
    if gerund:
        return first_act[: gerund.start()] + gerund.group().split()[0] + " " + part
    return part
