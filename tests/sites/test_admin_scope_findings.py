"""What a Helse Vest coordinator could do to other regions' data before the one access policy."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from consents import services as consent_services
from consents.models import Participant
from sites.models import Organisation, Region
from tests.factories import StudyFactory, StudySiteFactory, hf
from tests.trials.industry.factories import AgreementFactory
from trials.industry.models import Agreement, Milestone
from trials.models import Study, StudySite

pytestmark = pytest.mark.django_db


def _org(name: str) -> Organisation:
    return Organisation.objects.filter(name__icontains=name).order_by("kind", "pk").first()


def _form(model, user, data, obj=None):
    request = RequestFactory().post("/")
    request.user = user
    request.resolver_match = None
    model_admin = admin.site._registry[model]
    return model_admin.get_form(request, obj)(data, instance=obj)


@pytest.fixture
def nord_study_with_vest_sites(reference_data):
    """A study Helse Nord leads, with two sites in Helse Vest and one in Helse Nord."""
    study = StudyFactory(responsible_organisation=hf("Nord-Norge"), scientific_title="Nordstudien")
    nord_site = StudySiteFactory(study=study, organisation=hf("Nord-Norge"))
    bergen = StudySiteFactory(study=study, organisation=hf("Bergen"))
    stavanger = StudySiteFactory(study=study, organisation=hf("Stavanger"))
    return study, nord_site, bergen, stavanger


def test_one_site_gives_no_edit_rights_over_a_study_led_elsewhere(
    client, coordinator_vest, nord_study_with_vest_sites
):
    study, nord_site, bergen, _stavanger = nord_study_with_vest_sites
    client.force_login(coordinator_vest)
    url = reverse("admin:trials_study_change", args=[study.pk])
    page = client.get(url)
    assert page.status_code == 200  # they see it: it has sites in their region
    assert b'name="_save"' not in page.content  # …read-only
    assert client.post(url, {"scientific_title": "Omdøpt"}).status_code == 403

    # Unpublishing or closing through the list's actions is refused, and said so.
    for action in ("unpublish", "close_for_inclusion"):
        response = client.post(
            reverse("admin:trials_study_changelist"),
            {"action": action, "_selected_action": [study.pk], "index": 0},
            follow=True,
        )
        assert "utenfor ditt ansvarsområde" in response.content.decode()
    study.refresh_from_db()
    assert study.scientific_title == "Nordstudien" and study.is_published
    assert study.status == Study.Status.OPEN

    # The Helse Nord site is read-only to them; their own site is theirs to change.
    site_url = reverse("admin:trials_studysite_change", args=[nord_site.pk])
    assert client.post(site_url, {"status": "closed"}).status_code == 403
    nord_site.refresh_from_db()
    assert nord_site.status == StudySite.Status.OPEN
    own = client.get(reverse("admin:trials_studysite_change", args=[bergen.pk]))
    assert own.status_code == 200 and b'name="_save"' in own.content


def test_a_study_the_region_leads_shows_other_regions_sites_read_only(
    client, coordinator_vest, reference_data
):
    study = StudyFactory(responsible_organisation=hf("Bergen"))
    StudySiteFactory(study=study, organisation=hf("Bergen"))
    nord = StudySiteFactory(study=study, organisation=hf("Nord-Norge"))
    client.force_login(coordinator_vest)
    page = client.get(reverse("admin:trials_study_change", args=[study.pk]))
    editable, foreign = [
        f for f in page.context["inline_admin_formsets"] if f.formset.model.__name__ == "StudySite"
    ]
    assert [f.instance.pk for f in editable.formset.forms] != [nord.pk]
    assert nord.pk not in [f.instance.pk for f in editable.formset.forms]
    assert [f.instance.pk for f in foreign.formset.forms] == [nord.pk]
    assert not foreign.has_change_permission


def test_the_enrolment_form_offers_only_sites_in_the_users_region(
    coordinator_vest, nord_study_with_vest_sites
):
    _study, nord_site, bergen, stavanger = nord_study_with_vest_sites
    from consents.models import Enrolment

    field = _form(Enrolment, coordinator_vest, None).fields["site"]
    offered = set(field.queryset.values_list("pk", flat=True))
    assert {bergen.pk, stavanger.pk} <= offered and nord_site.pk not in offered


def test_participants_of_other_regions_are_not_listed(
    client, frozen_now, coordinator_vest, nord_study_with_vest_sites
):
    import datetime as dt

    from django.utils import timezone

    from consents.models import ConsentForm

    study, nord_site, bergen, _stavanger = nord_study_with_vest_sites
    form = ConsentForm.objects.create(
        study=study,
        version_label="1.0",
        language="nb",
        approved_on=timezone.localdate() - dt.timedelta(days=100),
        effective_from=timezone.localdate() - dt.timedelta(days=100),
    )
    people = {}
    for number, site in (("03851598730", nord_site), ("01914796756", bergen)):
        person = consent_services.participant_register(national_id=number, birth_year=1960)
        consent_services.consent_give(
            participant=person,
            form=form,
            channel="digital",
            occurred_at=timezone.now() - dt.timedelta(days=2),
        )
        consent_services.enrolment_create(
            participant=person, site=site, included_on=timezone.localdate()
        )
        people[site.pk] = person
    client.force_login(coordinator_vest)
    listed = client.get(reverse("admin:consents_participant_changelist")).context["cl"].queryset
    assert list(listed.values_list("pk", flat=True)) == [people[bergen.pk].pk]
    nord_person = people[nord_site.pk]
    url = reverse("admin:consents_participant_change", args=[nord_person.pk])
    assert client.get(url).status_code == 404
    events = client.get(reverse("admin:consents_consentevent_changelist")).context["cl"].queryset
    assert not events.filter(participant=nord_person).exists()
    assert Participant.objects.count() == 2


def test_forms_refuse_organisations_outside_the_users_scope(coordinator_vest, reference_data):
    finnmark = _org("Finnmarkssykehuset")
    helse_nord = Region.objects.get(code="helse-nord")
    nord_study = StudyFactory(responsible_organisation=hf("Nord-Norge"))
    nord_agreement = AgreementFactory(organisation=hf("Nord-Norge"), study=nord_study)

    agreement = _form(Agreement, coordinator_vest, {"organisation": finnmark.pk})
    assert "organisation" in agreement.errors

    from sites.models import OrganisationCapacity

    capacity = _form(OrganisationCapacity, coordinator_vest, {"organisation": finnmark.pk})
    assert "organisation" in capacity.errors

    milestone = _form(Milestone, coordinator_vest, {"agreement": nord_agreement.pk})
    assert "agreement" in milestone.errors

    new_org = _form(Organisation, coordinator_vest, {"region": helse_nord.pk})
    assert "region" in new_org.errors

    forde = hf("Førde")
    moved = _form(
        Organisation,
        coordinator_vest,
        {"region": helse_nord.pk, "name": forde.name, "change_reason": "Flytter"},
        obj=forde,
    )
    assert "region" in moved.errors

    from trials.industry.models import FeasibilityInterestProfile

    profile = _form(FeasibilityInterestProfile, coordinator_vest, {"organisation": finnmark.pk})
    assert "organisation" in profile.errors
