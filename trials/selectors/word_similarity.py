"""A misspelt search word still finds its study: trigram word similarity, as PostgreSQL's pg_trgm.

``word_similarity(word, text)`` (pg_trgm) is the greatest similarity between the trigrams of
``word`` and those of any continuous stretch of ``text``: shared trigrams over all trigrams of
the two. ``lungekreftt`` against a text holding ``lungekreft`` gives 0.83, ``diabetis`` against
``diabetes`` 0.67, and a word is similar when it reaches :data:`WORD_SIMILARITY_THRESHOLD`
(pg_trgm's own default). PostgreSQL answers ``word <% search_text`` from the trigram index the
patient search already has (``study_search_text_idx``); SQLite, which the demo runs on, gets
the same measure as a function registered on each connection (:func:`register_sqlite_functions`).

A word no study holds is looked up this way once (:func:`similar_words`), and the search then
looks for the words found, as for any other word.
"""

import re
import sqlite3
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, F, Func, QuerySet, Value
from django.db.models.sql.compiler import SQLCompiler

# pg_trgm.word_similarity_threshold's default, which the ``<%`` operator reads.
WORD_SIMILARITY_THRESHOLD = 0.6
# How many texts like a misspelt word are read to learn the words it stands for.
SIMILAR_TEXTS = 20
_WORD_RE = re.compile(r"[^\W_]+")
SQLITE_FUNCTION = "WORD_SIMILAR"


def text_words(text: str) -> list[str]:
    """The words of ``text`` as pg_trgm sees them: runs of letters and digits, in lower case."""
    return _WORD_RE.findall(text.lower())


def word_trigrams(text: str) -> list[str]:
    """The trigrams of ``text`` in order, as pg_trgm makes them: each word padded with two
    spaces before and one after."""
    trigrams: list[str] = []
    for word in text_words(text):
        padded = f"  {word} "
        trigrams += [padded[i : i + 3] for i in range(len(padded) - 2)]
    return trigrams


def word_similarity(word: str, text: str) -> float:
    """The greatest similarity of ``word``'s trigrams to a continuous stretch of ``text``'s."""
    wanted = set(word_trigrams(word))
    trigrams = word_trigrams(text)
    if not wanted:
        return 0.0
    best = 0.0
    # A best stretch starts and ends on a trigram of the word: any other end only adds to the
    # trigrams of the stretch, never to the shared ones.
    starts = [i for i, trigram in enumerate(trigrams) if trigram in wanted]
    for start in starts:
        seen: set[str] = set()
        shared = 0
        for trigram in trigrams[start:]:
            if trigram not in seen:
                seen.add(trigram)
                shared += trigram in wanted
            if trigram in wanted:
                best = max(best, shared / (len(wanted) + len(seen) - shared))
            # A longer stretch shares at most every trigram of the word: stop when even that
            # could not beat the best.
            if len(wanted) / (len(wanted) + len(seen) - shared) <= best:
                break
    return best


def word_similar(word: str | None, text: str | None) -> bool:
    """``word <% text``: whether ``word`` reaches the threshold somewhere in ``text``."""
    if not word or not text:
        return False
    wanted = set(word_trigrams(word))
    # Cheap upper bound first: the shared trigrams of the whole text.
    if not wanted or len(wanted & set(word_trigrams(text))) < WORD_SIMILARITY_THRESHOLD * len(
        wanted
    ):
        return False
    return word_similarity(word, text) >= WORD_SIMILARITY_THRESHOLD


def similar_words(*, word: str, queryset: QuerySet[Any]) -> tuple[str, ...]:
    """The words ``word`` may be a misspelling of: those of the first texts (by id) like it in
    ``queryset``'s ``search_text`` that are themselves like it. Read in one query, from the
    trigram index on PostgreSQL; the same texts, so the same words, on SQLite."""
    texts = (
        queryset.filter(WordSimilar(Value(word), F("search_text")))
        .order_by("pk")
        .values_list("search_text", flat=True)[:SIMILAR_TEXTS]
    )
    candidates = {found for text in texts for found in text_words(text)}
    return tuple(sorted(c for c in candidates if word_similar(word, c)))


class WordSimilar(Func):
    """``word <% text`` as a condition: PostgreSQL's operator (served by a ``gin_trgm_ops``
    index on ``text``), elsewhere the function :func:`register_sqlite_functions` adds."""

    function = SQLITE_FUNCTION
    arity = 2
    output_field = BooleanField()

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        # The percent sign doubled: the SQL is formatted with its parameters by the driver.
        sql, params = self.as_sql(
            compiler, connection, template="(%(expressions)s)", arg_joiner=" <%% ", **extra_context
        )
        return sql, list(params)


def register_sqlite_functions(
    sender: object, connection: BaseDatabaseWrapper, **kwargs: Any
) -> None:
    """Add :func:`word_similar` to each new SQLite connection (a ``connection_created`` receiver)."""
    if connection.vendor == "sqlite":
        raw: sqlite3.Connection = connection.connection
        raw.create_function(SQLITE_FUNCTION, 2, word_similar, deterministic=True)
