"""Krippendorff's alpha (declarations.intercoder): hand-computed values on small
sets, and the `krippendorff` package's values on random ones."""

import random

import krippendorff
import numpy as np
import pytest

from declarations.intercoder import (
    ORDINAL_LADDER,
    alpha_nominal,
    alpha_ordinal,
    status_agreement,
)
from declarations.models import Status

ORDER = ["a", "b", "c"]


def test_two_coders_by_hand():
    """Items [a,a] [a,b] [b,b] [c,c]: 4 items, 8 pairable values.

    Coincidences (each item of two values adds 1 per ordered pair):
    o_aa = 2, o_ab = o_ba = 1, o_bb = 2, o_cc = 2; n_a = 3, n_b = 3, n_c = 2, n = 8.

    Nominal: observed sum o_ck (c != k) = 2; expected sum n_c n_k (c != k)
    = 2 (3*3 + 3*2 + 3*2) = 42; alpha = 1 - (n-1) 2/42 = 1 - 14/42 = 2/3.

    Ordinal (a < b < c): d2(a,b) = (n_a + n_b - (n_a+n_b)/2)^2 = (6-3)^2 = 9,
    d2(b,c) = (3+2-2.5)^2 = 6.25, d2(a,c) = (3+3+2-2.5)^2 = 30.25.
    Observed 2*1*9 = 18; expected 2 (3*3*9 + 3*2*6.25 + 3*2*30.25) = 600;
    alpha = 1 - 7*18/600 = 0.79.
    """
    units = [["a", "a"], ["a", "b"], ["b", "b"], ["c", "c"]]
    nominal = alpha_nominal(units)
    assert nominal.alpha == pytest.approx(2 / 3)
    assert (nominal.items, nominal.values, nominal.excluded) == (4, 8, 0)
    ordinal = alpha_ordinal(units, ORDER)
    assert ordinal.alpha == pytest.approx(0.79)
    assert (ordinal.items, ordinal.values) == (4, 8)


def test_three_coders_with_missing_values_by_hand():
    """Items [a,a,b] [b,b,-] [a,-,-] [c,a] (- missing).

    [a,-,-] has one value: not pairable, left out. [a,a,b] has m = 3, so each
    ordered pair weighs 1/(m-1) = 1/2: its pairs (a,a) x2, (a,b) x2, (b,a) x2
    add o_aa = 1, o_ab = 1, o_ba = 1. [b,b] adds o_bb = 2; [c,a] adds
    o_ca = o_ac = 1. So n_a = 3, n_b = 3, n_c = 1, n = 7, 3 items.

    Nominal: observed 1+1+1+1 = 4; expected 2 (3*3 + 3*1 + 3*1) = 30;
    alpha = 1 - 6*4/30 = 0.2.

    Ordinal (a < b < c): d2(a,b) = (3+3-3)^2 = 9, d2(a,c) = (3+3+1-2)^2 = 25,
    d2(b,c) = (3+1-2)^2 = 4. Observed 2*9 + 2*25 = 68; expected
    2 (3*3*9 + 3*1*25 + 3*1*4) = 336; alpha = 1 - 6*68/336 = -3/14.
    """
    units = [["a", "a", "b"], ["b", "b", None], ["a", None, None], ["c", "a"]]
    nominal = alpha_nominal(units)
    assert nominal.alpha == pytest.approx(0.2)
    assert (nominal.items, nominal.values) == (3, 7)
    ordinal = alpha_ordinal(units, ORDER)
    assert ordinal.alpha == pytest.approx(-3 / 14)
    assert (ordinal.items, ordinal.values, ordinal.excluded) == (3, 7, 0)


def test_statuses_off_the_ladder_are_excluded_from_the_ordinal_figure_only():
    """Items (implemented, implemented), (in progress, implemented),
    (no evidence, in progress), (abandoned, abandoned), (not started, not started).

    Ordinal: 'no evidence' and both 'abandoned' are off the ladder: 3 values
    excluded; (no evidence, in progress) keeps one value and drops out. Left:
    o_impl,impl = 2, o_prog,impl = o_impl,prog = 1, o_ns,ns = 2; n_impl = 3,
    n_prog = 1, n_ns = 2, n = 6, 3 items. On the ladder
    not started < stalled < in progress < partly implemented < implemented
    (stalled and partly implemented never occur: n = 0):
    d2(prog,impl) = (1+0+3-2)^2 = 4, d2(ns,prog) = (2+0+1-1.5)^2 = 2.25,
    d2(ns,impl) = (2+0+1+0+3-2.5)^2 = 12.25. Observed 2*4 = 8; expected
    2 (3*1*4 + 2*1*2.25 + 2*3*12.25) = 180; alpha = 1 - 5*8/180 = 7/9.

    Nominal, every status: 5 items, n = 10, n_impl = 3, n_prog = 2, n_noev = 1,
    n_aband = 2, n_ns = 2. Observed disagreement 4 (two mixed items, both
    orders); expected n^2 - sum n_c^2 = 100 - 22 = 78;
    alpha = 1 - 9*4/78 = 7/13.
    """
    units = [
        [Status.IMPLEMENTED, Status.IMPLEMENTED],
        [Status.IN_PROGRESS, Status.IMPLEMENTED],
        [Status.NO_EVIDENCE, Status.IN_PROGRESS],
        [Status.ABANDONED, Status.ABANDONED],
        [Status.NOT_STARTED, Status.NOT_STARTED],
    ]
    figures = status_agreement([[s.value for s in unit] for unit in units])
    ordinal, nominal = figures["ordinal"], figures["nominal"]
    assert ordinal.alpha == pytest.approx(7 / 9)
    assert (ordinal.items, ordinal.values, ordinal.excluded) == (3, 6, 3)
    assert nominal.alpha == pytest.approx(7 / 13)
    assert (nominal.items, nominal.values, nominal.excluded) == (5, 10, 0)


def test_perfect_agreement_is_one():
    units = [["a", "a"], ["b", "b", "b"], ["c", "c"]]
    assert alpha_nominal(units).alpha == pytest.approx(1.0)
    assert alpha_ordinal(units, ORDER).alpha == pytest.approx(1.0)


@pytest.mark.parametrize(
    "units",
    [[], [["a"]], [["a", None]], [["a", "a"], ["a", "a"]]],
    ids=["nothing", "one value", "one value and a missing", "no variation"],
)
def test_no_figure_without_pairs_or_variation(units):
    """Nothing to pair, or every value the same (expected disagreement 0):
    alpha is undefined, not 1."""
    nominal = alpha_nominal(units)
    assert nominal.alpha is None
    assert not nominal.computed
    assert alpha_ordinal(units, ORDER).alpha is None


def _reference(units, coders, level, order):
    """The krippendorff package's alpha over the same items (coders x items,
    NaN for missing; ordinal values are the ranks)."""
    data = np.full((coders, len(units)), np.nan)
    for j, unit in enumerate(units):
        for i, value in enumerate(unit):
            if value is not None:
                data[i, j] = order.index(value)
    return krippendorff.alpha(reliability_data=data, level_of_measurement=level)


def _random_units(rng, values, coders):
    units = []
    for _ in range(rng.randint(2, 30)):
        unit = [rng.choice(values) for _ in range(coders)]
        for i in range(coders):
            if rng.random() < 0.25:
                unit[i] = None
        units.append(unit)
    return units


@pytest.mark.parametrize("level", ["nominal", "ordinal"])
def test_agrees_with_the_krippendorff_package_on_random_data(level):
    rng = random.Random(20051005)
    order = list(ORDINAL_LADDER)
    compared = 0
    for _ in range(300):
        coders = rng.randint(2, 4)
        units = _random_units(rng, rng.sample(order, rng.randint(2, 5)), coders)
        mine = (
            alpha_nominal(units) if level == "nominal" else alpha_ordinal(units, order)
        )
        present = {v for unit in units for v in unit if v is not None}
        if len(present) < 2 or mine.alpha is None:
            continue  # the package refuses a one-value domain
        assert mine.alpha == pytest.approx(
            _reference(units, coders, level, order), abs=1e-9
        )
        compared += 1
    assert compared > 250


def test_exclusion_agrees_with_the_package_reading_off_ladder_values_as_missing():
    rng = random.Random(7)
    everything = [s.value for s in Status]
    ladder = list(ORDINAL_LADDER)
    compared = 0
    for _ in range(200):
        units = _random_units(rng, everything, 2)
        mine = status_agreement(units)["ordinal"]
        off = sum(1 for u in units for v in u if v is not None and v not in ladder)
        assert mine.excluded == off
        on_ladder = [[v if v in ladder else None for v in u] for u in units]
        if mine.alpha is None or len({v for u in on_ladder for v in u} - {None}) < 2:
            continue
        assert mine.alpha == pytest.approx(
            _reference(on_ladder, 2, "ordinal", ladder), abs=1e-9
        )
        compared += 1
    assert compared > 100
