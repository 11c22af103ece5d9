"""Links between commitments across declarations: follows up, repeats, ...

A link reads from the later commitment to the earlier one ("AST2006-03 follows
up AST2005-05"); the earlier one's page shows it with the inverse wording
("followed up by"). Links are suggested (by ``suggest_links``, or entered by an
editor) and count nowhere until an editor confirms them
(``services.link_confirm``); a dismissed suggestion is kept so that it is not
suggested again.
"""

import dataclasses

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from ..text import refuse_control_characters
from .choices import LinkState, LinkType

# How far the chain on a commitment's page follows links, and how many
# commitments it shows at most: one query per step, so the page stays bounded.
CHAIN_STEPS = 8
CHAIN_MAX = 60

_COMMITMENT_NARROW = (
    "from_commitment__quote",
    "from_commitment__notes",
    "to_commitment__quote",
    "to_commitment__notes",
)


@dataclasses.dataclass(frozen=True)
class LinkView:
    """One link as a commitment's page shows it: the wording from this side and
    the commitment at the other end."""

    link: "CommitmentLink"
    wording: str
    other: object  # a Commitment
    outgoing: bool


class CommitmentLinkQuerySet(models.QuerySet):
    def confirmed(self):
        """Links an editor confirmed: the only ones the public sees."""
        return self.filter(state=LinkState.CONFIRMED)

    def suggested(self):
        """Links waiting for an editor's decision."""
        return self.filter(state=LinkState.SUGGESTED)

    def touching(self, commitment_ids):
        """Links from or to any of the commitments."""
        ids = list(commitment_ids)
        return self.filter(
            models.Q(from_commitment_id__in=ids) | models.Q(to_commitment_id__in=ids)
        )

    def for_public(self):
        """Confirmed links with both commitments and their declarations, in the
        order they were confirmed."""
        return (
            self.confirmed()
            .select_related(
                "from_commitment__declaration", "to_commitment__declaration"
            )
            .only(
                "type",
                "note",
                "state",
                "decided_at",
                "created_at",
                "from_commitment__reference",
                "from_commitment__title",
                "from_commitment__declaration__slug",
                "from_commitment__declaration__title",
                "from_commitment__declaration__date",
                "to_commitment__reference",
                "to_commitment__title",
                "to_commitment__declaration__slug",
                "to_commitment__declaration__title",
                "to_commitment__declaration__date",
            )
            .order_by("decided_at", "pk")
        )

    def views_for(self, commitment) -> list[LinkView]:
        """A commitment's confirmed links, outgoing then incoming, each worded
        from its side (one query)."""
        views = []
        for link in self.for_public().touching([commitment.pk]):
            outgoing = link.from_commitment_id == commitment.pk
            kind = LinkType(link.type)
            views.append(
                LinkView(
                    link=link,
                    wording=kind.label if outgoing else kind.inverse_label,
                    other=link.to_commitment if outgoing else link.from_commitment,
                    outgoing=outgoing,
                )
            )
        views.sort(key=lambda v: (not v.outgoing, v.other.declaration.date))
        return views

    def chain_ids(self, commitment_id: int, first_step=None) -> set[int]:
        """The commitments reached from one by confirmed links, either way, up to
        CHAIN_STEPS steps and CHAIN_MAX commitments (itself included); one query
        a step. ``first_step``, the (from, to) ids of its own links when already
        read, saves the first query."""
        reached, frontier = {commitment_id}, {commitment_id}
        for step in range(CHAIN_STEPS):
            if not frontier or len(reached) >= CHAIN_MAX:
                break
            if step == 0 and first_step is not None:
                pairs = first_step
            else:
                pairs = (
                    self.confirmed()
                    .touching(frontier)
                    .values_list("from_commitment_id", "to_commitment_id")
                )
            found = set()
            for a, b in pairs:
                found.update((a, b))
            frontier = found - reached
            room = CHAIN_MAX - len(reached)
            frontier = set(sorted(frontier)[:room])
            reached |= frontier
        return reached

    def chain(self, commitment, as_of, views: list[LinkView] | None = None) -> list:
        """The commitments linked to one, directly or through others, across
        summits (see CHAIN_STEPS), itself included, oldest declaration first,
        each with its status on the date; empty when it has no confirmed link.
        ``views``, its links as ``views_for`` gave them, saves a query (and all
        of them when it has none)."""
        from .commitments import Commitment

        first = None
        if views is not None:
            if not views:
                return []
            first = [
                (v.link.from_commitment_id, v.link.to_commitment_id) for v in views
            ]
        ids = self.chain_ids(commitment.pk, first_step=first)
        if len(ids) < 2:
            return []
        return list(
            Commitment.objects.filter(pk__in=ids)
            .select_related("declaration")
            .only(
                "reference",
                "title",
                "declaration__slug",
                "declaration__title",
                "declaration__date",
                "declaration__place",
            )
            .with_status_as_of(as_of)
            .order_by("declaration__date", "reference")
        )


class CommitmentLink(models.Model):
    from_commitment = models.ForeignKey(
        "declarations.Commitment",
        on_delete=models.CASCADE,
        related_name="links_out",
        help_text="The later commitment, which follows up, repeats, reports "
        "progress on or supersedes the other.",
    )
    to_commitment = models.ForeignKey(
        "declarations.Commitment",
        on_delete=models.CASCADE,
        related_name="links_in",
        help_text="The earlier commitment.",
    )
    type = models.CharField(max_length=20, choices=LinkType.choices)
    note = models.TextField(
        blank=True,
        help_text="Why they are linked, or how the suggestion was found.",
        validators=[refuse_control_characters],
    )
    state = models.CharField(
        max_length=10,
        choices=LinkState.choices,
        default=LinkState.SUGGESTED,
        db_index=True,
    )
    score = models.FloatField(
        null=True,
        blank=True,
        help_text="How close the wordings are (0-100), for a suggested link.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="created_links",
        help_text="Empty when suggest_links found it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decided_links",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = CommitmentLinkQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = "link between commitments"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_commitment=models.F("to_commitment")),
                name="link_not_to_itself",
                violation_error_message="A commitment cannot be linked to itself.",
            ),
            models.UniqueConstraint(
                fields=["from_commitment", "to_commitment", "type"],
                name="link_once",
                violation_error_message="These commitments already have a link of "
                "this type.",
            ),
            models.CheckConstraint(
                condition=models.Q(type__in=LinkType.values), name="link_type_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=LinkState.values),
                name="link_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(state=LinkState.SUGGESTED)
                | models.Q(decided_by__isnull=False, decided_at__isnull=False),
                name="link_decided_by_someone",
                violation_error_message="A confirmed or dismissed link records who "
                "decided and when.",
            ),
        ]
        indexes = [
            # The changes log reads confirmed links newest first.
            models.Index(
                fields=["-decided_at", "-id"],
                condition=models.Q(state="confirmed"),
                name="link_confirmed",
            ),
        ]

    def __str__(self):
        return (
            f"{self.from_commitment.reference} {self.get_type_display().lower()} "
            f"{self.to_commitment.reference}"
        )

    @property
    def inverse_label(self) -> str:
        return LinkType(self.type).inverse_label

    def clean(self):
        if self.from_commitment_id and self.from_commitment_id == self.to_commitment_id:
            raise ValidationError(
                {"to_commitment": "A commitment cannot be linked to itself."}
            )
