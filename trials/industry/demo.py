"""Demo data for industry collaboration: interest profiles, capacity figures, feasibility requests
in every stage, agreements with milestones, and a NorTrials account. Synthetic and idempotent."""

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from sites.models import Organisation, OrganisationCapacity, UserScope
from sites.roles import user_scope_assign
from sites.services import DEMO_PASSWORD
from trials.models import HealthCategory, Sponsor, Study

from .models import (
    Agreement,
    FeasibilityInterestProfile,
    FeasibilityRequest,
    FeasibilityResponse,
    Milestone,
)
from .workdays import add_working_days


@transaction.atomic
def industry_demo_load(*, seed: int = 2025) -> dict[str, int]:
    rng = random.Random(seed)
    today = timezone.localdate()
    user, _ = get_user_model().objects.get_or_create(username="nortrials")
    user.is_staff = True
    user.email = "nortrials@example.no"
    user.set_password(DEMO_PASSWORD)
    user.save()
    user_scope_assign(user=user, role=UserScope.Role.NORTRIALS)  # its group has the rights

    categories = list(HealthCategory.objects.order_by("code"))
    hfs = list(Organisation.objects.filter(kind=Organisation.Kind.HF).order_by("orgnr"))
    profiles, capacity = _demo_profiles_and_capacity(
        rng=rng, today=today, categories=categories, hfs=hfs
    )
    return {
        "profiles": profiles,
        "capacity": capacity,
        "requests": _demo_requests(rng=rng, categories=categories, hfs=hfs),
        "agreements": _demo_agreements(rng=rng, today=today),
    }


def _demo_profiles_and_capacity(
    *, rng: random.Random, today: dt.date, categories: list, hfs: list
) -> tuple[int, int]:
    counts = {"profiles": 0, "capacity": 0}
    for org in hfs:
        profile, created = FeasibilityInterestProfile.objects.get_or_create(
            organisation=org,
            defaults={"contact_email": f"forskningsstotte.{org.orgnr}@example.no"},
        )
        if created:
            profile.hrcs_categories.set(
                [c for c in categories if c.code in ("02", "03")] + rng.sample(categories, 3)
            )
            counts["profiles"] += 1
        for year in (today.year - 2, today.year - 1):
            size = rng.randint(40, 400) * 1000
            _, created = OrganisationCapacity.objects.get_or_create(
                organisation=org,
                year=year,
                defaults={
                    "has_research_support_unit": True,
                    "gcp_trained_staff": rng.randint(20, 400),
                    "study_nurses": rng.randint(3, 60),
                    "research_person_years": rng.randint(20, 900),
                    "phd_by_profession": {
                        "lege": rng.randint(10, 400),
                        "sykepleier": rng.randint(2, 60),
                        "psykolog": rng.randint(1, 30),
                    },
                    "shared_research_clinic_positions": rng.randint(2, 80),
                    "shared_university_positions": rng.randint(2, 120),
                    "patients_treated": size,
                    "patients_by_hrcs": {
                        c.code: size // rng.randint(8, 40) for c in categories[:18]
                    },
                    "specialties": "Onkologi\nKardiologi\nNevrologi",
                },
            )
            counts["capacity"] += created

    return counts["profiles"], counts["capacity"]


def _demo_requests(*, rng: random.Random, categories: list, hfs: list) -> int:
    counts = {"requests": 0}
    if not FeasibilityRequest.objects.filter(title__startswith="[Demo]").exists():
        sponsor, _ = Sponsor.objects.get_or_create(
            name="Nordic Oncology AB", defaults={"kind": Sponsor.Kind.INDUSTRY, "country": "SE"}
        )
        stages = [
            ("[Demo] Immunterapi ved lungekreft, fase 2", 2, FeasibilityRequest.Status.ROUTED),
            ("[Demo] Nytt blodfortynnende ved atrieflimmer", 9, FeasibilityRequest.Status.COMPILED),
            ("[Demo] Digital oppfølging ved hjertesvikt", 40, FeasibilityRequest.Status.CLOSED),
        ]
        for title, days_ago, status in stages:
            received = timezone.now() - dt.timedelta(days=days_ago)
            request = FeasibilityRequest.objects.create(
                sponsor=sponsor,
                contact_name="Anna Lind",
                contact_email="anna.lind@nordiconc.example.com",
                title=title,
                condition=title.split(" ved ")[-1].split(",")[0],
                hrcs_category=categories[1] if "kreft" in title else categories[2],
                phase=Study.Phase.PHASE_2,
                design_summary="Randomisert, dobbeltblindet, placebokontrollert.",
                key_inclusion_criteria="Voksne 18 år og eldre.",
                patients_wanted=rng.randint(30, 120),
                received_at=received,
                routed_at=received,
                deadline=add_working_days(timezone.localdate(received), 5),
                status=status,
                compiled_sent_at=None
                if status == FeasibilityRequest.Status.ROUTED
                else received + dt.timedelta(days=6),
            )
            for org in rng.sample(hfs, 6):
                answered = status != FeasibilityRequest.Status.ROUTED or rng.random() < 0.4
                answer = rng.choice(["yes", "yes", "maybe", "no"]) if answered else "pending"
                FeasibilityResponse.objects.create(
                    request=request,
                    organisation=org,
                    routed_at=received,
                    answer=answer,
                    reason_no="Konkurrerende studie" if answer == "no" else "",
                    eligible_patients_per_year=rng.randint(5, 40)
                    if answer in ("yes", "maybe")
                    else None,
                    answered_at=received + dt.timedelta(days=3) if answered else None,
                )
            if status == FeasibilityRequest.Status.CLOSED:
                request.responses.filter(answer="yes").update(selected=True)
                request.responses.exclude(answer="yes").update(
                    selected=False, released_at=received + dt.timedelta(days=20)
                )
                FeasibilityRequest.objects.filter(pk=request.pk).update(
                    outcome=FeasibilityRequest.Outcome.SELECTED,
                    outcome_reported_at=received + dt.timedelta(days=20),
                    satisfaction=4,
                )
            counts["requests"] += 1

    return counts["requests"]


def _demo_agreements(*, rng: random.Random, today: dt.date) -> int:
    counts = {"agreements": 0}
    if not Agreement.objects.exists():
        studies = Study.objects.filter(sponsor_type=Study.SponsorType.INDUSTRY).select_related(
            "responsible_organisation"
        )[:12]
        for i, study in enumerate(studies):
            sponsor = study.sponsor or Sponsor.objects.filter(kind=Sponsor.Kind.INDUSTRY).first()
            if sponsor is None:
                continue
            cancelled = i % 6 == 5
            agreement = Agreement.objects.create(
                study=study,
                sponsor=sponsor,
                organisation=study.responsible_organisation,
                kind=Agreement.Kind.CTA,
                status=Agreement.Status.CANCELLED if cancelled else Agreement.Status.SIGNED,
                received_on=today - dt.timedelta(days=400),
                signed_on=None if cancelled else today - dt.timedelta(days=340),
                cancelled_on=today - dt.timedelta(days=300) if cancelled else None,
                cancellation_reason=Agreement.CancellationReason.BUDGET if cancelled else "",
                recruitment_commitment=rng.randint(5, 30),
                contact_email="kontrakter@example.no",
            )
            for j, kind in enumerate(
                [Milestone.Kind.SITE_ACTIVATION, Milestone.Kind.FIRST_PATIENT_IN]
            ):
                planned = today - dt.timedelta(days=300 - 60 * j - 25 * (i % 3))
                met = (i + j) % 4 != 3
                Milestone.objects.create(
                    agreement=agreement,
                    kind=kind,
                    planned_on=planned,
                    actual_on=planned + dt.timedelta(days=rng.randint(-5, 30)) if met else None,
                    status=Milestone.Status.MET if met else Milestone.Status.PLANNED,
                )
            counts["agreements"] += 1
    return counts["agreements"]
