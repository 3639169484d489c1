"""Who is at the table: for every agency on the map, whether anyone from it is a member of the map,
and whether anyone from it took part in the last workshop or steering meeting; and whether the
family did (pure functions of the map view and the map's seats).

"Took part" comes from two records: presence (a member with a page of the map open on or after
the last meeting's day) and the meeting's "Who came" lines ("role, agency", matched by the
agency's name, ignoring case). With no meeting recorded, any presence counts: the workshops where
the map was made are the table. The family took part when a member in the family's role was
present, or a "Who came" line names the family ("Mother, family").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import ngettext

from journeymap.auth.access import marks_from_family
from journeymap.readmodel.introductions import agency_holds_file
from journeymap.readmodel.views import MapView

FAMILY_WORDS = ("family", "the family")


@dataclass(frozen=True)
class Seat:
    """A member of the map: their role, which of the map's caseworkers they are, and when they last
    had a page of it open (None: never)."""

    role: str
    caseworker_id: int | None
    last_seen_at: datetime | None


@dataclass(frozen=True)
class AgencyAtTable:
    agency: object  # AgencyView
    holds_file: bool
    members: int  # members of the map who are caseworkers at this agency
    present: bool  # one of them had the map open on or after the last meeting's day
    came_to_meeting: bool  # named in the last steering meeting's "Who came"

    @property
    def took_part(self) -> bool:
        return self.present or self.came_to_meeting

    @property
    def nobody(self) -> bool:
        return self.members == 0 and not self.came_to_meeting

    @property
    def words(self) -> str:
        if self.nobody:
            return _("Nobody at the table")
        parts = [ngettext("%(num)d member of the map", "%(num)d members of the map", self.members)
                 if self.members else _("not a member of the map")]
        parts.append(_("took part last time") if self.took_part else _("did not take part last time"))
        return "; ".join(parts)


@dataclass(frozen=True)
class Table:
    agencies: list[AgencyAtTable]  # holding a file with nobody at the table first, then by name
    since: date | None  # the last meeting's day (None: no meeting recorded)
    family_present: bool
    family_at_meeting: bool

    @property
    def family_took_part(self) -> bool:
        return self.family_present or self.family_at_meeting

    @property
    def missing(self) -> list[AgencyAtTable]:
        """Agencies holding a file with nobody at the table."""
        return [row for row in self.agencies if row.holds_file and row.nobody]

    @property
    def summary(self) -> str:
        holding = [row for row in self.agencies if row.holds_file]
        if not holding:
            return _("No agency holds a file on the family yet.")
        at_table = _("%(at)d of the %(num)d agencies holding a file have someone at the table.",
                     at=len(holding) - len(self.missing), num=len(holding))
        if self.since:
            family = (_("The family took part in the last meeting.") if self.family_took_part
                      else _("The family did not take part in the last meeting."))
        else:
            family = (_("The family took part.") if self.family_took_part
                      else _("The family did not take part."))
        return f"{at_table} {family}"


def _seen_since(seat: Seat, since: date | None) -> bool:
    if seat.last_seen_at is None:
        return False
    return since is None or seat.last_seen_at.date() >= since


def at_the_table(view: MapView, seats: list[Seat], today: date) -> Table:
    last = view.last_meeting(today)
    since = last.held_on if last is not None else None
    came = {agency.casefold() or role.casefold() for role, agency in (last.attendee_lines if last else ())}
    family_names = {*FAMILY_WORDS, view.pseudonym.casefold()}
    rows = []
    for agency in view.agencies:
        mine = [s for s in seats if (w := view.caseworker(s.caseworker_id)) is not None
                and w.agency_id == agency.id]
        rows.append(AgencyAtTable(
            agency=agency, holds_file=agency_holds_file(view, agency.id), members=len(mine),
            present=any(_seen_since(s, since) for s in mine),
            came_to_meeting=agency.name.strip().casefold() in came,
        ))
    rows.sort(key=lambda r: (not (r.holds_file and r.nobody), r.agency.name.casefold(), r.agency.id))
    return Table(
        agencies=rows, since=since,
        family_present=any(marks_from_family(s) and _seen_since(s, since) for s in seats),
        family_at_meeting=bool(came & family_names),
    )
