"""Command line for data: `flask --app journeymap synth ... | import FILE`, each with `--owner EMAIL`.

Each command makes one new map, records it in the map's history, commits it, and says its id. A map
is only reachable by its members, so `--owner` names an existing account to be its facilitator;
without it the output says the map has no members. A file that cannot be imported, or an owner with
no account, is a one-line error (exit status 1) and leaves the database as it was.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from journeymap.domain import members
from journeymap.domain.accounts import account_with
from journeymap.domain.family import record_arrival
from journeymap.domain.history import Actor
from journeymap.domain.imports import import_map
from journeymap.exports.json_in import ImportProblem, read_json
from journeymap.extensions import db
from journeymap.models import JourneyMap, User
from journeymap.samples.synth import synth_map

COUNT = click.IntRange(min=0)

owner_option = click.option(
    "--owner", metavar="EMAIL",
    help="The email of an existing account, to be the new map's facilitator (else it has no members).",
)


def find_owner(email: str | None) -> User | None:
    """The account named by --owner, looked up before anything is made; None without --owner."""
    if email is None:
        return None
    user = account_with(email)  # in any case: accounts keep their email lower-case
    if user is None:
        raise click.ClickException(
            f"There is no account with the email {email!r}; nothing was created. "
            "Sign up in the browser first, or leave out --owner."
        )
    return user


def finish(journey_map: JourneyMap, owner: User | None, *, command: str, **details) -> None:
    """Put the owner on the map, record both in the map's history, and commit."""
    actor = Actor.command(f"flask {command} (command line)")
    record_arrival(journey_map, actor=actor, via=command, **details)
    if owner is not None:
        members.add_member(journey_map, owner, "facilitator", actor=actor, via=members.VIA_OWNER_OPTION)
    db.session.commit()


def say_who_can_open(journey_map: JourneyMap, owner: User | None) -> None:
    if owner is not None:
        click.echo(f"{owner.email} is its facilitator.")
    else:
        click.echo(
            f"Map {journey_map.id} has no members, so no one can open it in the browser. To make a map "
            "someone can open, give --owner EMAIL (an existing account): that person becomes its facilitator."
        )


@click.command("synth")
@click.option("--agencies", type=COUNT, required=True, help="Number of agencies.")
@click.option("--caseworkers-per-agency", type=COUNT, required=True, help="Caseworkers at each agency.")
@click.option("--touchpoints", type=COUNT, required=True, help="Number of touchpoints.")
@click.option("--barriers", type=COUNT, required=True, help="Number of barriers.")
@click.option("--stages", type=COUNT, default=6, show_default=True, help="Number of stages.")
@click.option("--seed", type=int, default=1, show_default=True, help="The same seed gives the same map.")
@owner_option
@with_appcontext
def synth_command(
    agencies: int, caseworkers_per_agency: int, touchpoints: int, barriers: int, stages: int, seed: int,
    owner: str | None,
) -> None:
    """Create a made-up map of the given size, for load tests and demos."""
    user = find_owner(owner)
    journey_map = synth_map(
        db.session, agencies=agencies, caseworkers_per_agency=caseworkers_per_agency,
        touchpoints=touchpoints, barriers=barriers, stages=stages, seed=seed,
    )
    finish(journey_map, user, command="synth", size=(
        f"{agencies} agencies, {caseworkers_per_agency} caseworkers per agency, "
        f"{touchpoints} touchpoints, {barriers} barriers, {stages} stages, seed {seed}"
    ))
    click.echo(f"Created synthetic map {journey_map.id}.")
    say_who_can_open(journey_map, user)


@click.command("import")
@click.argument("file", type=click.File("rb"))
@owner_option
@with_appcontext
def import_command(file, owner: str | None) -> None:
    """Import a map from a JSON export (format version 1 or 2) as a new map. FILE may be - for stdin."""
    name = getattr(file, "name", "<stdin>")
    user = find_owner(owner)
    try:
        journey_map = import_map(db.session, read_json(file.read()))
    except ImportProblem as exc:
        db.session.rollback()
        raise click.ClickException(f"{name} cannot be imported: {exc}") from exc
    # Not the file's name: people name files after the family, and the history keeps no real names.
    finish(journey_map, user, command="import")
    click.echo(f"Imported {name} as map {journey_map.id}.")
    say_who_can_open(journey_map, user)


commands = [synth_command, import_command]
