"""Production refuses to start on unsafe settings, and says which setting is wrong."""

from __future__ import annotations

import pytest

from journeymap import create_app
from journeymap.config import database_url, load_config
from journeymap.settings_check import (
    UnsafeProductionSettings,
    production_problems,
    refuse_unsafe_production,
    sqlite_network_location,
)
from tests.apps import instance_folder

LONG_KEY = "k" * 32
LOCAL_MOUNTS = "/dev/vda1 / ext4 rw,relatime 0 0\nproc /proc proc rw 0 0\n"
SHARE_MOUNTS = LOCAL_MOUNTS + (
    "fileserver:/export /srv/share nfs4 rw,relatime,vers=4.2 0 0\n"
    "/dev/vdb1 /srv/share/local ext4 rw 0 0\n"
    "//nas/family\\040files /mnt/family\\040files cifs rw 0 0\n"
    "user@host:/data /home/app/remote fuse.sshfs rw 0 0\n"
)


def settings(**changes) -> dict:
    """Safe production settings, then `changes`."""
    return {"ENVIRONMENT": "production", "SECRET_KEY": LONG_KEY,
            "SQLALCHEMY_DATABASE_URI": "sqlite:////var/lib/journeymap/journeymap.sqlite3", **changes}


def test_safe_settings_have_no_problems():
    assert production_problems(settings(), debug=False, mounts=LOCAL_MOUNTS) == []


@pytest.mark.parametrize("key", ["", "short", "k" * 31])
def test_a_short_secret_key_is_refused(key):
    (problem,) = production_problems(settings(SECRET_KEY=key), debug=False, mounts=LOCAL_MOUNTS)
    assert problem.startswith(f"JOURNEYMAP_SECRET_KEY is {len(key)} characters long; it must be at least 32")


def test_debug_is_refused_from_flask_debug_or_the_config():
    for problems in (production_problems(settings(), debug=True, mounts=LOCAL_MOUNTS),
                     production_problems(settings(DEBUG=True), debug=False, mounts=LOCAL_MOUNTS)):
        assert len(problems) == 1 and problems[0].startswith("FLASK_DEBUG is on")


@pytest.mark.parametrize(("url", "where"), [
    ("sqlite://///fileserver/share/journeymap.sqlite3", "a network path (//server/share)"),
    ("sqlite:///\\\\fileserver\\share\\journeymap.sqlite3", "a network path (//server/share)"),
    ("sqlite:////srv/share/journeymap.sqlite3", "a nfs4 filesystem mounted at /srv/share"),
    ("sqlite:////srv/share/deep/down/j.sqlite3", "a nfs4 filesystem mounted at /srv/share"),
    ("sqlite:////mnt/family files/j.sqlite3", "a cifs filesystem mounted at /mnt/family files"),
    ("sqlite:////home/app/remote/j.sqlite3", "a fuse.sshfs filesystem mounted at /home/app/remote"),
    ("sqlite:///file:/srv/share/j.sqlite3?mode=rwc&uri=true", "a nfs4 filesystem mounted at /srv/share"),
])
def test_sqlite_on_a_network_share_is_refused(url, where):
    assert sqlite_network_location(url, SHARE_MOUNTS) == where
    (problem,) = production_problems(settings(SQLALCHEMY_DATABASE_URI=url), debug=False, mounts=SHARE_MOUNTS)
    assert problem.startswith(f"DATABASE_URL puts the SQLite file on {where}")


@pytest.mark.parametrize("url", [
    "sqlite:////srv/share/local/journeymap.sqlite3",  # a local disk mounted inside the share
    "sqlite:////srv/shared.sqlite3",  # a sibling whose name starts the same
    "sqlite:////var/lib/journeymap/journeymap.sqlite3",
    "sqlite://",
    "sqlite:///:memory:",
    "postgresql+psycopg://journeymap@db:5432/journeymap",
])
def test_local_in_memory_and_server_databases_pass(url):
    assert sqlite_network_location(url, SHARE_MOUNTS) is None


def test_a_relative_sqlite_path_is_judged_where_the_server_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    mounts = LOCAL_MOUNTS + f"server:/x {tmp_path} nfs rw 0 0\n"
    where = sqlite_network_location("sqlite:///journeymap.sqlite3", mounts)
    assert where == f"a nfs filesystem mounted at {tmp_path}"


def test_every_problem_is_named_at_once():
    with pytest.raises(UnsafeProductionSettings) as refused:
        refuse_unsafe_production(
            settings(SECRET_KEY="short", SQLALCHEMY_DATABASE_URI="sqlite:////srv/share/j.sqlite3"),
            debug=True, mounts=SHARE_MOUNTS,
        )
    message = str(refused.value)
    assert message.startswith("refusing to start in production (JOURNEYMAP_ENV=production)")
    for setting in ("JOURNEYMAP_SECRET_KEY", "FLASK_DEBUG", "DATABASE_URL"):
        assert f"\n- {setting}" in message


def test_development_and_test_apps_are_not_held_to_it():
    unsafe = {"SECRET_KEY": "short", "SQLALCHEMY_DATABASE_URI": "sqlite:////srv/share/j.sqlite3"}
    refuse_unsafe_production(settings(ENVIRONMENT="development", **unsafe), debug=True, mounts=SHARE_MOUNTS)
    refuse_unsafe_production(settings(TESTING=True, **unsafe), debug=True, mounts=SHARE_MOUNTS)


@pytest.fixture
def production(monkeypatch):
    for name in ("JOURNEYMAP_ENV", "JOURNEYMAP_SECRET_KEY", "FLASK_DEBUG", "DATABASE_URL",
                 "JOURNEYMAP_LOG_FORMAT", "JOURNEYMAP_INSTANCE_PATH"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_the_app_refuses_flask_debug_in_production(production, tmp_path):
    production.setenv("FLASK_DEBUG", "1")
    production.setenv("JOURNEYMAP_SECRET_KEY", LONG_KEY)
    with pytest.raises(UnsafeProductionSettings, match="FLASK_DEBUG is on"), instance_folder(tmp_path / "i"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}"})


def test_the_app_refuses_a_short_key_from_the_environment(production, tmp_path):
    production.setenv("JOURNEYMAP_SECRET_KEY", "changeme")
    with pytest.raises(UnsafeProductionSettings, match="JOURNEYMAP_SECRET_KEY is 8 characters long"), \
            instance_folder(tmp_path / "i"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}"})


def test_production_hides_statement_parameters_from_database_errors(production, tmp_path):
    production.setenv("JOURNEYMAP_SECRET_KEY", LONG_KEY)
    assert load_config(tmp_path)["SQLALCHEMY_ENGINE_OPTIONS"]["hide_parameters"] is True
    production.setenv("JOURNEYMAP_ENV", "development")
    assert "hide_parameters" not in load_config(tmp_path)["SQLALCHEMY_ENGINE_OPTIONS"]


@pytest.mark.parametrize(("given", "used"), [
    ("postgres://u:p@db/jm", "postgresql+psycopg://u:p@db/jm"),
    ("postgresql://u:p@db/jm", "postgresql+psycopg://u:p@db/jm"),
    ("postgresql+psycopg://u:p@db/jm", "postgresql+psycopg://u:p@db/jm"),
    ("sqlite:////data/jm.sqlite3", "sqlite:////data/jm.sqlite3"),
    (None, None),
])
def test_a_postgres_url_without_a_driver_gets_the_installed_one(given, used):
    assert database_url(given) == used


def test_the_instance_path_from_the_environment_must_be_absolute(production, tmp_path):
    production.setenv("JOURNEYMAP_SECRET_KEY", LONG_KEY)
    production.setenv("JOURNEYMAP_INSTANCE_PATH", "relative/instance")
    with pytest.raises(ValueError, match="JOURNEYMAP_INSTANCE_PATH must be an absolute path"):
        create_app()
    production.setenv("JOURNEYMAP_INSTANCE_PATH", str(tmp_path / "elsewhere"))
    app = create_app()
    assert app.instance_path == str(tmp_path / "elsewhere")
    database = tmp_path / "elsewhere" / "journeymap.sqlite3"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{database}"


def test_a_database_error_in_production_does_not_carry_what_was_written(production, tmp_path):
    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    from journeymap.extensions import db
    from journeymap.models import User

    production.setenv("JOURNEYMAP_SECRET_KEY", LONG_KEY)
    with instance_folder(tmp_path / "i"):
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    row = {"email": "zeb@example.org", "display_name": "Zebediah Quarrington-Vost", "password_hash": "x"}
    with app.app_context():
        db.create_all()
        db.session.execute(insert(User).values(**row))
        with pytest.raises(IntegrityError) as failed:
            db.session.execute(insert(User).values(**row))
        db.session.rollback()
        db.engine.dispose()
    assert "SQL parameters hidden" in str(failed.value)
    assert "zeb@example.org" not in str(failed.value) and "Zebediah" not in str(failed.value)
