"""Benchmark: indicators and monthly reports at national scale (PostgreSQL only).

1 000 000 enrolments, 50 000 studies, 100 organisations (sites), 500 000 participants. Measures
computing every indicator for one month (national + 4 regions + every organisation) and preparing,
building and sending every monthly report (to a local SMTP sink started by the script) to a
national installation's recipients: a coordinator of each region, of every health trust and of
100 other organisations, and the national administrators (at least 125).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_i7 DJANGO_SECRET_KEY=bench \\
        .venv/bin/python bench/indicators.py
    ... bench/indicators.py --enrolments 10000000     # 10 M enrolments, 500 000 studies

The data is generated once (SQL generate_series) and reused on later runs. Studies and participants
scale with ``--enrolments`` (one study per 20 enrolments, one participant per two); the sites stay the
100 organisations. ``--top N`` prints the N slowest statements. ``--one-session`` computes inside an
outer transaction, so in one database session (as before the second session; the figures to compare
with).
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("ALLOW_SYNTHETIC_NATIONAL_IDS", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

ORGS = 100
ENROLMENTS = 1_000_000
STUDIES, PARTICIPANTS = ENROLMENTS // 20, ENROLMENTS // 2


def scale(enrolments: int) -> None:
    global ENROLMENTS, STUDIES, PARTICIPANTS
    ENROLMENTS, STUDIES, PARTICIPANTS = enrolments, enrolments // 20, enrolments // 2


def _unique_public_ids(count: int) -> list[str]:
    """``count`` distinct public ids (at 500 000 studies two random ids meet one time in ten)."""
    from trials.models.studies import generate_public_id

    ids: set[str] = set()
    while len(ids) < count:
        ids.add(generate_public_id())
    return list(ids)


def populate() -> None:
    from sites.models import Organisation
    from trials.models import Study

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    from consents.models import Enrolment

    if Enrolment.objects.count() >= ENROLMENTS:
        return
    orgs = list(
        Organisation.objects.filter(region__isnull=False)
        .exclude(kind=Organisation.Kind.RHF)
        .order_by("pk")
        .values_list("pk", flat=True)[:ORGS]
    )
    print(f"generating data on {len(orgs)} organisations …", flush=True)
    t = time.perf_counter()
    categories = [c for c, _ in Study.Category.choices]
    done = Study.objects.count() >= STUDIES
    public_ids = _unique_public_ids(0 if done else STUDIES)
    Study.objects.bulk_create(
        [
            Study(
                public_id=public_ids[i],
                scientific_title=f"Benchmark study {i}",
                category=categories[i % len(categories)],
                sponsor_type="industry" if i % 4 == 0 else "public",
                status="open",
                is_published=i % 3 != 0,
                responsible_organisation_id=orgs[i % len(orgs)],
                rek_approved_on=f"{2022 + i % 4}-{1 + i % 12:02d}-01",
                opened_on=f"{2022 + i % 4}-{1 + i % 12:02d}-20",
                first_patient_in_on=f"{2023 + i % 4}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                application_submitted_on=f"{2022 + i % 4}-{1 + (i + 5) % 12:02d}-01",
                target_enrolment=20 + i % 50,
            )
            for i in range(0 if done else STUDIES)
        ],
        batch_size=5000,
    )
    org_array = "ARRAY[" + ",".join(map(str, orgs)) + "]"
    with connection.cursor() as cur:
        cur.execute(
            f"""
            INSERT INTO trials_studysite (study_id, organisation_id, status, activated_on, closed_on,
                local_investigator, contact_name, contact_email, contact_phone, target_enrolment,
                is_satellite, is_decentralised, created_at, updated_at)
            SELECT s.id, ({org_array})[1 + ((s.id + k) % {len(orgs)})], 'open',
                   DATE '2023-01-01' + ((s.id * 7 + k * 13) % 1000)::int,
                   NULL, '', '', '', '', 20, false, (s.id % 10 = 0), now(), now()
            FROM trials_study s CROSS JOIN generate_series(0, 1) k
            ON CONFLICT DO NOTHING
            """  # noqa: S608 - integers only
        )
        cur.execute(
            "DELETE FROM consents_participant WHERE id NOT IN "
            "(SELECT participant_id FROM trials_enrolment)"
        )
        cur.execute(
            f"""
            INSERT INTO consents_participant (pseudonym, birth_year, sex, home_municipality_id,
                created_at)
            SELECT md5('p' || g), 1930 + (g % 90),
                   (ARRAY['female','male','unknown'])[1 + g % 3],
                   m.ids[1 + g % array_length(m.ids, 1)], now()
            FROM generate_series(1, {PARTICIPANTS}) g,
                 (SELECT array_agg(id ORDER BY id) ids FROM sites_municipality) m
            """  # noqa: S608
        )
        cur.execute(
            f"""
            WITH sites AS (SELECT id, study_id, activated_on, row_number() OVER (ORDER BY id) rn
                           FROM trials_studysite),
                 n AS (SELECT count(*) c FROM sites),
                 p AS (SELECT min(id) lo FROM consents_participant)
            INSERT INTO trials_enrolment (participant_id, study_id, site_id, included_on, status,
                ended_on, end_reason, created_at, updated_at)
            SELECT p.lo + (g % {PARTICIPANTS - 21}), sites.study_id, sites.id,
                   coalesce(sites.activated_on, DATE '2023-01-01') + (g % 700)::int, CASE WHEN g % 4 = 0 THEN 'completed'
                   ELSE 'included' END,
                   CASE WHEN g % 4 = 0 THEN coalesce(sites.activated_on, DATE '2023-01-01') + (g % 700)::int + 60 END,
                   '', now(), now()
            FROM generate_series(1, {ENROLMENTS}) g, n, p
            JOIN sites ON true
            WHERE sites.rn = 1 + (g % n.c)
            ON CONFLICT DO NOTHING
            """  # noqa: S608
        )
        cur.execute("ANALYZE")
    print(f"data generated in {time.perf_counter() - t:.0f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enrolments", type=int, default=ENROLMENTS)
    parser.add_argument("--top", type=int, default=0)
    parser.add_argument("--one-session", action="store_true")
    args = parser.parse_args()
    scale(args.enrolments)
    from django.conf import settings

    from consents.models import Enrolment
    from indicators import services
    from indicators.catalogue import CATALOGUE
    from indicators.models import ReportRun, ReportWorkbook
    from indicators.periods import Period
    from sites.services import demo_users_ensure
    from trials.models import Study

    populate()
    period = Period.month(2025, 10)
    print(
        f"studies {Study.objects.count()}, enrolments {Enrolment.objects.count()}, "
        f"site organisations {Study.objects.values('sites__organisation').distinct().count()}"
    )
    reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        t = time.perf_counter()
        if args.one_session:
            with transaction.atomic():
                result = services.snapshots_compute(period=period)
        else:
            result = services.snapshots_compute(period=period)
        compute_s = time.perf_counter() - t
    print(
        f"compute all {len(CATALOGUE)} indicators for {period} "
        f"({'one session' if args.one_session else 'two sessions'}): {compute_s:.1f} s, "
        f"{result.created} snapshots, {len(ctx.captured_queries)} queries"
    )
    slowest = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[: args.top]
    for query in slowest:
        print(f"  {float(query['time']):6.2f} s  {query['sql'][:160]}")

    from aiosmtpd.controller import Controller

    class Sink:
        count = 0

        async def handle_DATA(self, server, session, envelope):
            Sink.count += 1
            return "250 OK"

    controller = Controller(Sink(), hostname="127.0.0.1", port=1026)
    controller.start()
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1026
    demo_users_ensure()
    recipients_ensure()
    ReportRun.objects.filter(period_start=period.start).delete()
    t = time.perf_counter()
    monthly = services.reports_send_monthly(period=period)
    send_s = time.perf_counter() - t
    controller.stop()
    recipients = ReportRun.objects.filter(period_start=period.start).count()
    scopes = ReportRun.objects.filter(period_start=period.start).values("scope_key").distinct()
    print(
        f"generate and send all monthly reports: {send_s:.1f} s (target <= 60 s) "
        f"({monthly.sent} sent, {Sink.count} received by SMTP; {recipients} recipients, "
        f"{scopes.count()} scopes, each report built once)"
    )
    workbooks = ReportWorkbook.objects.filter(runs__period_start=period.start).distinct()
    stored = sum(len(content) for content in workbooks.values_list("content", flat=True))
    print(f"workbooks stored for them: {workbooks.count()}, {stored / 1e6:.1f} MB")


def recipients_ensure() -> None:
    """A national installation's recipients: a coordinator for each of the 4 regions, one at
    every health trust and one at 100 other organisations (each gets their region's report)."""
    from django.contrib.auth import get_user_model

    from sites.models import Organisation, UserScope
    from sites.roles import user_scope_assign

    orgs = Organisation.objects.filter(region__isnull=False).select_related("region")
    chosen = list(orgs.filter(kind__in=[Organisation.Kind.RHF, Organisation.Kind.HF]))
    chosen += list(
        orgs.exclude(kind__in=[Organisation.Kind.RHF, Organisation.Kind.HF]).order_by("pk")[:100]
    )
    users = get_user_model().objects
    for org in chosen:
        user, _ = users.get_or_create(
            username=f"rapport-{org.pk}",
            defaults={"email": f"rapport-{org.pk}@example.no", "is_staff": True},
        )
        user_scope_assign(user=user, role=UserScope.Role.REGIONAL_COORDINATOR, region=org.region)


if __name__ == "__main__":
    main()
