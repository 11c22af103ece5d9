"""The public changelog: corrections, retractions, deadline revisions, accepted
proposals, edits."""

import dataclasses
import datetime
from collections import defaultdict

from django.core.paginator import InvalidPage, Paginator
from django.db.models import CharField, F, Value
from django.http import Http404
from django.urls import reverse
from django.views.generic import TemplateView

from ..models import (
    Assessment,
    Body,
    Commitment,
    CommitmentBody,
    CommitmentProposal,
    Deadline,
    DeadlineRevision,
    Declaration,
    Evidence,
)

# The codebook models whose every edit is recorded by django-simple-history.
CODEBOOK = {
    "declaration": Declaration,
    "body": Body,
    "commitment": Commitment,
    "commitmentbody": CommitmentBody,
    "deadline": Deadline,
}
KINDS = {
    "assessments": "New assessments",
    "evidence": "New evidence",
    "corrections": "Corrections of assessments",
    "retractions": "Retracted evidence",
    "deadlines": "Deadline revisions",
    "proposals": "Accepted proposals",
    "codebook": "Codebook edits",
}


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


def _entries(kind, queryset, when, ident="pk"):
    return (
        queryset.order_by()
        .annotate(
            entry_kind=Value(kind, CharField()), entry_id=F(ident), entry_when=F(when)
        )
        .values_list("entry_kind", "entry_id", "entry_when")
    )


def change_entries(kinds):
    """(kind, id, when) of every change of the given kinds, newest first, as SQL."""
    parts = []
    if "assessments" in kinds:
        parts.append(
            _entries(
                "assessments",
                Assessment.objects.filter(corrects__isnull=True),
                "recorded_at",
            )
        )
    if "evidence" in kinds:
        parts.append(_entries("evidence", Evidence.objects.all(), "logged_at"))
    if "corrections" in kinds:
        parts.append(
            _entries(
                "corrections",
                Assessment.objects.filter(corrects__isnull=False),
                "recorded_at",
            )
        )
    if "retractions" in kinds:
        parts.append(
            _entries(
                "retractions",
                Evidence.objects.filter(retracted_at__isnull=False),
                "retracted_at",
            )
        )
    if "deadlines" in kinds:
        parts.append(
            _entries("deadlines", DeadlineRevision.objects.all(), "revised_at")
        )
    if "proposals" in kinds:
        parts.append(
            _entries(
                "proposals",
                CommitmentProposal.objects.accepted(),
                "decided_at",
            )
        )
    if "codebook" in kinds:
        parts.extend(
            _entries(name, model.history.all(), "history_date", "history_id")
            for name, model in CODEBOOK.items()
        )
    first, *rest = parts
    return first.union(*rest, all=True).order_by("-entry_when", "-entry_id")


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
        elif kind == "proposals":
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
    template_name = "declarations/changes.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        kind = self.request.GET.get("kind", "")
        if kind and kind not in KINDS:
            raise Http404(f"There is no kind of change called {kind!r}.")
        paginator = Paginator(
            change_entries([kind] if kind else KINDS), self.paginate_by
        )
        try:
            page = paginator.page(self.request.GET.get("page") or 1)
        except InvalidPage as error:
            raise Http404(f"No such page: {error}") from None
        return super().get_context_data(
            kinds=KINDS,
            kind=kind,
            page_obj=page,
            changes=load_changes(list(page.object_list)),
            **kwargs,
        )
