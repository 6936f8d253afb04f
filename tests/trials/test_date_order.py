"""Dates in an order that can happen, kept by the models (field errors in Norwegian) and by the
database (check constraints): studies and enrolments."""

import datetime as dt

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from consents import services as consent_services
from consents.models import Enrolment, Participant
from tests.factories import StudyFactory, StudySiteFactory
from trials.demo import demo_portfolio_load
from trials.models import Study
from trials.models.studies import DATE_ORDER

pytestmark = pytest.mark.django_db

D = dt.date


def test_impossible_study_dates_are_field_errors_in_norwegian(reference_data):
    """The finding: REK approval 2031, opened 2020, recruitment end 2018 saved."""
    study = StudyFactory.build(
        responsible_organisation=StudyFactory().responsible_organisation,
        rek_approved_on=D(2031, 1, 10),
        opened_on=D(2020, 3, 1),
        first_patient_in_on=D(2019, 6, 1),
        planned_recruitment_end_on=D(2018, 1, 1),
        actual_recruitment_end_on=D(2018, 2, 1),
        completed_on=D(2019, 1, 1),
    )
    with pytest.raises(ValidationError) as refused:
        study.full_clean()
    errors = refused.value.message_dict
    assert errors["opened_on"] == [
        "Studien kan ikke åpne for inklusjon før REK-godkjenningen (10.01.2031)."
    ]
    assert (
        "Første pasient kan ikke inkluderes før studien åpnet for inklusjon (01.03.2020)."
        in (errors["first_patient_in_on"])
    )
    assert errors["planned_recruitment_end_on"] == [
        "Planlagt slutt på rekruttering kan ikke være før studien åpnet for inklusjon (01.03.2020)."
    ]
    assert "actual_recruitment_end_on" in errors and "completed_on" in errors


def test_dates_in_order_and_missing_dates_are_fine(reference_data):
    StudyFactory.build(
        responsible_organisation=StudyFactory().responsible_organisation,
        rek_approved_on=D(2024, 1, 1),
        dmp_approved_on=D(2024, 2, 1),
        opened_on=D(2024, 2, 1),
        first_patient_in_on=D(2024, 2, 1),
        planned_recruitment_end_on=D(2025, 1, 1),
    ).clean()
    StudyFactory.build(opened_on=None, rek_approved_on=D(2030, 1, 1)).clean()


@pytest.mark.parametrize(
    ("name", "early", "late"), [row[:3] for row in DATE_ORDER], ids=[row[0] for row in DATE_ORDER]
)
def test_the_database_refuses_each_impossible_order(reference_data, name, early, late):
    study = StudyFactory(opened_on=None, rek_approved_on=None, planned_recruitment_end_on=None)
    setattr(study, early, D(2025, 6, 1))
    setattr(study, late, D(2025, 5, 31))
    with pytest.raises(IntegrityError), transaction.atomic():
        study.save()


def test_a_form_shows_the_date_order_at_the_field(reference_data):
    class StudyDatesForm(forms.ModelForm):
        class Meta:
            model = Study
            fields = ["rek_approved_on", "opened_on", "planned_recruitment_end_on"]

    study = StudyFactory()
    form = StudyDatesForm(
        data={
            "rek_approved_on": "2031-01-10",
            "opened_on": "2020-03-01",
            "planned_recruitment_end_on": "2018-01-01",
        },
        instance=study,
    )
    assert not form.is_valid()
    assert "før REK-godkjenningen" in form.errors["opened_on"][0]
    assert "før studien åpnet" in form.errors["planned_recruitment_end_on"][0]


def test_the_demo_portfolio_keeps_the_date_order(reference_data):
    demo_portfolio_load(count=60)
    for study in Study.objects.all():
        study.clean()


# Enrolments: the end is never before the inclusion.


def _enrolment() -> Enrolment:
    site = StudySiteFactory()
    return Enrolment.objects.create(
        participant=Participant.objects.create(pseudonym="e" * 64),
        study=site.study,
        site=site,
        included_on=site.study.opened_on + dt.timedelta(days=10),
    )


class EnrolmentEndForm(forms.ModelForm):
    """As the admin's change form: the inclusion date is shown, not edited."""

    class Meta:
        model = Enrolment
        fields = ["status", "ended_on", "end_reason"]


def test_an_end_before_the_inclusion_is_a_form_error_not_a_500(reference_data):
    """Before: the form skipped the constraint (its inclusion date is not in the form) and the
    save raised IntegrityError."""
    enrolment = _enrolment()
    form = EnrolmentEndForm(
        data={
            "status": Enrolment.Status.COMPLETED,
            "ended_on": enrolment.included_on - dt.timedelta(days=1),
            "end_reason": "Ferdig",
        },
        instance=enrolment,
    )
    assert not form.is_valid()
    assert form.errors["ended_on"] == [
        f"Sluttdato kan ikke være før inklusjonsdato ({enrolment.included_on:%d.%m.%Y})."
    ]


def test_the_end_service_refuses_an_end_before_the_inclusion(reference_data):
    enrolment = _enrolment()
    with pytest.raises(ValidationError) as refused:
        consent_services.enrolment_end(
            enrolment=enrolment,
            status=Enrolment.Status.COMPLETED,
            ended_on=enrolment.included_on - dt.timedelta(days=1),
            reason="Ferdig",
        )
    assert "ended_on" in refused.value.message_dict
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.INCLUDED and enrolment.ended_on is None


def test_the_admin_answers_an_end_before_the_inclusion_with_the_form(client, reference_data):
    enrolment = _enrolment()
    admin = get_user_model().objects.create_superuser(
        username="nasjonal", password="pw-for-tests-only-1"
    )
    client.force_login(admin)
    response = client.post(
        f"/admin/consents/enrolment/{enrolment.pk}/change/",
        {
            "status": Enrolment.Status.COMPLETED,
            "ended_on": (enrolment.included_on - dt.timedelta(days=1)).isoformat(),
            "end_reason": "Ferdig",
            "change_reason": "Avsluttet",
            "expected_version": enrolment.version,
        },
    )
    assert response.status_code == 200
    assert "Sluttdato kan ikke være før inklusjonsdato" in response.text
    enrolment.refresh_from_db()
    assert enrolment.ended_on is None and enrolment.status == Enrolment.Status.INCLUDED


def test_the_database_refuses_an_end_before_the_inclusion(reference_data):
    enrolment = _enrolment()
    enrolment.ended_on = enrolment.included_on - dt.timedelta(days=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        enrolment.save()
