"""Maps and the family at their centre: start a map, see its overview, edit the family, close,
reopen or delete the map."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import gettext as _
from flask_login import current_user
from htmx_flask import make_response
from sqlalchemy import func, select

from journeymap import clock
from journeymap.auth import access, closed_maps
from journeymap.auth.access import SIGNED_IN, requires
from journeymap.domain import closing, family, members
from journeymap.domain.common import claim
from journeymap.domain.retention import retention_rule
from journeymap.extensions import db
from journeymap.forms import FamilyForm, MemberForm
from journeymap.models import Barrier, HouseholdMember, JourneyMap, Membership
from journeymap.models.utctime import utcnow
from journeymap.routes import conflicts
from journeymap.routes.common import acting, changed, form_response, map_or_404, view_or_404
from journeymap.routes.crud import ItemKind
from journeymap.routes.follow_up import overdue_count

bp = Blueprint("maps", __name__)


@bp.get("/")
@requires(SIGNED_IN)
def index():
    """The maps this person belongs to, and nobody else's."""
    # Counted per map in the person's list (correlated), not over every barrier in the database.
    unowned = (
        select(func.count())
        .where(Barrier.map_id == JourneyMap.id, Barrier.owner_agency_id.is_(None),
               Barrier.owner_caseworker_id.is_(None))
        .correlate(JourneyMap)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(JourneyMap, Membership.role, unowned, overdue_count(clock.today()))
        .join(Membership, (Membership.map_id == JourneyMap.id) & (Membership.user_id == current_user.id))
        .order_by(JourneyMap.updated_at.desc())
    ).all()
    return render_template("maps/index.html", rows=rows)


@bp.route("/maps/new", methods=["GET", "POST"])
@requires(SIGNED_IN)
def new():
    form = FamilyForm()
    if form.validate_on_submit():
        membership = members.start_map(form.pseudonym.data, form.situation.data or "", form.hopes.data or "",
                                       actor=acting())
        db.session.commit()
        return redirect(url_for("maps.overview", map_id=membership.map_id), code=303)
    return render_template("maps/new.html", form=form), 422 if form.errors else 200


@bp.get("/maps/<int:map_id>")
@requires("read")
def overview(map_id: int):
    view = view_or_404(map_id)
    return render_template("maps/overview.html", view=view, member_form=MemberForm(formdata=None))


@bp.get("/maps/<int:map_id>/family")
@requires("read")
def show_family(map_id: int):
    view = view_or_404(map_id)
    return changed("partials/family.html", view=view, page_url=url_for("maps.overview", map_id=map_id))


@bp.route("/maps/<int:map_id>/family/edit", methods=["GET", "POST"])
@requires("edit_family")
def edit_family(map_id: int):
    journey_map = map_or_404(map_id)
    view = view_or_404(map_id)
    form = FamilyForm(obj=journey_map)
    conflict = None
    if form.validate_on_submit():
        theirs = FamilyForm(obj=journey_map, formdata=None)
        if claim(JourneyMap, journey_map, form.seen_version()):
            family.update_family(
                journey_map,
                actor=acting(),
                **form.model_fields(),
                **({"from_family": True} if access.marks_from_family(g.membership) else {}),
            )
            db.session.commit()
            return show_family(map_id)
        conflict = conflicts.changed_conflict(map_id, "family", map_id, theirs, form)
        form.version.data = journey_map.version
    status = 409 if conflict else 422 if form.errors else 200
    body, status = form_response(
        "partials/family_form.html",
        title=gettext("Edit the family"),
        back_url=url_for("maps.overview", map_id=map_id),
        status=status,
        view=view,
        form=form,
        conflict=conflict,
    )
    if conflict and request.htmx:
        return make_response(body, status, retarget="#family", reswap="outerHTML")
    return body, status


@bp.route("/maps/<int:map_id>/close", methods=["GET", "POST"])
@requires("close_map")
def close(map_id: int):
    """A page that says what closing means and until when it can be undone, then the close itself."""
    journey_map = map_or_404(map_id)
    if request.method == "GET":
        return render_template("maps/close.html", view=view_or_404(map_id), rule=retention_rule(),
                               now=utcnow())
    if closing.close_map(journey_map, actor=acting()):
        db.session.commit()
        flash(_("The map is closed. Everyone on it can still read, download and present it; "
                "nobody can change it."))
    return redirect(url_for("maps.overview", map_id=map_id), code=303)


@bp.post("/maps/<int:map_id>/reopen")
@requires("reopen_map")
def reopen(map_id: int):
    journey_map = map_or_404(map_id)
    if not closing.may_reopen(journey_map) and journey_map.closed_at is not None:
        return closed_maps.refusal(g.closed_map)  # the de-identified copy: closed for good
    if closing.reopen_map(journey_map, actor=acting()):
        db.session.commit()
        flash(_("The map is open again: its members can change it as before."))
    return redirect(url_for("maps.overview", map_id=map_id), code=303)


@bp.route("/maps/<int:map_id>/delete", methods=["GET", "POST"])
@requires("delete_map")
def delete(map_id: int):
    """A page that says what will be lost, then the delete itself (CSRF-checked like every POST).

    The map's history goes with it: a family's data must be erasable, all of it."""
    journey_map = map_or_404(map_id)
    if request.method == "GET":
        return render_template("maps/delete.html", view=view_or_404(map_id))
    family.delete_map(journey_map)
    db.session.commit()
    return redirect(url_for("maps.index"), code=303)


member_kind = ItemKind(
    name="member",
    plural="household",
    noun="household member",
    model=HouseholdMember,
    make_form=lambda view, **kw: MemberForm(**kw),
    add=family.add_member,
    update=family.update_member,
    delete=family.delete_member,
    page="maps.overview",
    add_access="edit_family",
    change_access="edit_family",
    list_id=lambda item: "members",
)
member_kind.register(bp)
