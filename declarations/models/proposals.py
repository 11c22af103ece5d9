"""Proposed commitments: what the proposer drafts, waiting for an editor.

A proposal is never part of the public codebook. An editor accepts it (after
editing it, if need be), which creates the commitment, its bodies and deadline
through ``services.proposal_accept``, or rejects it with a reason. Decided
proposals stay, so the proposer's record (what editors kept, changed or threw
away) can be read back.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from ..text import refuse_control_characters
from .choices import CommitmentKind, DeadlineKind, Precision, Role


class ProposalStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class CommitmentProposalQuerySet(models.QuerySet):
    def pending(self):
        """Proposals no editor has decided on yet."""
        return self.filter(status=ProposalStatus.PENDING)

    def accepted(self):
        """Proposals an editor accepted into the codebook."""
        return self.filter(status=ProposalStatus.ACCEPTED)

    def in_document_order(self):
        """By declaration, paragraph and the order they were proposed in."""
        return self.order_by("declaration", "paragraph__number", "pk")


class CommitmentProposal(models.Model):
    declaration = models.ForeignKey(
        "declarations.Declaration",
        on_delete=models.CASCADE,
        related_name="proposals",
    )
    paragraph = models.ForeignKey(
        "declarations.Paragraph", on_delete=models.CASCADE, related_name="proposals"
    )
    quote = models.TextField(
        help_text="Verbatim, exactly as in the paragraph.",
        validators=[refuse_control_characters],
    )
    title = models.CharField(max_length=300, validators=[refuse_control_characters])
    theme = models.CharField(max_length=100, validators=[refuse_control_characters])
    kind = models.CharField(
        max_length=10, choices=CommitmentKind.choices, default=CommitmentKind.PLEDGE
    )
    deadline_wording = models.CharField(
        max_length=300, blank=True, validators=[refuse_control_characters]
    )
    deadline_kind = models.CharField(
        max_length=10, choices=DeadlineKind.choices, default=DeadlineKind.NONE
    )
    deadline_event = models.CharField(
        max_length=300, blank=True, validators=[refuse_control_characters]
    )
    deadline_earliest = models.DateField(null=True, blank=True)
    deadline_latest = models.DateField(null=True, blank=True)
    deadline_precision = models.CharField(
        max_length=10, choices=Precision.choices, blank=True
    )
    deadline_note = models.TextField(blank=True, validators=[refuse_control_characters])
    note = models.TextField(
        blank=True,
        help_text="How the proposer read the text.",
        validators=[refuse_control_characters],
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=10,
        choices=ProposalStatus.choices,
        default=ProposalStatus.PENDING,
        db_index=True,
    )
    reason = models.TextField(
        blank=True,
        help_text="Why it was rejected (required to reject).",
        validators=[refuse_control_characters],
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decided_proposals",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    commitment = models.OneToOneField(
        "declarations.Commitment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposal",
        help_text="The commitment its acceptance created.",
    )

    objects = CommitmentProposalQuerySet.as_manager()

    class Meta:
        ordering = ["declaration", "paragraph__number", "pk"]
        verbose_name = "proposed commitment"
        indexes = [
            # The changes log reads accepted proposals newest first.
            models.Index(
                fields=["-decided_at", "-id"],
                condition=models.Q(status="accepted"),
                name="proposal_accepted",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ProposalStatus.values),
                name="proposal_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status=ProposalStatus.PENDING)
                | models.Q(decided_by__isnull=False, decided_at__isnull=False),
                name="proposal_decided_by_someone",
                violation_error_message="A decided proposal records who decided "
                "and when.",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=ProposalStatus.REJECTED)
                | ~models.Q(reason=""),
                name="proposal_rejected_with_reason",
                violation_error_message="A rejection needs its reason.",
            ),
            models.CheckConstraint(
                condition=~models.Q(quote="") & ~models.Q(title=""),
                name="proposal_has_quote_and_title",
            ),
        ]

    def __str__(self):
        return f"¶{self.paragraph.number}: {self.title}"

    def clean(self):
        if self.paragraph_id and self.declaration_id:
            if self.paragraph.declaration_id != self.declaration_id:
                raise ValidationError(
                    {"paragraph": "The paragraph belongs to another declaration."}
                )
            if self.quote and self.quote not in self.paragraph.text:
                raise ValidationError(
                    {
                        "quote": "The quote does not occur verbatim in paragraph "
                        f"{self.paragraph.number}."
                    }
                )

    @property
    def is_pending(self) -> bool:
        return self.status == ProposalStatus.PENDING


class ProposedBody(models.Model):
    """A body a proposal names; ``body`` is empty when the registry lacks it."""

    proposal = models.ForeignKey(
        CommitmentProposal, on_delete=models.CASCADE, related_name="bodies"
    )
    body = models.ForeignKey(
        "declarations.Body",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposal_links",
        help_text="Empty when the body is not in the registry yet: add it, or "
        "remove this row, before accepting.",
    )
    name = models.CharField(
        max_length=200,
        help_text="The body as proposed.",
        validators=[refuse_control_characters],
    )
    role = models.CharField(max_length=12, choices=Role.choices)

    class Meta:
        ordering = ["proposal", "pk"]
        verbose_name = "body of a proposal"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values),
                name="proposed_body_role_valid",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"
