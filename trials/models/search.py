"""Full-text search over the public texts of a study: one expression, used by the index and the query.

PostgreSQL stems Norwegian through the ``norwegian`` text-search configuration and answers from a
functional GIN index. SQLite has neither; there the index is a no-op and the search falls back to
``icontains`` (see ``trials.search``).
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


def study_search_vector() -> SearchVector:
    """The document a study is found by; the index below is built on exactly this expression."""
    return SearchVector(*SEARCH_FIELDS, config=SEARCH_CONFIG)


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
