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
    Role,
    Status,
)
from .commitments import Commitment, CommitmentBody
from .deadlines import Deadline, DeadlineRevision
from .declarations import Declaration, Paragraph
from .records import Assessment, Evidence
from .status import StatusPeriod
from .versions import LedgerVersion, ledger_write

__all__ = [
    "Assessment",
    "Body",
    "BodyKind",
    "Commitment",
    "CommitmentBody",
    "CommitmentKind",
    "Confidence",
    "DatePrecision",
    "Deadline",
    "DeadlineKind",
    "DeadlineRevision",
    "Declaration",
    "Direction",
    "Evidence",
    "LedgerVersion",
    "OverdueBand",
    "Paragraph",
    "Precision",
    "Role",
    "Status",
    "StatusPeriod",
    "ledger_write",
]
