"""Demo participation: synthetic test persons (Skatteetaten Tenor, month + 80) only.

Consent forms for a few open demo studies, consents through every channel, enrolments, one
withdrawal and one reservation; and random synthetic activity at every active study site for the
indicators (``demo_activity_participation_load``, run by the indicators' demo). Idempotent: running
it again adds nothing.
"""

import datetime as dt
import random
import secrets

from django.db import transaction
from django.utils import timezone

from sites.history import bulk_create_with_history
from sites.models import Municipality
from trials.models import Study, StudySite

from .models import ConsentForm, Enrolment, Participant
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


def demo_activity_participation_load(
    *, rng: random.Random, today: dt.date, max_per_site: int
) -> int:
    """Random synthetic participants (random pseudonyms, no national identity numbers) enrolled at
    every active study site, so the indicators have activity to count; only while there are no
    enrolments. Returns how many were enrolled."""
    if Enrolment.objects.exists():
        return 0
    municipalities = list(Municipality.objects.values_list("pk", flat=True))
    participants, plan = [], []
    sites = StudySite.objects.filter(activated_on__isnull=False, activated_on__lte=today)
    for site in sites.only("pk", "study_id", "activated_on", "closed_on"):
        end = min(site.closed_on or today, today)
        span = max((end - site.activated_on).days, 1)
        for _ in range(rng.randint(0, max_per_site)):
            participants.append(
                Participant(
                    pseudonym=secrets.token_hex(32),
                    birth_year=rng.randint(1930, 2020),
                    sex=rng.choice(["female", "male", "female", "male", "unknown"]),
                    home_municipality_id=rng.choice(municipalities) if municipalities else None,
                )
            )
            included = site.activated_on + dt.timedelta(days=rng.randint(0, span))
            ended = None
            if rng.random() < 0.3:
                ended = min(included + dt.timedelta(days=rng.randint(30, 400)), today)
            plan.append((site, included, ended))
    # With a "created" history row each, so a later correction shows old → new values.
    bulk_create_with_history(participants, user=None, reason="Demodata", batch_size=2000)
    bulk_create_with_history(
        [
            Enrolment(
                participant=p,
                study_id=site.study_id,
                site=site,
                included_on=included,
                ended_on=ended,
                status="completed" if ended else "included",
            )
            for p, (site, included, ended) in zip(participants, plan, strict=True)
        ],
        user=None,
        reason="Demodata",
        batch_size=2000,
    )
    return len(participants)
