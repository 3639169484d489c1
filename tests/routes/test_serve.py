"""The app as the container image starts it: `python -m journeymap.serve` with production settings
from the environment, on a fresh PostgreSQL database, then stopped as Docker stops it (SIGTERM)."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from journeymap import ROOT
from journeymap.samples.demo import PSEUDONYM
from journeymap.serve import gunicorn_command
from tests.databases import POSTGRES_URL

SECRET_KEY = "serve-test-" + "s" * 40
START_SECONDS = 60  # migrations, the demo and two workers importing the app, on a loaded machine


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def postgres_url():
    """A fresh, empty PostgreSQL database (nothing migrated), dropped afterwards."""
    psycopg = pytest.importorskip("psycopg")
    server = make_url(POSTGRES_URL)
    admin_dsn = server.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        admin = psycopg.connect(admin_dsn, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable at {server.host}:{server.port}: {exc}")
    name = f"journeymap_serve_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        # Written as hosting platforms write it: no driver named (config.database_url adds it).
        yield server.set(drivername="postgresql", database=name).render_as_string(hide_password=False)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


class Server:
    """`python -m journeymap.serve` in a process of its own; its stdout and stderr go to files."""

    def __init__(self, tmp_path: Path, **settings: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.instance = tmp_path / "instance"
        self.stdout_path, self.stderr_path = tmp_path / "stdout.log", tmp_path / "stderr.log"
        # Only what a container is given: no test settings, nothing of the developer's own.
        environ = {name: value for name, value in os.environ.items()
                   if not name.startswith(("JOURNEYMAP_", "FLASK_", "DATABASE_URL", "WEB_CONCURRENCY"))}
        environ |= {"JOURNEYMAP_ENV": "production", "JOURNEYMAP_SECRET_KEY": SECRET_KEY,
                    "JOURNEYMAP_INSTANCE_PATH": str(self.instance), "PORT": str(self.port),
                    "WEB_CONCURRENCY": "2", "THREADS": "2", **settings}
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.process = subprocess.Popen([sys.executable, "-m", "journeymap.serve"], cwd=ROOT,
                                            env=environ, stdout=out, stderr=err)

    def output(self) -> tuple[str, str]:
        return self.stdout_path.read_text(), self.stderr_path.read_text()

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.base + path, timeout=10) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as answer:
            return answer.code, answer.read().decode()

    def wait_until_answering(self, path: str, status: int) -> str:
        """Poll `path` until it answers `status` (the workers may still be importing the app)."""
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                answer = self.get(path)
                if answer[0] == status:
                    return answer[1]
            except OSError:
                answer = None
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                output = "\n".join(self.output())[-3000:]
                pytest.fail(f"{path} never answered {status} (last: {answer}):\n{output}")
            time.sleep(0.1)

    def stop(self) -> int:
        """As `docker stop` does: SIGTERM, then gunicorn finishes what it has and exits."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise


class Browser:
    """Cookies, and the CSRF token each form carries, as a browser keeps them."""

    def __init__(self, base: str):
        self.base = base
        cookies = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        self.opener = urllib.request.build_opener(cookies)

    def open(self, path: str, form: dict | None = None) -> tuple[int, str]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        with self.opener.open(self.base + path, data=data, timeout=30) as answer:
            return answer.status, answer.read().decode()

    def sign_in(self, email: str, password: str) -> str:
        _, page = self.open("/sign-in")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        _, landing = self.open("/sign-in", {"csrf_token": token, "email": email, "password": password})
        return landing


def demo_password(instance: Path) -> str:
    return re.search(r"password\s+(\S+)", (instance / "demo-accounts.txt").read_text()).group(1)


def test_the_image_command_serves_the_demo_on_postgresql_and_stops_cleanly(tmp_path, postgres_url):
    server = Server(tmp_path, DATABASE_URL=postgres_url, JOURNEYMAP_LOAD_DEMO="1")
    try:
        assert server.wait_until_answering("/readyz", 200) == "ready\n"
        assert server.get("/healthz") == (200, "ok\n")
        password = demo_password(server.instance)
        browser = Browser(server.base)
        landing = browser.sign_in("facilitator@demo.example.org", password)
        assert PSEUDONYM in landing  # the list of their maps
        status, page = browser.open("/maps/1")
        assert status == 200 and PSEUDONYM in page
    finally:
        exit_code = server.stop()
    assert exit_code == 0
    stdout, stderr = server.output()
    entries = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    requests = [entry for entry in entries if entry["logger"] == "journeymap.request"]
    overview = [entry for entry in requests if entry["rule"] == "/maps/<int:map_id>"]
    assert len(overview) == 1 and overview[0]["map_id"] == 1 and overview[0]["status"] == 200
    assert isinstance(overview[0]["user_id"], int)
    # Every request but the probes' (/readyz, /healthz), which are logged at debug level only.
    assert {entry["rule"] for entry in requests} == {"/sign-in", "/", "/maps/<int:map_id>"}
    assert password not in stdout.replace(f"password     {password}", "")  # only the demo's own notice
    assert password not in stderr
    assert "Shutting down: Master" in stderr


def test_the_image_command_on_a_new_sqlite_database_is_not_ready_without_dot(tmp_path):
    """The embedded default (SQLite in the instance folder), migrated by the start command; dot
    missing: the process answers, and is not ready, saying only why."""
    server = Server(tmp_path, JOURNEYMAP_DOT=str(tmp_path / "no-dot-here"))
    try:
        assert server.wait_until_answering("/readyz", 503) == "not ready: graphviz\n"
        assert server.get("/healthz") == (200, "ok\n")
    finally:
        assert server.stop() == 0
    assert (server.instance / "journeymap.sqlite3").exists()


def test_the_start_command_refuses_unsafe_settings_before_touching_the_database(tmp_path):
    server = Server(tmp_path, JOURNEYMAP_SECRET_KEY="changeme")
    assert server.process.wait(timeout=60) == 1
    _, stderr = server.output()
    assert "JOURNEYMAP_SECRET_KEY is 8 characters long; it must be at least 32" in stderr
    assert not (server.instance / "journeymap.sqlite3").exists()


def test_the_gunicorn_command_takes_its_numbers_from_the_environment():
    command = gunicorn_command({"WEB_CONCURRENCY": "5", "THREADS": "3", "PORT": "9000"}, (27, 0))
    assert command[command.index("--workers") + 1] == "5"
    assert command[command.index("--threads") + 1] == "3"
    assert command[command.index("--bind") + 1] == "0.0.0.0:9000"
    assert command[command.index("--worker-class") + 1] == "gthread"
    assert command[-1] == "journeymap:create_app()"
    assert "--no-control-socket" in command
    assert not any(arg.startswith("--access-log") for arg in command)  # URLs hold tokens
    defaults = gunicorn_command({}, (23, 0))
    assert defaults[defaults.index("--bind") + 1] == "0.0.0.0:8000"
    assert "--no-control-socket" not in defaults  # gunicorn 23 has no such option


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5"])
def test_a_bad_number_of_workers_is_refused_by_name(value):
    refused = f"WEB_CONCURRENCY must be a whole number of at least 1, not '{value}'"
    with pytest.raises(SystemExit, match=re.escape(refused)):
        gunicorn_command({"WEB_CONCURRENCY": value}, (27, 0))
