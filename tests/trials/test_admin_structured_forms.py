"""Structured forms instead of JSON in the admin: intervention types as boxes to tick, and the
study's site rows a coordinator can read (organisation, status, PI, contact, target; the rest on
the site's own page)."""

from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import StudyFactory, StudySiteFactory, hf
from tests.form_post import form_data, post_changed
from trials.models import Study

pytestmark = pytest.mark.django_db

REASON = {"change_reason": "Rettet klassifiseringen"}


def _change_url(study: Study) -> str:
    return reverse("admin:trials_study_change", args=[study.pk])


def _error_text(response) -> str:
    return " ".join(str(e) for e in response.context["adminform"].form.errors.values())


# --- intervention types ------------------------------------------------------------------------


def test_intervention_types_are_boxes_to_tick_and_keep_their_stored_shape(
    client, coordinator_vest, reference_data
):
    study = StudyFactory(intervention_types=["drug"])
    client.force_login(coordinator_vest)
    page = client.get(_change_url(study)).text
    assert 'type="checkbox" name="intervention_types" value="drug"' in page
    assert "Legemiddel" in page and "Medisinsk utstyr" in page and "Kosttilskudd" in page
    assert "[&quot;drug&quot;]" not in page  # no JSON to type

    response = post_changed(
        client,
        _change_url(study),
        "study_form",
        intervention_types=["procedure", "drug"],
        **REASON,
    )
    assert response.status_code == 302, _error_text(response)
    study.refresh_from_db()
    assert study.intervention_types == ["drug", "procedure"]  # the list the readers expect


def test_an_unknown_intervention_type_is_refused_in_norwegian(
    client, coordinator_vest, reference_data
):
    study = StudyFactory(intervention_types=["drug"])
    client.force_login(coordinator_vest)
    response = post_changed(
        client, _change_url(study), "study_form", intervention_types=["homeopati"], **REASON
    )
    assert response.status_code == 200
    assert "«homeopati» er ikke en kjent intervensjonstype" in _error_text(response)
    study.refresh_from_db()
    assert study.intervention_types == ["drug"]


def test_stored_spellings_show_ticked_and_an_unknown_type_is_shown_not_dropped(
    client, coordinator_vest, reference_data
):
    study = StudyFactory(intervention_types=["Dietary Supplement", "akupunktur"])
    client.force_login(coordinator_vest)
    page = client.get(_change_url(study)).text
    sent = form_data(page, "study_form")
    assert sorted(sent["intervention_types"]) == ["akupunktur", "dietary_supplement"]
    assert "akupunktur (ukjent type)" in page

    # Saved as it stands, the unknown type is named; unticked, the rest is kept.
    response = post_changed(client, _change_url(study), "study_form", **REASON)
    assert "«akupunktur» er ikke en kjent intervensjonstype" in _error_text(response)
    response = post_changed(
        client,
        _change_url(study),
        "study_form",
        intervention_types=["dietary_supplement"],
        **REASON,
    )
    assert response.status_code == 302, _error_text(response)
    study.refresh_from_db()
    assert study.intervention_types == ["dietary_supplement"]


def test_a_study_shown_read_only_names_its_intervention_types(client, reference_data, helse_vest):
    from django.contrib.auth import get_user_model

    from sites.models import UserScope
    from sites.roles import user_scope_assign

    study = StudyFactory(intervention_types=["drug", "dietary supplement"])
    observer = get_user_model().objects.create_user(
        "observator", password="x-12345678", is_staff=True
    )
    user_scope_assign(user=observer, role=UserScope.Role.OBSERVER, region=helse_vest)
    client.force_login(observer)
    page = client.get(_change_url(study)).text
    assert "Legemiddel, Kosttilskudd" in page
    assert "dietary supplement" not in page


CLASSIC_XML = Path("/work/shared/data/clinical_trials/ctgov_classic_xml/aact_spec/NCT01534533.xml")


@pytest.mark.skipif(not CLASSIC_XML.exists(), reason="shared reference data not present")
def test_an_imported_registry_type_is_ticked_in_the_form(client, coordinator_vest, reference_data):
    from trials.services.imports import import_paths

    report = import_paths(paths=[CLASSIC_XML], default_organisation=hf("Bergen"))
    assert report.created == 1, report.errors
    study = Study.objects.get(nct_id="NCT01534533")
    assert study.intervention_types == ["dietary_supplement"]  # "Dietary Supplement" in the file
    client.force_login(coordinator_vest)
    sent = form_data(client.get(_change_url(study)).text, "study_form")
    assert sent["intervention_types"] == ["dietary_supplement"]


# --- the study's site rows -----------------------------------------------------------------------


def test_site_rows_show_the_organisation_and_five_fields_with_a_link_to_the_rest(
    client, coordinator_vest, reference_data
):
    site = StudySiteFactory(
        organisation=hf("Bergen"),
        local_investigator="Dr. Hansen",
        contact_name="Studiesykepleier Kari",
        contact_email="kari@example.no",
        contact_phone="55 97 50 00",
    )
    client.force_login(coordinator_vest)
    response = client.get(_change_url(site.study))
    inline = response.context["inline_admin_formsets"][0]
    shown = [f for f in inline.formset.forms[0].fields if f not in ("id", "study", "DELETE")]
    assert shown == [
        "organisation",
        "status",
        "local_investigator",
        "contact_name",
        "target_enrolment",
    ]
    page = response.text
    row_label = page.split('<td class="original">', 1)[1].split("</p>", 1)[0]
    assert site.organisation.name in row_label  # not "Studiested 340"
    details = reverse("admin:trials_studysite_change", args=[site.pk])
    assert f'href="{details}"' in page
    assert 'name="sites-0-contact_email"' not in page  # on the site's own page
    assert "kari@example.no" in client.get(details).text

    # Saving the study form keeps what only the site's own page shows.
    response = post_changed(
        client,
        _change_url(site.study),
        "study_form",
        **{"sites-0-contact_name": "Studiesykepleier Ola"},
        **REASON,
    )
    assert response.status_code == 302, _error_text(response)
    site.refresh_from_db()
    assert site.contact_name == "Studiesykepleier Ola"
    assert (site.contact_email, site.contact_phone) == ("kari@example.no", "55 97 50 00")


def test_a_site_row_is_labelled_by_its_organisation(reference_data):
    site = StudySiteFactory(organisation=hf("Bergen"))
    assert str(site) == site.organisation.name
