"""Command line for data: `flask --app journeymap synth ... | import FILE`.

Each command makes one new map, commits it, and says its id; a file that cannot be imported is
a one-line error (exit status 1) and leaves the database as it was.
"""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from journeymap.extensions import db
from journeymap.interchange import ImportProblem, import_map
from journeymap.synth import synth_map

COUNT = click.IntRange(min=0)


@click.command("synth")
@click.option("--agencies", type=COUNT, required=True, help="Number of agencies.")
@click.option("--caseworkers-per-agency", type=COUNT, required=True, help="Caseworkers at each agency.")
@click.option("--touchpoints", type=COUNT, required=True, help="Number of touchpoints.")
@click.option("--barriers", type=COUNT, required=True, help="Number of barriers.")
@click.option("--stages", type=COUNT, default=6, show_default=True, help="Number of stages.")
@click.option("--seed", type=int, default=1, show_default=True, help="The same seed gives the same map.")
@with_appcontext
def synth_command(
    agencies: int, caseworkers_per_agency: int, touchpoints: int, barriers: int, stages: int, seed: int
) -> None:
    """Create a made-up map of the given size, for load tests and demos."""
    journey_map = synth_map(
        db.session, agencies=agencies, caseworkers_per_agency=caseworkers_per_agency,
        touchpoints=touchpoints, barriers=barriers, stages=stages, seed=seed,
    )
    db.session.commit()
    click.echo(f"Created synthetic map {journey_map.id}.")


@click.command("import")
@click.argument("file", type=click.File("rb"))
@with_appcontext
def import_command(file) -> None:
    """Import a map from a JSON export (format version 1 or 2) as a new map. FILE may be - for stdin."""
    name = getattr(file, "name", "<stdin>")
    try:
        # json.loads reads UTF-8 (with or without a byte order mark), UTF-16 and UTF-32 bytes.
        data = json.loads(file.read())
    except json.JSONDecodeError as exc:
        raise click.ClickException(
            f"{name} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from exc
    except UnicodeDecodeError as exc:
        raise click.ClickException(
            f"{name} is not UTF-8 text (a JSON export is; was it saved in another encoding?)."
        ) from exc
    except RecursionError as exc:
        raise click.ClickException(f"{name} is nested too deeply to be a journeymap file.") from exc
    try:
        journey_map = import_map(db.session, data)
    except ImportProblem as exc:
        db.session.rollback()
        raise click.ClickException(f"{name} cannot be imported: {exc}") from exc
    db.session.commit()
    click.echo(f"Imported {name} as map {journey_map.id}.")


commands = [synth_command, import_command]
