"""The industry admin: scoped like studies, NorTrials sees everything, clocks in the lists,
a constant number of queries as rows grow."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sites.models import UserScope
from sites.roles import user_scope_assign
from tests.factories import hf
from trials.industry.models import FeasibilityRequest, FeasibilityResponse
from trials.models import HealthCategory

from .factories import AgreementFactory, IndustrySponsorFactory, MilestoneFactory

INDUSTRY_MODELS = [
    "feasibilityrequest",
    "feasibilityresponse",
    "agreement",
    "milestone",
    "organisationcapacity",
    "feasibilityinterestprofile",
]


def _grant(user):
    user.user_permissions.set(
        Permission.objects.filter(
            codename__in=[f"{a}_{m}" for m in INDUSTRY_MODELS for a in ("view", "change", "add")]
        )
    )
    return user


@pytest.fixture
def nortrials(reference_data):
    user = get_user_model().objects.create_user(
        username="nortrials", password="pw-for-tests-only-1", is_staff=True
    )
    user_scope_assign(user=user, role=UserScope.Role.NORTRIALS)
    return _grant(user)


def _request(*, orgs, received: dt.datetime, title="Forespørsel"):
    request = FeasibilityRequest.objects.create(
        sponsor=IndustrySponsorFactory(),
        contact_name="A",
        contact_email="a@example.com",
        title=title,
        condition="C",
        hrcs_category=HealthCategory.objects.get(code="02"),
        phase="3",
        design_summary="D",
        key_inclusion_criteria="K",
        patients_wanted=10,
        received_at=received,
        deadline=dt.date(2025, 4, 28),
        status=FeasibilityRequest.Status.ROUTED,
    )
    for org in orgs:
        FeasibilityResponse.objects.create(request=request, organisation=org, routed_at=received)
    return request


OSLO = timezone.get_default_timezone()


@pytest.mark.django_db
def test_coordinators_see_only_their_region_and_nortrials_sees_all(
    client, coordinator_vest, coordinator_nord, nortrials
):
    _grant(coordinator_vest)
    _grant(coordinator_nord)
    received = dt.datetime(2025, 4, 16, 10, tzinfo=OSLO)
    vest = _request(orgs=[hf("Bergen")], received=received, title="Bare Vest")
    nord = _request(orgs=[hf("Nord-Norge")], received=received, title="Bare Nord")
    vest_agreement = AgreementFactory()

    client.force_login(coordinator_nord)
    page = client.get("/admin/industry/feasibilityrequest/")
    assert "Bare Nord" in page.content.decode() and "Bare Vest" not in page.content.decode()
    assert client.get(f"/admin/industry/feasibilityrequest/{vest.pk}/change/").status_code == 404
    assert client.get(f"/admin/industry/agreement/{vest_agreement.pk}/change/").status_code == 404
    tasks_page = client.get("/admin/industry/feasibilityresponse/?oppgave=open")
    assert "Universitetssykehuset Nord-Norge HF" in tasks_page.content.decode()
    assert "Helse Bergen HF" not in tasks_page.content.decode()
    # Coordinators may look at requests but not rewrite them.
    assert client.get(f"/admin/industry/feasibilityrequest/{nord.pk}/change/").status_code == 200
    assert client.get("/admin/industry/feasibilityrequest/add/").status_code == 403

    client.force_login(coordinator_vest)
    assert client.get(f"/admin/industry/agreement/{vest_agreement.pk}/change/").status_code == 200

    client.force_login(nortrials)
    page = client.get("/admin/industry/feasibilityrequest/").content.decode()
    assert "Bare Nord" in page and "Bare Vest" in page
    assert client.get("/admin/industry/feasibilityrequest/add/").status_code == 200


@pytest.mark.django_db
def test_the_request_list_shows_the_clocks_in_constant_queries(client, nortrials):
    client.force_login(nortrials)
    received = dt.datetime(2025, 4, 16, 10, tzinfo=OSLO)
    with time_machine.travel(dt.datetime(2025, 4, 23, 12, tzinfo=OSLO), tick=False):
        _request(orgs=[hf("Bergen"), hf("Stavanger")], received=received, title="Første")
        with CaptureQueriesContext(connection) as few:
            page = client.get("/admin/industry/feasibilityrequest/")
        html = page.content.decode()
        assert "Virkedager igjen" in html and "Virkedager brukt" in html
        # Wednesday after Easter: 2 working days taken (22, 23 April), 3 left (24, 25, 28).
        assert '<td class="field-days_left">3</td>' in html
        assert '<td class="field-days_taken">2</td>' in html
        assert '<td class="field-answers">0/2</td>' in html
        for i in range(5):
            _request(orgs=[hf("Bergen"), hf("Førde")], received=received, title=f"Flere {i}")
        with CaptureQueriesContext(connection) as many:
            client.get("/admin/industry/feasibilityrequest/")
        assert len(many) == len(few)
        with CaptureQueriesContext(connection) as tasks_few:
            client.get("/admin/industry/feasibilityresponse/")
        _request(orgs=[hf("Fonna")], received=received, title="Enda en")
        with CaptureQueriesContext(connection) as tasks_many:
            client.get("/admin/industry/feasibilityresponse/")
        assert len(tasks_many) == len(tasks_few)


@pytest.mark.django_db
def test_agreements_show_overdue_milestones_and_delivery_in_constant_queries(client, nortrials):
    client.force_login(nortrials)
    today = timezone.localdate()
    late = AgreementFactory()
    MilestoneFactory(agreement=late, planned_on=today - dt.timedelta(days=30))
    with CaptureQueriesContext(connection) as few:
        page = client.get("/admin/industry/agreement/")
    html = page.content.decode()
    assert '<strong style="color:#b00">1</strong>' in html  # one overdue milestone
    assert "ikke levert" in html
    assert 'id="delivery-by-region"' in html and "Helse Vest RHF" in html
    for _ in range(4):
        MilestoneFactory(agreement=AgreementFactory(organisation=hf("Nord-Norge")))
    with CaptureQueriesContext(connection) as many:
        client.get("/admin/industry/agreement/")
    assert len(many) == len(few)
    overdue_only = client.get("/admin/industry/milestone/?forfalt=yes").content.decode()
    assert overdue_only.count('class="field-kind"') == 5


@pytest.mark.django_db
def test_nortrials_registers_a_request_in_the_admin_and_it_is_routed(
    client, nortrials, smtp, eager_tasks, django_capture_on_commit_callbacks
):
    from .factories import interest_profile

    interest_profile(hf("Bergen"), codes=["02"], email="fou@bergen.example.no")
    client.force_login(nortrials)
    sponsor = IndustrySponsorFactory()
    with time_machine.travel(dt.datetime(2025, 12, 22, 9, tzinfo=OSLO), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            page = client.post(
                "/admin/industry/feasibilityrequest/add/",
                {
                    "sponsor": sponsor.pk,
                    "contact_name": "Eva",
                    "contact_email": "eva@pharma.example.com",
                    "title": "Per e-post",
                    "condition": "Lungekreft",
                    "hrcs_category": HealthCategory.objects.get(code="02").pk,
                    "phase": "2",
                    "study_category": "kbs",
                    "design_summary": "D",
                    "key_inclusion_criteria": "K",
                    "patients_wanted": "30",
                    "deadline": "",
                    "responses-TOTAL_FORMS": "0",
                    "responses-INITIAL_FORMS": "0",
                },
            )
        assert page.status_code == 302, page.content.decode()[:3000]
    request = FeasibilityRequest.objects.get(title="Per e-post")
    assert request.channel == FeasibilityRequest.Channel.ADMIN
    # Monday 22 December: 23, 24, (Christmas Day, Boxing Day, weekend) 29, 30, 31 December.
    assert request.deadline == dt.date(2025, 12, 31)
    assert request.status == FeasibilityRequest.Status.ROUTED
    assert smtp.to("fou@bergen.example.no") and smtp.to("eva@pharma.example.com")


@pytest.mark.django_db
def test_a_site_answering_sees_the_design_and_inclusion_criteria(client, coordinator_vest):
    """The answer page carries what the e-mail carried: a site needs the design and criteria."""
    _grant(coordinator_vest)
    request = _request(orgs=[hf("Bergen")], received=dt.datetime(2025, 4, 16, 10, tzinfo=OSLO))
    request.design_summary = "Randomisert, dobbeltblindet mot placebo i 52 uker."
    request.key_inclusion_criteria = "Voksne 18–75 år\nNyoppdaget ikke-småcellet lungekreft"
    request.save()
    response = request.responses.get()
    client.force_login(coordinator_vest)
    page = client.get(f"/admin/industry/feasibilityresponse/{response.pk}/change/").text
    assert "Randomisert, dobbeltblindet mot placebo i 52 uker." in page
    assert "Voksne 18–75 år<br>Nyoppdaget ikke-småcellet lungekreft" in page
    assert "28.04.2025" in page  # the deadline as Norwegians write it


@pytest.mark.django_db
def test_a_link_from_an_earlier_email_still_opens_the_answer_page(client, coordinator_vest):
    """E-mails sent before industry collaboration had admin pages of its own link to
    /admin/trials/…; the site still reaches the answer page from them."""
    _grant(coordinator_vest)
    request = _request(orgs=[hf("Bergen")], received=dt.datetime(2025, 4, 16, 10, tzinfo=OSLO))
    request.design_summary = "Randomisert, dobbeltblindet mot placebo i 52 uker."
    request.save()
    response = request.responses.get()
    client.force_login(coordinator_vest)
    old_link = f"/admin/trials/feasibilityresponse/{response.pk}/change/?oppgave=open"
    page = client.get(old_link, follow=True)
    assert page.redirect_chain == [
        (f"/admin/industry/feasibilityresponse/{response.pk}/change/?oppgave=open", 301)
    ]
    assert "Randomisert, dobbeltblindet mot placebo i 52 uker." in page.text
    # Studies stay where they were: only the moved models are sent on.
    assert client.get("/admin/trials/study/").status_code == 200
