"""One blueprint per part of a map."""

from journeymap.routes import auth, barriers, history, join, journey, live, maps, me, members, people, silo

blueprints = [
    auth.bp, join.bp, me.bp, maps.bp, members.bp, history.bp, live.bp, people.bp, journey.bp, barriers.bp,
    silo.bp,
]
