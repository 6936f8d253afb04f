"""Full-text search over the public texts of a study: one stored document, kept by the database.

PostgreSQL stems Norwegian through the ``norwegian`` text-search configuration into a stored
generated column (``Study.search_document``) with a GIN index on it. Stored, not computed per row:
a query that walks studies newest first and stops after a page, or counts the first 500 matches,
then tests each row with a cheap ``@@`` instead of building its document again. SQLite has no
text search; there the column is always empty and the search falls back to ``icontains`` (see
``trials.search``).
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db.backends.ddl_references import Statement

SEARCH_CONFIG = "norwegian"
SEARCH_FIELDS = (
    "lay_title_nb",
    "lay_title_nn",
    "lay_title_en",
    "scientific_title",
    "lay_summary_nb",
    "conditions",
)


class StudySearchDocument(SearchVector):
    """The document a study is found by (the expression of ``Study.search_document``).

    On SQLite, which has no ``to_tsvector``, the generated column is NULL.
    """

    def __init__(self) -> None:
        super().__init__(*SEARCH_FIELDS, config=SEARCH_CONFIG)

    def deconstruct(self):
        return "trials.models.search.StudySearchDocument", (), {}

    def as_sqlite(self, compiler, connection, **extra_context):
        return "NULL", []


class PostgresOnlyGinIndex(GinIndex):
    """A GIN index on PostgreSQL, nothing elsewhere, so the same migrations run on SQLite."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return Statement("SELECT 1")
        return super().create_sql(model, schema_editor, using=using, **kwargs)

    def remove_sql(self, model, schema_editor, **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return Statement("SELECT 1")
        return super().remove_sql(model, schema_editor, **kwargs)
