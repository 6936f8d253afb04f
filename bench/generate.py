"""Generate a realistic, skewed portfolio on PostgreSQL for the public-API benchmarks.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_i4 DJANGO_DEBUG=1 \
        .venv/bin/python bench/generate.py --studies 5000          # national scale
    ... --studies 550000 --extra-organisations 6000                 # ClinicalTrials.gov scale

Creates the database tables (migrate) and reference data, then bulk-loads studies, study sites
and HRCS links with COPY. Skew: a few big university hospitals carry most sites (Zipf), site
counts per study are long-tailed (mean ~5.5, as on ClinicalTrials.gov), about a fifth of studies
are open for inclusion, change dates spread over ten years. Replaces earlier generated rows.
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
from django.db import connection  # noqa: E402

from sites.models import Municipality, Organisation  # noqa: E402
from trials.models import HealthCategory, Study  # noqa: E402
from trials.models.studies import generate_public_id  # noqa: E402

CONDITIONS = [
    ("Hjertesvikt", "03"), ("Hjerteinfarkt", "03"), ("Atrieflimmer", "03"), ("Hjerneslag", "18"),
    ("Brystkreft", "06"), ("Lungekreft", "06"), ("Prostatakreft", "06"), ("Tykktarmskreft", "06"),
    ("Leukemi", "06"), ("Diabetes type 2", "13"), ("Diabetes type 1", "13"), ("Astma", "15"),
    ("KOLS", "15"), ("Depresjon", "12"), ("Schizofreni", "12"), ("Demens", "18"),
    ("Multippel sklerose", "18"), ("Revmatoid artritt", "10"), ("Psoriasis", "19"),
    ("Hoftebrudd", "10"), ("Sepsis", "09"), ("Covid-19", "09"), ("Nyresvikt", "16"),
    ("Crohns sykdom", "14"), ("Fedme", "13"), ("Svangerskapsforgiftning", "17"),
    ("Epilepsi", "18"), ("Kronisk smerte", "20"), ("Tannråte", "14"), ("Grå stær", "08"),
]  # fmt: skip
INTERVENTIONS = ["ny medisin", "trening", "digital oppfølging", "kirurgi", "kosthold", "vaksine"]


def zipf_weights(n: int, s: float = 1.1) -> list[float]:
    return [1 / (rank**s) for rank in range(1, n + 1)]


def site_count(rng: random.Random) -> int:
    # Long tail: most studies have 1–3 sites, some have dozens (multinational industry trials).
    r = rng.random()
    if r < 0.45:
        return 1
    if r < 0.70:
        return rng.randint(2, 4)
    if r < 0.92:
        return rng.randint(5, 12)
    return rng.randint(13, 60)


def add_organisations(count: int, rng: random.Random) -> None:
    """Synthetic clinics spread over the municipalities (CT.gov has ~400 000 facilities)."""
    existing = Organisation.objects.filter(name__startswith="Benk-klinikk").count()
    municipalities = list(Municipality.objects.filter(latitude__isnull=False))
    rows = []
    for i in range(existing, count):
        m = rng.choice(municipalities)
        rows.append(
            Organisation(
                name=f"Benk-klinikk {i:05d} {m.name}",
                kind=rng.choice(
                    [Organisation.Kind.PRIVATE_PARTNER, Organisation.Kind.MUNICIPAL_SERVICE]
                ),
                region_id=m.region_id,
                municipality=m,
                latitude=float(m.latitude) + rng.uniform(-0.05, 0.05),
                longitude=float(m.longitude) + rng.uniform(-0.05, 0.05),
            )
        )
    Organisation.objects.bulk_create(rows, batch_size=2000)


def copy_rows(table: str, columns: list[str], rows) -> int:
    n = 0
    with connection.cursor() as cursor:
        pg = cursor.cursor
        with pg.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                n += 1
    return n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--studies", type=int, default=5000)
    parser.add_argument("--extra-organisations", type=int, default=0)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "The benchmarks run on PostgreSQL (set DATABASE_URL)."
    rng = random.Random(args.seed)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    add_organisations(args.extra_organisations, rng)

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE trials_studysite, trials_study_hrcs_categories, trials_study, "
            "trials_historicalstudy, trials_historicalstudysite CASCADE"
        )
    orgs = list(
        Organisation.objects.exclude(kind__in=["rhf", "support"])
        .filter(latitude__isnull=False)
        .order_by("-nortrials_centre", "kind", "id")
        .values_list("id", flat=True)
    )
    # Hospitals (first in the list) carry most studies; clinics share the long tail.
    weights = zipf_weights(len(orgs))
    categories = dict(HealthCategory.objects.values_list("code", "id"))
    responsible = orgs[:40]
    now = dt.datetime.now(dt.UTC)
    statuses = [
        (Study.Status.OPEN, 20), (Study.Status.CLOSED, 15), (Study.Status.COMPLETED, 50),
        (Study.Status.APPROVED, 5), (Study.Status.TERMINATED, 5), (Study.Status.SUSPENDED, 1),
        (Study.Status.DRAFT, 3), (Study.Status.WITHDRAWN, 1),
    ]  # fmt: skip
    status_values, status_weights = zip(*statuses, strict=True)
    ids = set()
    study_rows, site_rows, hrcs_rows = [], [], []
    study_cols = [
        "id", "public_id", "rek_number", "eu_ct_number", "eudract_number", "nct_id", "isrctn",
        "sponsor_protocol_code", "scientific_title", "lay_title_nb", "lay_title_nn",
        "lay_title_en", "lay_summary_nb", "lay_summary_nn", "lay_summary_en", "category",
        "phase", "intervention_types", "conditions", "min_age", "max_age", "sex",
        "healthy_volunteers", "eligibility_criteria", "sponsor_type", "funding_sources",
        "decentralised", "decentralised_elements", "responsible_organisation_id", "opened_on",
        "planned_recruitment_end_on", "target_enrolment", "status", "is_published",
        "published_at", "created_at", "updated_at", "version",
    ]  # fmt: skip
    site_cols = [
        "study_id", "organisation_id", "status", "local_investigator", "contact_name",
        "contact_email", "contact_phone", "target_enrolment", "is_satellite",
        "is_decentralised", "created_at", "updated_at",
    ]  # fmt: skip
    for pk in range(1, args.studies + 1):
        public_id = generate_public_id()
        while public_id in ids:
            public_id = generate_public_id()
        ids.add(public_id)
        n_cond = 1 if rng.random() < 0.8 else 2
        conds = rng.sample(CONDITIONS, n_cond)
        intervention = rng.choice(INTERVENTIONS)
        status = rng.choices(status_values, status_weights)[0]
        updated = now - dt.timedelta(seconds=rng.randint(0, 10 * 365 * 86400))
        opened = (updated - dt.timedelta(days=rng.randint(0, 900))).date()
        child = rng.random() < 0.1
        min_age, max_age = (
            (rng.choice([0, 2, 6]), rng.choice([12, 17]))
            if child
            else (18, rng.choice([None, 65, 75, 80, 99]))
        )
        study_rows.append((
            pk, public_id, "", "", "", "", "", f"BENK-{pk}",
            f"A randomised trial of {intervention} in {conds[0][0]} ({pk})",
            f"{intervention.capitalize()} ved {conds[0][0].lower()}",
            "", "",
            f"Vi undersøker om {intervention} hjelper pasienter med {conds[0][0].lower()}. "
            "Deltakerne følges opp på sykehuset eller hjemme.",
            "", "",
            rng.choices(["kbs", "other_interventional", "observational", "registry"], [55, 15, 20, 10])[0],
            rng.choice(["na", "1", "2", "3", "4"]), "[]", "\n".join(c[0] for c in conds),
            min_age, max_age, rng.choices(["all", "female", "male"], [90, 7, 3])[0],
            rng.random() < 0.05, "", rng.choices(["public", "industry"], [70, 30])[0], "",
            rng.random() < 0.1, "", rng.choice(responsible), opened,
            opened + dt.timedelta(days=rng.randint(180, 1500)), rng.randint(10, 2000), status,
            status not in ("draft", "withdrawn") and rng.random() < 0.97, updated, updated,
            updated, 1,
        ))  # fmt: skip
        for code in {c[1] for c in conds}:
            hrcs_rows.append((pk, categories[code]))
        for org in set(rng.choices(orgs, weights, k=site_count(rng))):
            site_status = (
                ("open" if rng.random() < 0.8 else "planned") if status == "open" else "closed"
            )
            site_rows.append((
                pk, org, site_status, "", "Studiekoordinator", "studie@example.org",
                "", None, False, False, updated, updated,
            ))  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE trials_study ALTER COLUMN id RESTART WITH 1")
    print(f"generated rows in {time.perf_counter() - started:.0f}s", flush=True)
    copy_rows("trials_study", study_cols, study_rows)
    print(f"studies copied {time.perf_counter() - started:.0f}s", flush=True)
    copy_rows("trials_study_hrcs_categories", ["study_id", "healthcategory_id"], hrcs_rows)
    copy_rows("trials_studysite", site_cols, site_rows)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('trials_study', 'id'), max(id)) FROM trials_study"
        )
        # Steady state, as autovacuum leaves it: visibility map set (index-only scans), statistics.
        cursor.execute("VACUUM ANALYZE")
    print(
        f"{len(study_rows)} studies, {len(site_rows)} study sites, {len(hrcs_rows)} HRCS links, "
        f"{len(orgs)} organisations in {time.perf_counter() - started:.0f}s"
    )


if __name__ == "__main__":
    main()
