"""The agreement, milestone and feasibility forms keep the rules the services and actions keep: a
cancelled agreement and its milestones are frozen, a milestone is not met in the future, and a
deadline typed in by NorTrials is a working day – tried as a coordinator would, through the forms."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from sites.models import UserScope
from sites.roles import user_scope_assign
from tests.form_post import form_data, post_changed
from trials.industry.models import Agreement, FeasibilityRequest, Milestone
from trials.industry.services.agreements import agreement_cancel, agreement_save, milestone_save
from trials.industry.services.feasibility import feasibility_request_create
from trials.models import HealthCategory

from .factories import AgreementFactory, MilestoneFactory
from .test_admin import _grant

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 16)  # frozen_now: a Monday
AGREEMENTS = "/admin/industry/agreement/"
MILESTONES = "/admin/industry/milestone/"


@pytest.fixture
def nortrials_user(reference_data):
    user = get_user_model().objects.create_user(
        username="nortrials", password="pw-for-tests-only-1", is_staff=True
    )
    user_scope_assign(user=user, role=UserScope.Role.NORTRIALS)
    return _grant(user)


def _cancelled(**kwargs) -> Agreement:
    agreement = AgreementFactory(
        received_on=TODAY - dt.timedelta(days=100), signed_on=None, **kwargs
    )
    agreement_cancel(agreement=agreement, on=TODAY - dt.timedelta(days=3), reason="budget")
    agreement.refresh_from_db()
    return agreement


def _errors(response) -> str:
    form = response.context["adminform"].form
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


# --- cancelled agreements -------------------------------------------------------------------------


def test_saving_a_cancelled_agreement_with_a_new_email_leaves_it_cancelled_and_unchanged(
    frozen_now, client, coordinator_vest
):
    agreement = _cancelled(contact_email="forskning@helse-bergen.no")
    MilestoneFactory(agreement=agreement, planned_on=TODAY - dt.timedelta(days=30))
    client.force_login(_grant(coordinator_vest))
    url = f"{AGREEMENTS}{agreement.pk}/change/"
    page = client.get(url).content.decode()

    # What a browser sends when the coordinator only types a new e-mail address.
    data = form_data(
        page,
        "agreement_form",
        contact_email="ny@helse-bergen.no",
        change_reason="Ny kontaktperson",
    )
    response = client.post(url, data)

    assert response.status_code == 200
    assert "Avtalen er kansellert" in _errors(response)
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.CANCELLED
    assert agreement.contact_email == "forskning@helse-bergen.no"
    assert (agreement.cancelled_on, agreement.cancellation_reason) == (
        TODAY - dt.timedelta(days=3),
        "budget",
    )


def test_the_milestones_of_a_cancelled_agreement_cannot_be_changed_or_added_in_the_forms(
    frozen_now, client, coordinator_vest
):
    agreement = _cancelled()
    milestone = MilestoneFactory(agreement=agreement, planned_on=TODAY - dt.timedelta(days=30))
    client.force_login(_grant(coordinator_vest))

    changed = post_changed(
        client,
        f"{MILESTONES}{milestone.pk}/change/",
        "milestone_form",
        status="met",
        actual_on=(TODAY - dt.timedelta(days=1)).isoformat(),
        change_reason="Nådd likevel",
    )
    assert changed.status_code == 200 and "Avtalen er kansellert" in _errors(changed)
    milestone.refresh_from_db()
    assert (milestone.status, milestone.actual_on) == (Milestone.Status.PLANNED, None)

    added = client.post(
        f"{MILESTONES}add/",
        {
            "agreement": agreement.pk,
            "kind": Milestone.Kind.DATA_DELIVERY,
            "planned_on": (TODAY + dt.timedelta(days=30)).isoformat(),
            "status": "planned",
        },
    )
    assert added.status_code == 200 and "Avtalen er kansellert" in _errors(added)
    assert agreement.milestones.count() == 1


def test_the_services_refuse_any_change_to_a_cancelled_agreement(frozen_now, coordinator_vest):
    agreement = _cancelled()
    milestone = MilestoneFactory(agreement=agreement, planned_on=TODAY - dt.timedelta(days=30))
    agreement.contact_email = "ny@helse-bergen.no"
    agreement.status = Agreement.Status.DRAFT
    with pytest.raises(ValidationError, match="Avtalen er kansellert"):
        agreement_save(agreement=agreement, user=coordinator_vest, reason="Ny e-post")
    milestone.planned_on = TODAY
    with pytest.raises(ValidationError, match="Avtalen er kansellert"):
        milestone_save(milestone=milestone, user=coordinator_vest, reason="Ny dato")
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.CANCELLED


# --- milestones met in the future -----------------------------------------------------------------


def test_a_milestone_is_not_met_in_the_future_in_the_milestone_form_nor_the_agreement_form(
    frozen_now, client, coordinator_vest
):
    milestone = MilestoneFactory(planned_on=TODAY + dt.timedelta(days=10))
    client.force_login(_grant(coordinator_vest))
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()

    alone = post_changed(
        client,
        f"{MILESTONES}{milestone.pk}/change/",
        "milestone_form",
        status="met",
        actual_on=tomorrow,
        change_reason="Nådd",
    )
    assert alone.status_code == 200
    assert "kan ikke være i fremtiden" in " ".join(
        alone.context["adminform"].form.errors["actual_on"]
    )

    inline = post_changed(
        client,
        f"{AGREEMENTS}{milestone.agreement_id}/change/",
        "agreement_form",
        **{"milestones-0-status": "met", "milestones-0-actual_on": tomorrow},
        change_reason="Milepæl nådd",
    )
    assert inline.status_code == 200
    assert "kan ikke være i fremtiden" in str(
        inline.context["inline_admin_formsets"][0].formset.errors
    )
    milestone.refresh_from_db()
    assert (milestone.status, milestone.actual_on) == (Milestone.Status.PLANNED, None)


def test_agreement_and_milestone_changes_in_the_forms_record_who_and_why(
    frozen_now, client, coordinator_vest
):
    milestone = MilestoneFactory(planned_on=TODAY - dt.timedelta(days=10))
    agreement = milestone.agreement
    client.force_login(_grant(coordinator_vest))
    yesterday = (TODAY - dt.timedelta(days=1)).isoformat()

    response = post_changed(
        client,
        f"{AGREEMENTS}{agreement.pk}/change/",
        "agreement_form",
        contact_email="ny@helse-bergen.no",
        **{"milestones-0-status": "met", "milestones-0-actual_on": yesterday},
        change_reason="Ny kontakt og milepæl nådd",
    )

    assert response.status_code == 302
    agreement.refresh_from_db()
    milestone.refresh_from_db()
    assert (agreement.status, agreement.contact_email) == ("signed", "ny@helse-bergen.no")
    assert (milestone.status, milestone.actual_on) == ("met", TODAY - dt.timedelta(days=1))
    for obj in (agreement, milestone):
        latest = obj.history.first()
        assert latest.history_user == coordinator_vest
        assert latest.history_change_reason == "Ny kontakt og milepæl nådd"


# --- feasibility deadlines ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("deadline", "accepted"),
    [
        (dt.date(2026, 11, 21), False),  # a Saturday
        (dt.date(2026, 12, 25), False),  # Christmas Day
        (dt.date(2026, 11, 16), False),  # the day it came in
        (dt.date(2026, 11, 20), True),  # Friday
    ],
)
def test_a_deadline_typed_into_a_feasibility_request_is_a_working_day_after_receipt(
    frozen_now, client, nortrials_user, deadline, accepted
):
    request = feasibility_request_create(
        sponsor_name="Pharma AS",
        sponsor_country="NO",
        contact_name="Kari",
        contact_email="kari@pharma.example",
        title="Ny studie",
        condition="Astma",
        hrcs_category=HealthCategory.objects.get(code="02"),
        phase="3",
        study_category="kbs",
        design_summary="Randomisert",
        key_inclusion_criteria="Voksne",
        patients_wanted=10,
    )
    before = request.deadline
    client.force_login(nortrials_user)

    response = post_changed(
        client,
        f"/admin/industry/feasibilityrequest/{request.pk}/change/",
        "feasibilityrequest_form",
        deadline=deadline.isoformat(),
        change_reason="Sponsor ba om ny frist",
    )

    request.refresh_from_db()
    if accepted:
        assert response.status_code == 302 and request.deadline == deadline
    else:
        assert response.status_code == 200
        assert "Svarfristen må være en virkedag etter mottaksdatoen" in " ".join(
            response.context["adminform"].form.errors["deadline"]
        )
        assert request.deadline == before
        assert FeasibilityRequest.objects.get(pk=request.pk).deadline == before


def test_a_milestone_removed_in_the_agreement_form_keeps_its_history_with_who_and_why(
    frozen_now, client, coordinator_vest
):
    milestone = MilestoneFactory(planned_on=TODAY + dt.timedelta(days=10))
    client.force_login(_grant(coordinator_vest))
    response = post_changed(
        client,
        f"{AGREEMENTS}{milestone.agreement_id}/change/",
        "agreement_form",
        **{"milestones-0-DELETE": "on"},
        change_reason="Milepælen gjelder ikke denne avtalen",
    )
    assert response.status_code == 302
    assert not Milestone.objects.filter(pk=milestone.pk).exists()
    last = Milestone.history.filter(id=milestone.pk).first()
    assert last.history_type == "-" and last.history_user == coordinator_vest
    assert last.history_change_reason == "Milepælen gjelder ikke denne avtalen"
