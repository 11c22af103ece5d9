"""Commitments, the bodies they bind, and the rules for status and overdue on a date."""

import datetime
from collections import defaultdict

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models.functions import Coalesce
from django.utils import timezone
from simple_history.models import HistoricalRecords

from ..text import refuse_control_characters
from .choices import CommitmentKind, OverdueBand, Role, Status
from .indexes import PostgreSQLGinIndex, PostgreSQLIndex
from .records import Assessment, Evidence
from .routes import object_url
from .scorecards import (
    OVERDUE_PAGE_BANDS,
    SCORECARD_GROUPS,
    Scorecard,
    Timeliness,
    deadline_tested,
    from_groups,
    ranked,
)

REFERENCE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
SEARCH_CONFIG = "english"


def search_vector() -> SearchVector:
    """What free-text search reads on PostgreSQL; ``commitment_search`` indexes it."""
    return SearchVector("reference", "title", "quote", config=SEARCH_CONFIG)


# What lists never show of a commitment's declaration and paragraph: the whole
# text would otherwise travel with every row.
WIDE_RELATED_FIELDS = (
    "declaration__full_text",
    "declaration__banner",
    "declaration__header_fields",
    "paragraph__text",
)


def due_soon_days() -> int:
    return settings.TRACKER_DUE_SOON_DAYS


def _body_links() -> models.Prefetch:
    return models.Prefetch(
        "body_links",
        queryset=CommitmentBody.objects.select_related("body").order_by(
            "role", "body__name"
        ),
    )


class CommitmentQuerySet(models.QuerySet):
    def standing(self):
        """Commitments not withdrawn: the only ones the public lists, counts,
        feeds and exports (a withdrawn one keeps its page, answering 410, and
        its rows in the data release)."""
        return self.filter(withdrawn_at__isnull=True)

    def existing_on(self, as_of: datetime.date):
        """Standing commitments of declarations adopted on or before the date: on
        an earlier date a commitment did not exist yet, so it is neither listed
        nor counted. (No declaration is dated after today, so from today on that
        is every standing commitment.)"""
        if as_of >= timezone.localdate():
            return self.standing()
        return self.standing().filter(derived__declared_on__lte=as_of)

    def owned_by(self, body, role: str | None = None):
        """Commitments a body is party to, in any role or in the given one."""
        links = CommitmentBody.objects.filter(body=body)
        if role:
            links = links.filter(role=role)
        return self.filter(pk__in=links.values("commitment"))

    def owned_by_any(self, body_ids, role: str):
        """Commitments any of the bodies is party to in the role (each once)."""
        links = CommitmentBody.objects.filter(body__in=list(body_ids), role=role)
        return self.filter(pk__in=links.values("commitment"))

    def with_status_as_of(self, as_of: datetime.date):
        """Annotate ``status_on`` and ``status_since``, the status in force on a date.

        That is the status of the latest effective overall assessment whose
        ``as of`` is on or before the date ('unassessed' where there is none), and
        the first day of the run of that status. From today on it is the current
        status (as-of dates are never in the future); before, it is read from the
        commitment's status periods: one join either way, and no query is run
        while the queryset is built.
        """
        if as_of >= timezone.localdate():
            # Every commitment has its derived state (status_derive writes one
            # for each), so the status is its column, which filters use an
            # index for.
            return self.annotate(
                status_on=models.F("derived__status"),
                status_since=models.F("derived__since"),
            )
        holds = models.Q(status_periods__starts_on__lte=as_of) & (
            models.Q(status_periods__ends_on__gt=as_of)
            | models.Q(status_periods__ends_on__isnull=True)
        )
        return self.annotate(
            period_on=models.FilteredRelation("status_periods", condition=holds),
            status_on=Coalesce(
                models.F("period_on__status"), models.Value(Status.UNASSESSED)
            ),
            status_since=models.F("period_on__starts_on"),
        )

    def with_overdue_band(self, as_of: datetime.date, soon_days: int | None = None):
        """Annotate ``overdue_band`` (an ``OverdueBand``) as of the date.

        Needs nothing else: adds ``status_on`` itself when missing.
        """
        qs = (
            self
            if "status_on" in self.query.annotations
            else self.with_status_as_of(as_of)
        )
        soon = as_of + datetime.timedelta(
            days=due_soon_days() if soon_days is None else soon_days
        )
        return qs.annotate(
            overdue_band=models.Case(
                models.When(
                    ~models.Q(status_on__in=Status.open_values()),
                    then=models.Value(OverdueBand.CLOSED),
                ),
                models.When(
                    derived__latest__isnull=True,
                    then=models.Value(OverdueBand.NO_WINDOW),
                ),
                models.When(
                    derived__latest__lt=as_of,
                    then=models.Value(OverdueBand.DEFINITELY),
                ),
                models.When(
                    derived__earliest__lt=as_of,
                    then=models.Value(OverdueBand.POSSIBLY),
                ),
                models.When(
                    derived__earliest__lte=soon,
                    then=models.Value(OverdueBand.DUE_SOON),
                ),
                default=models.Value(OverdueBand.NOT_DUE),
                output_field=models.CharField(),
            )
        )

    def in_bands(self, bands, as_of: datetime.date):
        """Commitments in any of the given overdue bands on the date."""
        return self.with_overdue_band(as_of).filter(overdue_band__in=list(bands))

    def overdue(self, as_of: datetime.date):
        """Definitely or possibly overdue on the date."""
        return self.in_bands([OverdueBand.DEFINITELY, OverdueBand.POSSIBLY], as_of)

    def with_status(self, statuses, as_of: datetime.date):
        """Commitments whose status in force on the date is one of ``statuses``."""
        qs = (
            self
            if "status_on" in self.query.annotations
            else self.with_status_as_of(as_of)
        )
        return qs.filter(status_on__in=list(statuses))

    def matching(self, text: str):
        """Commitments whose reference, title or quote match the text.

        On PostgreSQL, full-text search (English stemming, web-search syntax: words,
        "quoted phrases", -excluded) over an indexed vector, or the start of a
        reference; elsewhere a case-insensitive substring of any of the three.
        """
        text = text.strip()
        if not text:
            return self
        if connections[self.db].vendor == "postgresql":
            query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
            # A reference, or the start of one, as typed or in capitals.
            starts = models.Q(reference__startswith=text) | models.Q(
                reference__startswith=text.upper()
            )
            return self.alias(search=search_vector()).filter(
                models.Q(search=query) | starts
            )
        return self.filter(
            models.Q(reference__icontains=text)
            | models.Q(title__icontains=text)
            | models.Q(quote__icontains=text)
        )

    def with_party_in_role(self, role: str):
        """Commitments with at least one body in the given role."""
        links = CommitmentBody.objects.filter(role=role)
        return self.filter(pk__in=links.values("commitment"))

    def due_between(
        self, start: datetime.date | None = None, end: datetime.date | None = None
    ):
        """Commitments whose due window overlaps start..end (either end may be open)."""
        qs = self.with_dated_window()
        if start:
            qs = qs.filter(derived__latest__gte=start)
        if end:
            qs = qs.filter(derived__earliest__lte=end)
        return qs

    def with_dated_window(self):
        """Commitments whose deadline has a due window."""
        return self.filter(derived__earliest__isnull=False)

    def themes(self):
        """The distinct themes of standing commitments, alphabetically."""
        return (
            self.standing().order_by("theme").values_list("theme", flat=True).distinct()
        )

    def with_last_evidence(self, as_of: datetime.date):
        """Annotate ``last_evidence_on``: latest standing evidence up to the date."""
        if as_of >= timezone.localdate():
            return self.annotate(last_evidence_on=models.F("derived__last_evidence_on"))
        latest = (
            Evidence.objects.standing()
            .filter(commitment=models.OuterRef("pk"), event_date__lte=as_of)
            .order_by("-event_date")
            .values("event_date")[:1]
        )
        return self.annotate(last_evidence_on=models.Subquery(latest))

    def live(self):
        """Commitments not yet settled in the figure tallies (see models.tallies):
        those whose window was still open when their state was last derived."""
        return self.filter(derived__settled=False)

    def with_implementation(self, as_of: datetime.date):
        """Annotate ``implemented_on`` and ``timeliness`` (a ``Timeliness``) on a date.

        ``implemented_on`` is the ``as of`` of the earliest effective overall
        'implemented' assessment, if that is on or before the date; on time when it
        is on or before the window's last day.
        """
        implemented = models.Q(derived__first_implemented_on__lte=as_of)
        return self.annotate(
            implemented_on=models.Case(
                models.When(
                    implemented, then=models.F("derived__first_implemented_on")
                ),
                default=models.Value(None),
                output_field=models.DateField(),
            ),
            timeliness=models.Case(
                models.When(~implemented, then=models.Value(None)),
                models.When(
                    derived__latest__isnull=True,
                    then=models.Value(Timeliness.UNDATED),
                ),
                models.When(
                    derived__first_implemented_on__lte=models.F("derived__latest"),
                    then=models.Value(Timeliness.ON_TIME),
                ),
                default=models.Value(Timeliness.LATE),
                output_field=models.CharField(),
            ),
        )

    def implemented_in_time(self, timeliness, as_of: datetime.date):
        """Commitments implemented by the date, on time, late or undated as asked."""
        return self.with_implementation(as_of).filter(timeliness__in=list(timeliness))

    def with_role_of(self, body):
        """Annotate ``body_role``: the role the given body plays in each commitment."""
        role = CommitmentBody.objects.filter(
            commitment=models.OuterRef("pk"), body=body
        ).values("role")[:1]
        return self.annotate(body_role=models.Subquery(role))

    def with_scorecard_groups(self, as_of: datetime.date):
        """Annotate what a scorecard counts by (SCORECARD_GROUPS) on the date, for
        the commitments that existed then."""
        return (
            self.existing_on(as_of)
            .with_overdue_band(as_of)
            .with_implementation(as_of)
            .annotate(deadline_tested=deadline_tested(as_of))
        )

    def member_state_record(self, state, as_of: datetime.date) -> Scorecard:
        """A member state's own record on these commitments on the date: each
        counted by the state's member-state assessment in force (published, not
        corrected), unassessed where there is none. One grouped query.

        Overdue bands and timeliness are the commitment's, not the state's, so
        the card holds statuses and the rates made of them only."""
        in_force = (
            Assessment.objects.filter(
                commitment=models.OuterRef("pk"), member_state=state
            )
            .in_force_on(as_of)
            .values("status")[:1]
        )
        rows = (
            self.existing_on(as_of)
            .annotate(
                state_status=Coalesce(
                    models.Subquery(in_force), models.Value(Status.UNASSESSED)
                )
            )
            .order_by()
            .values("state_status")
            .annotate(n=models.Count("pk"))
        )
        by_status = dict.fromkeys(Status.values, 0)
        for row in rows:
            by_status[row["state_status"]] += row["n"]
        return Scorecard(total=sum(by_status.values()), by_status=by_status)

    def scorecard(self, as_of: datetime.date) -> Scorecard:
        """Counts by status and overdue band, and timeliness, on the date: one
        grouped query."""
        rows = (
            self.with_scorecard_groups(as_of)
            .values(*SCORECARD_GROUPS)
            .annotate(n=models.Count("pk"))
            .order_by()
        )
        return from_groups(rows)

    def scorecards_by_body(
        self,
        as_of: datetime.date,
        body_ids=None,
        *,
        roles=None,
        subtrees: dict[int, list[int]] | None = None,
    ) -> dict[tuple[int, str], Scorecard]:
        """Scorecards keyed by (body id, role) on the date, counted row by row.

        For the given bodies (all when None) and roles (all when None), in one
        grouped query; with ``subtrees`` ({body id: ids of it and the bodies under
        it}) each body counts its subtree's commitments once, one query a body.
        """
        roles = list(roles) if roles is not None else Role.values
        if subtrees is not None:
            return {
                (body_id, role): self.filter(
                    pk__in=CommitmentBody.objects.filter(
                        body__in=members, role=role
                    ).values("commitment")
                ).scorecard(as_of)
                for body_id, members in subtrees.items()
                for role in roles
            }
        links = {"body_links__role__in": roles}
        if body_ids is not None:
            links["body_links__body__in"] = list(body_ids)
        rows = defaultdict(list)
        for row in (
            self.filter(**links)  # one join: the body and the role of one link
            .with_scorecard_groups(as_of)
            .values("body_links__body", "body_links__role", *SCORECARD_GROUPS)
            .annotate(n=models.Count("pk"))
            .order_by()
        ):
            rows[(row["body_links__body"], row["body_links__role"])].append(row)
        return {pair: from_groups(group) for pair, group in rows.items()}

    def scorecards_by_declaration(self, as_of: datetime.date) -> dict[int, Scorecard]:
        """Scorecards keyed by declaration id on the date: one grouped query."""
        rows = defaultdict(list)
        for row in (
            self.with_scorecard_groups(as_of)
            .values("declaration", *SCORECARD_GROUPS)
            .annotate(n=models.Count("pk"))
            .order_by()
        ):
            rows[row["declaration"]].append(row)
        return {pk: from_groups(group) for pk, group in rows.items()}

    def scorecards_by_declaration_and_body(
        self, as_of: datetime.date, role: str = Role.RESPONSIBLE
    ) -> dict[tuple[int, int], Scorecard]:
        """Scorecards keyed by (declaration id, body id) of the commitments each
        body is party to in the role, on the date: one grouped query."""
        rows = defaultdict(list)
        for row in (
            self.filter(body_links__role=role)  # one join: one link a row
            .with_scorecard_groups(as_of)
            .values("declaration", "body_links__body", *SCORECARD_GROUPS)
            .annotate(n=models.Count("pk"))
            .order_by()
        ):
            rows[(row["declaration"], row["body_links__body"])].append(row)
        return {pair: from_groups(group) for pair, group in rows.items()}

    def for_public_list(self, as_of: datetime.date):
        """The public commitment table on a date, without per-row queries.

        Declaration, deadline and bodies; ``status_on``, ``status_rank`` (the
        ladder's order), ``overdue_band`` and ``last_evidence_on``; document order.
        """
        return (
            self.existing_on(as_of)
            .select_related("declaration", "paragraph", "deadline")
            .defer(*WIDE_RELATED_FIELDS)
            .prefetch_related(_body_links())
            .with_overdue_band(as_of)
            .with_last_evidence(as_of)
            .annotate(status_rank=ranked("status_on", Status.values))
            .in_document_order()
        )

    def for_api(self, as_of: datetime.date):
        """The API's commitments on a date: what the public list and a commitment's
        page show of each (declaration, paragraph number, deadline, bodies,
        status, overdue band, last evidence, implementation), in no order (the
        API pages by its own key)."""
        return (
            self.select_related("declaration", "paragraph", "deadline__waits_for__body")
            .defer(*WIDE_RELATED_FIELDS)
            .prefetch_related(_body_links())
            .with_overdue_band(as_of)
            .with_last_evidence(as_of)
            .with_implementation(as_of)
        )

    def for_overdue_list(self, as_of: datetime.date):
        """Definitely, possibly overdue and due soon on the date, most pressing first.

        Adds ``band_rank`` to the public list's annotations.
        """
        # Every band listed needs a window that opens by the end of due-soon:
        # said explicitly, so the database narrows by the window's index first.
        soon = as_of + datetime.timedelta(days=due_soon_days())
        return (
            self.for_public_list(as_of)
            .filter(derived__earliest__lte=soon)
            .in_bands(OVERDUE_PAGE_BANDS, as_of)
            .annotate(band_rank=ranked("overdue_band", OVERDUE_PAGE_BANDS))
            .order_by("band_rank", "derived__latest", "derived__earliest", "reference")
        )

    def for_detail(self, as_of: datetime.date):
        """One commitment's page: everything on the row, its bodies and deadline
        revisions, and its status, overdue band and implementation on the date."""
        from .deadlines import DeadlineRevision

        return (
            self.select_related("declaration", "paragraph", "deadline__waits_for__body")
            .prefetch_related(
                _body_links(),
                models.Prefetch(
                    "deadline__revisions",
                    queryset=DeadlineRevision.objects.select_related("revised_by"),
                ),
            )
            .with_overdue_band(as_of)
            .with_implementation(as_of)
        )

    def for_reader(self, as_of: datetime.date):
        """Commitments to highlight in the reader: paragraph and status on the date."""
        return (
            self.standing()
            .select_related("paragraph")
            .with_status_as_of(as_of)
            .in_document_order()
        )

    def for_calendar(self):
        """Commitments with a due window, soonest first: the calendar's order."""
        return (
            self.standing()
            .with_dated_window()
            .order_by("derived__earliest", "reference", "pk")
        )

    def calendar_rows(self):
        """What the calendar writes of each commitment, as plain values (no model
        is built: the calendar of 100,000 commitments builds none), with today's
        status as ``status_on`` and the deadline's fields as ``deadline_*``."""
        return self.with_status_as_of(timezone.localdate()).values(
            "pk",
            "reference",
            "title",
            "theme",
            "quote",
            "status_on",
            deadline_wording=models.F("deadline__wording"),
            deadline_note=models.F("deadline__note"),
            deadline_earliest=models.F("deadline__earliest"),
            deadline_latest=models.F("deadline__latest"),
            deadline_precision=models.F("deadline__precision"),
        )

    def in_document_order(self):
        """By declaration date, declaration, paragraph and reference, as kept on
        each commitment's derived state (one index, no join to sort)."""
        return self.order_by(
            "derived__declared_on",
            "derived__declaration_id",
            "derived__paragraph_number",
            "derived__reference",
        )

    def for_export(self, as_of: datetime.date):
        """What the quick export needs, in document order, without per-row queries."""
        return (
            self.existing_on(as_of)
            .select_related("declaration", "paragraph", "deadline")
            .prefetch_related(
                models.Prefetch(
                    "body_links",
                    queryset=CommitmentBody.objects.select_related("body").order_by(
                        "role", "body__name"
                    ),
                )
            )
            .with_status_as_of(as_of)
            .in_document_order()
        )


class Commitment(models.Model):
    declaration = models.ForeignKey(
        "declarations.Declaration", on_delete=models.PROTECT, related_name="commitments"
    )
    paragraph = models.ForeignKey(
        "declarations.Paragraph", on_delete=models.PROTECT, related_name="commitments"
    )
    reference = models.CharField(
        max_length=40,
        unique=True,
        help_text="Stable public reference, e.g. AST2005-05. Never change it once "
        "published: URLs, exports and citations use it.",
    )
    title = models.CharField(max_length=300, validators=[refuse_control_characters])
    theme = models.CharField(
        max_length=100, db_index=True, validators=[refuse_control_characters]
    )
    kind = models.CharField(
        max_length=10, choices=CommitmentKind.choices, default=CommitmentKind.PLEDGE
    )
    quote = models.TextField(
        help_text="Verbatim, exactly as in the paragraph.",
        validators=[refuse_control_characters],
    )
    notes = models.TextField(
        blank=True,
        help_text="How the commitment was coded.",
        validators=[refuse_control_characters],
    )
    bodies = models.ManyToManyField(
        "declarations.Body", through="CommitmentBody", related_name="commitments"
    )
    # Withdrawn, never deleted (services.commitment_withdraw): the page stays,
    # answering 410 with the reason and the record.
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    withdrawal_reason = models.TextField(
        blank=True, editable=False, validators=[refuse_control_characters]
    )
    history = HistoricalRecords()
    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["declaration", "paragraph__number", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reference__regex=REFERENCE_PATTERN),
                name="commitment_reference_format",
                violation_error_message="A reference uses letters, digits, '.', '_' "
                "and '-' only.",
            ),
            models.CheckConstraint(
                condition=~models.Q(quote="") & ~models.Q(title=""),
                name="commitment_has_quote_and_title",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=CommitmentKind.values),
                name="commitment_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True)
                | ~models.Q(withdrawal_reason=""),
                name="commitment_withdrawal_has_reason",
                violation_error_message="A withdrawn commitment says why it was "
                "withdrawn.",
            ),
        ]
        indexes = [
            models.Index(
                fields=["declaration", "paragraph"], name="commitment_decl_para"
            ),
            PostgreSQLGinIndex(search_vector(), name="commitment_search"),
            # For "starts with" on references (LIKE 'AST2005%'), whatever the
            # collation.
            PostgreSQLIndex(
                fields=["reference"],
                name="commitment_reference_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self):
        return f"{self.reference}: {self.title}"

    def get_absolute_url(self):
        return object_url("declarations:commitment-detail", self.reference)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def clean(self):
        errors = {}
        if self.paragraph_id and self.declaration_id:
            if self.paragraph.declaration_id != self.declaration_id:
                errors["paragraph"] = "The paragraph belongs to another declaration."
            elif self.quote and self.quote not in self.paragraph.text:
                errors["quote"] = (
                    f"The quote does not occur verbatim in paragraph "
                    f"{self.paragraph.number}."
                )
        if errors:
            raise ValidationError(errors)


class CommitmentBody(models.Model):
    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="body_links"
    )
    # Indexed with the role (commitment_body_role_idx), which serves lookups by
    # body alone too.
    body = models.ForeignKey(
        "declarations.Body",
        on_delete=models.PROTECT,
        related_name="commitment_links",
        db_index=False,
    )
    role = models.CharField(max_length=12, choices=Role.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "body of a commitment"
        ordering = ["commitment", "role", "body__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "body"], name="commitment_body_once"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values),
                name="commitment_body_role_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["body", "role"], name="commitment_body_role_idx")
        ]

    def __str__(self):
        return f"{self.body} ({self.get_role_display()})"


class ReferenceAlias(models.Model):
    """A reference a commitment was published under before an editor corrected
    it (services.commitment_rename): every URL with it answers 301 to the
    commitment's current one, so a citation never breaks."""

    old_reference = models.CharField(max_length=40, unique=True)
    commitment = models.ForeignKey(
        Commitment, on_delete=models.PROTECT, related_name="aliases"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(validators=[refuse_control_characters])

    class Meta:
        verbose_name = "former reference"
        ordering = ["commitment", "-changed_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(old_reference__regex=REFERENCE_PATTERN),
                name="reference_alias_format",
            ),
            models.CheckConstraint(
                condition=~models.Q(reason=""), name="reference_alias_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.old_reference} → {self.commitment.reference}"
