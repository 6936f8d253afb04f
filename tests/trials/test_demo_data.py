"""The demo portfolio reads as believable to a health professional."""

import pytest

from trials import selectors
from trials.demo import demo_portfolio_load
from trials.models import Study

pytestmark = pytest.mark.django_db

# What a clinician files each condition under (HRCS health categories).
EXPECTED_CATEGORY = {
    "hjerneslag": "Stroke",
    "type 2-diabetes": "Metabolic and Endocrine",
    "astma": "Respiratory",
    "KOLS": "Respiratory",
    "brystkreft": "Cancer and neoplasms",
    "demens": "Neurological",
    "revmatoid artritt": "Inflammatory and Immune System",
    "sepsis": "Infection",
    "kronisk nyresykdom": "Renal and Urogenital",
    "periodontitt": "Oral and Gastrointestinal",
    "svangerskapsdiabetes": "Reproductive Health and Childbirth",
    "grønn stær": "Eye",
    "depresjon": "Mental Health",
}
NORWEGIAN_WORDS = (" med ", " og ", "legemiddel", "behandling", " ved ", "kreft", "slag ")


@pytest.fixture
def demo(reference_data, frozen_now):
    demo_portfolio_load(count=100)
    return list(Study.objects.prefetch_related("hrcs_categories"))


def test_the_demo_portfolio_is_believable(demo):
    seen = set()
    for study in demo:
        categories = {c.label_en for c in study.hrcs_categories.all()}
        if study.conditions in EXPECTED_CATEGORY:
            assert categories == {EXPECTED_CATEGORY[study.conditions]}, study.conditions
            seen.add(study.conditions)
        # "Friske frivillige" only where the criteria say healthy people may take part.
        assert not study.healthy_volunteers or "Friske" in study.eligibility_criteria
        if study.phase in (Study.Phase.PHASE_1, Study.Phase.PHASE_1_2):
            assert study.target_enrolment <= 60, (study.phase, study.target_enrolment)
        if study.phase != Study.Phase.NOT_APPLICABLE:
            assert "drug" in study.intervention_types
            if study.rek_number:
                assert study.nct_id.startswith("NCT"), study.scientific_title
        assert not any(w in f" {study.scientific_title} " for w in NORWEGIAN_WORDS), (
            study.scientific_title
        )
        if study.min_age is not None and study.min_age < 18:
            assert "Voksne" not in study.eligibility_criteria
        study.full_clean(exclude=["responsible_organisation", "sponsor", "research_activity"])
    assert len(seen) >= 8
    published = selectors.study_public_queryset()
    assert published.filter(conditions="brystkreft").exists()
    assert published.filter(healthy_volunteers=True).exists()
    share = published.exclude(lay_summary_nn="").count() / published.count()
    assert 0.5 < share < 1  # most in Nynorsk, some left in Bokmål (marked on the page)
    assert published.exclude(lay_summary_en="").count() > published.count() / 2
