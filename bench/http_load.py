"""Public pages over HTTP: gunicorn with production settings on loopback, load from wrk (Debian's
``wrk`` package; a small keep-alive-aware asyncio client when it is not installed, which spends
more of the two cores itself), figures as shares of the framework's ceiling.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_speed_bench \
    BENCH_CACHE_URL=redis://127.0.0.1:6379/15 .venv/bin/python bench/http_load.py --seconds 10

Starts gunicorn twice on 127.0.0.1 (``bench.wsgi``, DEBUG off, 2 × cores + 1 sync workers, the
cache in Redis): first with the response cache off (``cold``: every request runs the view, as
before the shared cache), then on (``cached``: the same requests, warmed once). In each it times,
for ``--seconds`` at ``--connections`` connections: a trivial view through the same middleware
(``/bench/ping``, the framework's ceiling), the API list (open in a region), the API detail (20
studies in turn), the finder page for the same query and FHIR search. Prints req/s, p50 and p99
and each rate as a share of that run's ceiling. Loopback only; nothing leaves the machine.
``--modes cold`` or ``cached`` runs one of the two, ``--only list`` (repeatable) only the scenarios
whose name holds the word (the ceiling always), ``--workers N`` another number of workers.
"""

import argparse
import asyncio
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CEILING = "ceiling (trivial view)"
SCENARIOS = {
    CEILING: ["/bench/ping"],
    "API list open+region": ["/api/v1/studies/?open=true&region=helse-vest"],
    "API detail": [],  # filled with 20 public ids
    "finder open+region": ["/?open=on&region=helse-vest"],
    "FHIR search": ["/fhir/ResearchStudy?status=active&_count=20"],
}


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else 0


async def _one(host: str, port: int, path: str, conn: list) -> None:
    """One GET on the connection in ``conn`` (opened, or reopened after the server closed it)."""
    if not conn:
        conn.extend(await asyncio.open_connection(host, port))
    reader, writer = conn
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept-Language: nb\r\n\r\n".encode("ascii")
    )
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    if status != 200:
        raise RuntimeError(f"{path}: HTTP {status}")
    length, close = None, False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
        elif name.lower() == b"connection" and value.strip().lower() == b"close":
            close = True
    if length is None:
        await reader.read()
        close = True
    else:
        await reader.readexactly(length)
    if close:
        writer.close()
        conn.clear()


async def _load(host: str, port: int, paths: list[str], seconds: float, connections: int):
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def worker(offset: int) -> None:
        conn: list = []
        i = offset
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            await _one(host, port, paths[i % len(paths)], conn)
            latencies.append((time.perf_counter() - start) * 1000)
            i += 1
        if conn:
            conn[1].close()

    start = time.perf_counter()
    await asyncio.gather(*(worker(n) for n in range(connections)))
    return len(latencies) / (time.perf_counter() - start), latencies


WRK_SCRIPT = """
paths = {%s}
i = %d
wrk.headers["Accept-Language"] = "nb"
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""


def _wrk(port: int, paths: list[str], seconds: float, connections: int):
    """Rate, p50 and p99 in ms from wrk (2 threads), cycling through ``paths``."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % (", ".join(f'"{p}"' for p in paths), 0))
    command = [
        "wrk", "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency",
        "-s", script.name, f"http://127.0.0.1:{port}/",
    ]  # fmt: skip
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    os.unlink(script.name)
    if "Non-2xx" in out:
        raise RuntimeError(f"{paths[0]}: answers other than 200\n{out}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = {m[0]: _ms(m[1]) for m in re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M)}
    return rate, latency["50"], latency["99"]


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def _measure(port: int, paths: list[str], seconds: float, connections: int):
    if shutil.which("wrk"):
        _wrk(port, paths, 2, connections)  # warm
        return _wrk(port, paths, seconds, connections)
    asyncio.run(_load("127.0.0.1", port, paths, 1.5, connections))  # warm
    rate, ms = asyncio.run(_load("127.0.0.1", port, paths, seconds, connections))
    return rate, pct(ms, 50), pct(ms, 99)


def _server_env(args, cache_seconds: int) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "CACHE_URL": args.cache_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": "bench-only-" + secrets.token_hex(16),
        "PSEUDONYM_KEY": "bench-only-" + secrets.token_hex(20),
        "EXPORT_PSEUDONYM_KEY": "bench-export-" + secrets.token_hex(20),
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "API_ANON_RATE": "100000000/min",
        "PUBLIC_RESPONSE_CACHE_SECONDS": str(cache_seconds),
        # As README's production section recommends: a cached answer costs no database query.
        "PUBLIC_CACHE_STAMP_SECONDS": "5",
        "VAR_DIR": str(ROOT / "var" / "bench"),
    }


def _start(args, cache_seconds: int) -> subprocess.Popen:
    workers = args.workers or 2 * (os.cpu_count() or 1) + 1
    # Production serves collected, hashed static files (the finder's pages name them).
    if not (ROOT / "var" / "bench" / "static" / "staticfiles.json").exists():
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=_server_env(args, cache_seconds),
            check=True,
        )
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"), "bench.wsgi:application", "--log-level", "warning",
            "-b", f"127.0.0.1:{args.port}", "-w", str(workers), "--access-logfile", "/dev/null",
        ],
        cwd=ROOT,
        env=_server_env(args, cache_seconds),
        start_new_session=True,
    )  # fmt: skip
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{args.port}/readyz", timeout=2)  # noqa: S310
            return server
        except OSError:
            time.sleep(0.2)
    _stop(server)
    raise RuntimeError("gunicorn did not start")


def _stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def _public_ids(port: int) -> list[str]:
    import json

    url = f"http://127.0.0.1:{port}/api/v1/studies/?page_size=20&region=helse-vest"
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (loopback)
        return [row["id"] for row in json.load(response)["results"]]


def _run(args, mode: str, cache_seconds: int) -> dict[str, tuple[float, float, float]]:
    server = _start(args, cache_seconds)
    try:
        SCENARIOS["API detail"] = [f"/api/v1/studies/{pid}/" for pid in _public_ids(args.port)]
        figures = {}
        for name, paths in SCENARIOS.items():
            if name == CEILING or not args.only or any(part in name for part in args.only):
                figures[name] = _measure(args.port, paths, args.seconds, args.connections)
        ceiling = figures[CEILING][0]
        for name, (rate, p50, p99) in figures.items():
            print(
                f"{mode:6s} {name:24s} {rate:7.0f} req/s  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms"
                f"  {100 * rate / ceiling:5.1f} % of ceiling",
                flush=True,
            )
        return figures
    finally:
        _stop(server)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--port", type=int, default=8893)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--cache-url", default=os.environ.get("BENCH_CACHE_URL"))
    parser.add_argument("--modes", default="cold,cached")
    parser.add_argument(
        "--only", action="append", default=[], help="scenarios whose name holds this (repeatable)"
    )
    args = parser.parse_args()
    if not args.database_url or not args.cache_url:
        sys.exit("Set BENCH_DATABASE_URL (PostgreSQL) and BENCH_CACHE_URL (redis://…/n).")
    client = "wrk" if shutil.which("wrk") else "asyncio client"
    print(f"{args.connections} connections, {args.seconds:.0f} s per scenario, loopback, {client}")
    modes = {"cold": 0, "cached": 600}
    for mode in args.modes.split(","):
        _run(args, mode, modes[mode])


if __name__ == "__main__":
    main()
