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
from .commitments import Commitment, CommitmentBody
from .deadlines import Deadline, DeadlineRevision
from .declarations import Declaration, Paragraph
from .links import CommitmentLink
from .proposals import CommitmentProposal, ProposalStatus, ProposedBody
from .records import Assessment, Evidence
from .status import CommitmentState, StatusPeriod
from .tallies import FigureTally, Scope

__all__ = [
    "Assessment",
    "Body",
    "BodyKind",
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
    "Evidence",
    "FigureTally",
    "LinkState",
    "LinkType",
    "OverdueBand",
    "Paragraph",
    "Precision",
    "ProposalStatus",
    "ProposedBody",
    "Review",
    "Role",
    "Scope",
    "Status",
    "StatusPeriod",
]
