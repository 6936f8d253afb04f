#!/usr/bin/env bash
# Headless load test on loopback: gunicorn (production settings) + PostgreSQL, national-scale data.
# Usage: bench/load_test.sh [duration=5m] [users=50]
# Env: BENCH_DATABASE_URL (default postgres://postgres:bench-password@127.0.0.1:5432/bench_i8), BENCH_STUDIES (3000),
#      BENCH_PORT (8891), BENCH_WORKERS (2 × cores + 1), BENCH_THREADS (1: sync workers; >1: gthread).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-5m}
USERS=${2:-50}
PORT=${BENCH_PORT:-8891}
export DATABASE_URL=${BENCH_DATABASE_URL:-postgres://postgres:bench-password@127.0.0.1:5432/bench_i8}
export DJANGO_SECRET_KEY=bench-only-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
export PSEUDONYM_KEY=bench-only-$(head -c 32 /dev/urandom | base64 | tr -d '/+=')
export EXPORT_PSEUDONYM_KEY=bench-export-$(head -c 32 /dev/urandom | base64 | tr -d '/+=')
export ALLOW_SYNTHETIC_NATIONAL_IDS=1 DJANGO_SECURE_SSL_REDIRECT=0 API_ANON_RATE=1000000/min
export DJANGO_SETTINGS_MODULE=config.settings
export VAR_DIR=${VAR_DIR:-$PWD/var/bench}
mkdir -p "$VAR_DIR"
DB=${DATABASE_URL##*/}
psql "${DATABASE_URL%/*}/postgres" -qtc "SELECT 1 FROM pg_database WHERE datname='$DB'" | grep -q 1 \
  || createdb -h 127.0.0.1 -U postgres "$DB"
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py load_reference_data -v0
.venv/bin/python - <<PY
import django; django.setup()
from trials.models import Study
from trials.demo import demo_portfolio_load
if Study.objects.count() < ${BENCH_STUDIES:-3000}:
    demo_portfolio_load(count=${BENCH_STUDIES:-3000}, seed=8)
print("studies:", Study.objects.count())
PY
.venv/bin/python manage.py collectstatic --noinput -v0
WORKERS=${BENCH_WORKERS:-$((2 * $(nproc) + 1))}
THREADS=${BENCH_THREADS:-1}
echo "gunicorn: $WORKERS workers × $THREADS threads on $(nproc) cores"
# bench.wsgi: config.wsgi without its refusal of bench secrets (production never runs it).
.venv/bin/gunicorn bench.wsgi:application -b 127.0.0.1:$PORT -w "$WORKERS" --threads "$THREADS" \
  --access-logfile /dev/null --pid "$VAR_DIR/gunicorn.pid" &
GPID=$!
trap 'kill $GPID 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null || { echo "gunicorn did not start" >&2; exit 1; }
rss() { ps -o rss= --ppid "$GPID" | awk '{s+=$1} END {print s " kB"}'; }
# Warm up, then memory before.
.venv/bin/locust -f bench/locustfile.py --headless -u "$USERS" -r 25 -t 20s --host "http://127.0.0.1:$PORT" --only-summary >/dev/null 2>&1 || true
echo "web workers RSS before: $(rss)"
.venv/bin/locust -f bench/locustfile.py --headless -u "$USERS" -r 10 -t "$DURATION" \
  --host "http://127.0.0.1:$PORT" --only-summary --csv "$VAR_DIR/locust" 2>&1 | tail -25
echo "web workers RSS after: $(rss)"
