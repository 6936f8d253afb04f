"""What a patient's search words stand for: the pieces of text, and HRCS categories, to look for.

A search looks for each word inside the texts, so a part finds the compound word a Norwegian
text is made of (``kreft`` finds ``lungekreft``, ``slag`` finds ``hjerneslag``), the same on
PostgreSQL and SQLite. Everyday, Nynorsk and English words a patient types are widened with the
project's curated list (``trials/data/search_synonyms.csv``: ``sukkersyke`` finds ``diabetes``,
``stroke`` finds ``hjerneslag``, and the name of an HRCS health category such as ``nevrologisk``
finds the conditions filed under it). An inflected word is cut to its stem (``kreften`` → ``kreft``),
and a word the list does not know also finds words like it, to forgive a misspelling.
"""

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SYNONYMS_FILE = Path(__file__).resolve().parent.parent / "data" / "search_synonyms.csv"

# Words that carry no meaning in a search ("kreft hos barn" is about "kreft" and "barn").
STOPWORDS = frozenset(
    "og i på av for med til hos om som en ei et eit den det de ved etter and of in with for the a an"
    " to at on".split()
)
# Definite and plural endings, longest first; cut only when a stem of five letters is left.
SUFFIXES = ("ene", "ane", "en", "et", "er", "a")
MIN_STEM = 5
LONGEST_PHRASE = 3
_WORD_RE = re.compile(r"[\w-]+", re.UNICODE)


# A word the list does not know, of at least this many letters, also finds a text holding a
# word like it (``diabetis`` finds ``diabetes``); shorter words are too alike to tell apart.
MIN_SIMILAR = 5


@dataclass(frozen=True)
class SearchTerm:
    """One thing the patient asked for: texts containing any of ``pieces``, or, when
    ``similar`` is set, a word like it (``trials.selectors.word_similarity``)."""

    typed: str
    pieces: tuple[str, ...]
    similar: str | None = None


@cache
def synonyms() -> dict[str, tuple[str, ...]]:
    """Each word or phrase a patient may type, with what it finds (from the curated list)."""
    entries: dict[str, tuple[str, ...]] = {}
    with SYNONYMS_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            finds = tuple(_split(row["finds"]))
            for typed in _split(row["typed"]):
                entries[typed] = tuple(dict.fromkeys(entries.get(typed, ()) + finds))
    return entries


def _split(cell: str) -> list[str]:
    return [part.strip().lower() for part in (cell or "").split("|") if part.strip()]


def stem(word: str) -> str:
    """``kreften`` → ``kreft``, ``hjertesvikten`` → ``hjertesvikt``; short words stay as typed."""
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            return word[: -len(suffix)]
    return word


def search_terms(q: str) -> list[SearchTerm]:
    """The terms of a query, every one of which a study must match."""
    words = [w.strip("-") for w in _WORD_RE.findall(q.lower())]
    words = [w for w in words if w]
    terms: list[SearchTerm] = []
    i = 0
    while i < len(words):
        term, used = _phrase_at(words, i)
        i += used
        if term is not None:
            terms.append(term)
    return terms


def _phrase_at(words: list[str], i: int) -> tuple[SearchTerm | None, int]:
    """The longest curated phrase starting at ``words[i]``, else the single word."""
    known = synonyms()
    for length in range(min(LONGEST_PHRASE, len(words) - i), 1, -1):
        phrase = " ".join(words[i : i + length])
        if phrase in known:
            return _term(phrase, known[phrase]), length
    word = words[i]
    if word in STOPWORDS:
        return None, 1
    finds = known.get(word) or known.get(stem(word))
    if finds is not None:
        return _term(word, finds), 1
    similar = word if word.isalpha() and len(word) >= MIN_SIMILAR else None
    return SearchTerm(typed=word, pieces=(stem(word),), similar=similar), 1


def _term(typed: str, finds: tuple[str, ...]) -> SearchTerm:
    # A word of one or two letters ("ms") is looked for only through what it stands for.
    own = (stem(typed),) if len(typed) > 2 else ()
    return SearchTerm(typed=typed, pieces=tuple(dict.fromkeys(own + finds)))
