"""“My touchpoints”: a caseworker's own page, made for a phone. The maps they are on, a short form
to add what they did with the family, and the touchpoints they have added."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from journeymap.auth import access
from journeymap.auth.access import SIGNED_IN, requires
from journeymap.bidi import isolate
from journeymap.domain import journey, members
from journeymap.extensions import db
from journeymap.forms import TouchpointForm
from journeymap.forms.members import IdentityForm
from journeymap.models import Membership
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
        "form": form or TouchpointForm(view=view, formdata=None),
        "identity_form": (identity_form or IdentityForm(view=view, taken_ids=_linked_elsewhere(view.id),
                                                        formdata=None)) if needs_identity else None,
    }


def _page(replaced: dict | None = None, status: int = 200):
    memberships = db.session.scalars(
        select(Membership).where(Membership.user_id == current_user.id).order_by(Membership.joined_at)
    ).all()
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
        fields.update(reported_by="family", from_family=True)
    created = journey.add_touchpoint(journey_map, actor=acting(), note={"via": "my_touchpoints"},
                                     created_by_id=current_user.id, **fields)
    db.session.commit()
    flash(f"Added to {isolate(view.pseudonym)}'s journey: “{isolate(created.action)}”.")
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
    else:  # a choice of this map's free caseworkers
        members.be_caseworker(membership, int(form.caseworker_id.data), actor=acting())
    db.session.commit()
    return redirect(url_for("me.touchpoints", _anchor=f"map-{map_id}"), code=303)
