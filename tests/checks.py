"""Checks that the derived data is what the record says, shared by the tests."""

import dataclasses

from django.utils import timezone

from declarations.models import (
    Body,
    Commitment,
    CommitmentState,
    Declaration,
    FigureTally,
    Role,
    StatusPeriod,
)
from declarations.models.scorecards import Scorecard


def derived_snapshot():
    """Every derived row, in a comparable form (the tallies as their sums)."""
    states = list(
        CommitmentState.objects.order_by("pk").values_list(
            "pk",
            "status",
            "since",
            "first_implemented_on",
            "earliest",
            "latest",
            "last_evidence_on",
            "declared_on",
            "paragraph_number",
            "reference",
            "settled",
            "tallied",
        )
    )
    periods = list(
        StatusPeriod.objects.order_by("commitment", "starts_on").values_list(
            "commitment", "status", "starts_on", "ends_on"
        )
    )
    sums = {}
    for row in FigureTally.objects.values_list(
        "scope", "status", "window", "timeliness", "count"
    ):
        sums[row[:4]] = sums.get(row[:4], 0) + row[4]
    return states, periods, {k: v for k, v in sums.items() if v}


def normalised(card: Scorecard) -> dict:
    values = dataclasses.asdict(card)
    for name in ("by_status", "by_band"):
        values[name] = {k: v for k, v in values[name].items() if v}
    return values


def assert_figures_agree(as_of=None):
    """The figures the pages read from the tallies equal the figures counted
    commitment by commitment, for every scope: all, each declaration, each body
    in each role, with and without the bodies under it."""
    as_of = as_of or timezone.localdate()
    assert CommitmentState.objects.count() == Commitment.objects.count()
    assert normalised(FigureTally.objects.scorecard(as_of)) == normalised(
        Commitment.objects.scorecard(as_of)
    )
    for declaration_id in Declaration.objects.values_list("pk", flat=True):
        counted = Commitment.objects.filter(declaration_id=declaration_id)
        assert normalised(
            FigureTally.objects.scorecard(as_of, declaration_id=declaration_id)
        ) == normalised(counted.scorecard(as_of)), declaration_id
    body_ids = list(Body.objects.values_list("pk", flat=True))
    for tree in (False, True):
        tallied = FigureTally.objects.body_scorecards(as_of, body_ids, tree=tree)
        counted = Commitment.objects.scorecards_by_body(
            as_of,
            body_ids,
            subtrees=Body.objects.subtrees(body_ids) if tree else None,
        )
        for body_id in body_ids:
            for role in Role.values:
                assert normalised(tallied[(body_id, role)]) == normalised(
                    counted.get((body_id, role), Scorecard())
                ), (body_id, role, tree)
