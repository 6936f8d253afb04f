"""The study lifecycle: allowed transitions and refusals a coordinator understands."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests.factories import StudyFactory, StudySiteFactory
from trials.models import Study, StudySite
from trials.services import (
    StaleStudyError,
    study_close_for_inclusion,
    study_publish,
    study_save,
    study_transition,
)

pytestmark = pytest.mark.django_db
S = Study.Status


def _approved(**kwargs):
    return StudyFactory(status=S.APPROVED, is_published=False, phase="na", opened_on=None, **kwargs)


def test_it_refuses_to_open_without_an_open_site(reference_data):
    study = _approved()
    StudySiteFactory(study=study, status=StudySite.Status.PLANNED)
    with pytest.raises(ValidationError, match="minst ett åpent studiested"):
        study_transition(study=study, to_status=S.OPEN, user=None)


def test_it_opens_with_an_open_site_and_records_the_date(reference_data):
    study = _approved()
    StudySiteFactory(study=study)
    day = study.rek_approved_on + dt.timedelta(days=30)
    study = study_transition(study=study, to_status=S.OPEN, user=None, today=day)
    assert study.status == S.OPEN and study.opened_on == day
    assert study.history.latest().history_change_reason


def test_it_refuses_to_skip_approval(reference_data):
    study = StudyFactory(status=S.DRAFT, is_published=False)
    with pytest.raises(ValidationError, match="Mulige neste steg: Venter på godkjenning, Trukket"):
        study_transition(study=study, to_status=S.OPEN, user=None)


def test_approval_of_a_drug_trial_needs_dmp_approval(reference_data):
    study = StudyFactory(status=S.AWAITING_APPROVAL, is_published=False, phase="3")
    with pytest.raises(ValidationError, match="DMP"):
        study_transition(study=study, to_status=S.APPROVED, user=None)


def test_termination_needs_a_reason(reference_data):
    study = StudySiteFactory().study
    with pytest.raises(ValidationError, match="begrunnelse"):
        study_transition(study=study, to_status=S.TERMINATED, user=None)
    study_transition(study=study, to_status=S.TERMINATED, user=None, reason="Sikkerhetssignal")
    assert not study.sites.filter(status=StudySite.Status.OPEN).exists()


def test_publishing_needs_a_bokmal_lay_summary(reference_data):
    study = StudyFactory(is_published=False, lay_summary_nb="")
    with pytest.raises(ValidationError, match="bokmål"):
        study_publish(study=study, user=None)


def test_close_for_inclusion_closes_sites_and_sets_the_end_date(reference_data):
    study = StudySiteFactory().study
    study = study_close_for_inclusion(study=study, user=None, today=dt.date.today())
    assert study.status == S.CLOSED and study.actual_recruitment_end_on


def test_a_stale_save_is_refused_and_writes_nothing(reference_data):
    study = StudyFactory()
    first = Study.objects.get(pk=study.pk)
    second = Study.objects.get(pk=study.pk)
    first.scientific_title = "Første"
    study_save(study=first, user=None, expected_version=1, loaded_status=S.OPEN, reason="a")
    second.scientific_title = "Andre"
    with pytest.raises(StaleStudyError):
        study_save(study=second, user=None, expected_version=1, loaded_status=S.OPEN, reason="b")
    study.refresh_from_db()
    assert study.scientific_title == "Første" and study.version == 2


def test_a_new_study_in_the_admin_form_is_checked_as_starting_from_draft(reference_data):
    from trials.admin.forms import StudyAdminForm

    opened = StudyAdminForm(data={"status": Study.Status.OPEN}, instance=Study())
    assert not opened.is_valid()
    assert "«Utkast»" in opened.errors["status"][0]
    draft = StudyAdminForm(data={"status": Study.Status.DRAFT}, instance=Study())
    draft.is_valid()
    assert "status" not in draft.errors
