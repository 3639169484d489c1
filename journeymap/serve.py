"""Start journeymap as a server: `python -m journeymap.serve` (the container image's command, and
what tests/routes/test_serve.py runs).

Settings come from the environment only. It checks them (production refuses unsafe ones), brings
the database up to the code's migration, loads the demo map if JOURNEYMAP_LOAD_DEMO=1 and there
are no maps yet (never by default: its accounts' password is printed), then becomes gunicorn.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

DEFAULT_PORT = 8000
# Workers are processes (a stuck one is replaced; live updates go through the database, so any
# number works). gthread: every open page holds a live stream (Server-Sent Events), and a stream
# holds a thread while it waits, asleep on its worker's hub (journeymap/hub.py) with no database
# connection. Two workers of 100 threads hold 150 open pages on 2 cores with 50 threads to spare
# for the requests themselves (docs/performance.md, "Workshop"). More people: raise THREADS; more
# cores: raise WEB_CONCURRENCY.
DEFAULT_WORKERS = 2
DEFAULT_THREADS = 100
# Seconds a stopping worker waits for its requests. Live streams never finish by themselves, and
# browsers reconnect a closed one, so waiting gunicorn's default 30 s only delays a restart.
GRACEFUL_TIMEOUT = 5


def gunicorn_command(environ: Mapping[str, str], gunicorn_version: tuple[int, ...]) -> list[str]:
    """The gunicorn command line for these settings."""
    command = [
        sys.executable, "-m", "gunicorn",
        "--worker-class", "gthread",
        "--workers", str(_positive(environ, "WEB_CONCURRENCY", DEFAULT_WORKERS)),
        "--threads", str(_positive(environ, "THREADS", DEFAULT_THREADS)),
        "--bind", f"0.0.0.0:{_positive(environ, 'PORT', DEFAULT_PORT)}",
        "--graceful-timeout", str(GRACEFUL_TIMEOUT),
        # No --access-logfile: gunicorn's access log writes the whole URL, and a URL can hold an
        # invitation token; the app logs every request itself (journeymap/request_log.py).
    ]
    if Path("/dev/shm").is_dir():
        # Workers' heartbeat files in memory: on a container's overlay filesystem a write can block
        # long enough for gunicorn to think the worker hung (gunicorn's FAQ).
        command += ["--worker-tmp-dir", "/dev/shm"]
    if gunicorn_version >= (25, 1):
        # No control socket: nothing uses it, and the user's home may not be writable.
        command.append("--no-control-socket")
    command.append("journeymap:create_app()")
    return command


def _positive(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise SystemExit(f"journeymap: {name} must be a whole number of at least 1, not {raw!r}.")
    return int(raw)


def prepare(environ: Mapping[str, str]) -> None:
    """Check the settings, migrate the database and load the demo if asked, in this process."""
    from flask_migrate import upgrade

    from journeymap import create_app
    from journeymap.cli.maps import demo_command
    from journeymap.config import MissingSecretKey
    from journeymap.settings_check import UnsafeProductionSettings

    try:
        app = create_app()
    except (MissingSecretKey, UnsafeProductionSettings, ValueError) as exc:
        raise SystemExit(f"journeymap: {exc}") from exc
    with app.app_context():
        upgrade()
        if environ.get("JOURNEYMAP_LOAD_DEMO", "") in ("1", "true", "yes"):
            demo_command.main(["--if-empty"], prog_name="flask demo", standalone_mode=False)


def main() -> None:
    import gunicorn

    command = gunicorn_command(os.environ, gunicorn.version_info)  # bad numbers fail before migrating
    prepare(os.environ)
    sys.stdout.flush()
    sys.stderr.flush()
    # Replaced by gunicorn, so a container's stop signal (SIGTERM) reaches gunicorn itself.
    os.execv(sys.executable, command)


if __name__ == "__main__":
    main()
