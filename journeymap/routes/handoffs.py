"""Handoffs: the page that lists them (dropped ones first, asking "Who should have picked this
up?"), the item routes every kind shares (journeymap.routes.crud), the steps on each card, "Make it
a barrier", and the map's number of days before a handoff is dropped.

Each write parses its form, claims the version its author saw, calls one domain function
(journeymap.domain.handoffs), commits, and answers with the handoff's card and the map's status
(htmx) or goes back to the page (a plain browser).
"""

from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from htmx_flask import make_response
from markupsafe import Markup

from journeymap.auth import access
from journeymap.auth.access import requires
from journeymap.domain import handoffs
from journeymap.domain.common import claim
from journeymap.extensions import db
from journeymap.forms import small_int
from journeymap.forms.handoffs import STEP_WORDS, HandoffDaysForm, HandoffForm, StepForm
from journeymap.models import Handoff
from journeymap.readmodel import handoffs as readmodel
from journeymap.routes import conflicts
from journeymap.routes.common import acting, form_response, item_or_404, map_or_404, view_or_404
from journeymap.routes.crud import ItemKind

bp = Blueprint("handoffs", __name__)
ITEM_URL = "/maps/<int:map_id>/handoffs/<int:item_id>"


@bp.get("/maps/<int:map_id>/handoffs")
@requires("read")
def page(map_id: int):
    view = view_or_404(map_id)
    return render_template("handoffs/page.html", view=view, handoff_form=_form(view, formdata=None),
                           days_form=HandoffDaysForm(days=readmodel.days_allowed(view), formdata=None))


def _form(view, **kw):
    return HandoffForm(view=view, membership=g.get("membership"), **kw)


handoff_kind = ItemKind(
    name="handoff",
    plural="handoffs",
    noun="handoff",
    model=Handoff,
    make_form=_form,
    add=handoffs.add_handoff,
    update=handoffs.update_handoff,
    delete=handoffs.delete_handoff,
    page="handoffs.page",
    add_access="edit_handoffs",
    change_access="edit_handoffs",
    list_id=lambda item: "handoffs",
)
handoff_kind.register(bp)


def _card(map_id: int, item_id: int, *, status: int = 200, **context):
    """The handoff's card as it is now, in place of the whole card, with the map's status out of
    band; a plain browser goes back to the page."""
    if not request.htmx and status < 400:
        return redirect(handoff_kind.page_url(map_id, item_id), code=303)
    view = view_or_404(map_id)
    card = render_template("partials/handoff.html", view=view, item=view.handoff(item_id), **context)
    if not request.htmx:
        return render_template("form_page.html", fragment=None, body=Markup(card), view=view,
                               title=_("This handoff changed meanwhile"),
                               back_url=handoff_kind.page_url(map_id, item_id)), status
    status_line = render_template("partials/map_status.html", view=view, oob=True)
    return make_response(Markup(card) + Markup(status_line), status, retarget=f"#handoff-{item_id}",
                         reswap="outerHTML")


def _changed_meanwhile(map_id: int, item_id: int):
    who, _when = conflicts.describe(conflicts.last_change(map_id, "handoff", item_id))
    return _card(map_id, item_id, status=409, moved_meanwhile=who or "Someone")


@bp.route(f"{ITEM_URL}/steps/<step>", methods=["GET", "POST"])
@requires("move_handoffs")
def move(map_id: int, item_id: int, step: str):
    """Received, accepted, declined (why) or completed, dated."""
    if step not in STEP_WORDS:
        abort(404)
    journey_map = map_or_404(map_id)
    record = item_or_404(Handoff, journey_map.id, item_id)
    if not access.may_move_handoff(record):
        abort(403)
    view = view_or_404(map_id)
    form = StepForm(step=step, formdata=None if request.method == "GET" else request.form)
    if request.method == "GET" or not form.validate_on_submit():
        return form_response(
            "partials/handoff_step_form.html", title=f"{STEP_WORDS[step]}: {handoffs.summary(record)}",
            back_url=handoff_kind.page_url(map_id, item_id), status=200 if request.method == "GET" else 422,
            view=view, item=view.handoff(item_id), step=step, form=form, open_form=True,
        )
    follows = step in handoffs.NEXT_STEPS.get(record.status, ())
    if not follows or not claim(Handoff, record, form.seen_version()):
        return _changed_meanwhile(map_id, item_id)
    handoffs.move(journey_map, record, step, form.on.data, actor=acting(), by=form.by.data or "",
                  reason=form.reason.data or "")
    db.session.commit()
    return _card(map_id, item_id, just=STEP_WORDS[step])


@bp.post(f"{ITEM_URL}/barrier")
@requires("edit_barriers")
def make_barrier(map_id: int, item_id: int):
    """"Make it a barrier": a dropped handoff, in one step, as a barrier no one owns yet."""
    journey_map = map_or_404(map_id)
    record = item_or_404(Handoff, journey_map.id, item_id)
    if record.barrier_id is not None or not claim(Handoff, record, small_int(request.form.get("version"))):
        return _changed_meanwhile(map_id, item_id)
    handoffs.make_barrier(journey_map, record, actor=acting())
    db.session.commit()
    return _card(map_id, item_id, just="made_barrier")


@bp.post("/maps/<int:map_id>/handoffs/days")
@requires("set_handoff_days")
def set_days(map_id: int):
    journey_map = map_or_404(map_id)
    form = HandoffDaysForm()
    if not form.validate_on_submit():
        return form_response("partials/handoff_days_form.html", title=_("When is a handoff dropped?"),
                             back_url=url_for("handoffs.page", map_id=map_id), status=422,
                             view=view_or_404(map_id), days_form=form)
    handoffs.set_days(journey_map, form.days.data, actor=acting())
    db.session.commit()
    # The whole page again, even for htmx: which handoffs are dropped, and their order, follow the days.
    return redirect(url_for("handoffs.page", map_id=map_id), code=303)
