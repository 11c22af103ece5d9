"""Writes that touch several rows or carry rules, each one transaction.

Views, the admin, commands and tests write through these functions (keyword-only
arguments), so every rule is applied in one place. Each function locks only what
it changes, and tells the page cache once it has committed.
"""

from .codebook import (
    StaleEdit,
    codebook_version,
    commitment_rename,
    commitment_withdraw,
    reference_available,
    refuse_stale_edit,
)
from .coding import coding_round_close, coding_round_open, coding_round_settle
from .deadlines import deadline_revise
from .declarations import (
    ImportRefused,
    ImportResult,
    declaration_import,
    default_reference_prefix,
    default_slug,
)
from .events import event_held
from .links import (
    SUGGEST_THRESHOLD,
    link_confirm,
    link_dismiss,
    links_suggest,
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
from .sources import source_checks_record
from .status import status_derive, status_forget, status_settle

__all__ = [
    "CORRECTION_POLICY",
    "SUGGEST_THRESHOLD",
    "ImportRefused",
    "ImportResult",
    "RecordImportResult",
    "StaleAssessment",
    "StaleEdit",
    "assessment_record",
    "assessment_review",
    "codebook_version",
    "coding_round_close",
    "coding_round_open",
    "coding_round_settle",
    "commitment_lock",
    "commitment_rename",
    "commitment_withdraw",
    "deadline_revise",
    "declaration_import",
    "default_reference_prefix",
    "default_slug",
    "event_held",
    "evidence_log",
    "evidence_retract",
    "latest_assessment_id",
    "link_confirm",
    "link_dismiss",
    "links_suggest",
    "may_correct",
    "next_reference",
    "proposal_accept",
    "proposal_reject",
    "proposals_for",
    "proposals_store",
    "record_import",
    "reference_available",
    "refuse_stale_edit",
    "review_required",
    "source_checks_record",
    "status_derive",
    "status_forget",
    "status_settle",
]
