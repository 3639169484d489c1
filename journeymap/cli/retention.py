"""Command line: `flask --app journeymap retention run [--dry-run] | retention log` and
`accounts enable EMAIL`.

`retention run` is made to run daily from cron: it does only what is due, each map in a
transaction of its own, so a second run (or one after a crash) finds nothing left to redo. Its
output names maps and accounts by id, never by pseudonym or name: cron mails it, and logs keep it.
"""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from journeymap.domain import inactive_accounts
from journeymap.domain.accounts import account_with
from journeymap.domain.retention import Rule, apply_rule, maps_due, retention_rule
from journeymap.exports.json_in import ImportProblem
from journeymap.extensions import db
from journeymap.models import RetentionRecord
from journeymap.models.utctime import utcnow

RULE = {"deidentify": "reduced to a de-identified copy", "purge": "purged"}


def _day(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d}" if moment is not None else "—"


@click.group("retention")
def retention_group() -> None:
    """The installation's retention rule: closed maps and inactive accounts."""


@retention_group.command("run")
@click.option("--dry-run", is_flag=True, help="Say what would be done, and change nothing.")
@with_appcontext
def run_command(dry_run: bool) -> None:
    """Reduce or purge closed maps past JOURNEYMAP_RETENTION_DAYS and disable accounts unused for
    JOURNEYMAP_INACTIVE_ACCOUNT_DAYS. Safe to run daily from cron."""
    rule, now = retention_rule(), utcnow()
    click.echo(f"Retention rule: closed maps are {RULE[rule.mode]} {rule.days} days after closing; "
               f"accounts unused for {rule.inactive_days} days are disabled."
               + (" Dry run: nothing is changed." if dry_run else ""))
    failed: list[int] = []
    done = _closed_maps(rule, now, dry_run, failed) + _inactive_accounts(rule, now, dry_run)
    if not done:
        click.echo("Nothing is due.")
    if failed:  # a non-zero exit, so cron mails it
        raise click.ClickException(f"{len(failed)} closed map(s) could not be reduced: {failed}.")


def _closed_maps(rule: Rule, now: datetime, dry_run: bool, failed: list[int]) -> int:
    due = maps_due(rule, now)
    for item in due:
        if dry_run:
            then = "purge it" if rule.mode == "purge" else "reduce it to a de-identified copy"
            click.echo(f"Would {then}: map {item.map_id} (closed {_day(item.closed_at)}).")
            continue
        try:
            record = apply_rule(item, rule, now)
        except ImportProblem as problem:  # the copy could not be made: keep the map, say so, go on
            db.session.rollback()
            click.echo(f"Map {item.map_id} was left as it is: its de-identified copy could not be made "
                       f"({problem}).", err=True)
            failed.append(item.map_id)
            continue
        if record is None:
            db.session.rollback()
            click.echo(f"Map {item.map_id} was reopened or is gone; left as it is.")
            continue
        db.session.commit()
        click.echo(describe(record))
    return len(due)


def _inactive_accounts(rule: Rule, now: datetime, dry_run: bool) -> int:
    due = inactive_accounts.accounts_due(rule, now)
    for item in due:
        if dry_run:
            click.echo(f"Would disable account {item.user_id} (last used {_day(item.last_used)}).")
            continue
        record = inactive_accounts.disable(item, rule, now)
        db.session.commit()
        click.echo(describe(record) if record else f"Account {item.user_id} was used meanwhile; kept.")
    disabled = {item.user_id for item in due} if dry_run else set()
    for map_id in inactive_accounts.open_maps_without_facilitator(also_disabled=disabled):
        click.echo(f"Note: open map {map_id} has no facilitator who can sign in, so no one can close it. "
                   "Enable one (flask accounts enable EMAIL) or add one.")
    return len(due)


def describe(record: RetentionRecord) -> str:
    """One line per record, ids and counts only."""
    removed = ", ".join(f"{table} {count}" for table, count in sorted(record.counts.items()))
    if record.action == "deidentified":
        return (f"Map {record.map_id} (closed {_day(record.closed_at)}) reduced to its de-identified copy, "
                f"map {record.copy_id}; deleted with the original: {removed}.")
    if record.action == "purged":
        return f"Map {record.map_id} (closed {_day(record.closed_at)}) purged; deleted: {removed}."
    if record.action == "disabled":
        return f"Account {record.user_id} disabled after {record.counts.get('days_unused', '?')} days unused."
    return f"Account {record.user_id} {record.action}."


@retention_group.command("log")
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True,
              help="How many records, newest first.")
@with_appcontext
def log_command(limit: int) -> None:
    """What the retention rule has done, newest first (kept without content, forever)."""
    records = db.session.scalars(
        select(RetentionRecord).order_by(RetentionRecord.id.desc()).limit(limit)
    ).all()
    if not records:
        click.echo("The retention rule has not done anything yet.")
    for record in records:
        click.echo(f"{record.at:%Y-%m-%d %H:%M} UTC  {describe(record)}")


@click.group("accounts")
def accounts_group() -> None:
    """Accounts: enable one the retention rule disabled."""


@accounts_group.command("enable")
@click.argument("email")
@with_appcontext
def enable_command(email: str) -> None:
    """Let a disabled account sign in again (it counts as used today)."""
    user = account_with(email)
    if user is None:
        raise click.ClickException(f"There is no account with the email {email!r}.")
    if inactive_accounts.enable(user, utcnow()) is None:
        click.echo(f"{user.email} is not disabled; nothing to do.")
        return
    db.session.commit()
    click.echo(f"{user.email} is enabled again and can sign in.")


commands = [retention_group, accounts_group]
