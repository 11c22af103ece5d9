"""How far the proposer agrees with a codebook coded by hand.

Pure: it compares proposals with coded commitments given as plain values. A
proposal matches a coded commitment on the same paragraph whose quote overlaps
its own; each is matched at most once, largest overlap first, so one proposal
spanning two coded commitments matches only one of them. Over the matched
pairs it compares the bodies (the same set of bodies), their roles (the same
role for each body both name), the deadline kind and, where the codebook gives
one, the window the wording allows (a narrowing revision is undone first: the
proposer cannot know when an event was held).
"""

import dataclasses
import datetime


@dataclasses.dataclass(frozen=True)
class Coded:
    """A coded commitment as the comparison needs it."""

    reference: str
    paragraph: int
    quote: str
    bodies: frozenset  # of (body key, role)
    deadline_kind: str
    window: tuple[datetime.date, datetime.date, str] | None


@dataclasses.dataclass(frozen=True)
class Proposed:
    paragraph: int
    quote: str
    bodies: frozenset  # of (body key or name, role)
    deadline_kind: str
    window: tuple[datetime.date, datetime.date, str] | None


@dataclasses.dataclass
class Figure:
    agree: int
    of: int

    @property
    def rate(self) -> float | None:
        return self.agree / self.of if self.of else None

    def __str__(self) -> str:
        if not self.of:
            return "— (none to compare)"
        return f"{100 * self.agree / self.of:.1f}% ({self.agree} of {self.of})"


@dataclasses.dataclass
class Agreement:
    recall: Figure
    precision: Figure
    bodies: Figure
    roles: Figure
    deadline_kind: Figure
    window: Figure
    links_recall: Figure
    links_precision: Figure
    missed: list[Coded]
    extra: list[Proposed]
    pairs: list[tuple[Coded, Proposed]]

    def disagreements(self, what: str) -> list[tuple[Coded, Proposed]]:
        """The matched pairs that disagree on bodies, roles, kind or window."""
        return [pair for pair in self.pairs if not _agrees(what, *pair)]


def _span(text: str, quote: str) -> tuple[int, int]:
    start = text.find(quote)
    return (start, start + len(quote)) if start >= 0 else (-1, -1)


def _agrees(what: str, coded: Coded, proposed: Proposed) -> bool:
    if what == "bodies":
        return {b for b, _ in coded.bodies} == {b for b, _ in proposed.bodies}
    if what == "roles":
        mine = dict(proposed.bodies)
        return all(mine[b] == r for b, r in coded.bodies if b in mine)
    if what == "deadline_kind":
        return coded.deadline_kind == proposed.deadline_kind
    if what == "window":
        return coded.window is None or coded.window == proposed.window
    raise ValueError(what)


def compare(
    coded: list[Coded], proposed: list[Proposed], paragraphs: dict[int, str]
) -> Agreement:
    """Match proposals with coded commitments and count what agrees."""
    candidates = []
    for ci, c in enumerate(coded):
        a = _span(paragraphs[c.paragraph], c.quote)
        for pi, p in enumerate(proposed):
            if p.paragraph != c.paragraph:
                continue
            b = _span(paragraphs[p.paragraph], p.quote)
            overlap = min(a[1], b[1]) - max(a[0], b[0])
            if overlap > 0 and a[0] >= 0 and b[0] >= 0:
                candidates.append((-overlap, ci, pi))
    used_c, used_p, pairs = set(), set(), []
    for _, ci, pi in sorted(candidates):
        if ci in used_c or pi in used_p:
            continue
        used_c.add(ci)
        used_p.add(pi)
        pairs.append((coded[ci], proposed[pi]))
    pairs.sort(key=lambda pair: (pair[0].paragraph, pair[0].reference))

    def count(what, pool=pairs):
        return Figure(sum(_agrees(what, *pair) for pair in pool), len(pool))

    common = [
        (b, r, dict(p.bodies)[b])
        for c, p in pairs
        for b, r in c.bodies
        if b in dict(p.bodies)
    ]
    coded_links = sum(len({b for b, _ in c.bodies}) for c, _ in pairs)
    proposed_links = sum(len({b for b, _ in p.bodies}) for _, p in pairs)
    found = sum(
        len({b for b, _ in c.bodies} & {b for b, _ in p.bodies}) for c, p in pairs
    )
    return Agreement(
        recall=Figure(len(pairs), len(coded)),
        precision=Figure(len(pairs), len(proposed)),
        bodies=count("bodies"),
        roles=Figure(sum(r == mine for _, r, mine in common), len(common)),
        deadline_kind=count("deadline_kind"),
        window=count("window", [pair for pair in pairs if pair[0].window]),
        links_recall=Figure(found, coded_links),
        links_precision=Figure(found, proposed_links),
        missed=[c for i, c in enumerate(coded) if i not in used_c],
        extra=[p for i, p in enumerate(proposed) if i not in used_p],
        pairs=pairs,
    )
