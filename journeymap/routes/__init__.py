"""One blueprint per part of a map."""

from journeymap.routes import (
    auth,
    barriers,
    brief,
    connections,
    data,
    family_word,
    follow_up,
    handoffs,
    health,
    history,
    join,
    journey,
    journey_view,
    language,
    live,
    maps,
    me,
    meetings,
    members,
    people,
    present,
    sharing,
    silo,
)

blueprints = [
    auth.bp, join.bp, me.bp, maps.bp, members.bp, history.bp, live.bp, people.bp, journey.bp, barriers.bp,
    family_word.bp, follow_up.bp, handoffs.bp, meetings.bp, connections.bp, silo.bp, journey_view.bp,
    present.bp, brief.bp, data.bp, sharing.bp, health.bp, language.bp,
]
