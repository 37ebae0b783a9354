"""A real PostgreSQL server for the tests, started from Debian's ``postgresql`` package
(``/usr/lib/postgresql/<version>/bin``) in a temporary folder, on a Unix socket only, and
stopped when the tests end. PostgreSQL refuses to run as root, so under root (CI) the server
runs as the ``postgres`` user the package creates.

Without the package the PostgreSQL tests are skipped and say why, unless
``COMPLIANCE_REQUIRE_POSTGRESQL`` is set (``.ci/run`` sets it): then they fail.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

REQUIRE_VARIABLE = "COMPLIANCE_REQUIRE_POSTGRESQL"
PORT = 54329


def binaries() -> Path | None:
    """The folder of initdb and pg_ctl, newest version first; None without the package."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    if found:
        return Path(found[0]).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


class Server:
    """One running server; ``url(name)`` makes a fresh database on it."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="compliance-pg-"))
        self.data, self.socket = self.folder / "data", self.folder / "socket"
        self.socket.mkdir()
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user:
            owner = pwd.getpwnam(self.user)
            for path in (self.folder, self.socket):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "compliance",
                  "-E", "UTF8", "--locale", "C")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-w", "-o",
                  f"-k {self.socket} -c listen_addresses='' -p {PORT} -c fsync=off", "start")

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.folder)

    def url(self) -> str:
        """A new, empty database's URL."""
        import psycopg

        name = f"register_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self._dsn("postgres"), autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        return f"postgresql://compliance@/{name}?host={self.socket}&port={PORT}"

    def _dsn(self, database: str) -> str:
        return f"dbname={database} user=compliance host={self.socket} port={PORT}"

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)
