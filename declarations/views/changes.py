"""The public changelog: corrections, retractions, deadline revisions, accepted
proposals, confirmed links, edits."""

import dataclasses
import datetime
from collections import defaultdict

from django.db import models
from django.http import Http404
from django.urls import reverse
from django.views.generic import TemplateView

from ..models import (
    Assessment,
    Body,
    Commitment,
    CommitmentBody,
    CommitmentLink,
    CommitmentProposal,
    Deadline,
    DeadlineRevision,
    Declaration,
    Event,
    Evidence,
)
from .as_of import BadQuery, bad_query

# The codebook models whose every edit is recorded by django-simple-history.
CODEBOOK = {
    "declaration": Declaration,
    "body": Body,
    "commitment": Commitment,
    "commitmentbody": CommitmentBody,
    "deadline": Deadline,
    "event": Event,
}
KINDS = {
    "assessments": "New assessments",
    "evidence": "New evidence",
    "corrections": "Corrections of assessments",
    "retractions": "Retracted evidence",
    "deadlines": "Deadline revisions",
    "proposals": "Accepted proposals",
    "links": "Confirmed links",
    "codebook": "Codebook edits",
}
KIND_CHOICES = list(KINDS.items())


ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


@dataclasses.dataclass
class Change:
    kind: str
    when: datetime.datetime
    record: object
    who: object = None
    changes: list = dataclasses.field(default_factory=list)
    action: str = ""
    subject: str = ""
    url: str = ""


def _subject(name, record) -> tuple[str, str]:
    """What a codebook edit was about, in words, and where to see it now."""
    commitment = getattr(record, "commitment", None) if name != "commitment" else None
    if name == "declaration":
        return f"Declaration “{record.title}”", ""
    if name == "body":
        return f"Body “{record.name}”", ""
    if name == "event":
        return f"Event “{record.name}”", ""
    if name == "commitment":
        # Not record.instance: it would fetch the excluded fields row by row.
        url = reverse("declarations:commitment-detail", args=[record.reference])
        return f"Commitment {record.reference}: {record.title}", url
    reference = commitment.reference if commitment else "a deleted commitment"
    url = commitment.get_absolute_url() if commitment else ""
    if name == "commitmentbody":
        body = record.body.name if record.body else "a deleted body"
        return f"{body} as {record.get_role_display().lower()} of {reference}", url
    return f"Deadline of {reference}", url


@dataclasses.dataclass(frozen=True)
class Part:
    """One kind of change: its rows, when each happened, and its key."""

    kind: str
    rows: object  # a queryset
    when: str
    ident: str = "pk"


def parts(kinds) -> list[Part]:
    """The sources of the changes of the given kinds, each read by its index."""
    chosen = []
    if "assessments" in kinds:
        chosen.append(
            Part(
                "assessments",
                Assessment.objects.published().filter(corrects__isnull=True),
                "recorded_at",
            )
        )
    if "evidence" in kinds:
        chosen.append(Part("evidence", Evidence.objects.all(), "logged_at"))
    if "corrections" in kinds:
        chosen.append(
            Part(
                "corrections",
                Assessment.objects.published().filter(corrects__isnull=False),
                "recorded_at",
            )
        )
    if "retractions" in kinds:
        chosen.append(
            Part(
                "retractions",
                Evidence.objects.filter(retracted_at__isnull=False),
                "retracted_at",
            )
        )
    if "deadlines" in kinds:
        chosen.append(Part("deadlines", DeadlineRevision.objects.all(), "revised_at"))
    if "proposals" in kinds:
        chosen.append(
            Part("proposals", CommitmentProposal.objects.accepted(), "decided_at")
        )
    if "links" in kinds:
        chosen.append(Part("links", CommitmentLink.objects.confirmed(), "decided_at"))
    if "codebook" in kinds:
        chosen.extend(
            Part(name, model.history.all(), "history_date", "history_id")
            for name, model in CODEBOOK.items()
        )
    return chosen


@dataclasses.dataclass(frozen=True, order=True)
class Position:
    """Where an entry sits in the log: newest first, then by kind, then newest
    key first. A cursor names the entry a page starts after (or before)."""

    when: datetime.datetime
    kind: str
    ident: int

    def sort_key(self):
        return (-self.when.timestamp(), self.kind, -self.ident)

    def encode(self) -> str:
        stamp = self.when.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        return f"{stamp}.{self.kind}.{self.ident}"

    @classmethod
    def decode(cls, raw: str) -> "Position":
        try:
            stamp, kind, ident = raw.rsplit(".", 2)
            when = datetime.datetime.strptime(stamp, "%Y%m%dT%H%M%S.%fZ")
            return cls(when.replace(tzinfo=datetime.UTC), kind, int(ident))
        except ValueError:
            raise BadQuery(
                f"“{raw[:60]}” is not a position in the log: follow the Newer and "
                "Older links, or leave it out for the newest changes."
            ) from None


def _beyond(part: Part, position: Position, older: bool) -> models.Q:
    """The part's entries after ``position`` in the log's order (older ones), or
    before it (newer ones). The bound on the moment comes first, alone, so the
    database starts its index scan there."""
    when, ident = part.when, part.ident
    strict, bound = ("lt", "lte") if older else ("gt", "gte")
    if part.kind == position.kind:
        beyond = models.Q(**{f"{when}__{strict}": position.when}) | models.Q(
            **{when: position.when, f"{ident}__{strict}": position.ident}
        )
        return models.Q(**{f"{when}__{bound}": position.when}) & beyond
    # Entries of the same moment are ordered by kind: later kinds come after.
    # Said as one range, not "before OR at": the planner then reads the index
    # from the bound (an OR made it collect and sort every earlier entry).
    ties_beyond = (part.kind > position.kind) == older
    return models.Q(**{f"{when}__{bound if ties_beyond else strict}": position.when})


def log_page(kinds, *, before=None, after=None, size=50):
    """One page of the log: (kind, id, when) rows newest first, and whether
    there are older and newer ones. Each kind is one query down its index,
    whatever the depth: no count, no offset."""
    older = after is None
    position = after or before
    found = []
    for part in parts(kinds):
        rows = part.rows.order_by()
        if position is not None:
            rows = rows.filter(_beyond(part, position, older))
        direction = "-" if older else ""
        rows = rows.order_by(f"{direction}{part.when}", f"{direction}{part.ident}")
        found.extend(
            Position(when, part.kind, ident)
            for ident, when in rows.values_list(part.ident, part.when)[: size + 1]
        )
    found.sort(key=Position.sort_key, reverse=not older)
    more = len(found) > size
    found = found[:size]
    if not older:
        found.reverse()
    has_older = more if older else position is not None
    has_newer = position is not None if older else more
    return [(p.kind, p.ident, p.when) for p in found], has_older, has_newer


def load_changes(rows) -> list[Change]:
    """Turn one page of entries into Change objects with a fixed number of queries."""
    ids = defaultdict(list)
    for kind, pk, _ in rows:
        ids[kind].append(pk)
    loaded = {
        "assessments": Assessment.objects.select_related(
            "commitment", "recorded_by", "member_state"
        ).in_bulk(ids["assessments"]),
        "evidence": Evidence.objects.select_related("commitment", "logged_by").in_bulk(
            ids["evidence"]
        ),
        "corrections": Assessment.objects.select_related(
            "commitment", "corrects", "recorded_by", "member_state"
        ).in_bulk(ids["corrections"]),
        "retractions": Evidence.objects.select_related(
            "commitment", "retracted_by"
        ).in_bulk(ids["retractions"]),
        "deadlines": DeadlineRevision.objects.select_related(
            "deadline__commitment", "revised_by"
        ).in_bulk(ids["deadlines"]),
        "proposals": CommitmentProposal.objects.select_related(
            "commitment", "decided_by", "paragraph", "declaration"
        ).in_bulk(ids["proposals"]),
        "links": CommitmentLink.objects.select_related(
            "from_commitment", "to_commitment", "decided_by"
        ).in_bulk(ids["links"]),
    }
    previous = {}
    for name, model in CODEBOOK.items():
        if not ids[name]:
            continue
        history = model.history.model
        related = {"commitmentbody": ["body", "commitment"], "deadline": ["commitment"]}
        page_records = history.objects.select_related(
            "history_user", *related.get(name, [])
        ).in_bulk(ids[name])
        loaded[name] = page_records
        key = model._meta.pk.attname  # the edited object's id on each version
        object_ids = {getattr(record, key) for record in page_records.values()}
        # Every version of the objects on the page, to find each record's predecessor.
        versions = defaultdict(list)
        for version in history.objects.filter(**{f"{key}__in": object_ids}).order_by(
            "history_date", "history_id"
        ):
            versions[getattr(version, key)].append(version)
        for record in page_records.values():
            chain = versions[getattr(record, key)]
            index = next(
                i for i, v in enumerate(chain) if v.history_id == record.history_id
            )
            previous[(name, record.history_id)] = chain[index - 1] if index else None

    changes = []
    for kind, pk, when in rows:
        record = loaded[kind][pk]
        if kind in ("corrections", "assessments"):
            changes.append(Change(kind, when, record, record.recorded_by))
        elif kind == "evidence":
            changes.append(Change(kind, when, record, record.logged_by))
        elif kind == "retractions":
            changes.append(Change(kind, when, record, record.retracted_by))
        elif kind == "deadlines":
            changes.append(Change(kind, when, record, record.revised_by))
        elif kind in ("proposals", "links"):
            changes.append(Change(kind, when, record, record.decided_by))
        else:
            before = previous[(kind, pk)]
            diff = record.diff_against(before).changes if before is not None else []
            subject, url = _subject(kind, record)
            changes.append(
                Change(
                    "codebook",
                    when,
                    record,
                    record.history_user,
                    diff,
                    ACTIONS.get(record.history_type, record.history_type),
                    subject,
                    url,
                )
            )
    return changes


class ChangeLogView(TemplateView):
    """The log, newest first, 50 entries a page, paged by position (``?before=``
    and ``?after=``), so the thousandth page costs what the first does."""

    template_name = "declarations/changes.html"
    http_method_names = ["get", "head", "options"]
    paginate_by = 50

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except BadQuery as error:
            return bad_query(request, [str(error)])

    def get_context_data(self, **kwargs):
        kind = self.request.GET.get("kind", "")
        if kind and kind not in KINDS:
            raise Http404(f"There is no kind of change called {kind!r}.")
        before, after = (
            Position.decode(raw) if raw else None
            for raw in (
                self.request.GET.get("before", "").strip(),
                self.request.GET.get("after", "").strip(),
            )
        )
        if before and after:
            raise BadQuery("Give “before” or “after”, not both.")
        rows, has_older, has_newer = log_page(
            [kind] if kind else KINDS, before=before, after=after, size=self.paginate_by
        )
        first, last = (rows[0], rows[-1]) if rows else (None, None)
        return super().get_context_data(
            kinds=KINDS,
            kind=kind,
            changes=load_changes(rows),
            older=Position(last[2], last[0], last[1]).encode() if has_older else "",
            newer=Position(first[2], first[0], first[1]).encode() if has_newer else "",
            **kwargs,
        )
