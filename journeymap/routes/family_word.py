"""The family's word on their map: confirm, dispute or withdraw, on each touchpoint and barrier.

One route per kind of item the family gives their word on (journeymap.kinds.items.WORD_KINDS),
made from that list: POST /maps/<map_id>/<the kind's plural>/<item_id>/word. The family gives it;
a facilitator sitting with them gives it on their behalf (and the map says so); others read it.
"""

from __future__ import annotations

from flask import Blueprint, g, redirect, request, url_for
from flask_babel import gettext

from journeymap.auth import access
from journeymap.auth.access import requires
from journeymap.domain import family_word
from journeymap.extensions import db
from journeymap.forms.family_word import FamilyWordForm
from journeymap.i18n import translated
from journeymap.kinds.items import KINDS, WORD_KINDS
from journeymap.routes.common import acting, form_response, item_or_404, map_or_404, view_or_404

bp = Blueprint("family_word", __name__)

FRAGMENT = "partials/family_word.html"
# The page that lists a kind's items, when it is not "<plural>.page".
PAGE_OF = {"touchpoint": "journey.page", "barrier": "barriers.page"}


def page_url(kind: str, map_id: int, item_id: int) -> str:
    endpoint = PAGE_OF.get(kind, f"{KINDS[kind].json_list}.page")
    return url_for(endpoint, map_id=map_id, _anchor=f"{kind}-{item_id}")


def give(kind: str, map_id: int, item_id: int):
    journey_map = map_or_404(map_id)
    record = item_or_404(KINDS[kind].model, journey_map.id, item_id)
    form = FamilyWordForm()
    if not form.validate_on_submit():
        return _answer(kind, map_id, item_id, form=form, status=422)
    seen = form.seen_version() or 0
    on_behalf = access.gives_word_on_behalf(g.membership)
    try:
        if form.withdrawing:
            family_word.withdraw(journey_map, record, kind=kind, seen=seen, on_behalf=on_behalf,
                                 actor=acting())
        else:
            family_word.give(journey_map, record, kind=kind, verdict=form.verdict.data,
                             comment=(form.comment.data or "").strip(), seen=seen, on_behalf=on_behalf,
                             actor=acting())
    except family_word.WordChanged:
        db.session.rollback()
        return _answer(kind, map_id, item_id, form=form, conflict=True, status=409)
    db.session.commit()
    if not request.htmx:
        return redirect(page_url(kind, map_id, item_id), code=303)
    # A dispute without a comment asks for one, with the form left open.
    invite = form.verdict.data == "disputed" and not (form.comment.data or "").strip()
    return _answer(kind, map_id, item_id, saved=True, invite=invite)


def _answer(kind: str, map_id: int, item_id: int, *, status: int = 200, **context):
    view = view_or_404(map_id)
    item = _item(view, kind, item_id)
    title = gettext("The family’s word on this %(what)s", what=translated(KINDS[kind].noun))
    return form_response(FRAGMENT, title=title,
                         back_url=page_url(kind, map_id, item_id), status=status,
                         view=view, kind=kind, item=item, **context)


def _item(view, kind: str, item_id: int):
    """The item in the map view, from the view's list of the kind (named like its JSON list)."""
    return next(i for i in getattr(view, KINDS[kind].json_list) if i.id == item_id)


def _register(kind: str) -> None:
    def view_function(map_id: int, item_id: int):
        return give(kind, map_id, item_id)

    view_function.__name__ = f"give_{kind}"
    bp.add_url_rule(f"/maps/<int:map_id>/{KINDS[kind].json_list}/<int:item_id>/word",
                    view_func=requires("give_family_word")(view_function), methods=["POST"])


for _kind in WORD_KINDS:
    _register(_kind)
