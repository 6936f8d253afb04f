"""What a patient's search words stand for: the pieces of text, and HRCS categories, to look for.

A search looks for each word inside the texts, so a part finds the compound word a Norwegian
text is made of (``kreft`` finds ``lungekreft``, ``slag`` finds ``hjerneslag``), the same on
PostgreSQL and SQLite. Everyday, Nynorsk and English words a patient types are widened with the
project's curated list (``trials/data/search_synonyms.csv``: ``sukkersyke`` finds ``diabetes``,
``stroke`` finds ``hjerneslag``); a word that names an HRCS health category also finds the studies
classified in it. An inflected word is cut to its stem (``kreften`` → ``kreft``).
"""

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SYNONYMS_FILE = Path(__file__).resolve().parent / "data" / "search_synonyms.csv"

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


@dataclass(frozen=True)
class SearchTerm:
    """One thing the patient asked for: texts containing any ``pieces``, or a study in one of
    the HRCS categories ``hrcs_codes``."""

    typed: str
    pieces: tuple[str, ...]
    hrcs_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SynonymEntry:
    finds: tuple[str, ...]
    hrcs_codes: tuple[str, ...]


@cache
def synonyms() -> dict[str, SynonymEntry]:
    """Each word or phrase a patient may type, with what it finds (from the curated list)."""
    entries: dict[str, SynonymEntry] = {}
    with SYNONYMS_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            entry = SynonymEntry(
                finds=tuple(_split(row["finds"])), hrcs_codes=tuple(_split(row["hrcs"]))
            )
            for typed in _split(row["typed"]):
                entries[typed] = _merge(entries.get(typed), entry)
    return entries


def _split(cell: str) -> list[str]:
    return [part.strip().lower() for part in (cell or "").split("|") if part.strip()]


def _merge(old: SynonymEntry | None, new: SynonymEntry) -> SynonymEntry:
    if old is None:
        return new
    return SynonymEntry(
        finds=tuple(dict.fromkeys(old.finds + new.finds)),
        hrcs_codes=tuple(dict.fromkeys(old.hrcs_codes + new.hrcs_codes)),
    )


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
    entry = known.get(word) or known.get(stem(word))
    if entry is not None:
        return _term(word, entry), 1
    return SearchTerm(typed=word, pieces=(stem(word),)), 1


def _term(typed: str, entry: SynonymEntry) -> SearchTerm:
    # A word of one or two letters ("ms") is looked for only through what it stands for.
    own = (stem(typed),) if len(typed) > 2 else ()
    pieces = tuple(dict.fromkeys(own + entry.finds))
    return SearchTerm(typed=typed, pieces=pieces, hrcs_codes=entry.hrcs_codes)
