"""Full-text search over the public texts of a study: one stored document, kept by the database.

PostgreSQL stems Norwegian through the ``norwegian`` text-search configuration into a stored
generated column (``Study.search_document``) with a GIN index on it. Stored, not computed per row:
a query that walks studies newest first and stops after a page, or counts the first 500 matches,
then tests each row with a cheap ``@@`` instead of building its document again. SQLite has no
text search; there the column is always empty.

The patient search (``trials.selectors.search``) reads a second stored column, ``Study.search_text``: the
same texts and the study's identifiers in lower case, in which each search word is looked for as
a piece of text (so ``kreft`` finds ``lungekreft``), on PostgreSQL through a trigram index
(``pg_trgm``), which serves ``LIKE '%kreft%'`` without reading every study.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db.backends.ddl_references import Statement
from django.db.models import Case, F, Func, IntegerField, TextField, Value, When

SEARCH_CONFIG = "norwegian"
SEARCH_FIELDS = (
    "lay_title_nb",
    "lay_title_nn",
    "lay_title_en",
    "scientific_title",
    "lay_summary_nb",
    "conditions",
)


# What ``search_text`` holds: the public texts in every language, and the identifiers a patient or
# a doctor may paste (REK number, EU CT, EudraCT, NCT, ISRCTN).
SEARCH_TEXT_FIELDS = (
    *SEARCH_FIELDS,
    "lay_summary_nn",
    "lay_summary_en",
    "rek_number",
    "eu_ct_number",
    "eudract_number",
    "nct_id",
    "isrctn",
)


class StudySearchText(Func):
    """The lower-case text a study is found in (the expression of ``Study.search_text``).

    One flat ``||`` chain (nested ``Concat`` pairs overflow SQLite's parser); the fields are
    never NULL, and a ``|`` between them keeps a piece from spanning two fields."""

    function = "LOWER"
    template = "LOWER(%(expressions)s)"
    arg_joiner = " || ' | ' || "
    output_field = TextField()

    def __init__(self) -> None:
        super().__init__(*(F(field) for field in SEARCH_TEXT_FIELDS))

    def deconstruct(self):
        return "trials.models.search.StudySearchText", (), {}


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


def open_first() -> Case:
    """1 for a study taking in participants, else 0: the first key of the search order, and of
    the index (``study_open_first_idx``) that lets PostgreSQL walk it and stop after a page."""
    return Case(When(status="open", then=Value(1)), default=Value(0), output_field=IntegerField())
