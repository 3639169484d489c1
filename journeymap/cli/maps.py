"""Command line: `flask --app journeymap demo | export` (db comes from Flask-Migrate; synth and
import are in data.py)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from journeymap.domain.exports import record_download
from journeymap.domain.history import Actor
from journeymap.domain.sharing import deidentified
from journeymap.exports.downloads import EXPORT_FORMATS, export_map
from journeymap.extensions import db
from journeymap.models import JourneyMap
from journeymap.readmodel.snapshot import load_map_view
from journeymap.render.runner import RenderError


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Only load the demo when there are no maps yet.")
@with_appcontext
def demo_command(if_empty: bool) -> None:
    """Load the sample map (a family whose electricity was shut off, and fifteen caseworkers) with
    one account per role to try it; their password is printed and kept in instance/."""
    from journeymap.samples import demo_accounts
    from journeymap.samples.demo import DEMO_ACTOR, load_demo

    saved = Path(current_app.instance_path) / "demo-accounts.txt"
    if if_empty and db.session.scalar(select(func.count()).select_from(JourneyMap)):
        click.echo("Maps already exist; demo not loaded.")
        if saved.exists():
            click.echo(saved.read_text().rstrip())
        return
    journey_map = load_demo()
    password = demo_accounts.create_demo_accounts(journey_map, actor=DEMO_ACTOR)
    db.session.commit()
    demo_accounts.save(Path(current_app.instance_path), password)
    click.echo(f"Loaded the demo map as map {journey_map.id}.")
    click.echo(demo_accounts.describe(password))


@click.command("export")
@click.argument("map_id", type=int)
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), required=True,
              help="The silo map (svg, png, pdf, dot), the whole map (json) or a table (csv).")
@click.option("--full-detail", is_flag=True,
              help="Names, the family's story and dates too. Without it the file is de-identified.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@with_appcontext
def export_command(map_id: int, fmt: str, full_detail: bool, output: Path) -> None:
    """Export map MAP_ID: de-identified unless --full-detail; recorded in the map's history."""
    view = load_map_view(db.session, map_id)
    if view is None:
        raise click.ClickException(f"There is no map {map_id}.")
    try:
        result = export_map(view if full_detail else deidentified(view), fmt, full=full_detail)
    except RenderError as exc:
        raise click.ClickException(str(exc)) from exc
    output.write_bytes(result.content)
    detail = "full detail" if full_detail else "de-identified"
    record_download(map_id, actor=Actor.command("flask export (command line)"), fmt=fmt, full=full_detail,
                    file=output.name)
    db.session.commit()
    click.echo(f"Wrote {output} ({len(result.content):,} bytes, {detail}).")
    if result.notice:
        click.echo(result.notice)


commands = [demo_command, export_command]
