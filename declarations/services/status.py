"""The one writer of derived data: status periods, each commitment's derived
state, and the figure tallies.

Everything here follows from the record: the assessments that count, the
deadline, the standing evidence, the declaration's date, the paragraph, the body
links. Every path that changes one of those calls ``status_derive`` for the
commitments concerned: the analysts' services, the admin, the importer, the
fixture loader (``bootstrap``), the synthetic generator and ``rebuild_status``.
"""

import dataclasses
import datetime
import itertools
from collections import Counter
from collections.abc import Iterable

from django.db import models, transaction
from django.utils import timezone

from ..models import (
    Assessment,
    Body,
    Commitment,
    CommitmentBody,
    CommitmentState,
    Evidence,
    FigureTally,
    Status,
    StatusPeriod,
)
from ..models.status import first_implemented, periods_from
from ..models.tallies import compact, scope_keys, tally_class
from ..page_cache import pages_changed

# Commitments derived per round of queries: well within every database's limit
# on query parameters, and a few megabytes of rows at a time.
BATCH = 500
# Levels of the body hierarchy read with the links; deeper ones cost a query.
PARENT_LEVELS = ("body__parent_id", "body__parent__parent_id")
STATE_FIELDS = [
    "declaration",
    "declared_on",
    "paragraph_number",
    "reference",
    "status",
    "since",
    "first_implemented_on",
    "earliest",
    "latest",
    "last_evidence_on",
    "derived_on",
    "settled",
    "tallied",
]


@dataclasses.dataclass
class _Source:
    """What one commitment's derived data is made from."""

    pk: int
    reference: str
    declaration_id: int
    declared_on: datetime.date
    paragraph_number: int
    earliest: datetime.date | None
    latest: datetime.date | None
    last_evidence_on: datetime.date | None
    tallied: str | None  # what its current state added to the tallies
    withdrawn_at: datetime.datetime | None  # a withdrawn one is counted nowhere
    links: list = dataclasses.field(default_factory=list)
    history: list = dataclasses.field(default_factory=list)
    ancestry: dict = dataclasses.field(default_factory=dict)


def _counted_history(assessments):
    """(commitment id, as_of, status) of the assessments that count towards a
    commitment's overall status, in the order they take effect."""
    return (
        assessments.counting()
        .order_by("commitment_id", "as_of", "recorded_at", "pk")
        .values_list("commitment_id", "as_of", "status")
    )


@transaction.atomic(savepoint=False)
def status_derive(
    *, commitment_ids: Iterable[int] | None = None, locked: bool = False
) -> int:
    """Derive the status periods, the derived state and the tallies of the given
    commitments (of every commitment when ``commitment_ids`` is None), replacing
    what was derived before; ids of commitments that no longer exist are skipped.

    Returns how many of them have at least one assessment that counts. Each
    batch locks its commitments first (in id order), in a statement of its own,
    so a derivation never interleaves with another write of the same commitment
    and reads what that write committed; ``locked`` when the caller holds the
    locks already (the services take them first).
    """
    today = timezone.localdate()
    if commitment_ids is None:
        assessed = _derive_everything(today)
    else:
        ids = sorted(set(commitment_ids))
        assessed = 0
        for start in range(0, len(ids), BATCH):
            sources = _sources(
                Commitment.objects.filter(pk__in=ids[start : start + BATCH])
            )
            assessed += _write(sources, today, deltas=True)
    pages_changed()
    return assessed


def _derive_everything(today) -> int:
    """Every commitment, in batches of ids; the tallies are counted afresh."""
    StatusPeriod.objects.all().delete()
    FigureTally.objects.all().delete()
    CommitmentState.objects.exclude(commitment__in=Commitment.objects.all()).delete()
    ids = list(Commitment.objects.order_by("pk").values_list("pk", flat=True))
    counts: Counter = Counter()
    assessed = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        commitments = Commitment.objects.filter(pk__gte=batch[0], pk__lte=batch[-1])
        list(_locking(commitments).values_list("pk", flat=True))
        sources = _sources(commitments)
        assessed += _write(sources, today, deltas=False, counts=counts)
    FigureTally.objects.bulk_create(
        (
            FigureTally(
                scope=scope, status=status, window=window, timeliness=timely, count=n
            )
            for (scope, status, window, timely), n in counts.items()
        ),
        batch_size=2000,
    )
    return assessed


def _locking(commitments):
    return commitments.select_for_update(no_key=True, of=("self",)).order_by("pk")


def _sources(commitments) -> dict[int, _Source]:
    """The sources of the given (locked) commitments, in three queries."""
    latest_evidence = (
        Evidence.objects.standing()
        .filter(commitment=models.OuterRef("pk"))
        .order_by("-event_date")
        .values("event_date")[:1]
    )
    rows = (
        commitments.order_by("pk")
        .annotate(last_evidence_on=models.Subquery(latest_evidence))
        .values_list(
            "pk",
            "reference",
            "declaration_id",
            "declaration__date",
            "paragraph__number",
            "deadline__earliest",
            "deadline__latest",
            "last_evidence_on",
            "derived__tallied",
            "withdrawn_at",
        )
    )
    sources = {row[0]: _Source(*row) for row in rows}
    if not sources:
        return sources
    ids = list(sources)
    links = list(
        CommitmentBody.objects.filter(commitment_id__in=ids)
        .order_by()
        .values_list("commitment_id", "body_id", "role", *PARENT_LEVELS)
    )
    ancestry = _ancestry(links)
    for commitment_id, body_id, role, *_ in links:
        sources[commitment_id].links.append((body_id, role))
        sources[commitment_id].ancestry = ancestry
    for commitment_id, history in itertools.groupby(
        _counted_history(Assessment.objects.filter(commitment_id__in=ids)),
        key=lambda row: row[0],
    ):
        sources[commitment_id].history = [(as_of, st) for _, as_of, st in history]
    return sources


def _ancestry(links) -> dict[int, list[int]]:
    """The bodies above each linked body, from the parents read with the links
    (one more query only for a hierarchy deeper than they reach)."""
    chains = {}
    for _, body_id, _, *parents in links:
        chain = [p for p in parents if p is not None]
        if len(chain) == len(parents):
            return Body.objects.ancestry()
        chains[body_id] = chain
    return chains


def _write(sources, today, *, deltas: bool, counts: Counter | None = None) -> int:
    """Write the derived data of these commitments; with ``deltas``, adjust the
    tallies by what changed, otherwise add their classes to ``counts``."""
    if not sources:
        return 0
    ids = list(sources)
    StatusPeriod.objects.filter(commitment_id__in=ids).delete()
    periods, states, changes = [], [], Counter()
    for source in sources.values():
        spans = periods_from(source.history)
        periods.extend(
            StatusPeriod(commitment_id=source.pk, status=st, starts_on=a, ends_on=b)
            for st, a, b in spans
        )
        status, since = (
            (spans[-1][0], spans[-1][1]) if spans else (Status.UNASSESSED, None)
        )
        implemented = first_implemented(source.history)
        # Settled: on every date from today its band follows from its status
        # (its window has closed or it has none).
        settled = source.latest is None or source.latest < today
        tallied = ""
        if settled and source.withdrawn_at is None:
            klass = tally_class(status, source.latest, implemented)
            scopes = scope_keys(source.declaration_id, source.links, source.ancestry)
            tallied = "|".join([*klass, " ".join(scopes)])
        if deltas and tallied != (source.tallied or ""):
            _count(changes, source.tallied, -1)
            _count(changes, tallied, +1)
        elif counts is not None:
            _count(counts, tallied, +1)
        states.append(
            CommitmentState(
                commitment_id=source.pk,
                declaration_id=source.declaration_id,
                declared_on=source.declared_on,
                paragraph_number=source.paragraph_number,
                reference=source.reference,
                status=status,
                since=since,
                first_implemented_on=implemented,
                earliest=source.earliest,
                latest=source.latest,
                last_evidence_on=source.last_evidence_on,
                derived_on=today,
                settled=settled,
                tallied=tallied,
            )
        )
    StatusPeriod.objects.bulk_create(periods)
    CommitmentState.objects.bulk_create(
        states,
        update_conflicts=True,
        unique_fields=["commitment"],
        update_fields=STATE_FIELDS,
    )
    if changes:
        FigureTally.objects.bulk_create(
            FigureTally(
                scope=scope, status=status, window=window, timeliness=timely, count=n
            )
            for (scope, status, window, timely), n in changes.items()
            if n
        )
    return sum(1 for source in sources.values() if source.history)


def _count(counter: Counter, tallied: str | None, sign: int) -> None:
    if not tallied:
        return
    status, window, timeliness, scopes = tallied.split("|", 3)
    for scope in scopes.split():
        counter[(scope, status, window, timeliness)] += sign


def status_forget(*, commitment_ids: Iterable[int]) -> None:
    """Take commitments out of the tallies before they are deleted (their derived
    rows go with them)."""
    changes: Counter = Counter()
    for tallied in CommitmentState.objects.filter(
        commitment_id__in=list(commitment_ids)
    ).values_list("tallied", flat=True):
        _count(changes, tallied, -1)
    FigureTally.objects.bulk_create(
        FigureTally(scope=scope, status=status, window=window, timeliness=t, count=n)
        for (scope, status, window, t), n in changes.items()
        if n
    )
    pages_changed()


def status_settle() -> int:
    """Derive anew the live commitments whose window has closed since (or that
    have none), so that the tallies count them; returns how many. Correct
    figures never depend on it (live rows are counted one by one); it keeps
    pages fast as deadlines pass. ``bootstrap`` runs it; so can a daily job."""
    today = timezone.localdate()
    ids = list(
        CommitmentState.objects.filter(settled=False)
        .filter(models.Q(latest__isnull=True) | models.Q(latest__lt=today))
        .values_list("commitment_id", flat=True)
    )
    with transaction.atomic():
        status_derive(commitment_ids=ids)
        compact()
    return len(ids)
