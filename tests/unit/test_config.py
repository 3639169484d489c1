"""The secret key: production is given one or refuses to start; development makes its own."""

from __future__ import annotations

import pytest

from journeymap import create_app
from journeymap.config import MissingSecretKey, load_config
from tests.apps import instance_folder


@pytest.fixture
def environment(monkeypatch):
    """No JOURNEYMAP_SECRET_KEY or JOURNEYMAP_ENV from the machine running the tests."""
    monkeypatch.delenv("JOURNEYMAP_SECRET_KEY", raising=False)
    monkeypatch.delenv("JOURNEYMAP_ENV", raising=False)
    return monkeypatch


def test_production_without_a_key_refuses_to_start(environment, tmp_path):
    with pytest.raises(MissingSecretKey, match="JOURNEYMAP_SECRET_KEY is not set"), \
            instance_folder(tmp_path / "instance"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    environment.setenv("JOURNEYMAP_ENV", "production")  # said out loud: the same
    with pytest.raises(MissingSecretKey, match="JOURNEYMAP_SECRET_KEY"):
        load_config(tmp_path)
    assert not (tmp_path / "secret_key").exists()


def test_production_with_a_key_starts(environment, tmp_path):
    environment.setenv("JOURNEYMAP_SECRET_KEY", "from-the-environment-and-long-enough-to-sign")
    with instance_folder(tmp_path / "instance"):
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    assert app.config["SECRET_KEY"] == "from-the-environment-and-long-enough-to-sign"
    assert app.config["ENVIRONMENT"] == "production"


def test_a_key_given_by_a_test_needs_nothing_else_and_writes_nothing(environment, tmp_path):
    config = load_config(tmp_path, {"SECRET_KEY": "test-secret"})
    assert config["SECRET_KEY"] == "test-secret"
    assert not (tmp_path / "secret_key").exists()


def test_development_generates_a_key_once_into_instance(environment, tmp_path):
    environment.setenv("JOURNEYMAP_ENV", "development")
    first = load_config(tmp_path)["SECRET_KEY"]
    key_file = tmp_path / "secret_key"
    assert len(first) == 64 and key_file.read_text() == first
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert load_config(tmp_path)["SECRET_KEY"] == first  # kept: sessions survive a restart


def test_development_uses_a_key_it_is_given(environment, tmp_path):
    environment.setenv("JOURNEYMAP_ENV", "development")
    environment.setenv("JOURNEYMAP_SECRET_KEY", "given")
    assert load_config(tmp_path)["SECRET_KEY"] == "given"
    assert not (tmp_path / "secret_key").exists()


def test_an_unknown_environment_is_refused(environment, tmp_path):
    environment.setenv("JOURNEYMAP_ENV", "prod")
    environment.setenv("JOURNEYMAP_SECRET_KEY", "given")
    with pytest.raises(ValueError, match="JOURNEYMAP_ENV must be one of production, development"):
        load_config(tmp_path)
