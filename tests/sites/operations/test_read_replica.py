"""Public reads from a read replica, against a real PostgreSQL streaming replica.

The test starts a throwaway primary and a replica made from it with pg_basebackup (both on spare
ports under /tmp), then runs replica_scenario.py with DATABASE_URL on the primary and
DATABASE_REPLICA_URL on the replica, as production would be configured.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.sites.operations.pg_cluster import StreamingPair, pg_bin_dir

ROOT = Path(__file__).resolve().parents[3]
SCENARIO = Path(__file__).with_name("replica_scenario.py")


def test_public_reads_are_served_by_a_streaming_replica_and_saves_are_seen_at_once():
    if pg_bin_dir() is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup) are not installed")
    pair = StreamingPair()
    try:
        pair.start()
        env = {
            **os.environ,
            "DATABASE_URL": pair.url("primary", "portefolje"),
            "DATABASE_REPLICA_URL": pair.url("replica", "portefolje"),
        }
        env.pop("CACHE_URL", None)
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(SCENARIO)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
    finally:
        pair.stop()
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    assert "1 passed" in result.stdout
