"""Figures counted once: what settled commitments add to each scope's scorecard.

A page that counts 100,000 commitments by status and overdue band would read
them all, with their deadlines and bodies, on every request. Most of them are
*settled*: their window closed before their state was derived, or they have
none, so on every date from today on their band follows from their status alone.
``services.status_derive`` adds each settled commitment once to the tally of
every scope it belongs to (everything, its declaration, each body in each role,
with and without the bodies under it) and takes it out again when it changes.
It only ever inserts rows (+1 and -1), so writers of different commitments never
wait for one another; ``compact`` folds a scope's rows into one per class.

A scorecard on a date from today on is then the scope's tally plus the few
*live* commitments counted row by row; on an earlier date, or for a list with
filters, it is counted from the commitments themselves, by the same rules
(``CommitmentQuerySet.scorecard``). Tests check that both agree.
"""

import dataclasses
import datetime
from collections import defaultdict

from django.db import models, transaction
from django.db.models import Sum
from django.utils import timezone

from .choices import OverdueBand, Role, Status
from .scorecards import Scorecard, Timeliness

NO_WINDOW, CLOSED_WINDOW = "none", "closed"
ALL = "all"


@dataclasses.dataclass(frozen=True)
class Scope:
    """A set of commitments with a scorecard of its own."""

    declaration_id: int | None = None
    body_id: int | None = None
    role: str = ""
    tree: bool = False  # the body and every body under it

    @property
    def key(self) -> str:
        parts = []
        if self.declaration_id is not None:
            parts.append(f"d{self.declaration_id}")
        if self.body_id is not None:
            parts.append(f"{'t' if self.tree else 'b'}{self.body_id}:{self.role}")
        return ":".join(parts) or ALL


def scope_keys(declaration_id: int, links, ancestors: dict[int, list[int]]) -> list:
    """Every scope a commitment of the declaration with these (body id, role)
    links belongs to; ``ancestors`` maps a body to the bodies above it.

    A body's figures within one declaration are not tallied: a declaration's
    commitments are few enough to count one by one."""
    scopes = {Scope(), Scope(declaration_id=declaration_id)}
    for body_id, role in links:
        scopes.add(Scope(body_id=body_id, role=role))
        for top in (body_id, *ancestors.get(body_id, ())):
            scopes.add(Scope(body_id=top, role=role, tree=True))
    return sorted(scope.key for scope in scopes)


def tally_class(
    status: str,
    latest: datetime.date | None,
    first_implemented_on: datetime.date | None,
) -> tuple[str, str, str]:
    """(status, window, timeliness) of a settled commitment, as the tally keeps it."""
    window = NO_WINDOW if latest is None else CLOSED_WINDOW
    if first_implemented_on is None:
        timeliness = ""
    elif latest is None:
        timeliness = Timeliness.UNDATED
    elif first_implemented_on <= latest:
        timeliness = Timeliness.ON_TIME
    else:
        timeliness = Timeliness.LATE
    return status, window, timeliness


def settled_scorecard(rows) -> Scorecard:
    """A scorecard from (status, window, timeliness, count) rows of settled
    commitments, valid on any date from the day they were derived on."""
    by_status, by_band = defaultdict(int), defaultdict(int)
    total = on_time = late = tested = 0
    for status, window, timeliness, count in rows:
        total += count
        by_status[status] += count
        if status not in Status.open_values():
            by_band[OverdueBand.CLOSED] += count
        elif window == NO_WINDOW:
            by_band[OverdueBand.NO_WINDOW] += count
        else:
            by_band[OverdueBand.DEFINITELY] += count
        if window == CLOSED_WINDOW:
            tested += count
        on_time += count if timeliness == Timeliness.ON_TIME else 0
        late += count if timeliness == Timeliness.LATE else 0
    return Scorecard(
        total=total,
        by_status={s: by_status[s] for s in Status.values},
        by_band={b: by_band[b] for b in OverdueBand.values},
        on_time=on_time,
        late=late,
        deadline_tested=tested,
    )


class FigureTallyQuerySet(models.QuerySet):
    def settled(self, keys) -> dict[str, Scorecard]:
        """The settled part of each scope's scorecard, by scope key: one query."""
        keys, rows = list(keys), defaultdict(list)
        for key, *row in (
            self.filter(scope__in=keys)
            .values_list("scope", "status", "window", "timeliness")
            .annotate(n=Sum("count"))
            .order_by()
        ):
            rows[key].append(row)
        return {key: settled_scorecard(rows[key]) for key in keys}

    def scorecard(
        self,
        as_of: datetime.date,
        *,
        declaration_id: int | None = None,
        declarations=None,
    ) -> Scorecard:
        """Every commitment's scorecard on the date, one declaration's, or that
        of the commitments of ``declarations`` (ids or a queryset, counted row
        by row)."""
        from .commitments import Commitment

        commitments = Commitment.objects.all()
        if declaration_id is not None:
            commitments = commitments.filter(declaration_id=declaration_id)
        if declarations is not None:
            return commitments.filter(declaration__in=declarations).scorecard(as_of)
        if as_of < timezone.localdate():
            return commitments.scorecard(as_of)
        key = Scope(declaration_id=declaration_id).key
        return self.settled([key])[key] + commitments.live().scorecard(as_of)

    def body_scorecards(
        self,
        as_of: datetime.date,
        body_ids,
        *,
        roles=tuple(Role.values),
        tree: bool = False,
        declaration_id: int | None = None,
        declarations=None,
    ) -> dict[tuple[int, str], Scorecard]:
        """Scorecards keyed by (body id, role): of the commitments each body is
        party to in each role (with those of the bodies under it when ``tree``),
        on the date, in a fixed number of queries; only those of one declaration,
        or of ``declarations`` (ids or a queryset), when given."""
        from .bodies import Body
        from .commitments import Commitment

        body_ids, roles = list(body_ids), list(roles)
        commitments = Commitment.objects.all()
        if declaration_id is not None:
            commitments = commitments.filter(declaration_id=declaration_id)
        if declarations is not None:
            commitments = commitments.filter(declaration__in=declarations)
        below = Body.objects.subtrees(body_ids) if tree else None
        counted_by_row = declaration_id is not None or declarations is not None
        if as_of < timezone.localdate() or counted_by_row:
            counted = commitments.scorecards_by_body(
                as_of, body_ids, roles=roles, subtrees=below
            )
            return {
                (b, r): counted.get((b, r), Scorecard())
                for b in body_ids
                for r in roles
            }
        scopes = {(b, r): Scope(None, b, r, tree) for b in body_ids for r in roles}
        settled = self.settled(scope.key for scope in scopes.values())
        live = commitments.live().scorecards_by_body(
            as_of, body_ids, roles=roles, subtrees=below
        )
        return {
            pair: settled[scope.key] + live.get(pair, Scorecard())
            for pair, scope in scopes.items()
        }


class FigureTally(models.Model):
    """One class of settled commitments in one scope, and how many of them (a
    delta: +n when they were added, -n when they left)."""

    scope = models.CharField(max_length=80)
    status = models.CharField(max_length=20, choices=Status.choices)
    window = models.CharField(max_length=6)
    timeliness = models.CharField(max_length=10, blank=True)
    count = models.IntegerField()

    objects = FigureTallyQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["scope"], name="figure_tally_scope")]

    def __str__(self):
        klass = "/".join(filter(None, (self.status, self.window, self.timeliness)))
        return f"{self.scope}: {klass} {self.count:+d}"


@transaction.atomic
def compact(keys=None) -> int:
    """Fold each scope's rows into one per class (all scopes when ``keys`` is
    None); returns the rows removed. Concurrent writers only insert, and a row
    committed meanwhile is neither read nor deleted here."""
    sums = defaultdict(int)
    removed = 0
    with transaction.get_connection().cursor() as cursor:
        table = FigureTally._meta.db_table
        where, params = "", []
        if keys is not None:
            keys = list(keys)
            if not keys:
                return 0
            where = f" WHERE scope IN ({', '.join(['%s'] * len(keys))})"
            params = keys
        cursor.execute(
            f"DELETE FROM {table}{where} "
            # "window" is a reserved word in PostgreSQL.
            'RETURNING scope, status, "window", timeliness, count',
            params,
        )
        for scope, status, window, timeliness, count in cursor.fetchall():
            removed += 1
            sums[(scope, status, window, timeliness)] += count
    FigureTally.objects.bulk_create(
        FigureTally(
            scope=scope, status=status, window=window, timeliness=timeliness, count=n
        )
        for (scope, status, window, timeliness), n in sums.items()
        if n
    )
    return removed
