from .bodies import Body
from .choices import (
    BodyKind,
    CommitmentKind,
    Confidence,
    DatePrecision,
    DeadlineKind,
    Direction,
    LinkState,
    LinkType,
    OverdueBand,
    Precision,
    Review,
    Role,
    Status,
)
from .coding import CodingRound
from .commitments import Commitment, CommitmentBody, ReferenceAlias
from .deadlines import Deadline, DeadlineRevision
from .declarations import Declaration, Paragraph
from .events import Event
from .links import CommitmentLink
from .proposals import CommitmentProposal, ProposalStatus, ProposedBody
from .records import Assessment, Evidence
from .sources import SourceCheck
from .status import CommitmentState, StatusPeriod
from .tallies import FigureTally, Scope

__all__ = [
    "Assessment",
    "Body",
    "BodyKind",
    "CodingRound",
    "Commitment",
    "CommitmentBody",
    "CommitmentKind",
    "CommitmentLink",
    "CommitmentProposal",
    "CommitmentState",
    "Confidence",
    "DatePrecision",
    "Deadline",
    "DeadlineKind",
    "DeadlineRevision",
    "Declaration",
    "Direction",
    "Event",
    "Evidence",
    "FigureTally",
    "LinkState",
    "LinkType",
    "OverdueBand",
    "Paragraph",
    "Precision",
    "ProposalStatus",
    "ProposedBody",
    "ReferenceAlias",
    "Review",
    "Role",
    "Scope",
    "SourceCheck",
    "Status",
    "StatusPeriod",
]
