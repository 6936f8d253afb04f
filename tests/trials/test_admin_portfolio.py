"""The study portfolio in the admin: who sees what, the form's rules, actions, exports, queries."""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from sites.models import Organisation, UserScope
from sites.roles import user_scope_assign
from tests.factories import StudyFactory, StudySiteFactory, hf
from trials.models import Study, StudySite

pytestmark = pytest.mark.django_db


@pytest.fixture
def vest_study(reference_data):
    return StudySiteFactory(study__lay_title_nb="Vest-studien").study


@pytest.fixture
def nord_study(reference_data):
    study = StudyFactory(lay_title_nb="Nord-studien", responsible_organisation=hf("Nord-Norge"))
    StudySiteFactory(study=study)
    return study


def _login(client, user):
    client.force_login(user)
    return client


def _change_url(study):
    return reverse("admin:trials_study_change", args=[study.pk])


def test_coordinator_sees_only_own_region_in_the_list(
    client, coordinator_nord, vest_study, nord_study
):
    response = _login(client, coordinator_nord).get(reverse("admin:trials_study_changelist"))
    assert response.status_code == 200
    assert "Nord-studien" in response.text
    assert "Vest-studien" not in response.text


def test_foreign_study_is_404_in_change_history_and_delete(client, coordinator_nord, vest_study):
    _login(client, coordinator_nord)
    for name in ("change", "history", "delete"):
        url = reverse(f"admin:trials_study_{name}", args=[vest_study.pk])
        assert client.get(url).status_code == 404, name


def test_study_with_a_site_in_the_region_is_visible(client, coordinator_nord, vest_study):
    StudySiteFactory(study=vest_study, organisation=hf("Nord-Norge"))
    response = _login(client, coordinator_nord).get(_change_url(vest_study))
    assert response.status_code == 200


def test_autocomplete_never_shows_foreign_organisations(client, coordinator_nord):
    _login(client, coordinator_nord)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "Helse",
            "app_label": "trials",
            "model_name": "study",
            "field_name": "responsible_organisation",
        },
    )
    names = [row["text"] for row in response.json()["results"]]
    assert names
    assert "Helse Bergen HF" not in names
    assert all(Organisation.objects.get(name=n).region.code == "helse-nord" for n in names)


def test_user_without_scope_sees_nothing(client, vest_study):
    user = get_user_model().objects.create_user(
        "uten-tilgang", password="x-12345678", is_staff=True
    )
    _login(client, user)
    assert client.get(reverse("admin:trials_study_changelist")).status_code == 403
    assert client.get(_change_url(vest_study)).status_code in (403, 404)


def test_observer_can_read_but_not_change(client, vest_study, helse_vest):
    user = get_user_model().objects.create_user("observator", password="x-12345678", is_staff=True)
    user_scope_assign(user=user, role=UserScope.Role.OBSERVER, region=helse_vest)
    _login(client, user)
    response = client.get(_change_url(vest_study))
    assert response.status_code == 200
    assert 'name="_save"' not in response.text
    response = client.post(_change_url(vest_study), {"scientific_title": "Endret"})
    assert response.status_code == 403


def test_organisation_staff_sees_only_their_organisation(client, vest_study, reference_data):
    stavanger = StudySiteFactory(
        study__lay_title_nb="Stavanger-studien",
        study__responsible_organisation=hf("Stavanger"),
    ).study
    user = get_user_model().objects.create_user("forskstotte", password="x-12345678", is_staff=True)
    user_scope_assign(
        user=user, role=UserScope.Role.ORGANISATION_STAFF, organisation=hf("Stavanger")
    )
    response = _login(client, user).get(reverse("admin:trials_study_changelist"))
    assert "Stavanger-studien" in response.text
    assert "Vest-studien" not in response.text
    assert client.get(_change_url(vest_study)).status_code == 404
    assert client.get(_change_url(stavanger)).status_code == 200


def _form_data(client, study):
    """The change form's own initial values, as the browser would post them."""
    response = client.get(_change_url(study))
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if isinstance(value, list):
            data[name] = [str(v) for v in value]
        elif isinstance(value, dt.datetime):
            data[name] = value.strftime("%Y-%m-%d %H:%M:%S")
        else:
            data[name] = value if value is not True else "on"
    if "intervention_types" in data:
        data["intervention_types"] = form["intervention_types"].value()
    # Every inline on the page (the sites the user may change, and the read-only rest).
    for inline_admin_formset in response.context["inline_admin_formsets"]:
        inline = inline_admin_formset.formset
        prefix = inline.prefix
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": str(len(inline.forms)),
                f"{prefix}-INITIAL_FORMS": str(len(inline.initial_forms)),
            }
        )
        for i, site_form in enumerate(inline.forms):
            for name in site_form.fields:
                value = site_form[name].value()
                if value not in (None, False, ""):
                    data[f"{prefix}-{i}-{name}"] = "on" if value is True else str(value)
    return data


def test_changing_an_approved_study_needs_a_reason_and_is_kept_in_history(
    client, coordinator_vest, vest_study
):
    _login(client, coordinator_vest)
    data = _form_data(client, vest_study)
    data["scientific_title"] = "Ny vitenskapelig tittel"
    response = client.post(_change_url(vest_study), data)
    assert response.status_code == 200
    assert "Studien er godkjent: skriv kort hvorfor" in response.text

    data["change_reason"] = "Rettet tittel etter protokollendring"
    response = client.post(_change_url(vest_study), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    vest_study.refresh_from_db()
    assert vest_study.scientific_title == "Ny vitenskapelig tittel"
    latest = vest_study.history.latest()
    assert latest.history_change_reason == "Rettet tittel etter protokollendring"
    assert latest.history_user == coordinator_vest

    history = client.get(reverse("admin:trials_study_history", args=[vest_study.pk]))
    assert "Rettet tittel etter protokollendring" in history.text
    assert "Ny vitenskapelig tittel" in history.text


def test_second_of_two_concurrent_saves_is_refused_with_a_link_to_history(
    client, coordinator_vest, vest_study
):
    _login(client, coordinator_vest)
    first = _form_data(client, vest_study)
    second = dict(first)
    first.update(scientific_title="Første", change_reason="Første endring")
    second.update(scientific_title="Andre", change_reason="Andre endring")
    assert client.post(_change_url(vest_study), first).status_code == 302
    response = client.post(_change_url(vest_study), second)
    assert response.status_code == 200
    assert "etter at du åpnet den" in response.text
    assert reverse("admin:trials_study_history", args=[vest_study.pk]) in response.text
    vest_study.refresh_from_db()
    assert vest_study.scientific_title == "Første"


def test_opening_needs_an_open_site(client, coordinator_vest, reference_data):
    study = StudyFactory(status=Study.Status.APPROVED, is_published=False, phase="na")
    site = StudySiteFactory(study=study, status=StudySite.Status.PLANNED)
    _login(client, coordinator_vest)
    data = _form_data(client, study)
    data.update(status=Study.Status.OPEN, change_reason="Åpner")
    response = client.post(_change_url(study), data)
    assert response.status_code == 200
    assert "uten minst ett åpent studiested" in response.text

    prefix = "sites"
    data[f"{prefix}-0-status"] = StudySite.Status.OPEN
    response = client.post(_change_url(study), data)
    assert response.status_code == 302
    study.refresh_from_db()
    site.refresh_from_db()
    assert study.status == Study.Status.OPEN
    assert site.status == StudySite.Status.OPEN


def test_publish_action_reports_changed_and_refused(client, coordinator_vest, reference_data):
    ready = StudyFactory(is_published=False)
    no_summary = StudyFactory(is_published=False, lay_summary_nb="")
    _login(client, coordinator_vest)
    response = client.post(
        reverse("admin:trials_study_changelist"),
        {"action": "publish", "_selected_action": [ready.pk, no_summary.pk]},
        follow=True,
    )
    text = response.text
    assert "1 studie publisert" in text
    assert "sammendrag på bokmål" in text
    ready.refresh_from_db()
    no_summary.refresh_from_db()
    assert ready.is_published and not no_summary.is_published


def test_an_action_on_rows_outside_the_scope_says_nothing_was_changed(
    client, coordinator_nord, vest_study
):
    """Nord's coordinator cannot publish a Vest study, and is told so rather than left guessing."""
    vest_study.is_published = False
    vest_study.save()
    _login(client, coordinator_nord)
    response = client.post(
        reverse("admin:trials_study_changelist"),
        {"action": "unpublish", "_selected_action": [vest_study.pk]},
        follow=True,
    )
    assert "Ingen av de valgte ble endret." in response.text


def test_close_action_closes_study_and_sites(client, coordinator_vest, vest_study):
    _login(client, coordinator_vest)
    client.post(
        reverse("admin:trials_study_changelist"),
        {"action": "close_for_inclusion", "_selected_action": [vest_study.pk]},
    )
    vest_study.refresh_from_db()
    assert vest_study.status == Study.Status.CLOSED
    assert not vest_study.sites.filter(status=StudySite.Status.OPEN).exists()


def _body(response) -> bytes:
    assert response.streaming, "exports are streamed, never built in memory"
    return b"".join(response.streaming_content)


def test_exports_contain_only_visible_rows(client, coordinator_nord, vest_study, nord_study):
    _login(client, coordinator_nord)
    url = reverse("admin:trials_study_changelist")
    ids = [vest_study.pk, nord_study.pk]
    csv_response = client.post(url, {"action": "export_as_csv", "_selected_action": ids})
    text = _body(csv_response).decode("utf-8-sig")
    assert "Nord-studien" in text and "Vest-studien" not in text
    assert "0/100 (0 %)" not in text  # n and N are separate columns
    xlsx = client.post(url, {"action": "export_as_xlsx", "_selected_action": ids})
    sheet = load_workbook(io.BytesIO(_body(xlsx))).active
    titles = [row[1] for row in sheet.iter_rows(values_only=True)]
    assert titles == ["Tittel", "Nord-studien"]


def _export_ids(client, action, **filters):
    """Export "all N matching" (select across) of the filtered list; the public ids in it."""
    url = reverse("admin:trials_study_changelist")
    if filters:
        url += "?" + "&".join(f"{k}={v}" for k, v in filters.items())
    first = Study.objects.order_by("pk").values_list("pk", flat=True).first()
    data = {"action": action, "select_across": "1", "index": "0", "_selected_action": [first]}
    body = _body(client.post(url, data))
    if action == "export_as_csv":
        lines = body.decode("utf-8-sig").splitlines()[1:]
        return [line.split(";")[0] for line in lines]
    rows = list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))[1:]
    return [row[0] for row in rows]


@pytest.mark.parametrize("action", ["export_as_csv", "export_as_xlsx"])
def test_export_of_everything_is_exactly_the_visible_rows(
    client, coordinator_vest, reference_data, action
):
    from trials.selectors import study_visible_to

    StudyFactory.create_batch(3, responsible_organisation=hf("Bergen"))
    StudySiteFactory(  # responsible in the north, a site in the west: visible
        study__responsible_organisation=hf("Nord-Norge"), organisation=hf("Stavanger")
    )
    StudySiteFactory.create_batch(2, study__responsible_organisation=hf("Nord-Norge"))
    StudyFactory(responsible_organisation=hf("Bergen"), status=Study.Status.CLOSED)
    _login(client, coordinator_vest)

    exported = _export_ids(client, action)
    visible = study_visible_to(user=coordinator_vest).values_list("public_id", flat=True)
    assert len(exported) == len(set(exported)) == 5
    assert set(exported) == set(visible)

    only_open = _export_ids(client, action, status__exact="open")
    assert set(only_open) == set(visible.filter(status="open")) and len(only_open) == 4


def test_quality_flag_filter(client, coordinator_vest, reference_data):
    today = timezone.localdate()
    late = StudySiteFactory(
        study__lay_title_nb="Forsinket", study__planned_recruitment_end_on=today - dt.timedelta(1)
    ).study
    StudySiteFactory(study__lay_title_nb="I rute")
    response = _login(client, coordinator_vest).get(
        reverse("admin:trials_study_changelist"), {"flag": "recruiting_past_end"}
    )
    assert "Forsinket" in response.text and "I rute" not in response.text
    assert str(late)


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_changelist_and_change_form_use_a_constant_number_of_queries(
    client, coordinator_vest, reference_data
):
    _login(client, coordinator_vest)
    list_url = reverse("admin:trials_study_changelist")
    study = StudySiteFactory().study
    few_list = _count_queries(client, list_url)
    few_form = _count_queries(client, _change_url(study))
    for org in Organisation.objects.filter(region__code="helse-vest", kind="hospital")[:6]:
        StudySiteFactory(study=study, organisation=org)
    for _ in range(8):
        StudySiteFactory()
    assert _count_queries(client, list_url) == few_list
    assert few_list <= 10
    assert _count_queries(client, _change_url(study)) == few_form


# --- paging without counting: a coordinator's list never runs a COUNT over the scope ----------


def _list(client, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("admin:trials_study_changelist"), params)
    assert response.status_code == 200
    return response, [q["sql"] for q in ctx.captured_queries]


def test_coordinator_list_pages_without_counting(client, coordinator_vest, reference_data):
    StudyFactory.create_batch(53, responsible_organisation=hf("Bergen"))
    _login(client, coordinator_vest)

    first, sql = _list(client)
    assert not [q for q in sql if q.startswith("SELECT COUNT(")]
    assert len(first.context["cl"].result_list) == 50
    assert "flere enn 50 studier" in first.text
    assert "?p=2" in first.text
    assert 'class="showall"' in first.text

    second, _ = _list(client, p=2)
    assert len(second.context["cl"].result_list) == 3
    assert "53 studier" in second.text

    # «Vis alle» shows all 53, counted by fetching them (at most list_max_show_all + 1 rows).
    everything, sql = _list(client, all="")
    assert len(everything.context["cl"].result_list) == 53
    assert "53 studier" in everything.text
    assert not [q for q in sql if q.startswith("SELECT COUNT(")]

    beyond = client.get(reverse("admin:trials_study_changelist"), {"p": 9})
    assert beyond.status_code == 302 and "e=1" in beyond.url


def test_show_all_on_a_list_longer_than_the_bound_keeps_the_first_page(
    client, coordinator_vest, reference_data, monkeypatch
):
    from trials.admin.studies import StudyAdmin

    monkeypatch.setattr(StudyAdmin, "list_max_show_all", 52)
    StudyFactory.create_batch(53, responsible_organisation=hf("Bergen"))
    _login(client, coordinator_vest)
    everything, _ = _list(client, all="")
    assert len(everything.context["cl"].result_list) == 50
    assert "flere enn 50 studier" in everything.text


def test_small_lists_show_the_exact_count_in_one_list_query(client, coordinator_vest, vest_study):
    _login(client, coordinator_vest)
    response, sql = _list(client, q="Vest-studien")
    assert [str(s) for s in response.context["cl"].result_list] == ["Vest-studien"]
    assert "1 treff" in response.text
    assert len([q for q in sql if 'FROM "trials_study"' in q]) == 1


def test_national_list_says_over_the_cap_instead_of_a_wrong_number(
    client, reference_data, monkeypatch
):
    from trials.admin.studies import StudyAdmin
    from trials.admin.widgets import CappedCountPaginator

    monkeypatch.setattr(CappedCountPaginator, "count_limit", 3)
    monkeypatch.setattr(StudyAdmin, "list_per_page", 2)  # the cap counts at least one page
    StudyFactory.create_batch(5)
    admin = get_user_model().objects.create_superuser("riksadmin", password="x-12345678")
    response, _ = _list(_login(client, admin))
    assert "over 3 studier" in response.text
