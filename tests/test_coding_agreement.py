"""coding_agreement: the proposer measured against a codebook coded by hand."""

import datetime
import io
import re

import pytest
from django.core.management import call_command

from declarations.agreement import Coded, Proposed, compare
from declarations.models import CommitmentProposal

D = datetime.date


def figure(out: str, label: str) -> float:
    match = re.search(
        rf"^{re.escape(label)}:\s+([\d.]+)% \((\d+) of (\d+)\)", out, re.M
    )
    assert match, f"{label!r} not printed:\n{out}"
    return float(match[1])


@pytest.fixture
def printed(codebook) -> str:
    out = io.StringIO()
    call_command("coding_agreement", "astana-2005", stdout=out)
    return out.getvalue()


def test_it_prints_its_figures_on_the_shipped_codebook(printed):
    assert "Coded commitments: 42; proposed: 42" in printed
    # The targets, as measured (README, "Draft a codebook").
    assert figure(printed, "Commitments recall") >= 90
    assert figure(printed, "Commitments precision") >= 80
    assert figure(printed, "Deadline kind") == 100
    assert figure(printed, "Deadline window") == 100
    assert figure(printed, "Roles (shared bodies)") == 100
    # Bodies: the shipped codebook is coded by the manual the proposer follows
    # (fixtures/astana_2005_coding.csv), so the same-set figure meets the target.
    assert figure(printed, "Bodies (same set)") >= 85
    assert figure(printed, "  links found") >= 85


def test_it_lists_the_misses_and_the_disagreements(printed):
    assert "Missed (1):\n  AST2005-12 ¶12: granting the SCO observer status" in printed
    assert "Proposed, not coded (1):\n  ¶11: They also consider necessary" in printed
    assert "Bodies differ (1):\n  AST2005-19: coded SCO; proposed China" in printed
    assert "Deadline kind differs (0):" in printed


def test_it_compares_the_bodies_with_the_coding_manuals_file(codebook):
    out = io.StringIO()
    call_command(
        "coding_agreement",
        "astana-2005",
        "--coding",
        "fixtures/astana_2005_coding.csv",
        stdout=out,
    )
    printed = out.getvalue()
    assert "compared with fixtures/astana_2005_coding.csv" in printed
    assert figure(printed, "Bodies (same set)") >= 85


def test_it_does_not_store_anything(printed):
    assert not CommitmentProposal.objects.exists()


def coded(reference, paragraph, quote, bodies=(), kind="none", window=None):
    return Coded(reference, paragraph, quote, frozenset(bodies), kind, window)


def proposed(paragraph, quote, bodies=(), kind="none", window=None):
    return Proposed(paragraph, quote, frozenset(bodies), kind, window)


def test_each_proposal_matches_one_coded_commitment_at_most():
    text = "The Council will prepare proposals for A and renaming B."
    paragraphs = {1: text, 2: "Nothing here."}
    result = compare(
        [
            coded("X-01a", 1, "The Council will prepare proposals for A", {(1, "r")}),
            coded("X-01b", 1, "renaming B", {(1, "r")}),
        ],
        [
            proposed(1, text, {(1, "r")}),
            proposed(2, "Nothing here."),
        ],
        paragraphs,
    )
    assert (result.recall.agree, result.recall.of) == (1, 2)
    assert (result.precision.agree, result.precision.of) == (1, 2)
    assert [c.reference for c in result.missed] == ["X-01b"]
    assert [p.paragraph for p in result.extra] == [2]


def test_bodies_roles_kinds_and_windows_are_compared_on_the_pairs():
    text = "A will do B by 2006. C will do D."
    window = (D(2005, 7, 5), D(2006, 12, 31), "year")
    result = compare(
        [
            coded(
                "X-1a",
                1,
                "A will do B by 2006",
                {(1, "responsible")},
                "calendar",
                window,
            ),
            coded("X-1b", 1, "C will do D", {(2, "responsible"), (3, "supporting")}),
        ],
        [
            proposed(1, "A will do B", {(1, "responsible")}, "calendar", window),
            proposed(1, "C will do D.", {(2, "supporting")}, "vague"),
        ],
        {1: text},
    )
    assert (result.bodies.agree, result.bodies.of) == (1, 2)
    assert (result.roles.agree, result.roles.of) == (1, 2)
    assert (result.deadline_kind.agree, result.deadline_kind.of) == (1, 2)
    assert (result.window.agree, result.window.of) == (1, 1)
    assert (result.links_recall.agree, result.links_recall.of) == (2, 3)
    assert str(result.window) == "100.0% (1 of 1)"
