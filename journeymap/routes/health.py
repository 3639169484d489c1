"""Probes for a container's health check and a load balancer.

/healthz: the process answers (no database, nothing else). /readyz: this server can do its work:
the database answers, its tables are at the code's migration, and Graphviz runs. Both are public,
so they say only which check failed, never a version, a revision, an error's text or any data.
"""

from __future__ import annotations

import functools
import subprocess
import threading
import time

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, make_response
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from journeymap import MIGRATIONS
from journeymap.auth.access import PUBLIC, requires
from journeymap.extensions import db

bp = Blueprint("health", __name__)

# A load balancer may ask every second, per worker: `dot -V` is run at most this often per process,
# and its answer reused meanwhile (forking dot takes about 10 ms of a core).
DOT_CHECK_SECONDS = 10.0
# `dot -V` answers at once; one that has not answered by then will not draw a map either.
DOT_CHECK_TIMEOUT = 5.0


@bp.get("/healthz")
@requires(PUBLIC)
def healthz():
    return _plain("ok", 200)


@bp.get("/readyz")
@requires(PUBLIC)
def readyz():
    failed = failed_checks()
    if failed:
        return _plain("not ready: " + ", ".join(failed), 503)
    return _plain("ready", 200)


def _plain(body: str, status: int):
    response = make_response(body + "\n", status)
    response.mimetype = "text/plain"
    response.cache_control.no_store = True  # a cached "ready" would hide an outage
    return response


def failed_checks() -> list[str]:
    """The names of the checks that failed: "database", "migrations", "graphviz"."""
    failed = []
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = set(MigrationContext.configure(connection).get_current_heads())
        if current != code_heads():
            failed.append("migrations")
    except SQLAlchemyError as exc:
        # The type only: the message can name the server, the user and the statement.
        current_app.logger.warning("readyz: the database did not answer (%s)", type(exc).__name__)
        failed.append("database")
    if not dot_runs(current_app.config["DOT_BINARY"]):
        failed.append("graphviz")
    return failed


@functools.cache
def code_heads() -> frozenset[str]:
    """The migration the code expects the database to be at (read once: it changes with the code)."""
    return frozenset(ScriptDirectory(str(MIGRATIONS)).get_heads())


_dot_checked: dict[str, tuple[float, bool]] = {}  # binary -> (when, whether it ran)
_dot_lock = threading.Lock()  # one `dot -V` at a time; other probes wait for its answer


def dot_runs(binary: str) -> bool:
    with _dot_lock:
        checked = _dot_checked.get(binary)
        if checked is None or time.monotonic() - checked[0] > DOT_CHECK_SECONDS:
            checked = (time.monotonic(), _dot_answers(binary))
            _dot_checked[binary] = checked
    return checked[1]


def _dot_answers(binary: str) -> bool:
    try:
        done = subprocess.run([binary, "-V"], capture_output=True, timeout=DOT_CHECK_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def forget_dot_check() -> None:
    """For tests: the next probe runs `dot -V` again."""
    with _dot_lock:
        _dot_checked.clear()
