"""After "whose job is it?": the owner's answer and what they said they would do.

On a barrier's card (and from the caseworker's phone page): accept or decline, the next step
(what, who, by when), progress entries, done, hand on. Each view parses its form, claims the
version its author saw, calls one domain function (journeymap.domain.commitments), commits, and
answers with the barrier's card (htmx) or goes back to it (a plain browser).
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from htmx_flask import make_response
from markupsafe import Markup
from sqlalchemy import func, select

from journeymap import clock
from journeymap.auth import access
from journeymap.auth.access import requires
from journeymap.bidi import isolate
from journeymap.domain import commitments
from journeymap.domain.common import claim
from journeymap.extensions import db
from journeymap.forms.commitments import AnswerForm, CommitmentForm, DeclineForm, DoneForm, ProgressForm
from journeymap.models import Barrier, Commitment, JourneyMap
from journeymap.readmodel import follow_up
from journeymap.routes import conflicts
from journeymap.routes.common import acting, form_response, item_or_404, map_or_404, view_or_404

bp = Blueprint("follow_up", __name__)
BARRIER_URL = "/maps/<int:map_id>/barriers/<int:item_id>"


def _allowed(map_id: int, item_id: int):
    """The map, the barrier's row and the map view, once this member may follow it up (else 403)."""
    journey_map = map_or_404(map_id)
    record = item_or_404(Barrier, journey_map.id, item_id)
    view = view_or_404(map_id)
    if not access.may_follow_up(view.barrier(item_id), view):
        abort(403)
    return journey_map, record, view


def _back_url(map_id: int, item_id: int) -> str:
    """Where a plain browser goes after a change: the phone page it came from, or the barriers page."""
    if request.values.get("from") == "me":
        return url_for("me.touchpoints", _anchor=f"barrier-{item_id}")
    return url_for("barriers.page", map_id=map_id, _anchor=f"barrier-{item_id}")


def _card(map_id: int, item_id: int, *, status: int = 200, **context):
    """The barrier's card as it is now, in place of the whole card, with the map's status (its
    counts of barriers no one owns and of overdue next steps) out of band."""
    if not request.htmx and status < 400:
        return redirect(_back_url(map_id, item_id), code=303)
    view = view_or_404(map_id)
    compact = request.values.get("from") == "me"  # the phone page's card
    template = "partials/barrier_compact.html" if compact else "partials/barrier.html"
    card = render_template(template, view=view, item=view.barrier(item_id), **context)
    # The phone page has no map header to update (and htmx reports an out-of-band swap with no target).
    header = "" if compact else render_template("partials/map_status.html", view=view, oob=True)
    return make_response(Markup(card) + Markup(header), status, retarget=f"#barrier-{item_id}",
                         reswap="outerHTML")


def _changed_meanwhile(map_id: int, item_id: int, form=None, *, fragment=None, title=""):
    """Someone else answered or changed this a moment ago. A form comes back with its text kept
    and the version there is now, saying so (send it again to save over their change); a button
    (accept, hand on) shows the card as it is now (htmx) or goes back to it (a plain browser)."""
    who, _when = conflicts.describe(conflicts.last_change(map_id, "barrier", item_id))
    who = who or _("Someone")
    if form is not None:
        form.version.data = None  # the template shows the version there is now
        message = _("%(who)s changed this barrier a moment ago. What you typed is kept here; check "
                    "the barrier and save again to replace their change.", who=who)
        return _form(fragment, form, map_id, item_id, title=title, status=409, conflict=message)
    message = _("%(who)s changed this barrier a moment ago; this is how it is now.", who=who)
    if request.htmx:
        return _card(map_id, item_id, status=409, follow_up_conflict=message)
    flash(message)
    return redirect(_back_url(map_id, item_id), code=303)


def _form(fragment: str, form, map_id: int, item_id: int, *, title: str, status: int = 200, **context):
    view = view_or_404(map_id)
    item = view.barrier(item_id)
    return form_response(fragment, title=f"{title}: “{isolate(item.title)}”",
                         back_url=_back_url(map_id, item_id), status=status, view=view, item=item,
                         form=form, came_from=request.values.get("from", ""), **context)


@bp.post(f"{BARRIER_URL}/accept")
@requires("answer_ownership")
def accept(map_id: int, item_id: int):
    journey_map, record, _view = _allowed(map_id, item_id)
    form = AnswerForm()
    if not claim(Barrier, record, form.seen_version()):
        return _changed_meanwhile(map_id, item_id)
    try:
        commitments.accept(journey_map, record, actor=acting())
    except commitments.NotNow:
        db.session.rollback()
        return _changed_meanwhile(map_id, item_id)
    db.session.commit()
    return _card(map_id, item_id, just="accepted")


@bp.route(f"{BARRIER_URL}/decline", methods=["GET", "POST"])
@requires("answer_ownership")
def decline(map_id: int, item_id: int):
    journey_map, record, _view = _allowed(map_id, item_id)
    fragment, title = "partials/decline_form.html", "Decline"
    form = DeclineForm(formdata=None if request.method == "GET" else request.form)
    if request.method == "GET" or not form.validate_on_submit():
        status = 200 if request.method == "GET" else 422
        return _form(fragment, form, map_id, item_id, title=title, status=status)
    if not claim(Barrier, record, form.seen_version()):
        return _changed_meanwhile(map_id, item_id, form, fragment=fragment, title=title)
    try:
        commitments.decline(journey_map, record, form.reason.data, actor=acting())
    except commitments.NotNow:
        db.session.rollback()
        return _changed_meanwhile(map_id, item_id)
    db.session.commit()
    return _card(map_id, item_id, just="declined")


@bp.route(f"{BARRIER_URL}/next-step", methods=["GET", "POST"])
@requires("keep_commitments")
def next_step(map_id: int, item_id: int):
    """Set the accepted barrier's next step, or change the open one (versioned like every edit)."""
    journey_map, record, view = _allowed(map_id, item_id)
    current = commitments.open_commitment(record)
    fragment, title = "partials/commitment_form.html", _("Next step")
    if request.method == "GET":
        form = CommitmentForm(view=view, formdata=None, obj=current)
        if current is None and (me := view.caseworker(_my_caseworker_id())) is not None:
            form.who_caseworker_id.data = str(me.id)  # a caseworker's own promise, unless they say
        return _form(fragment, form, map_id, item_id, title=title, commitment=current)
    form = CommitmentForm(view=view)
    if not form.validate_on_submit():
        return _form(fragment, form, map_id, item_id, title=title, status=422, commitment=current)
    versioned = (Commitment, current) if current is not None else (Barrier, record)
    if not claim(*versioned, form.seen_version()):
        return _changed_meanwhile(map_id, item_id, form, fragment=fragment, title=title)
    try:
        if current is None:
            commitments.commit_to(journey_map, record, actor=acting(), **form.fields())
        else:
            commitments.edit_commitment(journey_map, current, actor=acting(), **form.fields())
    except commitments.NotNow:
        db.session.rollback()
        return _changed_meanwhile(map_id, item_id)
    db.session.commit()
    past = follow_up.is_past(form.due_on.data, clock.today())
    return _card(map_id, item_id, just="past_date" if past else "next_step")


def _my_caseworker_id() -> int | None:
    membership = g.get("membership")
    return membership.caseworker_id if access.works_as_caseworker(membership) else None


def _open_or_409(record: Barrier, map_id: int, item_id: int):
    current = commitments.open_commitment(record)
    if current is None:
        abort(_changed_meanwhile(map_id, item_id))
    return current


@bp.route(f"{BARRIER_URL}/progress", methods=["GET", "POST"])
@requires("keep_commitments")
def progress(map_id: int, item_id: int):
    journey_map, record, _view = _allowed(map_id, item_id)
    current = _open_or_409(record, map_id, item_id)
    fragment, title = "partials/progress_form.html", "Progress"
    if request.method == "GET":
        form = ProgressForm(formdata=None, on_date=clock.today())
        return _form(fragment, form, map_id, item_id, title=title)
    form = ProgressForm()
    if not form.validate_on_submit():
        return _form(fragment, form, map_id, item_id, title=title, status=422)
    commitments.record_progress(journey_map, current, actor=acting(), on_date=form.on_date.data,
                                what_was_done=form.what_was_done.data or "",
                                what_is_blocking=form.what_is_blocking.data or "")
    db.session.commit()
    return _card(map_id, item_id, just="progress")


@bp.route(f"{BARRIER_URL}/done", methods=["GET", "POST"])
@requires("keep_commitments")
def done(map_id: int, item_id: int):
    journey_map, record, _view = _allowed(map_id, item_id)
    current = _open_or_409(record, map_id, item_id)
    fragment, title = "partials/done_form.html", "Done"
    form = DoneForm(formdata=None if request.method == "GET" else request.form)
    if request.method == "GET" or not form.validate_on_submit():
        return _form(fragment, form, map_id, item_id, title=title, commitment=current,
                     status=200 if request.method == "GET" else 422)
    if not claim(Commitment, current, form.seen_version()):
        return _changed_meanwhile(map_id, item_id, form, fragment=fragment, title=title)
    commitments.mark_done(journey_map, current, form.what_changed.data, actor=acting())
    db.session.commit()
    return _card(map_id, item_id, just="done")


@bp.post(f"{BARRIER_URL}/hand-on")
@requires("keep_commitments")
def hand_on(map_id: int, item_id: int):
    journey_map, record, _view = _allowed(map_id, item_id)
    if not claim(Barrier, record, AnswerForm().seen_version()):
        return _changed_meanwhile(map_id, item_id)
    try:
        commitments.hand_on(journey_map, record, actor=acting())
    except commitments.NotNow:
        db.session.rollback()
        return _changed_meanwhile(map_id, item_id)
    db.session.commit()
    return _card(map_id, item_id, just="handed_on")


@bp.get("/maps/<int:map_id>/commitments")
@requires("read")
def open_commitments(map_id: int):
    """Every open next step of the map with its age, overdue first: the facilitator's follow-up list."""
    view = view_or_404(map_id)
    today = clock.today()
    return render_template("follow_up/open.html", view=view, on_day=today,
                           rows=follow_up.overdue_first(view.open_commitments, today))


def overdue_count(today: date):
    """The overdue next steps of the map in the row (readmodel.follow_up.is_overdue, in SQL),
    counted per map in a person's list of maps."""
    return (
        select(func.count()).select_from(Commitment)
        .where(Commitment.map_id == JourneyMap.id, Commitment.status == "open", Commitment.due_on < today)
        .correlate(JourneyMap).scalar_subquery()
    )
