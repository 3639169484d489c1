"""Settings: defaults here, overridden by the environment, then by a test's mapping."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

# JOURNEYMAP_ENV: "production" unless told otherwise, so a server that was not told is held to the
# strict rules; "development" is for one machine (scripts/run).
ENVIRONMENTS = ("production", "development")


class MissingSecretKey(RuntimeError):
    """Production was started without JOURNEYMAP_SECRET_KEY."""


def _instance_secret(instance_path: Path) -> str:
    """A secret for one development machine, kept in instance/, so no key ships with the code."""
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def instance_path_from_environment() -> str | None:
    """JOURNEYMAP_INSTANCE_PATH: where the instance folder is (the SQLite file when DATABASE_URL is
    not set, the demo accounts' password, a development key); by default <repository>/instance.
    A server names it so a volume can be mounted there whatever the code's location."""
    path = os.environ.get("JOURNEYMAP_INSTANCE_PATH")
    if path and not os.path.isabs(path):
        raise ValueError(f"JOURNEYMAP_INSTANCE_PATH must be an absolute path, not {path!r}")
    return path or None


def load_config(instance_path: Path, overrides: dict | None = None) -> dict:
    """The defaults, then the environment, then `overrides` (a test's mapping); then the secret key."""
    instance_path.mkdir(parents=True, exist_ok=True)
    default_db = f"sqlite:///{instance_path / 'journeymap.sqlite3'}"
    config = _defaults(default_db) | (overrides or {})
    if (environment := config["ENVIRONMENT"]) not in ENVIRONMENTS:
        raise ValueError(f"JOURNEYMAP_ENV must be one of {', '.join(ENVIRONMENTS)}, not {environment!r}")
    if not config["SECRET_KEY"]:
        config["SECRET_KEY"] = _secret_key(environment, instance_path)
    if "SQLALCHEMY_ENGINE_OPTIONS" not in config:
        options = {}
        if not _in_memory(config["SQLALCHEMY_DATABASE_URI"]):
            # A worker runs up to 100 threads (journeymap/serve.py), but live streams hold no
            # connection while they wait: the pool serves the requests being worked on at one
            # moment. 2 workers x (10 + 20) stays under PostgreSQL's default max_connections (100).
            options |= {"pool_size": 10, "max_overflow": 20}
        if environment == "production":
            options |= {
                # A database error's message carries the statement's parameters (a family's text,
                # an email) unless told not to; such messages reach the logs.
                "hide_parameters": True,
                # A connection kept from before the database server restarted is found dead and
                # replaced before use, rather than failing someone's request.
                "pool_pre_ping": True,
            }
        config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    return config


def _in_memory(url: str) -> bool:
    return url.startswith("sqlite") and ("memory" in url or url.rstrip("/") in ("sqlite:", "sqlite:/"))


def _secret_key(environment: str, instance_path: Path) -> str:
    """Several machines behind one address must sign sessions with one key, so production is
    given its key and never makes one up; a development machine makes its own, once."""
    if environment != "development":
        raise MissingSecretKey(
            "JOURNEYMAP_SECRET_KEY is not set. In production every server behind one address must sign "
            "sessions with the same key: set JOURNEYMAP_SECRET_KEY to a long random string (for example "
            "the output of `python -c 'import secrets; print(secrets.token_hex(32))'`), the same on every "
            "machine. On one machine for development, set JOURNEYMAP_ENV=development instead and a key "
            "is generated into instance/secret_key."
        )
    return _instance_secret(instance_path)


def _defaults(default_db: str) -> dict:
    return {
        "ENVIRONMENT": os.environ.get("JOURNEYMAP_ENV", "production"),
        "SECRET_KEY": os.environ.get("JOURNEYMAP_SECRET_KEY"),
        "SQLALCHEMY_DATABASE_URI": database_url(os.environ.get("DATABASE_URL")) or default_db,
        # Seconds one dot run may take before it is stopped; a stuck layout must never hang a worker.
        "DOT_TIMEOUT": float(os.environ.get("JOURNEYMAP_DOT_TIMEOUT", "10")),
        "DOT_BINARY": os.environ.get("JOURNEYMAP_DOT", "dot"),
        # Agencies + caseworkers + barriers above which a silo map is drawn one box per agency
        # instead of person by person (see render/drawing.py). Measured with dot 2.43: 280 (40
        # agencies, 160 caseworkers, 80 barriers) take 0.14 s; 800 take 1.4 s laid out for a
        # 16:9 slide, past the 1 s a drawing may take, and 500 people are not legible on a slide.
        "DOT_MAX_NODES": int(os.environ.get("JOURNEYMAP_DOT_MAX_NODES", "600")),
        # Owners to choose from (agencies + caseworkers) above which a barrier card asks for its
        # owner form when someone wants it, instead of carrying a select of everyone: at 100
        # agencies and 500 caseworkers, 200 cards carrying 600 options each made a 4.8 MB page.
        "OWNER_CHOICES_INLINE": 60,
        "WTF_CSRF_TIME_LIMIT": None,  # a workshop form may stay open for hours
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Secure is also set per request whenever the request came over HTTPS (see sessions);
        # this forces it even when a proxy in front hides that.
        "SESSION_COOKIE_SECURE": _flag("JOURNEYMAP_SECURE_COOKIES"),
        # Behind a reverse proxy, trust one hop of X-Forwarded-Proto/For/Host.
        "BEHIND_PROXY": _flag("JOURNEYMAP_BEHIND_PROXY"),
        # A request body may be as big as an imported map file; the text fields of a form are capped
        # far lower (MAX_FORM_MEMORY_SIZE, Flask's 500 kB) and by each field's own length limit.
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        # Accounts and sessions.
        "PASSWORD_HASH_PARAMS": {},  # argon2-cffi's defaults (argon2id, 64 MiB, 3 passes)
        "IDLE_TIMEOUT_MINUTES": int(os.environ.get("JOURNEYMAP_IDLE_MINUTES", "60")),
        "SESSION_MAX_HOURS": 12,  # a workshop day, then sign in again
        "SIGN_IN_MAX_FAILURES": 5,  # per email address, within the window; then locked for a window
        "SIGN_IN_WINDOW_MINUTES": 15,
        # Live updates: a page whose stream is silent (a proxy that buffers) checks this often;
        # people count as "here" this long after their stream last renewed their lease (every 10 s).
        "LIVE_INTERVAL_SECONDS": 5,
        "PRESENCE_SECONDS": 25,
        # Seconds between keepalive comments on a live stream; each also re-checks membership.
        "LIVE_KEEPALIVE_SECONDS": 15.0,
        # A stream ends after this long and the browser opens a new one (EventSource reconnects by
        # itself), so the sign-in and idle rules are applied again to a page left open all day.
        "LIVE_STREAM_MAX_SECONDS": 600.0,
        # One listener thread per worker process carries changes to its streams (journeymap/hub.py).
        "LIVE_HUB": True,
        # Ordinary requests one worker process works on at once (journeymap/admission.py); the
        # rest wait their turn. 0: no limit.
        "MAX_CONCURRENT_REQUESTS": int(os.environ.get("JOURNEYMAP_MAX_CONCURRENT_REQUESTS", "6")),
        "REMEMBER_COOKIE_DURATION": 0,  # no "remember me": a shared laptop must not stay signed in
        # "json": one JSON object per log line (journeymap/request_log.py); "text": lines for people.
        # Production logs JSON unless told otherwise; development, text.
        "LOG_FORMAT": os.environ.get("JOURNEYMAP_LOG_FORMAT", ""),
        # Retention (journeymap.domain.retention, run daily by `flask retention run`): a closed map
        # is kept this long, then reduced to its de-identified copy or purged; an account unused
        # this long is disabled.
        "RETENTION_DAYS": _days("JOURNEYMAP_RETENTION_DAYS", 365),
        "RETENTION_MODE": _choice("JOURNEYMAP_RETENTION_MODE", ("deidentify", "purge")),
        "INACTIVE_ACCOUNT_DAYS": _days("JOURNEYMAP_INACTIVE_ACCOUNT_DAYS", 180),
    }


def database_url(url: str | None) -> str | None:
    """DATABASE_URL as hosting platforms write it (postgres://, postgresql://) names no driver,
    and SQLAlchemy would then look for psycopg2; the installed driver is psycopg (version 3)."""
    if url:
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in ("1", "true", "yes")


def _days(name: str, default: int) -> int:
    """A number of days from the environment: a whole number of at least 1, or a clear refusal."""
    raw = os.environ.get(name, "").strip() or str(default)
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"{name} must be a whole number of days, 1 or more, not {raw!r}")
    return int(raw)


def _choice(name: str, allowed: tuple[str, ...]) -> str:
    """One of `allowed` (the first when unset), or a clear refusal."""
    value = os.environ.get(name, "").strip().lower() or allowed[0]
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value
