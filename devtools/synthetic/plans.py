"""What a run will write, decided before any row is built: the declarations with
their numbers, dates and commitment counts, and each commitment's number of evidence
entries and assessments."""

import dataclasses
import datetime
import itertools
import random
import re

from declarations.models import Commitment, Declaration

PREFIX = "SYN"
DECLARATION_YEARS = 24  # declarations are spread over this many years before the end


@dataclasses.dataclass(frozen=True)
class _Plan:
    """One declaration to write: its number, date and how many commitments."""

    number: int
    date: datetime.date
    commitments: int
    first_commitment_pk: int


def spread(rng: random.Random, total: int, weights: list[float], minimum: int = 0):
    """``total`` split into ``len(weights)`` counts, each at least ``minimum``,
    proportional to the weights at random; the counts add up to ``total`` exactly."""
    counts = [minimum] * len(weights)
    rest = total - minimum * len(weights)
    if rest <= 0 or not weights:
        return counts
    if not any(weights):
        weights = [1.0] * len(weights)
    cum = list(itertools.accumulate(weights))
    for i in rng.choices(range(len(weights)), cum_weights=cum, k=rest):
        counts[i] += 1
    return counts


def first_number() -> int:
    """The next free SYN number, above every synthetic prefix and reference."""
    pattern = re.compile(rf"^{PREFIX}(\d+)(?:-|$)")
    numbers = [
        int(m[1])
        for value in itertools.chain(
            Declaration.objects.filter(reference_prefix__startswith=PREFIX).values_list(
                "reference_prefix", flat=True
            ),
            Commitment.objects.filter(reference__startswith=PREFIX).values_list(
                "reference", flat=True
            ),
        )
        if (m := pattern.match(value))
    ]
    return max(numbers, default=0) + 1


def plan_declarations(
    rng: random.Random,
    take,
    *,
    declarations: int,
    commitments: int,
    until: datetime.date,
) -> list[_Plan]:
    """The declarations to write, in date order, with the commitments' primary
    keys reserved through ``take``."""
    last = until - datetime.timedelta(days=30)
    first = last - datetime.timedelta(days=365 * DECLARATION_YEARS)
    span = (last - first).days
    dates = sorted(
        first + datetime.timedelta(days=rng.randrange(span + 1))
        for _ in range(declarations)
    )
    weights = [rng.lognormvariate(0, 0.5) for _ in dates]
    minimum = 1 if commitments >= declarations else 0
    counts = spread(rng, commitments, weights, minimum)
    number = first_number()
    pk = take(Commitment, commitments)
    plans = []
    for offset, (date, count) in enumerate(zip(dates, counts, strict=True)):
        plans.append(_Plan(number + offset, date, count, pk))
        pk += count
    return plans


def plan_records(
    rng: random.Random, n: int, evidence: int, assessments: int
) -> tuple[list[int], list[int]]:
    """How many evidence entries and assessments each commitment gets: skewed,
    some with none, adding up to exactly what was asked."""
    evidence_weights = [
        0.0 if rng.random() < 0.15 else rng.lognormvariate(0, 1) for _ in range(n)
    ]
    evidence_counts = spread(rng, evidence, evidence_weights)
    mean = (evidence / n) if n else 0
    assessment_weights = [
        0.0
        if rng.random() < 0.2
        else rng.lognormvariate(0, 0.6) * (1 + (e / mean if mean else 0))
        for e in evidence_counts
    ]
    return evidence_counts, spread(rng, assessments, assessment_weights)
