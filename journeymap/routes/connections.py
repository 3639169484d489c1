"""The Connections page: introductions to make between the people holding a file on the family
(journeymap.readmodel.introductions), the ones made (recorded here, by anyone who may), and who is
at the table (journeymap.readmodel.at_the_table)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from sqlalchemy import select

from journeymap import clock
from journeymap.auth.access import requires
from journeymap.domain import introductions
from journeymap.extensions import db
from journeymap.forms.introductions import IntroductionForm, parse_pair
from journeymap.models import Introduction, Membership, Presence
from journeymap.readmodel.at_the_table import Seat, Table, at_the_table
from journeymap.readmodel.snapshot import MapView
from journeymap.routes.common import view_or_404
from journeymap.routes.crud import ItemKind

bp = Blueprint("connections", __name__)


def seats_of(map_id: int) -> list[Seat]:
    """Every member of the map with when they last had it open: one query, whatever the map's size."""
    found = db.session.execute(
        select(Membership.role, Membership.caseworker_id, Presence.last_seen_at)
        .outerjoin(Presence,
                   (Presence.map_id == Membership.map_id) & (Presence.user_id == Membership.user_id))
        .where(Membership.map_id == map_id)
    )
    return [Seat(role, caseworker_id, seen) for role, caseworker_id, seen in found]


def table_of(view: MapView) -> Table:
    return at_the_table(view, seats_of(view.id), clock.today())


def _pair_or_404(view: MapView) -> tuple[str, str] | None:
    """The pair a link of the list names (?pair=c12-c15), which must be two of this map's own."""
    raw = request.args.get("pair")
    if raw is None:
        return None
    pair = parse_pair(raw)
    if pair is None:
        abort(404)
    look = view.caseworker if pair[0][0] == "c" else view.agency
    if any(look(int(key[1:])) is None for key in pair):
        abort(404)
    return pair


@bp.get("/maps/<int:map_id>/connections")
@requires("read")
def page(map_id: int):
    view = view_or_404(map_id)
    form = IntroductionForm(view=view, formdata=None)
    pair = _pair_or_404(view)
    if pair is not None:
        form.prefill(pair)
    return render_template("connections/page.html", view=view, form=form, item=None,
                           table=table_of(view), chosen=pair)


# Recording one takes a pair off the list of introductions to make: every write re-renders the
# whole region (both lists), as the meetings page does.
introduction_kind = ItemKind(
    name="introduction",
    plural="introductions",
    noun="introduction",
    model=Introduction,
    make_form=lambda view, **kw: IntroductionForm(view=view, **kw),
    add=introductions.add_introduction,
    update=introductions.update_introduction,
    delete=introductions.delete_introduction,
    page="connections.page",
    add_access="record_introduction",
    change_access="record_introduction",
    region="connections/region.html",
)

introduction_kind.register(bp)
