"""The tables of a data release: their columns, types, keys and vocabularies.

One definition serves everything the release writes: the CSV files (read from
these querysets), each table's Frictionless schema in ``datapackage.json``, and the
codebook. The vocabularies (statuses, roles, kinds of deadline, ...) are the
``TextChoices`` of ``models.choices``, with their labels and definitions, so the
published codebook is the one the code applies.
"""

import dataclasses
import datetime
from collections.abc import Callable

from django.db import models
from django.db.models import F, OuterRef, Value

from ..models import (
    Assessment,
    Body,
    BodyKind,
    Commitment,
    CommitmentBody,
    CommitmentKind,
    CommitmentLink,
    Confidence,
    DatePrecision,
    Deadline,
    DeadlineKind,
    DeadlineRevision,
    Declaration,
    Direction,
    Event,
    Evidence,
    LinkType,
    Paragraph,
    Precision,
    Review,
    Role,
    Status,
)


@dataclasses.dataclass(frozen=True)
class Column:
    """One column: its name in the CSV, where its value comes from, its type."""

    name: str
    source: str | models.Expression  # an ORM path, or an expression
    type: str  # a Frictionless type: string, integer, date, datetime, boolean, object
    description: str
    required: bool = False
    unique: bool = False
    vocabulary: type[models.TextChoices] | None = None
    # The values allowed, when not the whole vocabulary (assessments never say
    # "unassessed").
    values: tuple[str, ...] | None = None

    @property
    def enum(self) -> list[str] | None:
        if self.values is not None:
            return list(self.values)
        return list(self.vocabulary.values) if self.vocabulary else None

    def schema(self) -> dict:
        field = {"name": self.name, "type": self.type, "description": self.description}
        if self.type == "date":
            field["format"] = "%Y-%m-%d"
        if self.type == "datetime":
            field["format"] = "%Y-%m-%dT%H:%M:%S.%fZ"
        constraints = {}
        if self.required:
            constraints["required"] = True
        if self.unique:
            constraints["unique"] = True
        if self.enum is not None:
            constraints["enum"] = self.enum
        if constraints:
            field["constraints"] = constraints
        return field


@dataclasses.dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    table: str  # "" for the table itself
    columns: tuple[str, ...]

    def schema(self) -> dict:
        return {
            "fields": list(self.fields),
            "reference": {"resource": self.table, "fields": list(self.columns)},
        }


@dataclasses.dataclass(frozen=True)
class Table:
    name: str
    title: str
    description: str
    rows: Callable[[datetime.date], models.QuerySet]  # ordered, one per CSV row
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()

    @property
    def path(self) -> str:
        return f"data/{self.name}.csv"

    def schema(self) -> dict:
        schema = {
            "fields": [column.schema() for column in self.columns],
            "primaryKey": list(self.primary_key),
            "missingValues": [""],
        }
        if self.foreign_keys:
            schema["foreignKeys"] = [key.schema() for key in self.foreign_keys]
        return schema


def username(path: str, what: str) -> Column:
    return Column(
        f"{path}",
        f"{path}__username",
        "string",
        f"The user name of the analyst or editor who {what}, as the pages print "
        "it; empty for records shipped with the codebook.",
    )


def corrected_by() -> Column:
    correction = (
        Assessment.objects.published().filter(corrects=OuterRef("pk")).values("pk")[:1]
    )
    return Column(
        "corrected_by",
        models.Subquery(correction, output_field=models.BigIntegerField()),
        "integer",
        "The id of the later assessment that corrects this one; a corrected "
        "assessment no longer counts towards any status. Empty if it stands.",
    )


def commitment_of(description: str = "The commitment's reference.") -> Column:
    return Column(
        "commitment", "commitment__reference", "string", description, required=True
    )


def to_commitments(field: str = "commitment") -> ForeignKey:
    return ForeignKey((field,), "commitments", ("reference",))


def assessment_columns(member_state: bool) -> tuple[Column, ...]:
    state = (
        (
            Column(
                "member_state",
                "member_state__slug",
                "string",
                "The slug of the member state whose record this assesses.",
                required=True,
            ),
        )
        if member_state
        else ()
    )
    return (
        Column("id", "pk", "integer", "The assessment's number.", required=True),
        commitment_of(),
        *state,
        Column(
            "status",
            "status",
            "string",
            "The status the analyst judged (see the status ladder).",
            required=True,
            vocabulary=Status,
            values=tuple(value for value, _ in Status.assessable()),
        ),
        Column(
            "as_of",
            "as_of",
            "date",
            "When this status became true in the world.",
            required=True,
        ),
        Column(
            "confidence",
            "confidence",
            "string",
            "How sure the analyst is.",
            required=True,
            vocabulary=Confidence,
        ),
        Column("rationale", "rationale", "string", "Why.", required=True),
        Column(
            "recorded_at",
            "recorded_at",
            "datetime",
            "When it was recorded in the tracker (UTC).",
            required=True,
        ),
        username("recorded_by", "recorded it"),
        Column(
            "published_at",
            "published_at",
            "datetime",
            "When it was published: approved in review, or recorded where review "
            "is off (UTC). Only published assessments are released.",
            required=True,
        ),
        username("reviewed_by", "approved it (empty: no second review)"),
        Column(
            "corrects",
            "corrects_id",
            "integer",
            "The id of the earlier assessment this one corrects.",
        ),
        corrected_by(),
        Column(
            "superseded_by",
            "superseded_by__reference",
            "string",
            "For 'superseded': the reference of the commitment that replaced it.",
        ),
        Column(
            "superseding_decision",
            "superseding_decision",
            "string",
            "For 'superseded', when what replaced it is not a tracked commitment: "
            "the decision, as its source names it.",
        ),
    )


def citations(member_state: bool, assessments: str) -> Table:
    through = Assessment.evidence.through
    return Table(
        name=f"{'member_state_' if member_state else ''}citations",
        title=(
            "Evidence cited by member-state assessments"
            if member_state
            else "Evidence cited by assessments"
        ),
        description="Which evidence each assessment rests on.",
        rows=lambda as_of: through.objects.filter(
            assessment__member_state__isnull=not member_state,
            assessment__review=Review.PUBLISHED,
        ).order_by("assessment_id", "evidence_id"),
        columns=(
            Column(
                "assessment", "assessment_id", "integer", "The assessment's id.", True
            ),
            Column("evidence", "evidence_id", "integer", "The evidence's id.", True),
        ),
        primary_key=("assessment", "evidence"),
        foreign_keys=(
            ForeignKey(("assessment",), assessments, ("id",)),
            ForeignKey(("evidence",), "evidence", ("id",)),
        ),
    )


def _is_retracted():
    return models.ExpressionWrapper(
        models.Q(retracted_at__isnull=False), output_field=models.BooleanField()
    )


TABLES: tuple[Table, ...] = (
    Table(
        name="declarations",
        title="Declarations",
        description="The declarations carried, with their full text verbatim.",
        rows=lambda as_of: Declaration.objects.order_by("date", "slug"),
        columns=(
            Column(
                "slug",
                "slug",
                "string",
                "The declaration's name in URLs (astana-2005).",
                required=True,
                unique=True,
            ),
            Column("title", "title", "string", "Its title.", required=True),
            Column("place", "place", "string", "Where it was adopted."),
            Column("date", "date", "date", "The day it was adopted.", required=True),
            Column("source", "source", "string", "Its source, as the file gives it."),
            Column(
                "reference_prefix",
                "reference_prefix",
                "string",
                "The prefix of its commitments' references (AST2005).",
                required=True,
                unique=True,
            ),
            Column(
                "header_fields",
                "header_fields",
                "object",
                "Every bracketed header field of the source file, verbatim, as a "
                "JSON object.",
            ),
            Column(
                "full_text",
                "full_text",
                "string",
                "The text after [Full text], verbatim.",
                required=True,
            ),
        ),
        primary_key=("slug",),
    ),
    Table(
        name="paragraphs",
        title="Paragraphs",
        description="Each declaration's text split into numbered paragraphs.",
        rows=lambda as_of: Paragraph.objects.order_by("declaration__slug", "number"),
        columns=(
            Column(
                "declaration",
                "declaration__slug",
                "string",
                "The declaration's slug.",
                required=True,
            ),
            Column(
                "paragraph",
                "number",
                "integer",
                "The paragraph's number, from 1, in document order.",
                required=True,
            ),
            Column(
                "section",
                "section",
                "integer",
                "The group of paragraphs it is in, where the text separates groups "
                "by a wider gap.",
                required=True,
            ),
            Column("text", "text", "string", "The paragraph, verbatim.", True),
        ),
        primary_key=("declaration", "paragraph"),
        foreign_keys=(ForeignKey(("declaration",), "declarations", ("slug",)),),
    ),
    Table(
        name="bodies",
        title="Bodies",
        description="The actors that own, support or are addressed by commitments.",
        rows=lambda as_of: Body.objects.order_by("slug"),
        columns=(
            Column("slug", "slug", "string", "The body's name in URLs.", True, True),
            Column("name", "name", "string", "Its full name.", True, True),
            Column("short_name", "short_name", "string", "Its abbreviation (RATS)."),
            Column(
                "kind",
                "kind",
                "string",
                "What kind of body it is.",
                required=True,
                vocabulary=BodyKind,
            ),
            Column(
                "parent",
                "parent__slug",
                "string",
                "The slug of the body it sits under (the RATS Council governs RATS).",
            ),
            Column("description", "description", "string", "What it is."),
        ),
        primary_key=("slug",),
        foreign_keys=(ForeignKey(("parent",), "", ("slug",)),),
    ),
    Table(
        name="commitments",
        title="Commitments",
        description="What each declaration promises, decides or demands, quoted "
        "from its paragraph, with its status on the release date.",
        rows=lambda as_of: Commitment.objects.with_status_as_of(
            as_of
        ).in_document_order(),
        columns=(
            Column(
                "reference",
                "reference",
                "string",
                "The commitment's stable public reference (AST2005-05).",
                required=True,
                unique=True,
            ),
            Column(
                "declaration",
                "declaration__slug",
                "string",
                "The declaration's slug.",
                required=True,
            ),
            Column(
                "paragraph",
                "paragraph__number",
                "integer",
                "The number of the paragraph it quotes.",
                required=True,
            ),
            Column("title", "title", "string", "A short title.", required=True),
            Column("theme", "theme", "string", "Its theme.", required=True),
            Column(
                "kind",
                "kind",
                "string",
                "What kind of commitment it is.",
                required=True,
                vocabulary=CommitmentKind,
            ),
            Column(
                "quote",
                "quote",
                "string",
                "Its words, verbatim: they occur exactly in the paragraph.",
                required=True,
            ),
            Column("notes", "notes", "string", "How it was coded."),
            Column(
                "status",
                "status_on",
                "string",
                "Its status on status_as_of: that of the latest standing overall "
                "assessment whose as_of is on or before that date.",
                required=True,
                vocabulary=Status,
            ),
            Column(
                "status_since",
                "status_since",
                "date",
                "The first day of the run of assessments that gave that status "
                "(empty when unassessed).",
            ),
            Column(
                "status_as_of",
                "status_as_of",
                "date",
                "The date the status is judged on: the release date.",
                required=True,
            ),
            Column(
                "withdrawn_at",
                "withdrawn_at",
                "datetime",
                "When an editor withdrew it (UTC); empty while it stands. A "
                "withdrawn commitment is left out of the tracker's lists and "
                "figures, and kept here with its record.",
            ),
            username("withdrawn_by", "withdrew it"),
            Column("withdrawal_reason", "withdrawal_reason", "string", "Why it was."),
        ),
        primary_key=("reference",),
        foreign_keys=(
            ForeignKey(("declaration",), "declarations", ("slug",)),
            ForeignKey(
                ("declaration", "paragraph"),
                "paragraphs",
                ("declaration", "paragraph"),
            ),
        ),
    ),
    Table(
        name="commitment_bodies",
        title="Bodies of each commitment",
        description="Which bodies each commitment binds, and in which role.",
        rows=lambda as_of: CommitmentBody.objects.order_by(
            "commitment__reference", "body__slug"
        ),
        columns=(
            commitment_of(),
            Column("body", "body__slug", "string", "The body's slug.", True),
            Column(
                "role",
                "role",
                "string",
                "The part the body plays.",
                required=True,
                vocabulary=Role,
            ),
        ),
        primary_key=("commitment", "body"),
        foreign_keys=(
            to_commitments(),
            ForeignKey(("body",), "bodies", ("slug",)),
        ),
    ),
    Table(
        name="events",
        title="Events",
        description="The events that deadlines wait for (the next summit, a "
        "meeting of heads of government): when each was expected and, once "
        "known, when and where it was held.",
        rows=lambda as_of: Event.objects.order_by("pk"),
        columns=(
            Column("id", "pk", "integer", "The event's number.", required=True),
            Column("name", "name", "string", "What it is.", True, True),
            Column("body", "body__slug", "string", "The slug of the organ that meets."),
            Column(
                "expected_earliest",
                "expected_earliest",
                "date",
                "The first day it could be held on, as the wording allows.",
            ),
            Column(
                "expected_latest",
                "expected_latest",
                "date",
                "The last day it could be held on, as the wording allows.",
            ),
            Column(
                "expected_precision",
                "expected_precision",
                "string",
                "How precise the expected window is.",
                vocabulary=Precision,
            ),
            Column(
                "held_on",
                "held_on",
                "date",
                "When it was held; empty until known. With a precision other "
                "than day, any day of that period.",
            ),
            Column(
                "held_precision",
                "held_precision",
                "string",
                "How precisely that date is known; the deadlines waiting for "
                "the event narrow to that period.",
                vocabulary=Precision,
            ),
            Column("place", "place", "string", "Where it was held."),
            Column(
                "source_url",
                "source_url",
                "string",
                "Where its date and place are documented (http or https).",
            ),
            Column("notes", "notes", "string", "Editors' notes."),
        ),
        primary_key=("id",),
        foreign_keys=(ForeignKey(("body",), "bodies", ("slug",)),),
    ),
    Table(
        name="deadlines",
        title="Deadlines",
        description="Each commitment's deadline: the wording and its due window.",
        rows=lambda as_of: Deadline.objects.order_by("commitment__reference"),
        columns=(
            commitment_of(),
            Column(
                "deadline_wording",
                "wording",
                "string",
                "The deadline verbatim from the text; empty when it sets none.",
            ),
            Column(
                "deadline_kind",
                "kind",
                "string",
                "What kind of deadline the wording sets.",
                required=True,
                vocabulary=DeadlineKind,
            ),
            Column(
                "deadline_event",
                "event",
                "string",
                "For event deadlines: the event.",
            ),
            Column(
                "deadline_waits_for",
                "waits_for_id",
                "integer",
                "For event deadlines: the id of the event's record (events.csv).",
            ),
            Column(
                "deadline_earliest",
                "earliest",
                "date",
                "The first day of the due window; empty when there is none.",
            ),
            Column(
                "deadline_latest",
                "latest",
                "date",
                "The last day of the due window; empty when there is none.",
            ),
            Column(
                "deadline_precision",
                "precision",
                "string",
                "How precise the window is; empty when there is none.",
                vocabulary=Precision,
            ),
            Column("deadline_note", "note", "string", "How the wording was read."),
            Column(
                "deadline_review_date",
                "review_date",
                "date",
                "For vague or absent deadlines: when analysts should look again.",
            ),
        ),
        primary_key=("commitment",),
        foreign_keys=(
            to_commitments(),
            ForeignKey(("deadline_waits_for",), "events", ("id",)),
        ),
    ),
    Table(
        name="deadline_revisions",
        title="Revisions of deadlines",
        description="Each reinterpretation or extension of a deadline: the old "
        "reading and the new, why, and who changed it.",
        rows=lambda as_of: DeadlineRevision.objects.order_by("pk"),
        columns=(
            Column("id", "pk", "integer", "The revision's number.", required=True),
            Column(
                "commitment",
                "deadline__commitment__reference",
                "string",
                "The reference of the commitment whose deadline was revised.",
                required=True,
            ),
            Column(
                "revised_at", "revised_at", "datetime", "When (UTC).", required=True
            ),
            username("revised_by", "revised it"),
            Column("reason", "reason", "string", "Why.", required=True),
            *(
                column
                for side in ("old", "new")
                for column in (
                    Column(
                        f"{side}_wording",
                        f"{side}_wording",
                        "string",
                        f"The {side} wording.",
                    ),
                    Column(
                        f"{side}_kind",
                        f"{side}_kind",
                        "string",
                        f"The {side} kind of deadline.",
                        required=True,
                        vocabulary=DeadlineKind,
                    ),
                    Column(
                        f"{side}_earliest",
                        f"{side}_earliest",
                        "date",
                        f"The {side} window's first day.",
                    ),
                    Column(
                        f"{side}_latest",
                        f"{side}_latest",
                        "date",
                        f"The {side} window's last day.",
                    ),
                    Column(
                        f"{side}_precision",
                        f"{side}_precision",
                        "string",
                        f"The {side} window's precision.",
                        vocabulary=Precision,
                    ),
                )
            ),
        ),
        primary_key=("id",),
        foreign_keys=(ForeignKey(("commitment",), "deadlines", ("commitment",)),),
    ),
    Table(
        name="commitment_links",
        title="Links between commitments",
        description="How a later commitment stands to an earlier one, across "
        "declarations: follows up, repeats, reports progress on, supersedes. Only "
        "links an editor confirmed; suggestions are not published.",
        rows=lambda as_of: CommitmentLink.objects.confirmed().order_by("pk"),
        columns=(
            Column("id", "pk", "integer", "The link's number.", required=True),
            Column(
                "from_commitment",
                "from_commitment__reference",
                "string",
                "The later commitment's reference.",
                required=True,
            ),
            Column(
                "type",
                "type",
                "string",
                "How it stands to the other (read: from_commitment <type> "
                "to_commitment).",
                required=True,
                vocabulary=LinkType,
            ),
            Column(
                "to_commitment",
                "to_commitment__reference",
                "string",
                "The earlier commitment's reference.",
                required=True,
            ),
            Column("note", "note", "string", "Why they are linked."),
            Column(
                "confirmed_at",
                "decided_at",
                "datetime",
                "When an editor confirmed it (UTC).",
                required=True,
            ),
            Column(
                "confirmed_by",
                "decided_by__username",
                "string",
                "The user name of the editor who confirmed it.",
            ),
        ),
        primary_key=("id",),
        foreign_keys=(
            to_commitments("from_commitment"),
            to_commitments("to_commitment"),
        ),
    ),
    Table(
        name="evidence",
        title="Evidence",
        description="Things that happened in the world, logged by analysts with "
        "their source. Retracted evidence is kept, with the reason.",
        rows=lambda as_of: Evidence.objects.order_by("pk"),
        columns=(
            Column(
                "id",
                "pk",
                "integer",
                "The evidence's number (its anchor on the commitment's page, "
                "#evidence-<id>).",
                required=True,
            ),
            commitment_of(),
            Column(
                "event_date",
                "event_date",
                "date",
                "When it happened; a date known only to the month or year is its "
                "first day (see event_date_precision).",
                required=True,
            ),
            Column(
                "event_date_precision",
                "event_date_precision",
                "string",
                "How exactly the source dates it.",
                required=True,
                vocabulary=DatePrecision,
            ),
            Column("summary", "summary", "string", "What happened.", required=True),
            Column(
                "source_title", "source_title", "string", "The source.", required=True
            ),
            Column("source_publisher", "source_publisher", "string", "Its publisher."),
            Column(
                "source_url", "source_url", "string", "Its address (http or https)."
            ),
            Column(
                "source_language",
                "source_language",
                "string",
                "The source's language (a code such as en, ru, zh).",
            ),
            Column(
                "archived_url",
                "archived_url",
                "string",
                "An archived copy of the source, where one exists.",
            ),
            Column(
                "accessed_on", "accessed_on", "date", "When the source was consulted."
            ),
            Column("excerpt", "excerpt", "string", "A verbatim excerpt of the source."),
            Column(
                "confidence",
                "confidence",
                "string",
                "How sure the analyst is that the source shows what the summary says.",
                vocabulary=Confidence,
            ),
            Column(
                "direction",
                "direction",
                "string",
                "Whether it points toward implementation, against it, or neither.",
                required=True,
                vocabulary=Direction,
            ),
            Column(
                "logged_at", "logged_at", "datetime", "When it was logged (UTC).", True
            ),
            username("logged_by", "logged it"),
            Column(
                "retracted",
                _is_retracted(),
                "boolean",
                "Whether it was retracted (it then supports nothing).",
                required=True,
            ),
            Column(
                "retracted_at", "retracted_at", "datetime", "When it was retracted."
            ),
            username("retracted_by", "retracted it"),
            Column("retraction_reason", "retraction_reason", "string", "Why it was."),
        ),
        primary_key=("id",),
        foreign_keys=(to_commitments(),),
    ),
    Table(
        name="assessments",
        title="Assessments",
        description="Analysts' dated judgements of each commitment's status as a "
        "whole. Append-only: a correction is a new assessment naming the one it "
        "corrects.",
        rows=lambda as_of: Assessment.objects.published().overall().order_by("pk"),
        columns=assessment_columns(member_state=False),
        primary_key=("id",),
        foreign_keys=(
            to_commitments(),
            ForeignKey(("corrects",), "", ("id",)),
            ForeignKey(("corrected_by",), "", ("id",)),
            to_commitments("superseded_by"),
        ),
    ),
    citations(member_state=False, assessments="assessments"),
    Table(
        name="member_state_assessments",
        title="Member-state assessments",
        description="Assessments of one member state's record on a commitment that "
        "binds each member state.",
        rows=lambda as_of: (
            Assessment.objects.published()
            .filter(member_state__isnull=False)
            .order_by("pk")
        ),
        columns=assessment_columns(member_state=True),
        primary_key=("id",),
        foreign_keys=(
            to_commitments(),
            ForeignKey(("member_state",), "bodies", ("slug",)),
            ForeignKey(("corrects",), "", ("id",)),
            ForeignKey(("corrected_by",), "", ("id",)),
            to_commitments("superseded_by"),
        ),
    ),
    citations(member_state=True, assessments="member_state_assessments"),
)

BY_NAME = {table.name: table for table in TABLES}


def rows_of(table: Table, as_of: datetime.date) -> models.QuerySet:
    """The table's queryset with one annotation per column, ``c0``, ``c1``, ...

    Expressions are annotated as they are; ORM paths through ``F``. The status
    date, the same for every row, is a constant.
    """
    queryset = table.rows(as_of)
    annotations = {}
    for index, column in enumerate(table.columns):
        if column.source == "status_as_of":
            source = Value(as_of, output_field=models.DateField())
        elif isinstance(column.source, str):
            source = F(column.source)
        else:
            source = column.source
        annotations[f"c{index}"] = source
    return queryset.annotate(**annotations)
