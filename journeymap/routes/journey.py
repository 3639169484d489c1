"""The journey: stages the group names and orders, touchpoints in order within them."""

from __future__ import annotations

from flask import Blueprint, abort, g, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

from journeymap.auth import access
from journeymap.auth.access import requires
from journeymap.bidi import isolate
from journeymap.domain import journey, people
from journeymap.extensions import db
from journeymap.forms import StageForm, TouchpointForm
from journeymap.models import Stage, Touchpoint
from journeymap.routes.common import acting, item_or_404, map_or_404, view_or_404
from journeymap.routes.crud import ItemKind, announced

bp = Blueprint("journey", __name__)


@bp.get("/maps/<int:map_id>/journey")
@requires("read")
def page(map_id: int):
    view = view_or_404(map_id)
    return render_template(
        "journey/page.html",
        view=view,
        stage_form=StageForm(formdata=None),
        touchpoint_form=TouchpointForm(view=view, formdata=None),
    )


def _add_agency_from_touchpoint_form(journey_map, view, form) -> str | None:
    """The "Add agency" button inside the touchpoint form: add it, keep everything else typed."""
    sub = form.new_agency
    if not sub.validate(extra_validators=None):
        return None
    agency = people.add_agency(journey_map, actor=acting(), note={"via": "touchpoint_form"},
                               name=sub.name.data, sector=sub.sector.data)
    form.created_id = agency.id
    return _("Added the agency “%(name)s” and chose it below.", name=isolate(agency.name))


def _add_caseworker_from_touchpoint_form(journey_map, view, form) -> str | None:
    sub = form.new_caseworker
    if not sub.validate(extra_validators=None):
        return None
    agency_id = form.agency_id.data if form.agency_id.validate(form) else None
    worker = people.add_caseworker(
        journey_map, actor=acting(), note={"via": "touchpoint_form"},
        name=sub.name.data or "", role=sub.role.data or "", agency_id=agency_id,
    )
    form.created_id = worker.id
    return _("Added the caseworker “%(name)s” and chose them below.",
             name=isolate(worker.name or worker.role))


def touchpoint_fields(form) -> dict:
    """The touchpoint's fields from its form. Who reported it is who is writing (their role),
    never a form's default: a facilitator sitting with the family may say the family reported it,
    nobody else chooses. A caseworker's touchpoints are always their own: with them, at their
    agency, whatever the form says."""
    fields = form.model_fields()
    membership = g.membership
    fields.update(reported_by=access.reported_by(membership, fields.get("reported_by")))
    if access.touchpoints_are_pinned_to_self(membership):
        me = form.view.caseworker(membership.caseworker_id)
        if me is None:
            abort(403)  # the page asks them to say who they are first (My touchpoints)
        fields.update(caseworker_id=me.id, agency_id=me.agency_id)
    return fields


def _move(kind_model, map_id: int, item_id: int, mover):
    journey_map = map_or_404(map_id)
    record = item_or_404(kind_model, journey_map.id, item_id)
    access.ensure_may_edit(record)
    try:
        step = int(request.form.get("step", ""))
    except ValueError as exc:
        raise BadRequest("step must be -1 or 1") from exc
    if step not in (-1, 1):
        raise BadRequest("step must be -1 or 1")
    mover(journey_map, record, step, actor=acting())  # records the move, when there was one
    db.session.commit()
    return step


stage_kind = ItemKind(
    name="stage",
    plural="stages",
    noun="stage",
    model=Stage,
    make_form=lambda view, **kw: StageForm(**kw),
    add=journey.add_stage,
    update=journey.rename_stage,
    delete=journey.delete_stage,
    page="journey.page",
    add_access="edit_stages",
    change_access="edit_stages",
    region="journey/region.html",
    also=("partials/touchpoint_stage_select.html",),
    dom_suffix="-head",
)

touchpoint_kind = ItemKind(
    name="touchpoint",
    plural="touchpoints",
    noun="touchpoint",
    model=Touchpoint,
    make_form=lambda view, **kw: TouchpointForm(view=view, **kw),
    fields_of=touchpoint_fields,
    add=journey.add_touchpoint,
    update=journey.update_touchpoint,
    delete=journey.delete_touchpoint,
    page="journey.page",
    add_access="add_touchpoint",
    change_access="change_touchpoint",
    region="journey/region.html",
    # A touchpoint added goes last in its stage, and one saved in the same stage stays where it was:
    # the card alone. A stage changed moves it, and the first one changes what the page says.
    needs_region=lambda done, before, after, view: (
        len(view.touchpoints) == 1 if done == "added"
        else before is None or after is None or before.stage_id != after.stage_id),
    list_id=lambda item: f"stage-{item.stage_id or 'none'}-touchpoints",
    extra_actions={
        "add_agency": _add_agency_from_touchpoint_form,
        "add_caseworker": _add_caseworker_from_touchpoint_form,
    },
)

stage_kind.register(bp)
touchpoint_kind.register(bp)


@bp.post("/maps/<int:map_id>/stages/<int:item_id>/move")
@requires("edit_stages")
def move_stage(map_id: int, item_id: int):
    step = _move(Stage, map_id, item_id, journey.move_stage)
    view = view_or_404(map_id)
    return announced(stage_kind.written(view, None, item_id, focus=("stage", item_id, step)),
                     _moved(stage_kind, view.stage(item_id), step))


@bp.post("/maps/<int:map_id>/touchpoints/<int:item_id>/move")
@requires("change_touchpoint")
def move_touchpoint(map_id: int, item_id: int):
    step = _move(Touchpoint, map_id, item_id, journey.move_touchpoint)
    view = view_or_404(map_id)
    return announced(
        touchpoint_kind.written(view, None, item_id, focus=("touchpoint", item_id, step)),
        _moved(touchpoint_kind, view.touchpoint(item_id), step),
    )


def _moved(kind, item, step: int) -> str:
    return kind.announcement("moved earlier" if step < 0 else "moved later", item)
