"""Free-text search: substrings on SQLite, indexed full text on PostgreSQL."""

import pytest
from django.db import connection

from declarations.models import Commitment
from tests.factories import CommitmentFactory, ParagraphFactory

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL full-text search"
)


@pytest.fixture
def commitments():
    fund = CommitmentFactory(
        reference="AST2005-10b",
        title="Accelerate the founding of the Development Fund",
        paragraph=ParagraphFactory(
            text="Based on agreed principles, the Parties will accelerate the "
            "founding of the SCO Development Fund."
        ),
        quote="the Parties will accelerate the founding of the SCO Development Fund",
    )
    rats = CommitmentFactory(
        reference="AST2005-32",
        title="Make RATS more efficient",
        paragraph=ParagraphFactory(text="Measures will be taken to improve RATS."),
        quote="Measures will be taken to improve RATS",
    )
    return fund, rats


def refs(text):
    return set(Commitment.objects.matching(text).values_list("reference", flat=True))


def test_words_of_the_title_or_quote_and_the_reference_find_a_commitment(commitments):
    assert refs("Development Fund") == {"AST2005-10b"}
    assert refs("improve") == {"AST2005-32"}
    assert refs("AST2005-32") == {"AST2005-32"}
    assert refs("nothing like this") == set()
    assert refs("   ") == {"AST2005-10b", "AST2005-32"}


def test_any_text_is_safe_to_search(commitments):
    for text in ["'; DROP TABLE x; --", "a & | ! ( ) :*", '"unbalanced', "\\", "%_"]:
        assert refs(text) <= {"AST2005-10b", "AST2005-32"}


@on_postgresql
def test_postgresql_stems_words_and_takes_phrases(commitments):
    assert refs("funds") == {"AST2005-10b"}  # stemmed
    assert refs('"development fund"') == {"AST2005-10b"}
    assert refs("fund -rats") == {"AST2005-10b"}


@on_postgresql
def test_postgresql_search_uses_the_gin_index(commitments):
    # On a table this small the planner prefers scanning something whole; with whole
    # scans (sequential or along a b-tree) priced out, the search expression must still
    # be answerable from the GIN index, or the index does not match the expression.
    switches = ["enable_seqscan", "enable_indexscan", "enable_indexonlyscan"]
    with connection.cursor() as cursor:
        for switch in switches:
            cursor.execute(f"SET LOCAL {switch} = off")
        sql, params = Commitment.objects.matching("fund").query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on commitment_search" in plan, plan


def test_the_start_of_a_reference_finds_its_commitments(commitments):
    assert refs("AST2005-1") == {"AST2005-10b"}
    assert refs("AST2005") == {"AST2005-10b", "AST2005-32"}
