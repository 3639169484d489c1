"""The request log: one JSON line per request on stdout, saying what was asked and how it went,
never what it carried (tokens, family text, passwords, cookies)."""

from __future__ import annotations

import json
import re

import pytest
from flask import request

from journeymap import request_log
from journeymap.auth.access import PUBLIC, requires
from journeymap.domain.history import Actor
from journeymap.domain.members import create_invitation
from journeymap.extensions import db
from journeymap.models import JourneyMap, User
from tests.apps import TEST_SETTINGS, make_app
from tests.routes.conftest import FACILITATOR, post_change, user_id

FAMILY_TEXT = "Zebediah Quarrington-Vost"  # typed about a family: must never reach the log
PASSWORD = "a passphrase nobody logs"


@pytest.fixture
def log_lines(capsys):
    """JSON logs; returns a function giving the lines written since the last call, parsed."""
    request_log.configure_logging("json")
    capsys.readouterr()

    def lines() -> tuple[str, list[dict]]:
        out = capsys.readouterr().out
        return out, [json.loads(line) for line in out.splitlines() if line.startswith("{")]

    return lines


def request_lines(entries: list[dict]) -> list[dict]:
    return [entry for entry in entries if entry["logger"] == "journeymap.request"]


def test_a_request_line_says_rule_map_user_status_and_time(client, small, log_lines):
    response = client.get(f"/maps/{small.id}?q={FAMILY_TEXT}")
    _, entries = log_lines()
    (line,) = request_lines(entries)
    assert set(line) == {"time", "level", "logger", "message", "request_id", *request_log.REQUEST_FIELDS}
    assert line | {"time": None, "duration_ms": None, "request_id": None} == {
        "time": None, "level": "info", "logger": "journeymap.request", "request_id": None,
        "message": f"GET /maps/<int:map_id> 200 {line['duration_ms']} ms",
        "method": "GET", "rule": "/maps/<int:map_id>", "map_id": small.id,
        "user_id": user_id(FACILITATOR), "status": 200, "duration_ms": None,
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"])
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert re.fullmatch(r"[0-9a-f]{16}", line["request_id"])
    assert response.headers["X-Request-Id"] == line["request_id"]


def test_a_url_no_route_matches_is_logged_without_its_path(anonymous, log_lines):
    anonymous.get("/no-such-page/secret-looking-token")
    out, entries = log_lines()
    (line,) = request_lines(entries)
    assert (line["rule"], line["status"], line["map_id"], line["user_id"]) == (None, 404, None, None)
    assert "secret-looking-token" not in out


@pytest.mark.parametrize(("incoming", "kept"), [
    ("lb-7f3a.2_X", True),
    ("a" * 64, True),
    ("a" * 65, False),
    ("", False),
    ("has space", False),
    ('quote"and{brace}', False),
])
def test_an_incoming_request_id_is_kept_when_it_is_plain(anonymous, log_lines, incoming, kept):
    response = anonymous.get("/sign-in", headers={"X-Request-Id": incoming})
    _, entries = log_lines()
    (line,) = request_lines(entries)
    assert response.headers["X-Request-Id"] == line["request_id"]
    if kept:
        assert line["request_id"] == incoming
    else:
        assert re.fullmatch(r"[0-9a-f]{16}", line["request_id"])


def test_no_token_family_text_password_or_cookie_reaches_the_log(app, client, anonymous, small, log_lines):
    invitation = create_invitation(db.session.get(JourneyMap, small.id), "viewer", hours=8, max_uses=None,
                                   actor=Actor.person(db.session.get(User, user_id(FACILITATOR))))
    db.session.commit()
    code = invitation.code
    joined = anonymous.post(f"/join/{code}?note={FAMILY_TEXT}", data={
        "display_name": FAMILY_TEXT, "email": "zeb@example.org", "password": PASSWORD})
    assert joined.status_code == 200  # the sign-in page: joining waits until they sign in
    edited = post_change(client, f"/maps/{small.id}/family/edit?search={FAMILY_TEXT}", {
        "pseudonym": FAMILY_TEXT, "situation": f"{FAMILY_TEXT} lost power.", "hopes": "Heat."})
    assert edited.status_code in (200, 303)
    cookies = [cookie.value for c in (client, anonymous) for cookie in c._cookies.values()]
    out, entries = log_lines()
    assert [(line["rule"], line["status"]) for line in request_lines(entries)] == [
        ("/join/<code>", 200), ("/maps/<int:map_id>/family/edit", edited.status_code)]
    for secret in (code, FAMILY_TEXT, "Zebediah", PASSWORD, "zeb@example.org", *cookies):
        assert secret not in out
    assert db.session.scalar(db.select(JourneyMap.pseudonym).where(JourneyMap.id == small.id)) == FAMILY_TEXT


@pytest.fixture
def failing_app(tmp_path):
    """An app with a page that fails on what it was sent, answering 500 as in production."""
    app = make_app(tmp_path / "instance", {
        **TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": "sqlite://", "PROPAGATE_EXCEPTIONS": False,
        "LOG_FORMAT": "json",
    })

    @app.get("/boom/<token>")
    @requires(PUBLIC)
    def boom(token):
        try:
            return str(int(request.args["days"]))
        except ValueError as exc:
            raise LookupError(f"no such days for {token}") from exc

    return app


def test_an_error_is_a_json_line_with_its_request_id_type_and_frames_not_its_message(failing_app, capsys):
    capsys.readouterr()
    response = failing_app.test_client().get(f"/boom/TOKEN123?days={FAMILY_TEXT}")
    assert response.status_code == 500
    out = capsys.readouterr().out
    error, line = (json.loads(text) for text in out.splitlines())
    assert error["level"] == "error" and error["logger"] == "journeymap"
    assert error["message"] == "unhandled exception in GET /boom/<token>"
    assert error["exception"] == "LookupError"
    assert error["request_id"] == line["request_id"] == response.headers["X-Request-Id"]
    trace = error["traceback"]
    assert 'return str(int(request.args["days"]))' in trace  # the frames: where it failed
    assert trace.index("\nValueError") < trace.index("The above led to:") < trace.index("\nLookupError")
    assert (line["rule"], line["status"]) == ("/boom/<token>", 500)
    for secret in ("TOKEN123", FAMILY_TEXT, "Zebediah", "invalid literal"):
        assert secret not in out


def test_development_logs_readable_lines_as_private(tmp_path, capsys):
    app = make_app(tmp_path / "instance", {
        **TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": "sqlite://", "ENVIRONMENT": "development",
    })
    capsys.readouterr()
    response = app.test_client().get(f"/sign-in?next=/join/TOKEN123&q={FAMILY_TEXT}")
    # This request's line: the live-update hub's thread, left over from an earlier test's app whose
    # PostgreSQL database is gone, may log meanwhile in the same process.
    (line,) = [out for out in capsys.readouterr().out.splitlines() if "journeymap.request" in out]
    assert re.fullmatch(
        r"\S+ \S+ INFO journeymap.request: GET /sign-in 200 [\d.]+ ms \(request [0-9a-f]{16}\)", line
    ), line
    assert response.headers["X-Request-Id"] in line


@pytest.mark.parametrize(("settings", "chosen"), [
    ({"ENVIRONMENT": "production"}, "json"),
    ({"ENVIRONMENT": "development"}, "text"),
    ({"ENVIRONMENT": "development", "LOG_FORMAT": "json"}, "json"),
    ({"ENVIRONMENT": "production", "LOG_FORMAT": "text"}, "text"),
])
def test_the_log_format_follows_the_environment_unless_told(settings, chosen):
    assert request_log.chosen_format(settings) == chosen


def test_an_unknown_log_format_is_refused():
    with pytest.raises(ValueError, match="JOURNEYMAP_LOG_FORMAT must be one of json, text, not 'xml'"):
        request_log.chosen_format({"ENVIRONMENT": "production", "LOG_FORMAT": "xml"})


def test_readable_lines_keep_an_errors_frames_but_not_its_message():
    try:
        int(FAMILY_TEXT)
    except ValueError as exc:
        failure = (ValueError, exc, exc.__traceback__)
    record = request_log.logging.LogRecord("journeymap", 40, __file__, 1, "failed", None, failure)
    text = request_log.TextFormatter().format(record)
    assert "failed\nTraceback (most recent call last):" in text and "int(FAMILY_TEXT)" in text
    assert text.endswith("\nValueError") and "Zebediah" not in text
