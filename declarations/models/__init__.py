from .bodies import Body
from .choices import (
    BodyKind,
    CommitmentKind,
    Confidence,
    DatePrecision,
    DeadlineKind,
    Direction,
    OverdueBand,
    Precision,
    Review,
    Role,
    Status,
)
from .commitments import Commitment, CommitmentBody
from .deadlines import Deadline, DeadlineRevision
from .declarations import Declaration, Paragraph
from .events import Event
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
