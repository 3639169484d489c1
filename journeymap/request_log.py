"""Logs on stdout: one line per request, and the app's own messages, as JSON in production.

A request line says what was asked and how it went, never what it carried: the URL *rule*
("/join/<token>"), not the path or query string, which can hold an invitation token or a search
typed about the family; no form data, cookies or headers. Errors keep their traceback's frames
and exception types but not the exceptions' messages, which can quote what was typed
(`int("Smith")` says "Smith"; PostgreSQL's "Key (email)=(...) already exists" names the row).
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
import time
import traceback
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

# An id a proxy in front gave the request, kept so its logs and ours can be joined; anything
# else (too long, or characters a log reader might trip on) is replaced by one of ours.
INCOMING_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
REQUEST_ID_HEADER = "X-Request-Id"
# Probes answer every few seconds for every load balancer: logged only at debug level.
QUIET_ENDPOINTS = frozenset({"health.healthz", "health.readyz"})
# The fields a request line carries, in this order, besides time, level, logger and message.
REQUEST_FIELDS = ("method", "rule", "map_id", "user_id", "status", "duration_ms")
LOG_FORMATS = ("json", "text")

request_logger = logging.getLogger("journeymap.request")


class JourneymapFlask(Flask):
    def log_exception(self, exc_info) -> None:
        """As Flask's, but naming the URL rule: Flask names the path, which may hold a token."""
        rule = request.url_rule.rule if request.url_rule else "(no route)"
        self.logger.error("unhandled exception in %s %s", request.method, rule, exc_info=exc_info)


def init_app(app: Flask) -> None:
    """Log as the settings say, and log every request. Call before any other request hook, so the
    clock starts and the id is set even for a request another hook turns away."""
    log_format = chosen_format(app.config)
    configure_logging(log_format, debug=app.debug)
    app.before_request(_start)
    app.after_request(_log_request)


def chosen_format(config: dict) -> str:
    chosen = config.get("LOG_FORMAT") or ("json" if config["ENVIRONMENT"] == "production" else "text")
    if chosen not in LOG_FORMATS:
        raise ValueError(f"JOURNEYMAP_LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {chosen!r}")
    return chosen


class StdoutHandler(logging.StreamHandler):
    """Writes to whatever sys.stdout is when a line is written (pytest swaps it per test)."""

    @property
    def stream(self):
        return sys.stdout

    @stream.setter
    def stream(self, _value) -> None:
        pass  # always sys.stdout


def configure_logging(log_format: str, *, debug: bool = False) -> None:
    """Put one stdout handler on the "journeymap" logger (Flask's app.logger and ours). The logger
    is the process's, so a second app made in the same process replaces the first one's handler
    rather than adding another (tests make many apps)."""
    logger = logging.getLogger("journeymap")
    for handler in [h for h in logger.handlers if isinstance(h, StdoutHandler)]:
        logger.removeHandler(handler)
    handler = StdoutHandler()
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if debug else logging.INFO)


def _start() -> None:
    g.request_started = time.perf_counter()
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = incoming if INCOMING_REQUEST_ID.fullmatch(incoming) else secrets.token_hex(8)


def _log_request(response):
    request_id = g.get("request_id")
    if request_id:
        response.headers[REQUEST_ID_HEADER] = request_id
    level = logging.DEBUG if request.endpoint in QUIET_ENDPOINTS else logging.INFO
    if not request_logger.isEnabledFor(level):
        return response
    started = g.get("request_started")
    fields = {
        "method": request.method,
        "rule": request.url_rule.rule if request.url_rule else None,
        "map_id": _map_id(),
        "user_id": _user_id(),
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
    }
    request_logger.log(
        level, "%s %s %s %s ms", fields["method"], fields["rule"] or "(no route)", fields["status"],
        fields["duration_ms"], extra={"request_fields": fields},
    )
    return response


def _map_id() -> int | None:
    value = (request.view_args or {}).get("map_id")
    return value if type(value) is int else None


def _user_id() -> int | None:
    # The user Flask-Login loaded for this request, if it did: loading one here would cost a query,
    # and after a database error it would fail again.
    user = g.get("_login_user")
    return user.id if user is not None and getattr(user, "is_authenticated", False) else None


def _request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, the request fields of a
    request line, and for an error its exception type and message-free traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": _request_id(),
        }
        entry.update(getattr(record, "request_fields", {}))
        if record.exc_info and record.exc_info[1] is not None:
            entry["exception"] = _type_name(record.exc_info[1])
            entry["traceback"] = traceback_without_messages(record.exc_info[1])
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """Lines for a person at a terminal (development), with the same privacy as the JSON."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        # Not logging.Formatter.format: it would reuse a traceback another handler formatted
        # (record.exc_text), messages and all.
        record.message = record.getMessage()
        record.asctime = self.formatTime(record)
        line = self.formatMessage(record)
        fields = getattr(record, "request_fields", {})
        details = [f"{key} {fields[key]}" for key in ("map_id", "user_id") if fields.get(key) is not None]
        if (request_id := _request_id()) is not None:
            details.append(f"request {request_id}")
        if details:
            line += f" ({', '.join(details)})"
        if record.exc_info and record.exc_info[1] is not None:
            line += "\n" + traceback_without_messages(record.exc_info[1])
        return line


def traceback_without_messages(exc: BaseException) -> str:
    """The traceback's frames (file, line, function, source line) and each exception's type, for
    the exception and those it came from; never an exception's message or a frame's variables."""
    parts, seen = [], set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = "".join(traceback.format_list(traceback.extract_tb(current.__traceback__)))
        parts.append(f"Traceback (most recent call last):\n{frames}{_type_name(current)}")
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return "\n\nThe above led to:\n\n".join(reversed(parts))


def _type_name(exc: BaseException) -> str:
    kind = type(exc)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
