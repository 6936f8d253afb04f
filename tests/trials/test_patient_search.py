"""What a patient types into the finder, and what each search must find, on the demo portfolio.

Runs on whichever database the tests use; run it with ``DATABASE_URL`` set to PostgreSQL too
(with the ``norwegian`` text search alone, ``kreft`` found nothing there).
"""

import pytest
from django.db import connection
from django.test import Client

from trials import selectors
from trials.api.filters import PublicStudyFilter
from trials.demo import demo_portfolio_load
from trials.models import Study
from trials.selectors.search_terms import search_terms, synonyms
from trials.selectors.word_similarity import word_similar, word_similarity

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(reference_data, frozen_now):
    demo_portfolio_load(count=100)
    return list(selectors.study_public_queryset().prefetch_related("hrcs_categories"))


def found(q: str) -> list[str]:
    filterset = PublicStudyFilter(data={"q": q}, queryset=selectors.study_public_list())
    return [study.public_id for study in filterset.qs]


def having(studies: list[Study], *pieces: str) -> set[str]:
    """The published studies whose conditions name any of ``pieces``."""
    return {s.public_id for s in studies if any(p in s.conditions.lower() for p in pieces)}


def in_category(studies: list[Study], code: str) -> set[str]:
    return {s.public_id for s in studies if code in {c.code for c in s.hrcs_categories.all()}}


# (what the patient types, conditions each found study must include if it names them)
PATIENT_QUERIES = [
    ("kreft", ("kreft",)),  # lungekreft, brystkreft, tykktarmskreft …
    ("hjerte", ("hjerte",)),  # hjertesvikt, hjerteinfarkt
    ("slag", ("hjerneslag",)),
    ("diabetes", ("diabetes",)),  # type 1, type 2 and svangerskapsdiabetes
    ("sukkersyke", ("diabetes",)),
    ("leddgikt", ("artritt",)),
    ("cancer", ("kreft",)),
    ("stroke", ("hjerneslag",)),
    ("breast cancer", ("brystkreft",)),
    ("astma", ("astma",)),
    ("kreften", ("kreft",)),
    # Misspelt: a word like the one meant still finds it.
    ("lungekreftt", ("lungekreft",)),
    ("diabetis", ("diabetes",)),
    ("hjertsvikt", ("hjertesvikt",)),
    ("hjertesvigt", ("hjertesvikt",)),
    ("brystkrft", ("brystkreft",)),
]


def test_patient_queries_on_the_demo_portfolio(demo):
    """One load of the demo portfolio, every patient query against it."""
    missed = {}
    for q, conditions in PATIENT_QUERIES:
        expected = having(demo, *conditions)
        assert expected, f"the demo portfolio has no study about {conditions}"
        if not expected <= set(found(q)):
            missed[q] = expected - set(found(q))
    assert missed == {}
    # A part of a compound word finds what it is part of, and nothing unrelated.
    assert set(found("kreft")) == having(demo, "kreft")
    assert set(found("diabetes")) == having(demo, "diabetes")
    assert having(demo, "svangerskapsdiabetes") <= set(found("diabetes"))
    # A misspelling finds what was meant, and not its neighbours.
    assert set(found("lungekreftt")) == having(demo, "lungekreft")
    assert set(found("hjertsvikt")) == having(demo, "hjertesvikt")
    assert set(found("diabetis")) == having(demo, "diabetes")
    assert set(found("diabetis lungekreftt")) == set()  # every word must still be found
    # A category name finds the studies classified there.
    assert set(found("stroke")) == in_category(demo, "19") == having(demo, "hjerneslag")
    assert set(found("nevrologisk")) == in_category(demo, "13")
    # Identifiers as pasted, in any case.
    for field in ("rek_number", "nct_id", "eu_ct_number"):
        study = next(s for s in demo if getattr(s, field))
        assert found(getattr(study, field)) == [study.public_id], field
        assert found(getattr(study, field).lower()) == [study.public_id], field
    # Studies taking in participants first.
    statuses = dict(Study.objects.values_list("public_id", "status"))
    order = [statuses[public_id] == Study.Status.OPEN for public_id in found("kreft")]
    assert True in order and False in order
    assert order == sorted(order, reverse=True)
    # The finder shows the hits.
    html = Client().get("/", {"q": "sukkersyke"}).content.decode()
    assert "diabetes" in html.lower() and "0 studier" not in html


def test_search_terms_widen_everyday_words_and_keep_compound_parts():
    (term,) = search_terms("Sukkersyke")
    assert "diabetes" in term.pieces
    assert [t.typed for t in search_terms("kreft hos barn")] == ["kreft", "barn"]
    (heart_attack,) = search_terms("heart attack")
    assert "hjerteinfarkt" in heart_attack.pieces
    (ms,) = search_terms("MS")
    assert ms.pieces == ("multippel sklerose", "multiple sclerosis")


def test_only_unknown_words_of_five_letters_or_more_are_forgiven_a_misspelling():
    assert [t.similar for t in search_terms("diabetis hos barn 400191 kreft")] == [
        "diabetis",
        None,  # too short to tell from other words
        None,  # identifiers are found as written
        None,  # on the curated list: spelt as the list spells it
    ]


def test_word_similarity_is_pg_trgm_s():
    """The measure SQLite uses is PostgreSQL's (pg_trgm's documented example, and ours)."""
    assert word_similarity("word", "two words") == pytest.approx(0.8)
    assert word_similarity("lungekreftt", "studie | lungekreft") == pytest.approx(10 / 12)
    assert word_similar("diabetis", "diabetes type 2")
    assert not word_similar("hjerte", "hjerneslag")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="compares with pg_trgm")
def test_the_demo_s_measure_is_postgresql_s():
    """SQLite (the demo) and PostgreSQL find the same studies for a misspelt word."""
    texts = [
        "ny behandling av hjertesvikt | heart failure | hjartesvikt",
        "svangerskapsdiabetes | diabetes type 2 | gestational diabetes",
        "lungekreft | immunterapi ved lungekreft, fase 2 | 2023-508143-51-01",
        "øyesykdom | åpen studie for æ-lyd og ø",
    ]
    words = ["lungekreftt", "diabetis", "hjertsvikt", "hjertesvigt", "øyesykdm", "word", "kreft"]
    with connection.cursor() as cursor:
        for word in words:
            for text in texts:
                cursor.execute("SELECT word_similarity(%s, %s)", [word, text])
                assert word_similarity(word, text) == pytest.approx(cursor.fetchone()[0])


def test_the_synonym_list_is_lower_case():
    for typed, finds in synonyms().items():
        assert typed == typed.lower() and finds
        assert all(piece == piece.lower() for piece in finds)
