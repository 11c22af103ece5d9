"""Indexes that only PostgreSQL has, declared on the models like any other.

They are part of the models and so of the migration state, which keeps
``makemigrations`` honest about them. On any other database their SQL is a
comment: SQLite creates, remakes and drops its tables as if they were not there.
"""

from django.contrib.postgres.indexes import GinIndex
from django.db import models


class PostgreSQLOnly:
    """Mixin: the index is created and removed on PostgreSQL only."""

    def _elsewhere(self, schema_editor) -> str | None:
        if schema_editor.connection.vendor == "postgresql":
            return None
        return f"-- {self.name}: an index of PostgreSQL only"

    def create_sql(self, model, schema_editor, using="", **kwargs):
        return self._elsewhere(schema_editor) or super().create_sql(
            model, schema_editor, using=using, **kwargs
        )

    def remove_sql(self, model, schema_editor, **kwargs):
        return self._elsewhere(schema_editor) or super().remove_sql(
            model, schema_editor, **kwargs
        )


class PostgreSQLIndex(PostgreSQLOnly, models.Index):
    """A B-tree index with PostgreSQL's operator classes, say."""


class PostgreSQLGinIndex(PostgreSQLOnly, GinIndex):
    """A GIN index, for full-text search vectors."""
