"""Barriers, and the question this tool exists to ask of each: whose job is it to fix this?"""

from __future__ import annotations

from flask import Blueprint, render_template, request

from journeymap.domain import barriers
from journeymap.extensions import db
from journeymap.forms import BarrierForm, OwnerForm
from journeymap.models import Barrier
from journeymap.routes.common import form_response, item_or_404, map_or_404, view_or_404
from journeymap.routes.crud import ItemKind

bp = Blueprint("barriers", __name__)


@bp.get("/maps/<int:map_id>/barriers")
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
    list_id=lambda item: "barriers",
)
barrier_kind.register(bp)


@bp.post("/maps/<int:map_id>/barriers/<int:item_id>/owner")
def record_owner(map_id: int, item_id: int):
    """The one-step answer to "whose job is it to fix this?"."""
    journey_map = map_or_404(map_id)
    record = item_or_404(Barrier, journey_map, item_id)
    view = view_or_404(map_id)
    form = OwnerForm(view=view)
    if not form.validate_on_submit():
        return form_response(
            "partials/owner_form.html",
            title="Whose job is it to fix this?",
            back_url=barrier_kind.page_url(map_id, item_id),
            status=422,
            view=view,
            item=view.barrier(item_id),
            form=form,
        )
    agency_id, caseworker_id = form.owner_ids()
    barriers.set_owner(journey_map, record, agency_id, caseworker_id)
    db.session.commit()
    view = view_or_404(map_id)
    return barrier_kind.written(view, "partials/barrier.html", item_id, item=view.barrier(item_id),
                                just_owned=request.htmx)
