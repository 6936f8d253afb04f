"""Time the public study list on a generated portfolio (see bench/generate.py).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_i4 DJANGO_SECRET_KEY=bench \
        .venv/bin/python bench/run.py --iterations 60

Server time is measured in-process (Django test client through the whole middleware stack,
no network). For each scenario it also times the bare SQL the endpoint issued for the same page
(executed directly on the connection) and prints the ratio, and times a naive DRF
implementation of the same endpoint (bench/naive.py) where one exists.
"""

import argparse
import gc
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("API_ANON_RATE", "100000000/min")
# The work of a request, not the shared response cache (bench/http_load.py measures both).
os.environ.setdefault("PUBLIC_RESPONSE_CACHE_SECONDS", "0")
# Production settings (DEBUG off) refuse to start without these; the benchmark handles no people.
os.environ.setdefault("PSEUDONYM_KEY", "bench-only-pseudonym-key-not-a-secret-0123")
os.environ.setdefault("EXPORT_PSEUDONYM_KEY", "bench-only-export-pseudonym-key-not-a-secret")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")  # the test client speaks plain HTTP

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

from trials.models import Study  # noqa: E402

WORDS = ["hjertesvikt", "brystkreft", "diabetes", "astma", "depresjon", "trening", "slag"]
SCENARIOS = {
    "open in a region": (
        "/api/v1/studies/?open=true&region=helse-vest",
        "open=true&region=helse-vest",
    ),
    "HRCS + age": ("/api/v1/studies/?hrcs=03&age=45", "hrcs=03&age=45"),
    "full text": ("/api/v1/studies/?q={word}", "q={word}"),
    "near (Oslo, 25 km)": ("/api/v1/studies/?near=59.91,10.75&radius_km=25", None),
}


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


CPU_MS: list[float] = []  # this process's CPU time per request of the last timed() run


def timed(fn, iterations: int) -> list[float]:
    """Wall-clock milliseconds per call; the process's CPU milliseconds go to ``CPU_MS``
    (Python's share of a request, apart from waiting for PostgreSQL)."""
    for i in range(3):
        fn(i)
    out = []
    CPU_MS.clear()
    for i in range(iterations):
        cpu, start = time.process_time(), time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - start) * 1000)
        CPU_MS.append((time.process_time() - cpu) * 1000)
    return out


def run_sql(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            cursor.fetchall()
            while cursor.nextset():  # a statement may hold several (one round trip)
                cursor.fetchall()


def interleaved(endpoint, statements_for, iterations: int):
    """Endpoint and its bare SQL, timed one after the other in each iteration (so both see the
    same machine): wall ms of the endpoint, its CPU p50, wall ms of the SQL of the same request."""
    for i in range(3):
        endpoint(i)
        run_sql(statements_for(i))
    ms, cpu_ms, sql_ms = [], [], []
    for i in range(iterations):
        cpu, start = time.process_time(), time.perf_counter()
        endpoint(i)
        ms.append((time.perf_counter() - start) * 1000)
        cpu_ms.append((time.process_time() - cpu) * 1000)
        statements = statements_for(i)
        start = time.perf_counter()
        run_sql(statements)
        sql_ms.append((time.perf_counter() - start) * 1000)
    return ms, pct(cpu_ms, 50), sql_ms


def result_ids(response) -> list[str]:
    return [row.get("id") or row.get("public_id") for row in response.json()["results"]]


def scenario(client: Client, name: str, url: str, naive_query: str | None, args) -> None:
    """Our endpoint interleaved with its bare SQL (per word for full text), then the naive one,
    after checking that it lists the same studies in the same order."""
    words = WORDS if "{word}" in url else WORDS[:1]
    statements: dict[str, list[str]] = {}
    for word in words:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url.format(word=word)).status_code == 200
        # A session prepares the page's statements once (trials.selectors.public): the request
        # and the replay both run them prepared.
        statements[word] = [
            q["sql"] for q in ctx.captured_queries if not q["sql"].startswith("PREPARE ")
        ]

    def get(i):
        response = client.get(url.format(word=words[i % len(words)]))
        assert response.status_code == 200, response.content[:300]

    ms, cpu, sql_ms = interleaved(get, lambda i: statements[words[i % len(words)]], args.iterations)
    ratio = pct(ms, 50) / pct(sql_ms, 50)
    extra = (
        f"Python CPU p50 {cpu:.1f} ms; bare SQL p50 {pct(sql_ms, 50):.1f} ms, "
        f"ratio {ratio:.2f}x ({len(statements[words[0]])} queries)"
    )
    if naive_query is not None and args.naive_iterations > 0:
        extra += naive_comparison(client, url, naive_query, words, ms, args.naive_iterations)
    report(name, ms, extra)


def naive_comparison(client, url, naive_query, words, ms, iterations: int) -> str:
    with override_settings(ROOT_URLCONF="bench.urls"):
        naive_client = Client()
        for word in words:
            ours = result_ids(client.get(url.format(word=word)))
            theirs = result_ids(
                naive_client.get("/bench/naive/studies/?" + naive_query.format(word=word))
            )
            assert ours == theirs, f"naive endpoint lists other studies for {word!r}"
        naive = timed(
            lambda i: naive_client.get(
                "/bench/naive/studies/?" + naive_query.format(word=words[i % len(words)])
            ),
            iterations,
        )
    return (
        f"; naive DRF p50 {pct(naive, 50):.0f} ms (same ids) -> "
        f"ours {pct(naive, 50) / pct(ms, 50):.1f}x faster"
    )


def report(name: str, ms: list[float], extra: str = "") -> None:
    print(f"{name:28s} p50 {pct(ms, 50):7.1f} ms  p95 {pct(ms, 95):7.1f} ms  {extra}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument(
        "--naive-iterations", type=int, default=10, help="0 leaves the naive endpoint out"
    )
    args = parser.parse_args()
    n = args.iterations
    client = Client()
    published = Study.objects.filter(is_published=True).count()
    print(f"{connection.vendor}: {Study.objects.count()} studies ({published} published), "
          f"{Study.sites.rel.related_model.objects.count()} study sites; {n} iterations\n")  # fmt: skip

    # As config/wsgi.py does in the web process: what is loaded so far lives for the process.
    gc.freeze()
    for name, (url, naive_query) in SCENARIOS.items():
        scenario(client, name, url, naive_query, args)

    # Page 500 of a cursor walk: walk there once, then time that page.
    url = "/api/v1/studies/?cursor=&page_size=20"
    page = 1
    while page < 500:
        following = client.get(url).json()["next"]
        if following is None:
            break
        url, page = following, page + 1
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    statements = [q["sql"] for q in ctx.captured_queries]
    ms, cpu, sql_ms = interleaved(lambda i: client.get(url), lambda i: statements, n)
    report(
        f"cursor walk, page {page}",
        ms,
        f"Python CPU p50 {cpu:.1f} ms; bare SQL p50 {pct(sql_ms, 50):.1f} ms, "
        f"ratio {pct(ms, 50) / pct(sql_ms, 50):.2f}x (target <= 3x)",
    )

    # A 304 revalidation.
    first = client.get("/api/v1/studies/?open=true&region=helse-vest")
    etag = first["ETag"]
    ms = timed(
        lambda i: client.get(
            "/api/v1/studies/?open=true&region=helse-vest", HTTP_IF_NONE_MATCH=etag
        ),
        n,
    )
    assert (
        client.get(
            "/api/v1/studies/?open=true&region=helse-vest", HTTP_IF_NONE_MATCH=etag
        ).status_code
        == 304
    )
    report("304 revalidation", ms, f"Python CPU p50 {pct(CPU_MS, 50):.1f} ms")
    print(f"\nDEBUG={settings.DEBUG}; {calibration_ms():.0f} ms for ten million additions")


def calibration_ms() -> float:
    """The speed of this machine's Python, to compare figures measured on different machines."""
    start = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return (time.perf_counter() - start) * 1000


if __name__ == "__main__":
    main()
