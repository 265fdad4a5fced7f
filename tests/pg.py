"""Start a throw-away PostgreSQL server in a temporary directory for the test session.

Not a mock and not the system service: initdb + pg_ctl from the installed PostgreSQL binaries, on a free
loopback port, with fsync off for speed and a 2-minute statement timeout (a runaway query fails its test
instead of hanging the run). Autovacuum is off: the tables are emptied by TRUNCATE after every test, and
statistics that a background ANALYZE took of one test's data would steer the plans of a later test's (tests
plan as a fresh install does, from the tables' sizes). Lock waits over a second and statements over five seconds
are logged; a test that fails on the statement timeout shows that log and what the other connections were doing
(``diagnose``). As root (CI), the server runs as the ``postgres`` system user,
because PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def find_pg_bin() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    return Path(candidates[-1]).parent if candidates else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresServer:
    def __init__(self) -> None:
        self.bindir = find_pg_bin()
        if self.bindir is None:
            raise RuntimeError("PostgreSQL binaries (initdb, pg_ctl) not found; apt-get install postgresql")
        self.root = Path(tempfile.mkdtemp(prefix="portal-pg-"))
        self.datadir = self.root / "data"
        self.port = free_port()
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.root, user.pw_uid, user.pw_gid)
            self.prefix = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        subprocess.run([*self.prefix, *args], check=True, capture_output=True, cwd=self.root)

    def start(self) -> str:
        self._run(str(self.bindir / "initdb"), "-D", str(self.datadir), "-U", "portal", "--auth=trust",
                  "-E", "UTF8", "--no-locale")
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50 "
            "-c statement_timeout=120s -c autovacuum=off -c log_lock_waits=on -c deadlock_timeout=1s "
            "-c log_min_duration_statement=5s"
        )
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-o", options, "-w", "-t", "60",
                  "-l", str(self.root / "server.log"), "start")
        import psycopg

        deadline = time.time() + 30
        while True:
            try:
                with psycopg.connect(host="127.0.0.1", port=self.port, user="portal", dbname="postgres",
                                     autocommit=True) as conn:
                    conn.execute("CREATE DATABASE portal_test")
                break
            except psycopg.OperationalError:
                if time.time() > deadline:
                    raise
                time.sleep(0.2)
        return f"postgresql+psycopg://portal@127.0.0.1:{self.port}/portal_test"

    def diagnose(self) -> str:
        """The server log's tail and every other connection with its locks, for a test that hit the timeout."""
        lines = []
        try:
            lines += (self.root / "server.log").read_text(errors="replace").splitlines()[-40:]
        except OSError as exc:
            lines.append(f"(no server log: {exc})")
        try:
            import psycopg

            with psycopg.connect(host="127.0.0.1", port=self.port, user="portal", dbname="portal_test",
                                 autocommit=True, connect_timeout=5) as conn:
                rows = conn.execute(
                    "SELECT a.pid, a.state, a.backend_type, a.wait_event_type, a.wait_event, "
                    "now() - a.xact_start, left(a.query, 200), "
                    "(SELECT string_agg(l.mode || CASE WHEN l.granted THEN '' ELSE ' (waiting)' END || ' '"
                    " || coalesce(l.relation::regclass::text, l.locktype), ', ') FROM pg_locks l"
                    " WHERE l.pid = a.pid) FROM pg_stat_activity a WHERE a.pid <> pg_backend_pid()").fetchall()
            lines += ["", "pg_stat_activity (pid, state, type, wait, transaction age, query, locks):"]
            lines += [" | ".join(str(value) for value in row) for row in rows]
        except Exception as exc:  # noqa: BLE001  a diagnosis must not hide the failure it explains
            lines.append(f"(pg_stat_activity not read: {exc})")
        return "\n".join(lines)

    def stop(self) -> None:
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
