"""Who the tests' own set-up is, in the map's history: domain functions always name an actor."""

from journeymap.domain.history import Actor

SETUP = Actor.command("set up by the tests")
