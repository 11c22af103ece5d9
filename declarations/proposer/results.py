"""What the proposer returns: proposals and the bodies they name."""

import dataclasses

from ..deadline_reader import Reading


@dataclasses.dataclass(frozen=True)
class ProposedBody:
    """A body a proposal names, with its role; ``key`` is None when the body is
    not in the registry yet (the editor adds it before accepting)."""

    name: str
    role: str
    key: object = None


@dataclasses.dataclass(frozen=True)
class Proposal:
    """One proposed commitment."""

    paragraph: int
    quote: str
    title: str
    kind: str  # decision, pledge or call
    theme: str
    bodies: tuple[ProposedBody, ...]
    deadline_wording: str
    deadline: Reading
    note: str = ""

    def as_dict(self) -> dict:
        """The proposal as ``propose_commitments --json`` prints it."""
        deadline = self.deadline.as_dict()
        deadline["wording"] = self.deadline_wording
        return {
            "paragraph": self.paragraph,
            "quote": self.quote,
            "title": self.title,
            "bodies": [{"name": b.name, "role": b.role} for b in self.bodies],
            "deadline": deadline,
        }
