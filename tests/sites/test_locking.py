"""Optimistic locking: a row saved by someone else after you opened it is never overwritten."""

import datetime as dt

import pytest
import time_machine
from django import forms
from django.contrib.auth import get_user_model

from consents.models import Enrolment, Participant
from sites.history import save_with_history
from sites.locking import StaleObjectError, VersionedFormMixin, version_check
from sites.models import Organisation, OrganisationCapacity
from sites.services import organisation_save
from tests.factories import StudySiteFactory, hf
from trials.admin.forms import StudyAdminForm
from trials.industry.models import Agreement, Milestone
from trials.models import Sponsor

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague():
    return get_user_model().objects.create_user(username="kollega", password="pw-for-tests-1")


class OrganisationForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "short_name"]


def _agreement() -> Agreement:
    site = StudySiteFactory()
    return Agreement.objects.create(
        study=site.study,
        sponsor=Sponsor.objects.create(name="Legemiddel AS", kind=Sponsor.Kind.INDUSTRY),
        organisation=site.organisation,
        kind=Agreement.Kind.CTA,
    )


def _enrolment() -> Enrolment:
    site = StudySiteFactory()
    return Enrolment.objects.create(
        participant=Participant.objects.create(pseudonym="p" * 64),
        study=site.study,
        site=site,
        included_on=site.study.opened_on,
    )


ROWS = {
    "organisation": lambda: hf("Bergen"),
    "capacity": lambda: OrganisationCapacity.objects.create(organisation=hf("Bergen"), year=2025),
    "agreement": _agreement,
    "milestone": lambda: Milestone.objects.create(
        agreement=_agreement(), kind=Milestone.Kind.SITE_ACTIVATION, planned_on=dt.date(2026, 1, 5)
    ),
    "enrolment": _enrolment,
}


@pytest.mark.parametrize("kind", ROWS)
def test_the_second_of_two_saves_from_the_same_version_is_refused(reference_data, kind):
    """Last write no longer wins on organisations, capacity figures, agreements, milestones and
    enrolments: each has a version, bumped by every save."""
    row = ROWS[kind]()
    opened_at = row.version
    first, second = type(row).objects.get(pk=row.pk), type(row).objects.get(pk=row.pk)
    save_with_history(first, user=None, reason="Første", expected_version=opened_at)
    with pytest.raises(StaleObjectError, match="etter at du åpnet den"):
        version_check(obj=second, expected_version=opened_at)
    with pytest.raises(StaleObjectError):
        save_with_history(second, user=None, reason="Andre", expected_version=opened_at)
    row.refresh_from_db()
    assert row.version == opened_at + 1
    assert row.history.count() == first.history.count()


def test_the_refusal_names_who_and_when_in_oslo_time(reference_data, colleague):
    bergen = hf("Bergen")
    opened_at = bergen.version
    with time_machine.travel(dt.datetime(2027, 7, 1, 10, 5, tzinfo=dt.UTC), tick=False):
        bergen.short_name = "Haukeland"
        organisation_save(organisation=bergen, user=colleague, reason="Kortnavn")
    form = OrganisationForm(
        data={"name": bergen.name, "short_name": "HUS", "expected_version": opened_at},
        instance=Organisation.objects.get(pk=bergen.pk),
    )
    assert not form.is_valid()
    (message,) = form.non_field_errors()
    # 10:05 UTC is 12:05 in Oslo in summer.
    assert message.startswith("Organisasjonen ble endret av kollega 01.07.2027 kl. 12:05")
    assert f"/admin/sites/organisation/{bergen.pk}/history/" in message


def test_a_form_opened_at_the_current_version_saves(reference_data):
    bergen = hf("Bergen")
    form = OrganisationForm(instance=bergen)
    assert form.fields["expected_version"].initial == bergen.version
    form = OrganisationForm(
        data={"name": bergen.name, "short_name": "HUS", "expected_version": bergen.version},
        instance=bergen,
    )
    assert form.is_valid(), form.errors
    saved = organisation_save(
        organisation=form.save(commit=False),
        user=None,
        reason="Kortnavn",
        expected_version=form.cleaned_data["expected_version"],
    )
    assert saved.version == 2 and saved.short_name == "HUS"


def test_a_form_without_its_version_is_not_trusted(reference_data):
    bergen = hf("Bergen")
    form = OrganisationForm(data={"name": bergen.name, "short_name": "HUS"}, instance=bergen)
    assert not form.is_valid()
    assert "etter at du åpnet den" in form.non_field_errors()[0]


def test_the_service_refuses_a_stale_organisation_even_after_a_valid_form(reference_data):
    """Between the form's check and the save someone else saves: the locked check refuses."""
    bergen = hf("Bergen")
    opened_at = bergen.version
    other = Organisation.objects.get(pk=bergen.pk)
    organisation_save(organisation=other, user=None, reason="Annen endring")
    bergen.short_name = "HUS"
    with pytest.raises(StaleObjectError):
        organisation_save(
            organisation=bergen, user=None, reason="Kortnavn", expected_version=opened_at
        )
    assert Organisation.objects.get(pk=bergen.pk).short_name != "HUS"


def test_the_study_form_uses_the_same_lock():
    assert issubclass(StudyAdminForm, VersionedFormMixin)
    assert "expected_version" in StudyAdminForm.base_fields
