"""Benchmark: the NPR participation export over N enrolments (default 1 million) on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_i5 DJANGO_SECRET_KEY=bench \
    PSEUDONYM_KEY=bench-pseudonym-key-0123456789abcdef0123 \
    EXPORT_PSEUDONYM_KEY=bench-export-key-0123456789abcdef0123 \
    .venv/bin/python bench/export_participation.py --n 1000000

Creates the schema and reference data if needed, fills participants and enrolments with
generate_series (synthetic pseudonyms, no personal data), then times two export runs of the same
month and reports wall time, peak memory (Python heap via tracemalloc in a separate run, and the
process's peak RSS) and whether both runs gave the same checksums.
"""

import argparse
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from consents.models import Enrolment  # noqa: E402
from consents.services.export import participation_export  # noqa: E402
from sites.models import Organisation, Region  # noqa: E402
from sites.services import reference_data_load_sites  # noqa: E402
from trials.models import Study, StudySite  # noqa: E402
from trials.services import hrcs_load  # noqa: E402


def populate(n: int) -> None:
    if Enrolment.objects.count() >= n:
        return
    if not Region.objects.exists():
        hrcs_load(result=reference_data_load_sites())
    orgs = list(Organisation.objects.filter(kind=Organisation.Kind.HF).order_by("pk")[:20])
    studies = []
    for i in range(200):
        study = Study.objects.create(
            scientific_title=f"Benchmark study {i}",
            category=Study.Category.KBS if i % 2 else Study.Category.REGISTRY,
            status=Study.Status.OPEN,
            responsible_organisation=orgs[i % len(orgs)],
            rek_number=f"{100000 + i}",
        )
        studies.append(study)
        for org in orgs[i % 5 :: 5]:
            StudySite.objects.create(study=study, organisation=org, status="open")
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO consents_participant (pseudonym, birth_year, sex, created_at) "
            "SELECT md5(g::text) || md5((g * 7)::text), 1930 + g %% 80, "
            "CASE WHEN g %% 2 = 0 THEN 'female' ELSE 'male' END, now() "
            "FROM generate_series(1, %s) g",
            [n],
        )
        cur.execute(
            "WITH s AS (SELECT id, study_id, row_number() OVER (ORDER BY id) - 1 AS rn "
            "FROM trials_studysite), c AS (SELECT count(*) AS k FROM s), "
            "p AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS rn FROM consents_participant) "
            "INSERT INTO trials_enrolment (participant_id, study_id, site_id, included_on, status, "
            "ended_on, end_reason, created_at, updated_at) "
            "SELECT p.id, s.study_id, s.id, DATE '2026-01-01' + (p.rn % 300)::int, "
            "CASE WHEN p.rn % 10 = 0 THEN 'completed' ELSE 'included' END, "
            "CASE WHEN p.rn % 10 = 0 THEN DATE '2026-11-15' END, '', now(), now() "
            "FROM p, c JOIN s ON true WHERE s.rn = p.rn % c.k"
        )
        # A few reservations and withdrawals, so the exclusions are exercised at scale.
        cur.execute(
            "INSERT INTO consents_reservation (participant_id, scope, registered_at) "
            "SELECT id, 'all', now() FROM consents_participant WHERE id % 97 = 0"
        )
        cur.execute(
            "UPDATE trials_enrolment SET status = 'withdrawn', "
            "ended_on = GREATEST(included_on, DATE '2026-10-20') "
            "WHERE id % 101 = 0"
        )
    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--period", default="2026-10")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    populate(args.n)
    print(
        f"data: {Enrolment.objects.count()} enrolments ({time.perf_counter() - t0:.1f} s to fill)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        first = participation_export(period=args.period, directory=Path(tmp))
        elapsed = time.perf_counter() - t0
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"run 1: {first.rows} rows in {len(first.files)} files, {elapsed:.1f} s, "
            f"peak RSS {rss_mb:.0f} MB (whole process, Django included)"
        )
        tracemalloc.start()
        t0 = time.perf_counter()
        second = participation_export(period=args.period, directory=Path(tmp))
        elapsed2 = time.perf_counter() - t0
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"run 2 (under tracemalloc): {elapsed2:.1f} s, peak Python heap during export "
            f"{peak / 1e6:.1f} MB"
        )
        print("identical checksums:", first.files == second.files)


if __name__ == "__main__":
    main()
