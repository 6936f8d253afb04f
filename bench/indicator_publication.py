"""Benchmark: the public indicator API under disclosure control, on a computed database.

Times, for every indicator that counts people, the largest page of values (every scope,
``level=all``, 100 rows) and the whole CSV download (``level=all``), and writes each response to
``--out`` so two runs (before and after a change) can be compared byte for byte
(``diff -r before/ after/``; the ``computed_at`` column is the same as long as nothing is recomputed).

    . /tmp/testenv.sh; DATABASE_URL=postgres://postgres@127.0.0.1:5432/portefolje_demo \\
        .venv/bin/python bench/indicator_publication.py --out /tmp/publication-after

Run it on a database with the demo computed (``make demo``, or ``compute_indicators --months 24``).
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

from indicators.models import Indicator  # noqa: E402


def timed_get(client: Client, url: str) -> tuple[float, bytes]:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return elapsed, response.content


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True, help="directory for the responses")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    client = Client()
    timed_get(client, "/api/v1/indicators/")  # warm up (imports, connection)
    worst_page = worst_csv = (0.0, "")
    codes = Indicator.objects.filter(counts_people=True).order_by("code")
    for code in codes.values_list("code", flat=True):
        page_s, page = timed_get(
            client, f"/api/v1/indicators/{code}/values/?level=all&page_size=100"
        )
        csv_s, body = timed_get(client, f"/api/v1/indicators/{code}/csv/?level=all")
        (args.out / f"{code}.json").write_bytes(page)
        (args.out / f"{code}.csv").write_bytes(body)
        rows = body.count(b"\n") - 1
        print(f"{code:40} page {page_s:6.2f} s   csv {csv_s:6.2f} s ({rows} rows)", flush=True)
        worst_page = max(worst_page, (page_s, code))
        worst_csv = max(worst_csv, (csv_s, code))
    print(f"largest page: {worst_page[0]:.2f} s ({worst_page[1]})")
    print(f"slowest CSV:  {worst_csv[0]:.2f} s ({worst_csv[1]})")


if __name__ == "__main__":
    main()
