"""Benchmark: site suggestions and the capability profile at national scale.

Builds, in a throw-away SQLite database (or DATABASE_URL), N studies in one HRCS category spread
over the health trusts with 3 sites each and ~10 enrolments per site, then times the ranking.

    DJANGO_DEBUG=1 VAR_DIR=/tmp/bench-i6 .venv/bin/python bench/feasibility_suggestions.py --studies 2000
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--studies", type=int, default=2000)
    args = parser.parse_args()
    Path(os.environ.get("VAR_DIR", "var")).mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)

    from consents.models import Enrolment, Participant
    from sites.models import Organisation, OrganisationCapacity
    from trials.industry.models import FeasibilityRequest
    from trials.industry.selectors.capability import organisation_capability_profile
    from trials.industry.selectors.suggestions import feasibility_site_suggestions
    from trials.models import HealthCategory, Sponsor, Study, StudySite

    rng = random.Random(1)
    cat = HealthCategory.objects.get(code="02")
    hfs = list(Organisation.objects.filter(kind=Organisation.Kind.HF))
    if not Study.objects.filter(sponsor_protocol_code__startswith="BENCH-").exists():
        start = time.perf_counter()
        for org in hfs:
            OrganisationCapacity.objects.get_or_create(
                organisation=org,
                year=2024,
                defaults={"patients_by_hrcs": {"02": rng.randint(1, 9) * 1000}},
            )
        studies = Study.objects.bulk_create(
            Study(
                scientific_title=f"Bench {i}",
                category=Study.Category.KBS,
                responsible_organisation=hfs[i % len(hfs)],
                rek_approved_on=dt.date(2022, 1, 1) + dt.timedelta(days=i % 700),
                sponsor_protocol_code=f"BENCH-{i}",
                public_id=f"KSB{i:07d}",
            )
            for i in range(args.studies)
        )
        Study.hrcs_categories.through.objects.bulk_create(
            Study.hrcs_categories.through(study_id=s.pk, healthcategory_id=cat.pk) for s in studies
        )
        sites = StudySite.objects.bulk_create(
            StudySite(
                study=s,
                organisation=org,
                status=rng.choice(["open", "closed"]),
                target_enrolment=rng.randint(5, 30),
            )
            for s in studies
            for org in rng.sample(hfs, 3)
        )
        participants = Participant.objects.bulk_create(
            Participant(pseudonym=f"bench-{i}") for i in range(len(sites) * 10)
        )
        Enrolment.objects.bulk_create(
            (
                Enrolment(
                    participant=participants[i * 10 + j],
                    study_id=site.study_id,
                    site=site,
                    included_on=dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(0, 600)),
                )
                for i, site in enumerate(sites)
                for j in range(10)
            ),
            batch_size=5000,
        )
        print(
            f"built {args.studies} studies, {len(sites)} sites, {len(participants)} enrolments "
            f"in {time.perf_counter() - start:.1f} s"
        )
    request = FeasibilityRequest.objects.create(
        sponsor=Sponsor.objects.get_or_create(name="Bench Pharma")[0],
        contact_name="B", contact_email="b@example.com", title="Bench", condition="C",
        hrcs_category=cat, phase="3", design_summary="D", key_inclusion_criteria="K",
        patients_wanted=10, received_at=timezone.now(), deadline=timezone.localdate(),
    )  # fmt: skip
    for label, fn in [
        ("feasibility_site_suggestions", lambda: feasibility_site_suggestions(request=request)),
        (
            "organisation_capability_profile",
            lambda: organisation_capability_profile(organisation=hfs[0], year=2024),
        ),
    ]:
        fn()  # warm
        runs = []
        for _ in range(5):
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                t = time.perf_counter()
                fn()
                runs.append(time.perf_counter() - t)
        print(
            f"{label}: median {sorted(runs)[2] * 1000:.0f} ms over 5 runs, {len(queries)} queries"
        )


if __name__ == "__main__":
    main()
