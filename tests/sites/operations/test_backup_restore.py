"""`make backup` and `make restore` round-trip: same rows, same content, in a fresh database."""

import subprocess
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.factories import StudySiteFactory

ROOT = Path(__file__).resolve().parents[3]
KEY_TABLES = [
    "sites_region",
    "sites_organisation",
    "sites_municipality",
    "trials_study",
    "trials_studysite",
    "trials_sponsor",
    "trials_healthcategory",
    "auth_user",
    "django_migrations",
]


def _url(name: str) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def _fingerprint(url: str) -> dict[str, tuple[int, str]]:
    with psycopg.connect(url) as conn:
        return {
            table: conn.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"  # noqa: S608
                f" FROM {table} t"
            ).fetchone()
            for table in KEY_TABLES
        }


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_fresh_database_with_identical_key_tables(
    reference_data, tmp_path
):
    if connection.vendor != "postgresql":
        pytest.skip("backup and restore use pg_dump/pg_restore: needs PostgreSQL (DATABASE_URL)")
    StudySiteFactory.create_batch(5)
    source = _url(connection.settings_dict["NAME"])
    fresh = f"{connection.settings_dict['NAME']}_restore"
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
        admin.execute(f'CREATE DATABASE "{fresh}"')
    try:
        dump = tmp_path / "portefolje.dump"
        for target, url in (("backup", source), ("restore", _url(fresh))):
            subprocess.run(
                ["make", "-s", target, f"DATABASE_URL={url}", f"BACKUP={dump}"],
                cwd=ROOT,
                check=True,
                capture_output=True,
                timeout=300,
            )
        before, after = _fingerprint(source), _fingerprint(_url(fresh))
        assert before["trials_study"][0] >= 5 and before["sites_organisation"][0] > 100
        assert after == before
    finally:
        with psycopg.connect(_url("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
