"""Benchmark: the study changelist with 100 000 studies and 300 000 study sites (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_r2 DJANGO_SECRET_KEY=bench \
        PSEUDONYM_KEY=… EXPORT_PSEUDONYM_KEY=… \
        .venv/bin/python bench/admin_changelist.py [--studies 100000] [--sites-per-study 3]

Creates the database content once (bulk inserts in batches; a second run reuses it), then requests
the changelist as a national administrator and as a regional coordinator, with and without a filter,
and prints the server time (median of ``--repeat`` requests) and the number of queries.
Signs in as the tests do (no second factor), so it needs no TOTP device.
"""

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("ALLOW_SYNTHETIC_NATIONAL_IDS", "1")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from sites.models import Organisation, Region, UserScope  # noqa: E402
from sites.roles import user_scope_assign  # noqa: E402
from trials.models import Study, StudySite  # noqa: E402

BATCH = 5000


def populate(n_studies: int, sites_per_study: int) -> None:
    if Study.objects.count() >= n_studies:
        print(f"reusing {Study.objects.count()} studies, {StudySite.objects.count()} sites")
        return
    orgs = list(
        Organisation.objects.filter(kind__in=["hf", "hospital", "private_nonprofit"]).values_list(
            "pk", flat=True
        )
    )
    statuses = [s for s, _ in Study.Status.choices]
    start = time.perf_counter()
    for offset in range(0, n_studies, BATCH):
        studies = [
            Study(
                scientific_title=f"Benchmark study {i}",
                lay_title_nb=f"Studie {i}",
                lay_summary_nb="Syntetisk studie for ytelsestest.",
                category=Study.Category.KBS,
                status=statuses[i % len(statuses)],
                is_published=i % 3 == 0,
                target_enrolment=100,
                responsible_organisation_id=orgs[i % len(orgs)],
                sponsor_protocol_code=f"BENCH-{i}",
            )
            for i in range(offset, min(offset + BATCH, n_studies))
        ]
        created = Study.objects.bulk_create(studies)
        StudySite.objects.bulk_create(
            [
                StudySite(
                    study_id=s.pk,
                    organisation_id=orgs[(s.pk * 7 + k) % len(orgs)],
                    status=StudySite.Status.OPEN if k == 0 else StudySite.Status.PLANNED,
                )
                for s in created
                for k in range(sites_per_study)
            ]
        )
        print(f"\r{offset + len(created)} studies", end="", flush=True)
    with connection.cursor() as cursor:
        # As autovacuum would: statistics, and a visibility map so the scope check on study
        # sites is an index-only scan.
        cursor.execute("VACUUM ANALYZE")
    print(f"\npopulated in {time.perf_counter() - start:.0f} s")


def user(name: str, **scope):
    model = get_user_model()
    obj, _ = model.objects.get_or_create(username=name, defaults={"is_staff": True})
    if scope:
        user_scope_assign(user=obj, **scope)
    else:
        obj.is_superuser = True
        obj.save()
    return obj


def measure(client: Client, url: str, params: dict, repeat: int) -> tuple[float, float, float, int]:
    """Medians of wall time, this process's CPU time and the SQL time (ms); number of queries.

    On a shared machine the wall time moves with other load; CPU and SQL time show where it goes.
    """
    client.get(url, params)  # warm up
    walls, cpus, sqls, queries = [], [], [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            t0, c0 = time.perf_counter(), time.process_time()
            response = client.get(url, params)
            walls.append((time.perf_counter() - t0) * 1000)
            cpus.append((time.process_time() - c0) * 1000)
        assert response.status_code == 200, response.status_code
        sqls.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
        queries = len(ctx.captured_queries)
    median = statistics.median
    return median(walls), median(cpus), median(sqls), queries


def measure_export(client: Client, url: str, action: str) -> tuple[float, int, float]:
    """A national "select all" export: seconds, bytes, and the peak Python heap (MB) meanwhile."""
    first = Study.objects.order_by("pk").values_list("pk", flat=True).first()
    data = {"action": action, "select_across": "1", "index": "0", "_selected_action": [first]}
    tracemalloc.start()
    t0 = time.perf_counter()
    response = client.post(url, data)
    chunks = response.streaming_content if response.streaming else [response.content]
    size = sum(len(chunk) for chunk in chunks)
    seconds = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    response.close()
    return seconds, size, peak / 1e6


# Signed in as in the tests: no second factor, plain HTTP, static files without a manifest.
@override_settings(
    REQUIRE_2FA=False,
    SECURE_SSL_REDIRECT=False,
    STORAGES={
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    },
)
def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--studies", type=int, default=100_000)
    parser.add_argument("--sites-per-study", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=9, help="requests per case (median)")
    parser.add_argument("--export", action="store_true", help="also time the national exports")
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "run this on PostgreSQL (DATABASE_URL)"
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    populate(args.studies, args.sites_per_study)
    print(f"studies: {Study.objects.count()}, study sites: {StudySite.objects.count()}")
    url = reverse("admin:trials_study_changelist")
    vest = Region.objects.get(code="helse-vest")
    users = {
        "national admin": user("bench-admin"),
        "coordinator Helse Vest": user(
            "bench-vest", role=UserScope.Role.REGIONAL_COORDINATOR, region=vest
        ),
    }
    cases = {
        "first page": {},
        "status=open": {"status__exact": "open"},
        "flag open_without_site": {"flag": "open_without_site"},
        "search NCT": {"q": "NCT01234567"},
    }
    print(f"{'user':<24} {'case':<24} {'median ms':>10} {'cpu ms':>7} {'sql ms':>7} {'queries':>8}")
    for label, u in users.items():
        client = Client()
        client.force_login(u)
        for case, params in cases.items():
            ms, cpu, sql, queries = measure(client, url, params, args.repeat)
            print(f"{label:<24} {case:<24} {ms:>10.1f} {cpu:>7.1f} {sql:>7.1f} {queries:>8}")

    if args.export:
        client = Client()
        client.force_login(users["national admin"])
        for action in ("export_as_csv", "export_as_xlsx"):
            seconds, size, peak = measure_export(client, url, action)
            print(
                f"{action}: {size / 1e6:.1f} MB in {seconds:.1f} s, peak Python heap {peak:.1f} MB"
            )


if __name__ == "__main__":
    main()
