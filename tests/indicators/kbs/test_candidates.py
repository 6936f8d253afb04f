"""Sikt's kbs_candidate.feature, in our words: which studies are KBS candidates for a year."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from indicators.kbs import selectors, services
from indicators.kbs.models import KbsChange, KbsProject, KbsSiteNumber
from trials.models import Study

from .conftest import YEAR, change_study, kbs_study

pytestmark = pytest.mark.django_db
REPORTABLE, NOT_REPORTABLE = KbsProject.Decision.REPORTABLE, KbsProject.Decision.NOT_REPORTABLE


def candidates(year: int = YEAR) -> set[int]:
    return set(selectors.kbs_candidates(year=year).values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("phase", "interventions", "kind"),
    [
        (Study.Phase.NOT_APPLICABLE, ["procedure"], "Annen klinisk behandlingsstudie"),
        (Study.Phase.PHASE_3, ["drug"], "Legemiddelstudie"),
    ],
)
def test_a_rek_approved_treatment_study_without_a_last_date_is_a_candidate(
    frozen_now, reference_data, period, phase, interventions, kind
):
    """Scenario Outline: Project satisfies requirements to be a KBS Candidate (REK)."""
    made = kbs_study(rek_number="2023/777", phase=phase, intervention_types=interventions)
    assert made.study.pk in candidates()
    assert selectors.kbs_health_project_type(made.study) == kind


def test_a_ctis_trial_approved_in_the_year_is_a_candidate(frozen_now, reference_data):
    """Scenario Outline: Project satisfies requirements to be a KBS Candidate (CTIS) — marked
    @ignore in the specification until CTIS is integrated; our portfolio already holds EU CT
    numbers, so it is covered here."""
    made = kbs_study(
        eu_ct_number="2024-512345-12-00",
        rek_approved_on=dt.date(2025, 2, 1),
        opened_on=dt.date(2025, 3, 1),
    )
    assert made.study.pk in candidates()


@pytest.mark.parametrize(
    "category",
    [Study.Category.OBSERVATIONAL, Study.Category.REGISTRY, Study.Category.OTHER_INTERVENTIONAL],
)
def test_a_study_that_is_not_a_treatment_study_is_not_a_candidate(
    frozen_now, reference_data, category
):
    """Scenario: Project is not eligible for KBS reporting when of wrong Health Project Type."""
    made = kbs_study(category=category)
    assert made.study.pk not in candidates()


@pytest.mark.parametrize(
    "fields",
    [
        {"rek_approved_on": None},  # never approved
        {"rek_approved_on": dt.date(2026, 1, 10), "opened_on": None},  # approved after the year
        {"completed_on": dt.date(2024, 12, 1), "status": Study.Status.COMPLETED},  # ended before
        {"status": Study.Status.WITHDRAWN},
    ],
)
def test_a_study_without_an_approval_in_force_during_the_year_is_not_a_candidate(
    frozen_now, reference_data, fields
):
    """Scenario: Project is not eligible for KBS reporting when no approval within period."""
    made = kbs_study(**fields)
    assert made.study.pk not in candidates()


def test_a_study_whose_recruitment_ended_in_an_earlier_year_is_not_a_candidate(
    frozen_now, reference_data, kbs_admin, manager
):
    """Scenario: Project is not eligible for KBS reporting when Last Recruitment Date is in a
    previous Reporting Year — by the study's own date, and by a last date reported for 2024."""
    ended = kbs_study(actual_recruitment_end_on=dt.date(2024, 10, 1))
    reported = kbs_study()
    project = services.kbs_mark(study=reported.study, year=2024, decision=REPORTABLE, user=manager)
    services.kbs_project_report(
        project=project,
        user=manager,
        recruitment_number=0,
        first_recruitment_on=dt.date(2024, 5, 1),
        last_recruitment_on=dt.date(2024, 6, 1),
        reason="Rekrutteringen stengt i juni; inklusjonene er ikke registrert her.",
    )
    assert ended.study.pk not in candidates()
    assert reported.study.pk not in candidates()


@pytest.mark.parametrize(
    "change",
    [{"category": Study.Category.OBSERVATIONAL}, {"rek_approved_on": None}],
    ids=["health project type", "approval from REK/CTIS"],
)
def test_a_candidate_whose_data_changes_stops_being_one(trial, period, change):
    """Scenario Outline: KBS Candidate Metadata changes so that it is no longer a KBS Candidate."""
    assert trial.study.pk in candidates()
    change_study(trial.study, **change)
    assert trial.study.pk not in candidates()


def test_a_study_reported_last_year_must_still_qualify_to_be_a_candidate(
    frozen_now, reference_data, manager
):
    """Scenario: When a Project has been reported as a Clinical Trial, it must still satisfy KBS
    requirements to be a KBS Candidate."""
    made = kbs_study()
    services.kbs_mark(study=made.study, year=2024, decision=REPORTABLE, user=manager)
    assert made.study.pk in candidates(YEAR)
    change_study(made.study, category=Study.Category.OBSERVATIONAL)
    assert made.study.pk not in candidates(YEAR)


def test_a_candidate_marked_reportable_is_no_longer_a_candidate(project):
    """Scenario: When a KBS Candidate becomes a KBS Project, it is no longer a KBS Candidate."""
    assert project.study_id not in candidates()
    assert list(selectors.kbs_projects(year=YEAR)) == [project]


def test_a_candidate_marked_not_reportable_is_no_longer_a_candidate(trial, manager, period):
    """Scenario: When a KBS Candidate is marked not to be a KBS Project, it is no longer a KBS
    Candidate."""
    services.kbs_mark(study=trial.study, year=YEAR, decision=NOT_REPORTABLE, user=manager)
    assert trial.study.pk not in candidates()
    assert not selectors.kbs_projects(year=YEAR).exists()


def test_a_candidate_left_undecided_last_year_is_a_candidate_this_year(trial, kbs_admin):
    """Scenario: When a KBS Candidate is yet to be decided as a KBS Project for a previous
    Reporting Period, it should still be a KBS Candidate this period."""
    earlier = services.reporting_period_create(year=2024, user=kbs_admin)
    services.reporting_period_close(period=earlier, user=kbs_admin)
    services.reporting_period_finalise(period=earlier, user=kbs_admin)
    assert trial.study.pk in candidates(2024)  # never decided
    assert trial.study.pk in candidates(YEAR)


def test_a_project_manager_with_candidates_is_told_when_logging_in(client, trial, period, manager):
    """Scenario: Notification of KBS Candidate."""
    response = client.post(
        reverse("admin:login"),
        {"username": manager.username, "password": "pw-for-tests-only-1", "next": "/admin/"},
        follow=True,
    )
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert any("1 KBS-kandidat" in text and str(YEAR) in text for text in shown), shown


def test_a_project_manager_gets_the_candidates_they_manage(trial, period, manager):
    """Scenario: Get KBS Candidates where user is Project Manager."""
    other_vest = kbs_study(responsible_organisation=trial.study.responsible_organisation)
    found = set(selectors.kbs_candidates_for(user=manager, year=YEAR).values_list("pk", flat=True))
    assert found == {trial.study.pk, other_vest.study.pk}


def test_candidates_managed_by_others_are_not_returned(trial, period, manager, coordinator_nord):
    """Scenario: KBS Candidates where user is not Project Manager are not returned — a study led
    by Helse Nord is not the Helse Vest coordinator's, even with a site in Bergen."""
    from tests.factories import hf

    nord = kbs_study(responsible_organisation=hf("Nord-Norge"))
    assert nord.study.pk in candidates()
    assert nord.study not in selectors.kbs_candidates_for(user=manager, year=YEAR)
    assert trial.study not in selectors.kbs_candidates_for(user=coordinator_nord, year=YEAR)


def test_someone_who_manages_no_study_gets_no_candidates(
    trial, period, outsider, participant_user, local_manager, nortrials
):
    """Scenario: When user is not a Project Manager, no KBS Candidates are returned."""
    for user in (outsider, participant_user, local_manager, nortrials):
        assert not selectors.kbs_candidates_for(user=user, year=YEAR).exists(), user


def test_the_project_manager_marks_a_candidate_reportable(project, trial):
    """Scenario: Mark KBS Candidate as a KBS Project when user is Project Manager."""
    assert project.decision == REPORTABLE
    assert list(selectors.kbs_projects(year=YEAR)) == [project]


def test_the_project_manager_marks_a_candidate_not_reportable(trial, manager, period):
    """Scenario: Mark KBS Candidate as not a KBS Project when user is Project Manager."""
    decided = services.kbs_mark(study=trial.study, year=YEAR, decision=NOT_REPORTABLE, user=manager)
    assert decided.decision == NOT_REPORTABLE
    assert decided.recruitment_number is None
    assert not selectors.kbs_projects(year=YEAR).exists()


@pytest.mark.parametrize("decision", [REPORTABLE, NOT_REPORTABLE])
def test_someone_who_is_not_project_manager_cannot_decide_on_a_candidate(
    trial, period, local_manager, participant_user, outsider, nortrials, decision
):
    """Scenario: Cannot mark KBS Candidate as reportable (and as not reportable) when user is not
    Project Manager — local project managers, participants, outsiders and NorTrials alike."""
    for user in (local_manager, participant_user, outsider, nortrials):
        with pytest.raises(PermissionDenied):
            services.kbs_mark(study=trial.study, year=YEAR, decision=decision, user=user)
    assert trial.study.pk in candidates()


@pytest.mark.parametrize("decision", [REPORTABLE, NOT_REPORTABLE])
def test_the_project_manager_undoes_a_decision_while_the_period_is_open(
    trial, period, manager, decision
):
    """Scenario Outline: Undo KBS Project marking."""
    decided = services.kbs_mark(study=trial.study, year=YEAR, decision=decision, user=manager)
    services.kbs_decision_undo(project=decided, user=manager, reason="Feil valg")
    assert trial.study.pk in candidates()


def test_undoing_a_kbs_project_deletes_its_kbs_metadata(project, manager):
    """Scenario: Delete KBS Metadata when a Project goes from KBS Project to KBS Candidate — the
    figures go, the log of what was decided stays."""
    assert KbsSiteNumber.objects.filter(project=project).count() == 2
    services.kbs_decision_undo(project=project, user=manager, reason="Skal vurderes på nytt")
    assert not KbsProject.objects.filter(pk=project.pk).exists()
    assert not KbsSiteNumber.objects.exists()
    logged = KbsChange.objects.filter(study=project.study, field=KbsChange.Field.DECISION)
    assert [c.reason for c in logged.order_by("id")] == ["", "Skal vurderes på nytt"]
