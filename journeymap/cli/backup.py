"""Command line: `flask --app journeymap backup [-o FILE|FOLDER]` and `restore FILE` (journeymap/backup).

A problem is one sentence and exit status 1, and a refused or failed restore leaves the database
as it was.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import DBAPIError

from journeymap.backup import (
    ArchiveProblem,
    BackupProblem,
    NotRestored,
    Restored,
    make_backup,
    open_archive,
    refuse_if_holding_data,
    restore_backup,
)
from journeymap.backup.archive import Manifest
from journeymap.backup.database import check_revision_known
from journeymap.extensions import db


def archive_path(output: Path | None, taken_at: datetime) -> Path:
    """The file to write: `output`, or a dated name in the folder `output` names (or in the current one)."""
    dated = f"journeymap-backup-{taken_at:%Y%m%dT%H%M%SZ}.zip"
    if output is None:
        return Path.cwd() / dated
    if output.is_dir():
        return output / dated
    if not output.parent.is_dir():
        raise click.ClickException(f"There is no folder {output.parent} to write the backup into.")
    return output


@click.command("backup")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="The file to write, or a folder to write a dated file into (default: the current folder).")
@with_appcontext
def backup_command(output: Path | None) -> None:
    """Back up the whole database (maps, accounts, memberships, invitations, history) to one archive.

    Safe while the app is serving: the archive is one consistent moment. It holds families'
    details and password hashes, so it is written readable by its owner only (mode 0600).
    """
    taken_at = datetime.now(UTC)
    path = archive_path(output, taken_at)
    try:
        manifest = make_backup(db.engine, path, taken_at=taken_at)
    except BackupProblem as exc:
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:
        raise click.ClickException(f"Could not write the backup to {path}: {exc.strerror or exc}.") from exc
    click.echo(f"Wrote {path} ({path.stat().st_size:,} bytes, readable by its owner only).")
    click.echo(f"Database: {manifest.engine} at revision {manifest.alembic_revision}, "
               f"as of {manifest.created_at}.")
    click.echo(_counts(manifest.rows()))


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Replace everything the database holds with the backup.")
@click.option("--yes", is_flag=True, help="With --replace: do not ask first (for scripts).")
@click.option("--no-upgrade", is_flag=True,
              help="Leave the database at the backup's revision instead of migrating it to this version's.")
@with_appcontext
def restore_command(archive: Path, replace: bool, yes: bool, no_upgrade: bool) -> None:
    """Restore a backup made by `flask backup` into an empty database.

    The archive is checked whole first; the database is built by the migrations at the backup's
    revision, filled, checked, then migrated to this version's. If anything fails, nothing changes.
    """
    engine = db.engine
    try:
        with open_archive(archive) as opened:
            check_revision_known(opened.manifest.alembic_revision, archive.name)
            with engine.connect() as connection:
                held = refuse_if_holding_data(connection, replace=replace)
            where = engine.url.render_as_string(hide_password=True)
            if held and not yes and not click.confirm(
                f"Delete everything in {where} (it holds {', '.join(held)}) and put the backup in its place?"
            ):
                raise click.ClickException("Nothing was restored.")
            restored = restore_backup(engine, opened, replace=replace, upgrade=not no_upgrade)
            _report(archive, opened.manifest, restored, where)
    except (ArchiveProblem, NotRestored) as exc:
        raise click.ClickException(str(exc)) from exc
    except DBAPIError as exc:
        raise click.ClickException(
            f"The database refused the restore, so nothing was restored: {exc.orig}"
        ) from exc
    except OSError as exc:
        raise click.ClickException(f"Nothing was restored: {exc}.") from exc


def _report(archive: Path, manifest: Manifest, restored: Restored, where: str) -> None:
    click.echo(f"Restored {archive} (made {manifest.created_at} from {manifest.engine}) into {where}.")
    if restored.replaced:
        click.echo(f"What the database held before (in {', '.join(restored.replaced)}) was replaced.")
    click.echo(_counts(restored.rows))
    if restored.revision == restored.archive_revision:
        click.echo(f"The database is at the backup's revision, {restored.revision}.")
    else:
        click.echo(f"Migrated from the backup's revision {restored.archive_revision} to {restored.revision}.")
    click.echo("No one is signed in: sign-in sessions are not part of a backup.")


def _counts(rows: dict[str, int]) -> str:
    return "Rows: " + ", ".join(f"{name} {count:,}" for name, count in rows.items()) + "."


commands = [backup_command, restore_command]
