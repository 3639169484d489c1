"""The server under test, for bench_workshop.py: started as scripts/run starts it, on a fresh
database, and the CPU time its processes used.

scripts/run: `flask db upgrade`, `flask demo --if-empty` (the sample map and its accounts), then
`gunicorn --workers 3 --threads 4 wsgi:app` (more than one thread makes gunicorn use its gthread
worker, the class journeymap/serve.py names), in development mode with a key kept in instance/.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_URL = os.environ.get("JOURNEYMAP_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
WORKERS = int(os.environ.get("WORKERS", "2"))  # scripts/run's default
THREADS = int(os.environ.get("THREADS", "100"))  # scripts/run's --threads: a thread per open stream
TICKS = os.sysconf("SC_CLK_TCK")


@contextmanager
def fresh_database(kind: str, folder: Path):
    """The DATABASE_URL of a new, empty database, dropped afterwards (a SQLite file in `folder`)."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'journeymap.sqlite3'}"
        return
    import psycopg  # as tests/databases.py: a database of our own on the test server, dropped WITH (FORCE)
    from sqlalchemy.engine import make_url

    url = make_url(POSTGRES_URL)
    name = f"journeymap_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False),
                         autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')  # server defaults: commits wait for the disk
        try:
            yield url.set(database=name).render_as_string(hide_password=False)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served(database_url: str, instance: Path):
    """(port, demo password, gunicorn process) of a server on `database_url`, as scripts/run serves."""
    env = {**os.environ, "DATABASE_URL": database_url, "JOURNEYMAP_ENV": "development",
           "JOURNEYMAP_INSTANCE_PATH": str(instance)}
    flask = [str(ROOT / ".venv/bin/flask"), "--app", "journeymap"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    demo = subprocess.run([*flask, "demo", "--if-empty"], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True).stdout
    password = re.search(r"password\s+(\S+)", demo).group(1)
    port = _free_port()
    with open(instance / "gunicorn.log", "w") as log:
        server = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "--workers", str(WORKERS), "--threads", str(THREADS),
             "--worker-class", "gthread", "--graceful-timeout", "5",
             "--bind", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_for(port, server)
            yield port, password, server
        finally:
            server.terminate()
            server.wait(timeout=30)


def _wait_for(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn exited; see gunicorn.log in the instance folder")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit("gunicorn did not start listening within 60 s")


def cpu_seconds(master_pid: int) -> float:
    """User + system CPU of gunicorn's master and its live workers, plus workers that have exited
    (the master's children's time, once it has waited for them)."""
    total = _stat_cpu(master_pid, with_children=True)
    for pid in _children(master_pid):
        total += _stat_cpu(pid, with_children=False)
    return total


def _stat_cpu(pid: int, *, with_children: bool) -> float:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return 0.0
    fields = text.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    utime, stime, cutime, cstime = (int(v) for v in fields[11:15])  # fields 14-17 of proc(5)
    return (utime + stime + (cutime + cstime if with_children else 0)) / TICKS


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(child) for child in task.read_text().split()]
    return found
