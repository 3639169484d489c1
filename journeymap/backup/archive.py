"""The backup file: a zip holding manifest.json and one JSON-lines file per table.

manifest.json says what the archive is (format and version), when the snapshot was taken (UTC), the
database engine it came from and its Alembic revision, and per table: the member holding its rows,
its columns, its row count and the member's sha256. It also keeps each table's id counter (the
highest id ever handed out), because journeymap never reuses an id: a stale link must never land on
a newer family's map.

The file is written beside its final name, readable by its owner only (it holds families' details),
flushed to disk, then renamed into place: a backup cut short never leaves a half-written file under
the name a restore would be given. Opening an archive checks all of it before anything is restored.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

FORMAT = "journeymap-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
OWNER_ONLY = 0o600


class ArchiveProblem(Exception):
    """The file is not an archive this code can restore; the message is one sentence for the operator."""


@dataclass(frozen=True)
class TableEntry:
    member: str
    columns: list[str]
    rows: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    created_at: str
    engine: str
    alembic_revision: str
    tables: dict[str, TableEntry]
    id_counters: dict[str, int] = field(default_factory=dict)
    left_out: dict[str, str] = field(default_factory=dict)
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    def rows(self) -> dict[str, int]:
        return {name: entry.rows for name, entry in self.tables.items()}


@dataclass(frozen=True)
class TableRows:
    """One table to write: its name, its columns in order, and its rows as archive values."""

    name: str
    columns: list[str]
    rows: Iterable[dict]


def write_archive(path: Path, *, created_at: datetime, engine: str, revision: str,
                  tables: Iterable[TableRows], id_counters: dict[str, int],
                  left_out: dict[str, str]) -> Manifest:
    """Write the archive to `path` (replacing a file there only once the new one is complete)."""
    # mkstemp makes the file readable and writable by its owner only, whatever the umask.
    descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    partial = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as file:
            with zipfile.ZipFile(file, "w") as archive:
                entries = {table.name: _write_table(archive, table, created_at) for table in tables}
                manifest = Manifest(
                    created_at=created_at.isoformat(), engine=engine, alembic_revision=revision,
                    tables=entries, id_counters=id_counters, left_out=left_out,
                )
                _write_manifest(archive, manifest, created_at)
            file.flush()
            os.fsync(file.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)
    return manifest


def _write_manifest(archive: zipfile.ZipFile, manifest: Manifest, created_at: datetime) -> None:
    heading = {"format": FORMAT, "format_version": FORMAT_VERSION}  # first, for a reader of the file
    text = json.dumps(heading | asdict(manifest), indent=2) + "\n"
    archive.writestr(_member(MANIFEST, created_at), text)


def _member(name: str, created_at: datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=created_at.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _write_table(archive: zipfile.ZipFile, table: TableRows, created_at: datetime) -> TableEntry:
    member = f"tables/{table.name}.jsonl"
    digest, count = hashlib.sha256(), 0
    with archive.open(_member(member, created_at), "w", force_zip64=True) as out:
        for row in table.rows:
            line = (json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
            digest.update(line)
            out.write(line)
            count += 1
    return TableEntry(member=member, columns=list(table.columns), rows=count, sha256=digest.hexdigest())


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable, so the backup survives a power cut right after it."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class Archive:
    """An archive whose every member is present and matches its checksum (see open_archive)."""

    def __init__(self, path: Path, zip_file: zipfile.ZipFile, manifest: Manifest):
        self.path, self._zip, self.manifest = path, zip_file, manifest

    def rows(self, table: str) -> Iterator[dict]:
        """The rows of one table, as archive values."""
        entry = self.manifest.tables[table]
        with self._zip.open(entry.member) as lines:
            for number, line in enumerate(lines, start=1):
                try:
                    row = json.loads(line)
                except ValueError as exc:
                    raise ArchiveProblem(f"{entry.member}, line {number}, is not a row: {exc}.") from exc
                if not isinstance(row, dict):
                    raise ArchiveProblem(f"{entry.member}, line {number}, is not a row.")
                yield row

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def open_archive(path: Path) -> Archive:
    """Open and check an archive: a readable zip, a manifest of a known format version, every
    member it names present and unchanged. Raises ArchiveProblem saying what is wrong."""
    try:
        zip_file = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError) as exc:
        raise ArchiveProblem(
            f"{path} is not a journeymap backup or is damaged (not a readable zip file)."
        ) from exc
    try:
        manifest = _read_manifest(zip_file, path)
        for name, entry in manifest.tables.items():
            _check_member(zip_file, name, entry, path)
    except BaseException:
        zip_file.close()
        raise
    return Archive(path, zip_file, manifest)


def _read_manifest(zip_file: zipfile.ZipFile, path: Path) -> Manifest:
    try:
        raw = json.loads(_read_member(zip_file, MANIFEST, path))
    except ValueError as exc:
        raise ArchiveProblem(f"{path} is damaged: its {MANIFEST} is not valid JSON.") from exc
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise ArchiveProblem(f"{path} is not a journeymap backup (its {MANIFEST} does not say so).")
    if raw.get("format_version") != FORMAT_VERSION:
        raise ArchiveProblem(
            f"{path} is a backup in format version {raw.get('format_version')!r}, which this version of "
            f"journeymap cannot read (it reads version {FORMAT_VERSION}); restore it with the version "
            "that made it."
        )
    try:
        tables = {name: TableEntry(**entry) for name, entry in raw.pop("tables").items()}
        manifest = Manifest(tables=tables, **raw)
        if not isinstance(manifest.alembic_revision, str) or not all(
            isinstance(entry.rows, int) and isinstance(entry.columns, list) for entry in tables.values()
        ):
            raise TypeError
    except (AttributeError, KeyError, TypeError) as exc:
        raise ArchiveProblem(f"{path} is damaged: its {MANIFEST} lacks or garbles what it must say.") from exc
    return manifest


def _read_member(zip_file: zipfile.ZipFile, member: str, path: Path) -> bytes:
    try:
        with zip_file.open(member) as data:
            return data.read()
    except KeyError as exc:
        raise ArchiveProblem(f"{path} is damaged or incomplete: it has no {member}.") from exc
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise ArchiveProblem(f"{path} is damaged: {member} cannot be read ({exc}).") from exc


def _check_member(zip_file: zipfile.ZipFile, table: str, entry: TableEntry, path: Path) -> None:
    if entry.member != f"tables/{table}.jsonl":
        raise ArchiveProblem(f"{path} is damaged: its {MANIFEST} names {entry.member!r} for table {table}.")
    digest = hashlib.sha256()
    try:
        with zip_file.open(entry.member) as data:
            while chunk := data.read(1 << 20):
                digest.update(chunk)
    except KeyError as exc:
        raise ArchiveProblem(f"{path} is damaged or incomplete: it has no {entry.member}.") from exc
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise ArchiveProblem(f"{path} is damaged: {entry.member} cannot be read ({exc}).") from exc
    if digest.hexdigest() != entry.sha256:
        raise ArchiveProblem(
            f"{path} is damaged: {entry.member} does not match its checksum in the {MANIFEST} "
            "(it was changed or corrupted after the backup was made)."
        )
