"""Demo participation: synthetic test persons (Skatteetaten Tenor, month + 80) only.

Consent forms for a few open demo studies, consents through every channel, enrolments, one
withdrawal and one reservation. Idempotent: running it again adds nothing.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from trials.models import Study, StudySite

from .models import ConsentForm, Participant
from .selectors import consent_is_active
from .services import (
    consent_give,
    consent_withdraw,
    enrolment_create,
    participant_register,
    reservation_register,
)

# Synthetic test persons from Skatteetaten's published test data (never real people).
SYNTHETIC_PERSONS = [
    ("01914796756", 1947, "female"),
    ("02838897382", 1988, "female"),
    ("02898597531", 1985, "male"),
    ("03815499122", 1954, "male"),
    ("07915497378", 1954, "female"),
    ("11843647741", 1936, "male"),
    ("12824996154", 1949, "female"),
    ("13873249565", 1932, "male"),
    ("15827297337", 1972, "female"),
    ("16865199450", 1951, "male"),
    ("16879699952", 1996, "female"),
    ("18822847567", 1928, "male"),
]


@transaction.atomic
def demo_participation_load() -> dict[str, int]:
    today = timezone.localdate()
    sites = list(
        StudySite.objects.filter(
            status=StudySite.Status.OPEN,
            activated_on__lte=today - dt.timedelta(days=10),
            study__rek_approved_on__lte=today - dt.timedelta(days=10),
            study__status=Study.Status.OPEN,
        )
        .select_related("study")
        .order_by("study__public_id", "id")[:6]
    )
    created = {"enrolments": 0}
    for index, site in enumerate(sites):
        study = site.study
        approved = study.rek_approved_on
        form, _new = ConsentForm.objects.get_or_create(
            study=study,
            version_label="1.0",
            language="nb",
            defaults={
                "approved_on": approved,
                "effective_from": approved,
                "text": "Jeg har lest informasjonen og samtykker til å delta i studien.",
            },
        )
        people = SYNTHETIC_PERSONS[index * 2 : index * 2 + 2]
        for number, birth_year, sex in people:
            participant = participant_register(national_id=number, birth_year=birth_year, sex=sex)
            if participant.erasure_due_on or participant.enrolments.filter(study=study).exists():
                continue
            if study.category != Study.Category.REGISTRY and not consent_is_active(
                participant=participant, study=study
            ):
                channel = ["digital", "paper", "other"][index % 3]
                consent_give(
                    participant=participant,
                    form=form,
                    channel=channel,
                    occurred_at=timezone.now() - dt.timedelta(days=5),
                )
            enrolment_create(
                participant=participant,
                site=site,
                included_on=max(today - dt.timedelta(days=3), site.activated_on, approved),
            )
            created["enrolments"] += 1
    if sites and created["enrolments"]:
        first = Participant.objects.filter(enrolments__study=sites[0].study).order_by("pk").first()
        if first and consent_is_active(participant=first, study=sites[0].study):
            consent_withdraw(
                participant=first,
                study=sites[0].study,
                scope="stop_data_collection",
                reason="burden",
                occurred_at=timezone.now(),
            )
    reserved = participant_register(national_id="24836395774", birth_year=1963, sex="female")
    reservation_register(participant=reserved, scope="all", registered_at=timezone.now())
    return created
