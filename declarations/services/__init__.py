"""Writes that touch several rows or carry rules, each one transaction.

Views, the admin, commands and tests write through these functions (keyword-only
arguments), so every rule is applied in one place. Each function locks only what
it changes, and tells the page cache once it has committed.
"""

from .deadlines import deadline_revise
from .declarations import (
    ImportRefused,
    ImportResult,
    declaration_import,
    default_reference_prefix,
    default_slug,
)
from .proposals import (
    next_reference,
    proposal_accept,
    proposal_reject,
    proposals_for,
    proposals_store,
)
from .record_import import RecordImportResult, record_import
from .records import (
    CORRECTION_POLICY,
    StaleAssessment,
    assessment_record,
    assessment_review,
    commitment_lock,
    evidence_log,
    evidence_retract,
    latest_assessment_id,
    may_correct,
    review_required,
)
from .status import status_derive, status_forget, status_settle

__all__ = [
    "CORRECTION_POLICY",
    "ImportRefused",
    "ImportResult",
    "RecordImportResult",
    "StaleAssessment",
    "assessment_record",
    "assessment_review",
    "commitment_lock",
    "deadline_revise",
    "declaration_import",
    "default_reference_prefix",
    "default_slug",
    "evidence_log",
    "evidence_retract",
    "latest_assessment_id",
    "may_correct",
    "next_reference",
    "proposal_accept",
    "proposal_reject",
    "proposals_for",
    "proposals_store",
    "record_import",
    "review_required",
    "status_derive",
    "status_forget",
    "status_settle",
]
