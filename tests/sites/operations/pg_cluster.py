"""A throwaway PostgreSQL primary and its streaming replica (pg_basebackup), on spare ports.

Both run from a temporary directory under /tmp, listen on 127.0.0.1 only and are removed
afterwards; the shared PostgreSQL is never touched. As root, the servers run as ``postgres``.
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

PORTS = range(5440, 5500)


def pg_bin_dir() -> Path | None:
    """Where initdb, pg_ctl and pg_basebackup are (the newest installed), or None."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent  # /usr/local/bin may link initdb alone
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    return Path(candidates[-1]).parent if candidates else None


def _version(path: str) -> int:
    part = Path(path).parent.parent.name
    return int(part) if part.isdigit() else 0


def _free_ports(count: int) -> list[int]:
    ports = []
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        ports.append(port)
        if len(ports) == count:
            return ports
    raise RuntimeError("no free port in 5440–5499")


class StreamingPair:
    """``start()`` makes a primary and a hot-standby replica that streams from it."""

    def __init__(self) -> None:
        self.bin = pg_bin_dir()
        self.root = Path(tempfile.mkdtemp(prefix="replica-test-", dir="/tmp"))
        self.primary_port, self.replica_port = _free_ports(2)
        self.primary_dir = self.root / "primary"
        self.replica_dir = self.root / "replica"

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=180)
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {done.stderr[-2000:]}")

    def _options(self, port: int, data_dir: Path) -> str:
        return (
            f"-c port={port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={data_dir} "
            "-c shared_buffers=16MB -c max_connections=40 -c fsync=off -c jit=off"
        )

    def start(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self._run("initdb", "-D", str(self.primary_dir), "-U", "postgres", "-A", "trust")
        self._start(self.primary_dir, self.primary_port)
        self._run(
            "pg_basebackup",
            "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres",
            "-D", str(self.replica_dir), "-X", "stream", "-R", "-c", "fast",
        )  # fmt: skip
        self._start(self.replica_dir, self.replica_port)

    def _start(self, data_dir: Path, port: int) -> None:
        self._run(
            "pg_ctl", "-D", str(data_dir), "-o", self._options(port, data_dir),
            "-l", str(self.root / f"{data_dir.name}.log"), "-w", "start",
        )  # fmt: skip

    def stop(self) -> None:
        for data_dir in (self.replica_dir, self.primary_dir):
            if (data_dir / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(data_dir), "-m", "immediate", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, which: str, name: str) -> str:
        port = self.primary_port if which == "primary" else self.replica_port
        return f"postgres://postgres@127.0.0.1:{port}/{name}"


def replica_catch_up(*, primary_url: str, replica_url: str, timeout: float = 30) -> None:
    """Wait until the replica has replayed everything the primary has written so far."""
    with psycopg.connect(primary_url, autocommit=True) as primary:
        target = primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
    deadline = time.monotonic() + timeout
    with psycopg.connect(replica_url, autocommit=True) as replica:
        while time.monotonic() < deadline:
            caught_up = replica.execute(
                "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]
            ).fetchone()[0]
            if caught_up:
                return
            time.sleep(0.05)
    raise TimeoutError("the replica did not catch up")


def replica_replay(*, replica_url: str, paused: bool) -> None:
    """Pause or resume the replica's replay (so a change on the primary is not there yet)."""
    with psycopg.connect(replica_url, autocommit=True) as replica:
        function = "pg_wal_replay_pause" if paused else "pg_wal_replay_resume"
        replica.execute(f"SELECT {function}()")  # noqa: S608 (one of two names)
