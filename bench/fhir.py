"""Time FHIR ResearchStudy searches on a generated portfolio (see bench/generate.py).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_i4 DJANGO_SECRET_KEY=bench \
        .venv/bin/python bench/fhir.py --iterations 20

Measured like bench/run.py (in-process, the whole middleware stack, no response cache). Each
search is the first page of twenty with its exact ``Bundle.total``; the figures after it are
the statements the request issued and the slowest of them (usually the count).
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.run import report, timed  # noqa: E402  (sets up Django as the benchmark does)

SEARCHES = {
    "condition:text (hjerte)": "condition:text=hjerte",
    "condition (hjertesvikt)": "condition=hjertesvikt",
    "condition ICD-10 (I50)": "condition=http://hl7.org/fhir/sid/icd-10|I50",
    "keyword (hjertesvikt)": "keyword=hjertesvikt",
    "status=active": "status=active",
    "no filter": "",
}


def slowest_statement_ms(statements: list[str]) -> float:
    times = []
    with connection.cursor() as cursor:
        for sql in statements:
            start = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            times.append((time.perf_counter() - start) * 1000)
    return max(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=20)
    args = parser.parse_args()
    client = Client(HTTP_ACCEPT="application/fhir+json")
    for name, query in SEARCHES.items():
        url = f"/fhir/ResearchStudy?_count=20&{query}"
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, response.content[:300]
        total = response.json().get("total")
        statements = [q["sql"] for q in ctx.captured_queries]
        ms = timed(lambda i, url=url: client.get(url), args.iterations)
        report(
            f"FHIR {name}",
            ms,
            f"total {total}; {len(statements)} queries, slowest "
            f"{slowest_statement_ms(statements):.1f} ms",
        )


if __name__ == "__main__":
    main()
