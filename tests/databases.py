"""Which database the tests run on, and the PostgreSQL databases they make for themselves.

SQLite unless JOURNEYMAP_TEST_DATABASE=postgresql (scripts/test's second pass sets it). Then the
route and browser tests run on databases made on the server at JOURNEYMAP_TEST_POSTGRES_URL: one
built by `flask db upgrade` per session, so the schema, its constraints and the history's triggers
are the ones a hosted installation has, and copies of it wherever a test needs a database of its
own (CREATE DATABASE ... TEMPLATE: 0.1 s, where the migrations take 0.7 s).

Every database made here is named journeymap_test_<random>, so sessions running at once on one
server never meet, and is dropped WITH (FORCE) when its user is done with it.

No pytest here: scripts/test runs `python -m tests.databases` to learn whether there is a server.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

POSTGRES_URL = os.environ.get(
    "JOURNEYMAP_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
DATABASE = os.environ.get("JOURNEYMAP_TEST_DATABASE", "sqlite")
if DATABASE not in ("sqlite", "postgresql"):
    raise ValueError(f"JOURNEYMAP_TEST_DATABASE must be sqlite or postgresql, not {DATABASE!r}")
ON_POSTGRES = DATABASE == "postgresql"

# Seconds to wait for the server before saying it is not there.
CONNECT_TIMEOUT = 3


class PostgresUnreachable(RuntimeError):
    """No PostgreSQL server at POSTGRES_URL that lets the tests in and make their databases."""


class PostgresServer:
    """The server at `url`, reached through its maintenance connection (autocommit: CREATE and
    DROP DATABASE cannot run inside a transaction)."""

    def __init__(self, url: str = POSTGRES_URL):
        import psycopg  # only the PostgreSQL tests need it installed

        self.url = make_url(url)
        dsn = self.url.set(drivername="postgresql").render_as_string(hide_password=False)
        where = f"PostgreSQL at {self.url.host}:{self.url.port} as {self.url.username}"
        try:
            self._admin = psycopg.connect(dsn, autocommit=True, connect_timeout=CONNECT_TIMEOUT)
        except psycopg.OperationalError as exc:  # no server, or it would not let us in
            raise PostgresUnreachable(f"could not connect to {where}: {exc}") from exc
        may_create = "SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user"
        if not self._admin.execute(may_create).fetchone()[0]:
            self._admin.close()
            raise PostgresUnreachable(f"{where} may not create databases (ALTER ROLE ... CREATEDB)")

    def url_of(self, name: str) -> str:
        """The SQLAlchemy URL of database `name` on this server."""
        return self.url.set(database=name).render_as_string(hide_password=False)

    def create(self, template: str | None = None, *, kind: str = "") -> str:
        """A new database, empty or a copy of `template`; returns its name."""
        name = f"journeymap_test_{uuid.uuid4().hex[:12]}{'_' + kind if kind else ''}"
        copy = f' TEMPLATE "{template}"' if template else ""
        self._admin.execute(f'CREATE DATABASE "{name}"{copy}')
        # A commit need not wait for the disk: what a test wrote need not survive a crash of the
        # server, and the route tests commit thousands of times (3 ms each when they wait).
        self._admin.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
        return name

    def drop(self, name: str) -> None:
        """Gone, even if a connection was left open (a server thread still finishing, say)."""
        self._admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        self._admin.close()

    @contextmanager
    def database(self, template: str | None = None, *, kind: str = "") -> Iterator[str]:
        """A new database for the block (see create); yields its URL and drops it afterwards."""
        name = self.create(template, kind=kind)
        url = self.url_of(name)
        try:
            yield url
        finally:
            from tests.apps import stop_live_updates

            stop_live_updates(url)  # or their hubs keep trying to reach a database that is gone
            self.drop(name)


def upgraded_template(server: PostgresServer, instance: Path) -> str:
    """A database built by `flask db upgrade`, every connection to it closed so that it can be
    copied; returns its name. The caller drops it."""
    from journeymap.extensions import db
    from tests.apps import TEST_SETTINGS, make_app

    name = server.create(kind="template")
    app = make_app(instance, {**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": server.url_of(name)})
    with loggers_kept(), app.app_context():
        result = app.test_cli_runner().invoke(args=["db", "upgrade"])
        db.engine.dispose()  # CREATE DATABASE ... TEMPLATE refuses a template anyone is connected to
    if result.exit_code != 0:
        server.drop(name)
        raise RuntimeError("flask db upgrade failed: " + result.output + repr(result.exception))
    return name


@contextmanager
def loggers_kept() -> Iterator[None]:
    """Alembic's env.py runs logging.config.fileConfig, which disables every existing logger; the
    loggers are put back as they were after the block, so later tests still see their records."""
    loggers = [logging.getLogger()] + [
        lg for lg in logging.Logger.manager.loggerDict.values() if isinstance(lg, logging.Logger)
    ]
    saved = {lg: (lg.disabled, lg.level, list(lg.handlers)) for lg in loggers}
    try:
        yield
    finally:
        for lg, (disabled, level, handlers) in saved.items():
            lg.disabled, lg.level, lg.handlers = disabled, level, handlers


def main() -> int:
    """`python -m tests.databases`: 0 when the PostgreSQL server answers (scripts/test then runs its
    PostgreSQL pass), else 1 and why not, in one line."""
    try:
        PostgresServer().close()
    except ImportError as exc:
        print(f"psycopg is not installed ({exc}).")
        return 1
    except PostgresUnreachable as exc:
        print(" ".join(str(exc).split()))  # psycopg's message spans lines
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
