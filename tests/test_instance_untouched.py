"""The tests leave <repository>/instance alone: it holds a developer's database and secret key, and
journeymap.config writes a new key there for any app made without JOURNEYMAP_SECRET_KEY set.
Every app the tests make has its own key and an instance folder under pytest's tmp dirs
(tests.apps.make_app); the last test of the session checks that nothing new appeared there."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.apps import REPOSITORY_INSTANCE, files_under, make_app
from tests.conftest import INSTANCE_BEFORE


def test_a_test_app_keeps_its_instance_folder_under_tmp(tmp_path):
    before = files_under(REPOSITORY_INSTANCE)
    key = "its own key, as long as production wants"
    app = make_app(tmp_path / "instance", {"SECRET_KEY": key, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert Path(app.instance_path) == tmp_path / "instance"
    assert app.config["SECRET_KEY"] == key
    assert files_under(REPOSITORY_INSTANCE) == before


def test_files_under_sees_a_new_file(tmp_path):
    """The check below is only as good as this: a file written below the folder is seen."""
    folder = tmp_path / "instance"
    assert files_under(folder) == set()
    (folder / "deeper").mkdir(parents=True)
    (folder / "deeper" / "secret_key").write_text("x")
    assert files_under(folder) == {"instance", "instance/deeper", "instance/deeper/secret_key"}


# Moved to the end of the session by tests/conftest.py; the browser-marked case runs it after
# `pytest -m browser` too.
@pytest.mark.parametrize("after", [
    pytest.param("the session", id="session"),
    pytest.param("the browser tests", id="browser", marks=pytest.mark.browser),
])
def test_the_session_wrote_nothing_under_the_repositorys_instance_folder(request, after):
    created = sorted(files_under(REPOSITORY_INSTANCE) - request.config.stash[INSTANCE_BEFORE])
    assert created == [], f"{after} wrote under {REPOSITORY_INSTANCE}: {created}"
