"""How the tests make an app: their own secret key and an instance folder of their own.

journeymap.config keeps the SQLite file and a generated secret key in the app's instance folder,
which Flask puts at <repository>/instance. A test run must leave that folder alone (it may be a
developer's real database and key), so every app the tests create gets an instance folder under
pytest's temporary directories. create_app takes no instance path, so the folder Flask would find
for itself is redirected while the app is made; `test_instance_untouched.py` checks that the session
wrote nothing under <repository>/instance.

No pytest here: the workshop's gunicorn workers import this module to make their app.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from flask import Flask

from journeymap import ROOT, create_app

REPOSITORY_INSTANCE = ROOT / "instance"

# argon2id still, but cheap: the suite hashes hundreds of passwords.
FAST_HASHING = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}

# What every app in the unit and route tests runs with; a test's own settings go on top.
TEST_SETTINGS = {
    "TESTING": True,
    "SECRET_KEY": "test-secret",
    "WTF_CSRF_ENABLED": False,
    "DOT_TIMEOUT": 20.0,
    "PASSWORD_HASH_PARAMS": FAST_HASHING,
    # Streams answer their first events and end: the test client reads a response to its end, and
    # the in-memory database has one connection, which the hub's thread must not share.
    "LIVE_STREAM_MAX_SECONDS": 0.0,
    "LIVE_HUB": False,
}


@contextmanager
def instance_folder(path: str | os.PathLike) -> Iterator[None]:
    """Apps created inside this block keep their instance folder at `path`."""
    with mock.patch.object(Flask, "auto_find_instance_path", lambda self: str(path)):
        yield


def make_app(instance: str | os.PathLike, settings: dict | None = None) -> Flask:
    """create_app with `settings` (a SECRET_KEY among them), its instance folder at `instance`."""
    settings = settings or {}
    assert settings.get("SECRET_KEY"), "a test app brings its own SECRET_KEY"
    with instance_folder(instance):
        app = create_app(settings)
    assert Path(app.instance_path) == Path(instance), app.instance_path
    _made.add(app)
    return app


_made: weakref.WeakSet[Flask] = weakref.WeakSet()


def stop_live_updates(database_url: str) -> None:
    """Stop the live-update hub of every app made here on `database_url`, before it is dropped."""
    for app in list(_made):
        hub = app.extensions.get("journeymap_hub")
        if hub is not None and app.config.get("SQLALCHEMY_DATABASE_URI") == database_url:
            hub.stop()


def files_under(folder: Path) -> set[str]:
    """Every path below `folder` (the folder itself too, when it exists), relative to its parent."""
    if not folder.exists():
        return set()
    return {str(folder.relative_to(folder.parent))} | {
        str(path.relative_to(folder.parent)) for path in folder.rglob("*")
    }
