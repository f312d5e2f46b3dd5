"""A throwaway PostgreSQL 15 cluster for tests and benchmarks: ``initdb`` + ``pg_ctl`` in a temp
dir, on a free loopback port, with its socket in that dir; ``stop_cluster`` removes it.

PostgreSQL refuses to run as root, so when the tests run as root (CI) the cluster is created and
run as the ``postgres`` system user (or ``lga-pg``, created with ``useradd`` when neither
exists). Durability is switched off (``fsync=off``): the cluster is thrown away.

``PgCluster.database()`` hands out fresh, empty databases (one per test).

    python -m evals.bench.pg_server      # start one, print its URL, stop it on Ctrl-C
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

PG_BIN_DIRS = ("/usr/lib/postgresql/15/bin", "/usr/local/bin", "/usr/bin")
SERVICE_USERS = ("postgres", "lga-pg")


class PostgresMissing(RuntimeError):
    """The PostgreSQL server is not installed on this machine."""


def pg_bin(name: str) -> str | None:
    """Path of a PostgreSQL server binary (``initdb``, ``pg_ctl``), or None if not installed."""
    for folder in PG_BIN_DIRS:
        path = Path(folder) / name
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
    return shutil.which(name)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _service_user() -> str | None:
    """The non-root user to run postgres as (None when we are not root)."""
    if os.geteuid() != 0:
        return None
    for name in SERVICE_USERS:
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "lga-pg"],
        check=True,
        capture_output=True,
    )
    return "lga-pg"


@dataclass
class PgCluster:
    folder: Path
    port: int
    user: str | None

    @property
    def host(self) -> str:
        return "127.0.0.1"

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://lga@{self.host}:{self.port}/{dbname}"

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        cmd = list(args)
        if self.user is not None:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        return subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, check=False, cwd=self.folder
        )

    def database(self) -> str:
        """Create a fresh empty database; returns its URL."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop(self, url: str) -> None:
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_cluster(folder: Path | None = None) -> PgCluster:
    """initdb + pg_ctl start, in a new temp dir (or in ``folder``, reusing a cluster already
    initialised there: benchmarks keep their loaded data between runs). Raises
    ``PostgresMissing`` when PostgreSQL is not installed."""
    initdb, pg_ctl = pg_bin("initdb"), pg_bin("pg_ctl")
    if initdb is None or pg_ctl is None:
        raise PostgresMissing(
            "PostgreSQL server binaries (initdb, pg_ctl) are not installed: "
            "apt-get install postgresql (Debian), or run `make test`, which installs it."
        )
    user = _service_user()
    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix="lga-pg-"))
    folder.mkdir(parents=True, exist_ok=True)
    if user is not None:
        shutil.chown(folder, user=user)
    cluster = PgCluster(folder=folder, port=_free_port(), user=user)
    data = folder / "data"
    if not (data / "PG_VERSION").exists():
        done = cluster._run(
            initdb,
            "-D",
            str(data),
            "-U",
            "lga",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        if done.returncode != 0:
            shutil.rmtree(folder, ignore_errors=True)
            raise RuntimeError(f"initdb failed:\n{done.stdout}\n{done.stderr}")
    options = (
        f"-p {cluster.port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    started = cluster._run(
        pg_ctl, "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start"
    )
    if started.returncode != 0:
        log = (folder / "log").read_text() if (folder / "log").exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"pg_ctl start failed:\n{started.stderr}\n{log[-3000:]}")
    deadline = time.monotonic() + 30
    while True:
        try:
            import psycopg

            psycopg.connect(cluster.url(), connect_timeout=2).close()
            break
        except Exception:  # noqa: BLE001 - retried until the deadline
            if time.monotonic() > deadline:
                stop_cluster(cluster)
                raise
            time.sleep(0.2)
    return cluster


def stop_cluster(cluster: PgCluster, *, remove: bool = True) -> None:
    """Stop the cluster; ``remove`` deletes its folder (and every database in it)."""
    pg_ctl = pg_bin("pg_ctl")
    if pg_ctl is not None:
        mode = "immediate" if remove else "fast"
        cluster._run(pg_ctl, "-D", str(cluster.folder / "data"), "-m", mode, "stop")
    if remove:
        shutil.rmtree(cluster.folder, ignore_errors=True)


if __name__ == "__main__":
    running = start_cluster()
    print(running.url(), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        stop_cluster(running)
