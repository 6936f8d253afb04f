"""The whole feasibility flow under frozen time: request in over the public API, routed, answered,
reminded, compiled and sent, outcome and rating from the sponsor's link. E-mails go over SMTP to a
local server. Easter 2025 sits in the middle: Maundy Thursday 17 April, Good Friday 18 April and
Easter Monday 21 April are public holidays."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from tests.factories import hf
from trials.industry import tasks
from trials.industry.models import FeasibilityRequest, FeasibilityResponse
from trials.industry.services import feasibility as services

from .factories import interest_profile

OSLO = ZoneInfo("Europe/Oslo")
URL = "/api/v1/feasibility-requests/"


def oslo(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=OSLO)


def payload(**overrides) -> dict:
    data = {
        "sponsor_name": "Nordic Oncology AB",
        "sponsor_country": "SE",
        "contact_name": "Anna Lind",
        "contact_email": "anna.lind@nordiconc.example.com",
        "title": "Adjuvant XY-101 in HER2-low early breast cancer",
        "condition": "Brystkreft",
        "hrcs_category": "02",
        "phase": "3",
        "study_category": "kbs",
        "design_summary": "Randomised, double-blind, placebo-controlled.",
        "key_inclusion_criteria": "Women 18+, HER2-low, after surgery.",
        "patients_wanted": 60,
    }
    data.update(overrides)
    return data


@pytest.fixture
def profiles(reference_data):
    """Bergen and Stavanger want cancer studies in any phase, UNN too; Førde only phase 1;
    OUS only cardiovascular."""
    return {
        "bergen": interest_profile(hf("Bergen"), codes=["02"], email="fou@bergen.example.no"),
        "stavanger": interest_profile(hf("Stavanger"), codes=["02"], email="fou@sus.example.no"),
        "unn": interest_profile(hf("Nord-Norge"), codes=["02", "03"], email="fou@unn.example.no"),
        "forde": interest_profile(
            hf("Førde"), codes=["02"], phases=["1"], email="f@forde.example.no"
        ),
        "ous": interest_profile(hf("Oslo univ"), codes=["03"], email="fou@ous.example.no"),
    }


@pytest.fixture
def api():
    return APIClient()


@pytest.mark.django_db
def test_the_whole_flow_across_easter(
    api, profiles, smtp, eager_tasks, django_capture_on_commit_callbacks
):
    with time_machine.travel(oslo(2025, 4, 16, 10, 0), tick=False) as clock:
        # 1. Request in (Wednesday before Easter).
        with django_capture_on_commit_callbacks(execute=True):
            response = api.post(URL, payload(), format="json")
        assert response.status_code == 201, response.json()
        body = response.json()
        # Five working days, skipping Maundy Thursday, Good Friday and Easter Monday.
        assert body["deadline"] == "2025-04-28"
        assert body["sites_asked"] == 3
        request = FeasibilityRequest.objects.get(public_id=body["reference"])
        assert request.status == FeasibilityRequest.Status.ROUTED
        assert request.channel == FeasibilityRequest.Channel.PORTAL
        assert request.sponsor.contacts.get().email == "anna.lind@nordiconc.example.com"

        # 2. Routed: confirmation to the sponsor, one e-mail per matching organisation.
        confirmation = smtp.to("anna.lind@nordiconc.example.com")
        assert len(confirmation) == 1 and request.public_id in confirmation[0]["Subject"]
        assert "28 April 2025" in confirmation[0].get_content()
        assert "nortrials@example.no" in confirmation[0]["Cc"]
        for address in ["fou@bergen.example.no", "fou@sus.example.no", "fou@unn.example.no"]:
            [routed] = smtp.to(address)
            assert "svar innen 28.04.2025" in routed["Subject"]
            assert "Randomised, double-blind" in routed.get_content()
        assert smtp.to("f@forde.example.no") == [] and smtp.to("fou@ous.example.no") == []
        smtp.clear()

        bergen, stavanger, unn = (
            request.responses.get(organisation=p.organisation)
            for p in (profiles["bergen"], profiles["stavanger"], profiles["unn"])
        )

        # 3. Answers: Bergen yes (Tuesday after Easter), Stavanger maybe; UNN stays silent.
        clock.move_to(oslo(2025, 4, 22, 9, 0))
        with django_capture_on_commit_callbacks(execute=True):
            services.feasibility_response_answer(
                response=bergen,
                answer="yes",
                eligible_patients_per_year=40,
                proposed_investigator="Dr. Kari Nordmann",
                earliest_start=dt.date(2025, 9, 1),
            )
            services.feasibility_response_answer(
                response=stavanger, answer="maybe", eligible_patients_per_year=15
            )
        assert smtp.messages == []  # not everyone has answered: nothing compiled yet

        # 4. Reminders: Wednesday 23 April the deadline is three working days away – no reminder.
        clock.move_to(oslo(2025, 4, 23, 8, 0))
        assert tasks.feasibility_send_reminders.delay().get() == 0
        # Thursday 24 April it is two working days away: UNN is reminded, once.
        clock.move_to(oslo(2025, 4, 24, 8, 0))
        assert tasks.feasibility_send_reminders.delay().get() == 1
        assert tasks.feasibility_send_reminders.delay().get() == 0
        [reminder] = smtp.messages
        assert reminder["X-Envelope-To"] == "fou@unn.example.no"
        assert "om 2 virkedager" in reminder["Subject"]
        smtp.clear()

        # 5. Friday 25 April: not due. Monday 28 April 16:00: the deadline has come.
        clock.move_to(oslo(2025, 4, 25, 16, 0))
        assert tasks.feasibility_compile_due.delay().get() == 0
        clock.move_to(oslo(2025, 4, 28, 16, 0))
        assert tasks.feasibility_compile_due.delay().get() == 1
        assert tasks.feasibility_compile_due.delay().get() == 0  # sent once
        request.refresh_from_db()
        assert request.status == FeasibilityRequest.Status.COMPILED
        assert request.compiled_sent_at == oslo(2025, 4, 28, 16, 0)
        assert services.feasibility_clock(request=request, today=dt.date(2025, 4, 30)) == {
            "days_left": None,
            "days_taken": 5,
        }
        [compiled] = smtp.messages
        assert compiled["To"] == "anna.lind@nordiconc.example.com"
        text = compiled.get_body(("plain",)).get_content()
        assert "compiled after 5 working days" in text
        assert "Yes: 1   Maybe: 1   No: 0   No answer: 1" in text
        assert "Eligible patients per year at sites answering yes or maybe: 55" in text
        link = reverse("feasibility-outcome", args=[request.outcome_token])
        assert link in text
        [attachment] = list(compiled.iter_attachments())
        assert attachment.get_filename() == f"feasibility-{request.public_id}.xlsx"
        sheet = load_workbook(io.BytesIO(attachment.get_content())).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:4] == ("Organisation", "Region", "Answer", "Eligible patients per year")
        assert [(r[0], r[2], r[3]) for r in rows[1:]] == [
            ("Helse Bergen HF", "Yes", 40),
            ("Helse Stavanger HF", "Maybe", 15),
            ("Universitetssykehuset Nord-Norge HF", "No answer", None),
        ]
        smtp.clear()

        # A late answer is refused.
        with pytest.raises(Exception, match="allerede sendt"):
            services.feasibility_response_answer(
                response=unn, answer="no", reason_no="For få pasienter"
            )

        # 6. Outcome through the tokenised link (no login): Bergen selected, rating 4.
        clock.move_to(oslo(2025, 5, 20, 11, 0))
        page = api.get(link)
        assert page.status_code == 200
        assert "Helse Bergen HF" in page.content.decode()
        assert "Universitetssykehuset Nord-Norge" not in page.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            page = api.post(
                link,
                {
                    "selected": [str(bergen.organisation_id)],
                    "satisfaction": "4",
                    "comment": "Fast!",
                },
            )
        assert page.status_code == 200
        assert "Your outcome was recorded" in page.content.decode()
        request.refresh_from_db()
        assert request.outcome == FeasibilityRequest.Outcome.SELECTED
        assert request.satisfaction == 4 and request.satisfaction_comment == "Fast!"
        assert request.outcome_reported_at == oslo(2025, 5, 20, 11, 0)
        assert request.status == FeasibilityRequest.Status.CLOSED
        stavanger.refresh_from_db()
        bergen.refresh_from_db()
        assert bergen.selected is True and bergen.released_at is None
        assert stavanger.selected is False and stavanger.released_at == oslo(2025, 5, 20, 11, 0)
        assert "valgt som studiested" in smtp.to("fou@bergen.example.no")[0]["Subject"]
        assert "frigitt" in smtp.to("fou@sus.example.no")[0]["Subject"]
        assert smtp.to("fou@unn.example.no") == []

        # The link cannot be used twice.
        again = api.post(link, {"selected": [], "satisfaction": "1"})
        assert again.status_code == 200
        request.refresh_from_db()
        assert request.satisfaction == 4


@pytest.mark.django_db
def test_the_answer_is_compiled_as_soon_as_everyone_has_answered(
    api, profiles, smtp, eager_tasks, django_capture_on_commit_callbacks
):
    with time_machine.travel(oslo(2025, 5, 16, 14, 0), tick=False) as clock:
        # Friday 16 May; Saturday 17 May and Ascension Day 29 May are holidays.
        with django_capture_on_commit_callbacks(execute=True):
            created = api.post(URL, payload(regions=["helse-vest"]), format="json")
        assert created.json()["deadline"] == "2025-05-23"
        assert created.json()["sites_asked"] == 2  # Bergen and Stavanger; UNN is in Helse Nord
        request = FeasibilityRequest.objects.get(public_id=created.json()["reference"])
        clock.move_to(oslo(2025, 5, 19, 9, 0))
        smtp.clear()
        with django_capture_on_commit_callbacks(execute=True):
            for r in request.responses.all():
                services.feasibility_response_answer(
                    response=r, answer="no", reason_no="Konkurrerende studie"
                )
        request.refresh_from_db()
        assert request.status == FeasibilityRequest.Status.COMPILED
        assert request.compiled_sent_at == oslo(2025, 5, 19, 9, 0)
        assert [m["To"] for m in smtp.messages] == [request.contact_email]
        # Not selected anywhere: nobody answered yes or maybe, so the sponsor only rates.
        link = reverse("feasibility-outcome", args=[request.outcome_token])
        with django_capture_on_commit_callbacks(execute=True):
            api.post(link, {"satisfaction": "5"})
        request.refresh_from_db()
        assert request.outcome == FeasibilityRequest.Outcome.NOT_SELECTED
        assert request.satisfaction == 5


@pytest.mark.django_db
def test_it_rejects_bad_requests_with_field_errors_in_norwegian(api, profiles, smtp):
    with time_machine.travel(oslo(2025, 4, 16, 10, 0), tick=False):
        response = api.post(
            URL,
            payload(
                contact_email="not-an-address",
                hrcs_category="99",
                phase="7",
                patients_wanted=0,
                sponsor_country="sweden",
                regions=["helse-atlantis"],
                title="",
            ),
            format="json",
        )
        assert response.status_code == 400
        errors = response.json()
        assert errors["contact_email"] == ["Oppgi en gyldig e-postadresse."]
        assert errors["hrcs_category"] == ["Ukjent HRCS-kategori «99». Bruk koden 01–21."]
        assert errors["phase"] == ["Ukjent fase «7»."]
        assert errors["patients_wanted"] == ["Antall pasienter må være minst 1."]
        assert "to store bokstaver" in errors["sponsor_country"][0]
        assert errors["regions"] == ["Ukjent region «helse-atlantis»."]
        assert errors["title"] == ["Tittel må fylles ut."]
        # A deadline on Good Friday is not a working day.
        response = api.post(URL, payload(deadline="2025-04-18"), format="json")
        assert response.status_code == 400
        assert response.json() == {
            "deadline": ["Svarfristen må være en virkedag etter mottaksdatoen."]
        }
    assert FeasibilityRequest.objects.count() == 0
    assert smtp.messages == []


@pytest.mark.django_db
def test_the_intake_is_throttled(api, profiles, smtp, settings, eager_tasks):
    settings.FEASIBILITY_INTAKE_RATE = "2/hour"
    assert api.post(URL, payload(), format="json").status_code == 201
    assert api.post(URL, payload(), format="json").status_code == 201
    assert api.post(URL, payload(), format="json").status_code == 429
    assert FeasibilityRequest.objects.count() == 2


@pytest.mark.django_db
def test_an_answer_of_no_needs_a_reason_and_yes_needs_patient_numbers(profiles, smtp, eager_tasks):
    request = services.feasibility_request_create(
        sponsor_name="X",
        sponsor_country="DE",
        contact_name="Y",
        contact_email="y@example.com",
        title="T",
        condition="C",
        hrcs_category=profiles["bergen"].hrcs_categories.get(),
        phase="3",
        study_category="kbs",
        design_summary="D",
        key_inclusion_criteria="K",
        patients_wanted=10,
        channel=FeasibilityRequest.Channel.ADMIN,
    )
    response = request.responses.first()
    with pytest.raises(Exception) as no_reason:
        services.feasibility_response_answer(response=response, answer="no")
    assert no_reason.value.message_dict == {
        "reason_no": ["Oppgi en begrunnelse når svaret er nei."]
    }
    with pytest.raises(Exception) as no_number:
        services.feasibility_response_answer(response=response, answer="yes")
    assert "eligible_patients_per_year" in no_number.value.message_dict
    response.refresh_from_db()
    assert response.answer == FeasibilityResponse.Answer.PENDING
