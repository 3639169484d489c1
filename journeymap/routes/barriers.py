"""Barriers, and the question this tool exists to ask of each: whose job is it to fix this?"""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, request
from flask_babel import gettext as _
from htmx_flask import make_response

from journeymap.auth import access
from journeymap.auth.access import requires
from journeymap.bidi import isolate
from journeymap.domain import barriers
from journeymap.domain.common import claim
from journeymap.extensions import db
from journeymap.forms import BarrierForm, OwnerForm
from journeymap.models import Barrier
from journeymap.routes import conflicts
from journeymap.routes.common import acting, form_response, item_or_404, map_or_404, view_or_404
from journeymap.routes.crud import ItemKind

bp = Blueprint("barriers", __name__)


@bp.get("/maps/<int:map_id>/barriers")
@requires("read")
def page(map_id: int):
    view = view_or_404(map_id)
    form = BarrierForm(view=view, formdata=None)
    return render_template("barriers/page.html", view=view, barrier_form=form)


def _barrier_form(view, obj=None, **kw):
    if obj is not None and "formdata" in kw and kw["formdata"] is None:
        kw["touchpoint_ids"] = list(view.barrier(obj.id).touchpoint_ids)
    return BarrierForm(view=view, obj=obj, **kw)


barrier_kind = ItemKind(
    name="barrier",
    plural="barriers",
    noun="barrier",
    model=Barrier,
    make_form=_barrier_form,
    fields_of=lambda form: {**form.model_fields(), "touchpoint_ids": form.touchpoint_ids.data or []},
    add=barriers.add_barrier,
    update=barriers.update_barrier,
    delete=barriers.delete_barrier,
    page="barriers.page",
    add_access="edit_barriers",
    change_access="edit_barriers",
    list_id=lambda item: "barriers",
)
barrier_kind.register(bp)


@bp.get("/maps/<int:map_id>/barriers/<int:item_id>/owner")
@requires("record_owner")
def choose_owner(map_id: int, item_id: int):
    """The owner form of one barrier, asked for from its card when the map has too many agencies
    and caseworkers for every card to carry it (see partials/owner_chooser.html)."""
    view = view_or_404(map_id)
    item = view.barrier(item_id)
    if item is None:
        abort(404)
    if not item.is_unowned:  # an owner was recorded meanwhile: the card as it is now, saying so
        if request.htmx:
            return _card_changed_meanwhile(view, item_id, status=200)
        return redirect(barrier_kind.page_url(map_id, item_id), code=303)
    if request.args.get("closed") and request.htmx:  # "Close": the button again, with the focus
        return render_template("partials/owner_chooser.html", view=view, item=item, autofocus=True)
    return form_response(
        "partials/owner_form.html",
        title=_owner_question(item), back_url=barrier_kind.page_url(map_id, item_id),
        view=view, item=item, form=None, autofocus=True,
    )


@bp.post("/maps/<int:map_id>/barriers/<int:item_id>/owner")
@requires("record_owner")
def record_owner(map_id: int, item_id: int):
    """The one-step answer to "whose job is it to fix this?"."""
    journey_map = map_or_404(map_id)
    record = item_or_404(Barrier, journey_map.id, item_id)
    # The one-step owner form answers "no one owns this"; changing an existing owner is an edit.
    if not record.is_unowned and not access.can("edit_barriers"):
        abort(403)
    view = view_or_404(map_id)
    form = OwnerForm(view=view, membership=g.membership)
    status = 422
    if form.validate_on_submit():
        if claim(Barrier, record, form.seen_version()):
            agency_id, caseworker_id = form.owner_ids()
            barriers.set_owner(journey_map, record, agency_id, caseworker_id, actor=acting())
            db.session.commit()
            view = view_or_404(map_id)
            return _whole_card(barrier_kind.written(view, "partials/barrier.html", item_id,
                                                    item=view.barrier(item_id), just_owned=request.htmx),
                               item_id)
        # Someone changed the barrier since this person looked: show it as it is now.
        if request.htmx:
            return _card_changed_meanwhile(view, item_id, status=409)
        status = 409
        form.owner.errors.append(
            f"{_who_changed(map_id, item_id)} changed this barrier a moment ago; check it and choose again."
        )
    return form_response(
        "partials/owner_form.html",
        title=_owner_question(view.barrier(item_id)),
        back_url=barrier_kind.page_url(map_id, item_id),
        status=status,
        view=view,
        item=view.barrier(item_id),
        form=form,
    )


def _who_changed(map_id: int, item_id: int) -> str:
    who, _when = conflicts.describe(conflicts.last_change(map_id, "barrier", item_id))
    return who or "Someone"


def _card_changed_meanwhile(view, item_id: int, *, status: int):
    """The barrier's card as it is now, saying who changed it a moment ago."""
    card = render_template("partials/barrier.html", view=view, item=view.barrier(item_id),
                           owner_conflict=_who_changed(view.id, item_id))
    return _whole_card(make_response(card, status), item_id)


def _owner_question(item) -> str:
    """The title of the owner form's own page (without JavaScript): which barrier it is about."""
    return _("Whose job is it to fix “%(title)s”?", title=isolate(item.title))


def _whole_card(response, item_id: int):
    """The owner form swaps only itself on an error; success or a conflict redraws the card."""
    if request.htmx:
        return make_response(response, retarget=f"#barrier-{item_id}", reswap="outerHTML")
    return make_response(response)
