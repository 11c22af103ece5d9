"""Inter-coder agreement: Krippendorff's alpha, nominal and ordinal. Pure code.

Each item (a commitment coded in one double-coding round) has the values its
coders gave, in any order; a missing value is None or simply absent. An item
counts only with at least two values that can be paired: one coder alone says
nothing about agreement.

alpha = 1 - D_o / D_e, from the coincidence matrix (Krippendorff, "Computing
Krippendorff's Alpha-Reliability", 2011): each item of m values adds 1/(m-1) for
every ordered pair of its values (never a value with itself), so each value
counts once in all. With n_c the times value c occurs among the pairable values
and n their number,

    alpha = 1 - (n - 1) * sum(o_ck * d2(c, k)) / sum(n_c * n_k * d2(c, k)).

The nominal distance is 0 for the same value and 1 otherwise. The ordinal one
reads the ranks in between: d2(c, k) = (sum of n_g for g from c to k
- (n_c + n_k) / 2) ** 2. Values off the ordinal scale are left out of the
ordinal figure, and counted (``excluded``), never silently dropped.

Not computed (``alpha`` None) when there are no pairable values, or when every
pairable value is the same (no variation: D_e is 0, and agreement is undefined).
"""

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from itertools import permutations

from .models.choices import Status

# The status ladder as an order, from nothing done to done (issue 10). The other
# statuses (no evidence available, superseded, abandoned, unassessed) say
# something other than how far along a commitment is, so they sit on no rank.
# Plain values: a TextChoices member hashes by its name, not its value.
ORDINAL_LADDER = tuple(
    status.value
    for status in (
        Status.NOT_STARTED,
        Status.STALLED,
        Status.IN_PROGRESS,
        Status.PARTLY_IMPLEMENTED,
        Status.IMPLEMENTED,
    )
)


# Below this many double-coded items the methodology page prints no figure: an
# alpha from a handful of items says more about chance than about the coders.
MIN_ITEMS = 10

# What the methodology page says, in plain words (one home for the wording).
AGREEMENT_EXPLANATION = (
    "An editor can open a commitment to blind double coding: two analysts assess "
    "it independently, neither seeing the other's assessment until both are in, "
    "and a third analyst who coded neither settles it, publishing one of the two "
    "or a settled assessment of their own; the other is kept, set aside. How often "
    "two analysts reach the same status is measured by Krippendorff's alpha: 1 "
    "means they always agree, 0 that they agree no more than chance would, and "
    "below 0 that they disagree more than chance. The ordinal figure reads the "
    "ladder as an order (not started, stalled, in progress, partly implemented, "
    "implemented), so 'in progress' against 'implemented' is a smaller "
    "disagreement than 'not started' against 'implemented'; statuses that are not "
    "a step on that ladder (no evidence available, superseded, abandoned) are left "
    "out of it, and counted. The nominal figure counts any two different statuses "
    "as a disagreement. Both rest on every round in which both coders are in, "
    "whatever was published in the end."
)


@dataclass(frozen=True)
class Agreement:
    """Krippendorff's alpha and what it rests on."""

    alpha: float | None
    items: int  # items with at least two pairable values
    values: int  # the pairable values of those items (n)
    excluded: int = 0  # values left out: off the ordinal scale

    @property
    def computed(self) -> bool:
        return self.alpha is not None


def _pairable(units, keep) -> tuple[list[list], int]:
    """Each unit's values that count, the units with at least two of them, and
    how many values were left out as off the scale."""
    kept, excluded = [], 0
    for unit in units:
        present = [v for v in unit if v is not None]
        inside = [v for v in present if keep(v)]
        excluded += len(present) - len(inside)
        if len(inside) >= 2:
            kept.append(inside)
    return kept, excluded


def _coincidences(units: list[list]) -> Counter:
    """o_ck: the coincidence matrix, as {(c, k): weight}."""
    matrix = Counter()
    for unit in units:
        weight = 1 / (len(unit) - 1)
        for c, k in permutations(unit, 2):
            matrix[c, k] += weight
    return matrix


def _alpha(units: list[list], distance) -> float | None:
    matrix = _coincidences(units)
    totals = Counter()
    for (c, _k), weight in matrix.items():
        totals[c] += weight
    n = sum(totals.values())
    observed = sum(w * distance(c, k, totals) for (c, k), w in matrix.items())
    expected = sum(
        totals[c] * totals[k] * distance(c, k, totals) for c in totals for k in totals
    )
    if n <= 1 or expected == 0:
        return None
    return 1 - (n - 1) * observed / expected


def _nominal(c, k, totals) -> float:
    return 0.0 if c == k else 1.0


def alpha_nominal(units: Iterable[Sequence[Hashable | None]]) -> Agreement:
    """Krippendorff's alpha for nominal values: any two different values
    disagree equally."""
    kept, _ = _pairable(units, lambda v: True)
    return Agreement(
        alpha=_alpha(kept, _nominal),
        items=len(kept),
        values=sum(len(u) for u in kept),
    )


def alpha_ordinal(
    units: Iterable[Sequence[Hashable | None]], order: Sequence[Hashable]
) -> Agreement:
    """Krippendorff's alpha for ordinal values ranked by ``order`` (lowest
    first); values not in ``order`` are left out and counted as excluded."""
    rank = {value: i for i, value in enumerate(order)}
    kept, excluded = _pairable(units, lambda v: v in rank)

    def distance(c, k, totals) -> float:
        low, high = sorted((rank[c], rank[k]))
        between = sum(totals[order[g]] for g in range(low, high + 1))
        return (between - (totals[c] + totals[k]) / 2) ** 2

    return Agreement(
        alpha=_alpha(kept, distance),
        items=len(kept),
        values=sum(len(u) for u in kept),
        excluded=excluded,
    )


def status_agreement(units: Iterable[Sequence[str | None]]) -> dict[str, Agreement]:
    """The tracker's two figures over items of coded statuses: ordinal on the
    ladder (``ORDINAL_LADDER``), nominal over every status."""
    units = [list(u) for u in units]
    return {
        "ordinal": alpha_ordinal(units, ORDINAL_LADDER),
        "nominal": alpha_nominal(units),
    }
