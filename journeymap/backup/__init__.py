"""Backups that restore: `flask --app journeymap backup` and `restore` (the commands are in cli/backup.py).

One archive format for both databases (archive.py): a zip holding manifest.json and one JSON-lines
file per table, values written by column type (values.py). A group that began on a laptop (SQLite)
can move to a hosted PostgreSQL by backup and restore; nothing depends on a pg_dump whose version
must match the server's; the checksums make damage detectable; and one code path serves, and is
tested on, both databases. A backup is one consistent snapshot taken while the app serves (make.py);
a restore runs the migrations to the archive's revision, fills the tables and checks them, then
migrates to the newest revision, and changes nothing if any step fails (restore.py).

Tables are read and written by reflection on the database (database.py), not from the app's models,
so an archive made at an older migration restores with that migration's columns.

Left out of every backup (database.LEFT_OUT, also written into each manifest):
- alembic_version: the revision is in the manifest, and the restore makes the table by migrating;
- auth_session: signed-in browsers; after a restore everyone signs in again, and no session token
  from the backup comes back to life;
- sign_in_throttle: failed sign-ins of the last minutes, only there to slow down password guessing;
- presence: who had a page of a map open in the last seconds.
Everything else is kept: maps and everything on them, accounts (with their password hashes: the
archive is as sensitive as the database), memberships, invitations and the whole history.
"""

from journeymap.backup.archive import Archive, ArchiveProblem, Manifest, open_archive
from journeymap.backup.make import BackupProblem, make_backup
from journeymap.backup.restore import NotRestored, Restored, refuse_if_holding_data, restore_backup

__all__ = [
    "Archive",
    "ArchiveProblem",
    "BackupProblem",
    "Manifest",
    "NotRestored",
    "Restored",
    "make_backup",
    "open_archive",
    "refuse_if_holding_data",
    "restore_backup",
]
