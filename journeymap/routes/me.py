"""“My touchpoints”: a caseworker's own page, made for a phone. The maps they are on, a short form
to add what they did with the family, the touchpoints they have added, and the barriers their
agency owns (to accept, decline and follow up there). And “What I said I would do”: one person's
next steps across all their maps, overdue first."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from journeymap import clock
from journeymap.auth import access
from journeymap.auth.access import SIGNED_IN, requires
from journeymap.bidi import isolate
from journeymap.domain import journey, members
from journeymap.extensions import db
from journeymap.forms import TouchpointForm
from journeymap.forms.members import IdentityForm
from journeymap.models import Membership
from journeymap.readmodel import follow_up
from journeymap.routes.common import acting, map_or_404, view_or_404
from journeymap.routes.journey import touchpoint_fields

bp = Blueprint("me", __name__)


def _linked_elsewhere(map_id: int) -> list[int]:
    """Caseworkers of this map already claimed by another member."""
    return list(db.session.scalars(
        select(Membership.caseworker_id).where(
            Membership.map_id == map_id, Membership.caseworker_id.is_not(None),
            Membership.user_id != current_user.id)
    ))


def _section(membership: Membership, *, form=None, identity_form=None) -> dict:
    view = view_or_404(membership.map_id)
    needs_identity = access.must_say_which_caseworker(membership, view)
    return {
        "membership": membership,
        "view": view,
        "me": view.caseworker(membership.caseworker_id),
        "mine": [tp for tp in view.touchpoints if tp.created_by_id == current_user.id],
        # Barriers this member may answer for (their own or their agency's), on the phone too.
        "owned": [b for b in view.barriers if not b.is_unowned and access.may_follow_up(b, view, membership)]
        if access.works_as_caseworker(membership) else [],
        "form": form or TouchpointForm(view=view, formdata=None),
        "identity_form": (identity_form or IdentityForm(view=view, taken_ids=_linked_elsewhere(view.id),
                                                        formdata=None)) if needs_identity else None,
    }


def _memberships() -> list[Membership]:
    return list(db.session.scalars(
        select(Membership).where(Membership.user_id == current_user.id).order_by(Membership.joined_at)
    ))


def said_i_would(commitment, membership: Membership) -> bool:
    """Whose promise a next step is: the caseworker it names, when it names one of the map's
    caseworkers (a member linked to that caseworker record); otherwise whoever recorded it."""
    if commitment.who_caseworker_id is not None:
        return commitment.who_caseworker_id == membership.caseworker_id
    return commitment.created_by_id == membership.user_id


@bp.get("/me/commitments")
@requires(SIGNED_IN)
def commitments():
    """“What I said I would do”: open next steps across all my maps, overdue first, then the
    ones done lately."""
    today = clock.today()
    open_rows, done_rows = [], []
    for membership in _memberships():
        view = view_or_404(membership.map_id)
        for commitment in view.commitments:
            if not said_i_would(commitment, membership):
                continue
            (open_rows if commitment.is_open else done_rows).append((view, commitment))
    ordered = sorted(open_rows, key=lambda row: follow_up.order_key(row[1], today))
    done_rows = [(v, c) for v, c in done_rows if c.status == "done"]
    done_rows.sort(key=lambda row: row[1].closed_at, reverse=True)
    return render_template("me/commitments.html", rows=ordered, done=done_rows[:10], on_day=today)


def _page(replaced: dict | None = None, status: int = 200):
    memberships = _memberships()
    sections = []
    for membership in memberships:
        if not access.can("add_touchpoint", membership):
            continue
        if replaced and replaced["membership"].id == membership.id:
            sections.append(replaced)
        else:
            sections.append(_section(membership))
    return render_template("me/touchpoints.html", sections=sections), status


@bp.get("/me/touchpoints")
@requires(SIGNED_IN)
def touchpoints():
    return _page()


@bp.post("/me/maps/<int:map_id>/touchpoints")
@requires("add_touchpoint")
def add_touchpoint(map_id: int):
    journey_map = map_or_404(map_id)
    view = view_or_404(map_id)
    membership = g.membership
    form = TouchpointForm(view=view)
    if access.must_say_which_caseworker(membership, view):
        abort(409)  # the page asks who they are first; a form sent anyway is refused, not guessed
    if not form.validate_on_submit():
        return _page(_section(membership, form=form), status=422)
    fields = touchpoint_fields(form)
    if access.marks_from_family(membership):
        fields.update(from_family=True)
    created = journey.add_touchpoint(journey_map, actor=acting(), note={"via": "my_touchpoints"},
                                     created_by_id=current_user.id, **fields)
    db.session.commit()
    flash(_("Added to the journey of %(name)s: “%(action)s”.", name=isolate(view.pseudonym),
            action=isolate(created.action)))
    return redirect(url_for("me.touchpoints", _anchor=f"map-{map_id}"), code=303)


@bp.post("/me/maps/<int:map_id>/identity")
@requires("add_touchpoint")
def identity(map_id: int):
    membership = g.membership
    view = view_or_404(map_id)
    # Who a caseworker is decides whose barriers they may own: said once, changed only by a
    # facilitator (by removing and re-inviting), never swapped for someone else's record.
    if not access.must_say_which_caseworker(membership, view):
        abort(403)
    taken = _linked_elsewhere(map_id)
    form = IdentityForm(view=view, taken_ids=taken)
    if not form.validate_on_submit():
        return _page(_section(membership, identity_form=form), status=422)
    if form.caseworker_id.data == "new":
        members.add_self_as_caseworker(
            membership, name=form.name.data or "", role=form.role.data or "",
            agency_id=int(form.agency_id.data) if form.agency_id.data else None,
            new_agency=form.new_agency.data or "", actor=acting(),
        )
    elif form.predecessor_id is not None:
        members.take_over_from(membership, form.predecessor_id, name=form.name.data or "",
                               role=form.role.data or "", actor=acting())
    else:  # a choice of this map's free caseworkers
        members.be_caseworker(membership, int(form.caseworker_id.data), actor=acting())
    db.session.commit()
    return redirect(url_for("me.touchpoints", _anchor=f"map-{map_id}"), code=303)
