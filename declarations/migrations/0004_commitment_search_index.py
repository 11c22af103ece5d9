"""Indexes for searching commitments, on PostgreSQL only: full text and prefixes.

SQLite searches by substring and needs no index. The indexed expression must be
exactly ``declarations.models.commitments.search_vector()`` for the planner to use
it; tests/test_search.py checks that it does.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models

INDEXES = [
    GinIndex(
        SearchVector("reference", "title", "quote", config="english"),
        name="commitment_search",
    ),
    # For "starts with" on references (LIKE 'AST2005%'), whatever the collation.
    models.Index(
        fields=["reference"],
        name="commitment_reference_prefix",
        opclasses=["varchar_pattern_ops"],
    ),
]


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index in INDEXES:
            schema_editor.add_index(apps.get_model("declarations", "Commitment"), index)


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for index in INDEXES:
            schema_editor.remove_index(
                apps.get_model("declarations", "Commitment"), index
            )


class Migration(migrations.Migration):
    dependencies = [("declarations", "0003_status_periods_and_ledger_version")]

    operations = [migrations.RunPython(add_indexes, remove_indexes)]
