"""Production refuses to start on settings that would lose or leak a family's data.

Pure functions of the settings (and of /proc/mounts' text), so each rule is tested without
starting anything; create_app calls `refuse_unsafe_production` once, before serving.
"""

from __future__ import annotations

import os
from pathlib import PurePosixPath

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

# Sessions are signed with the key: a short one can be guessed offline from one cookie.
# 32 characters is what `secrets.token_hex(16)` gives, the least the README's recipe makes.
MIN_SECRET_KEY_LENGTH = 32

# Filesystems that reach another machine. SQLite's locking is unreliable over all of them
# (sqlite.org, "SQLite Over a Network"): two workers can both believe they hold the write lock.
NETWORK_FILESYSTEMS = frozenset({
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "fuse.sshfs", "sshfs", "ceph", "fuse.ceph",
    "glusterfs", "fuse.glusterfs", "afs", "ncpfs", "lustre", "gpfs", "fuse.s3fs", "fuse.rclone",
    "davfs", "fuse.davfs2",
})


class UnsafeProductionSettings(RuntimeError):
    """Production was started with a setting that is not safe; the message names it."""


def refuse_unsafe_production(config: dict, *, debug: bool, mounts: str | None = None) -> None:
    """Raise UnsafeProductionSettings naming every unsafe setting, when running in production.

    A test's app (TESTING, which only code can set, never the environment) is not a deployment.
    `mounts` is the text of /proc/mounts, read here when not given.
    """
    if config["ENVIRONMENT"] != "production" or config.get("TESTING"):
        return
    if mounts is None:
        mounts = read_mounts()
    problems = production_problems(config, debug=debug, mounts=mounts)
    if problems:
        raise UnsafeProductionSettings(
            "refusing to start in production (JOURNEYMAP_ENV=production) with these settings:\n- "
            + "\n- ".join(problems)
        )


def production_problems(config: dict, *, debug: bool, mounts: str) -> list[str]:
    """What is unsafe about these settings, one sentence per setting, naming it."""
    problems = []
    key = config.get("SECRET_KEY") or ""
    if len(key) < MIN_SECRET_KEY_LENGTH:
        problems.append(
            f"JOURNEYMAP_SECRET_KEY is {len(key)} characters long; it must be at least "
            f"{MIN_SECRET_KEY_LENGTH}. Make one with "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`."
        )
    if debug or config.get("DEBUG"):
        problems.append(
            "FLASK_DEBUG is on: the debugger runs any code a visitor types and shows the settings. "
            "Unset FLASK_DEBUG (and --debug) in production."
        )
    network = sqlite_network_location(config["SQLALCHEMY_DATABASE_URI"], mounts)
    if network:
        problems.append(
            f"DATABASE_URL puts the SQLite file on {network}; SQLite's locking does not hold over a "
            "network, so writes can be lost. Keep the file on a local disk, or use PostgreSQL."
        )
    return problems


def sqlite_network_location(url: str, mounts: str) -> str | None:
    """Where an SQLite database file lies on a network share ("a network path (//server/share)",
    "an nfs4 filesystem mounted at /srv"), or None when local, in memory or not SQLite."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None  # not ours to judge here: SQLAlchemy says what is wrong with it when connecting
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    path = parsed.database
    if path.startswith("file:"):  # an SQLite URI filename (?uri=true)
        path = path[len("file:"):].split("?", 1)[0]
    if path.startswith(("//", "\\\\")):
        return "a network path (//server/share)"
    # A relative path is relative to where the server starts; a link may lead onto a share.
    mount = mount_of(os.path.realpath(path), mounts)
    if mount and mount[1] in NETWORK_FILESYSTEMS:
        return f"a {mount[1]} filesystem mounted at {mount[0]}"
    return None


def mount_of(path: str, mounts: str) -> tuple[str, str] | None:
    """The (mount point, filesystem type) holding `path`: the longest mount point above it."""
    target = PurePosixPath(path)
    best: tuple[str, str] | None = None
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = _unescape(fields[1])
        if target.is_relative_to(point) and (best is None or len(point) > len(best[0])):
            best = (point, fields[2])
    return best


def _unescape(field: str) -> str:
    """/proc/mounts writes space, tab, newline and backslash in paths as octal escapes (\\040)."""
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, char)
    return field


def read_mounts() -> str:
    try:
        with open("/proc/mounts", encoding="utf-8", errors="replace") as mounts:
            return mounts.read()
    except OSError:  # not Linux: no mount table to read, so only the //server form is caught
        return ""
