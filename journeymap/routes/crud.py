"""The add / show / edit / delete routes that every kind of item on a map shares.

Each kind (household member, agency, caseworker, stage, touchpoint, barrier) is described once
as an ItemKind; `register` adds its four routes to a blueprint. The behaviour is the same for all:
- POST   /maps/<map_id>/<plural>                    add (htmx: fresh form + the new item appended)
- GET    /maps/<map_id>/<plural>/<item_id>          the item (htmx) or a redirect to its page
- GET/POST /maps/<map_id>/<plural>/<item_id>/edit   edit form / save (htmx: the item replaces the form)
- POST   /maps/<map_id>/<plural>/<item_id>/delete   delete (htmx: the item disappears)
Invalid input answers 422 with the same form, errors beside the fields and the input kept.
An edit or delete of a version someone else has changed meanwhile answers 409 with both versions
(routes/conflicts.py). Every write is recorded in the map's history, in the same commit.
Templates: partials/<name>.html shows an item, partials/<name>_form.html adds or edits one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask import make_response as flask_response
from flask_babel import gettext
from flask_login import current_user
from htmx_flask import make_response
from markupsafe import Markup

from journeymap.auth import access
from journeymap.domain.common import claim
from journeymap.extensions import db
from journeymap.forms import small_int
from journeymap.i18n import translated
from journeymap.readmodel.snapshot import MapView
from journeymap.routes import conflicts
from journeymap.routes.common import (
    acting,
    changed,
    form_response,
    item_or_404,
    map_or_404,
    view_or_404,
)

# An extra button inside a form (name="intent", e.g. "add this agency" inside the touchpoint
# form; not "action", which is a touchpoint field): it gets the
# map, the current view and the bound form, may change the database, and returns a message.
ExtraAction = Callable[[Any, MapView, Any], str | None]

# The attribute that names an item to a person, in the order tried (a touchpoint's action, a
# barrier's title, an agency's name, a caseworker's display name, a household member's role).
LABEL_ATTRIBUTES = ("action", "title", "name", "display_name", "role")


def announced(body, text: str):
    """An htmx answer that also says what happened in the page's polite live region
    (static/js/focus.js listens for `jm:announce`). JSON escapes everything outside ASCII, so a
    name in any script travels safely in a header."""
    response = flask_response(body)
    if request.htmx:
        response.headers["HX-Trigger"] = json.dumps({"jm:announce": text})
    return response


@dataclass
class ItemKind:
    name: str  # "agency": names templates, endpoints and DOM ids
    plural: str  # "agencies": the URL segment
    noun: str  # "agency": words people read ("Edit agency")
    model: type
    make_form: Callable[..., Any]  # (view, formdata=..., obj=...) -> form
    # Domain functions; each records its own history entry, by the actor it is given.
    add: Callable[..., Any]  # (journey_map, *, actor, **fields) -> model
    update: Callable[..., None]  # (journey_map, item, *, actor, **fields)
    delete: Callable[..., None]  # (journey_map, item, *, actor)
    page: str  # endpoint of the page that lists them
    # form -> keyword arguments for the domain functions: the declared fields, unless a kind adds more
    fields_of: Callable[[Any], dict] = lambda form: form.model_fields()
    # Capabilities (journeymap.auth.access) needed to add, and to edit or delete, items of this kind.
    add_access: str = "edit_family"
    change_access: str = "edit_family"
    # item view -> id of the list a new item is appended to (kinds without a region)
    list_id: Callable[[Any], str] | None = None
    extra_actions: dict[str, ExtraAction] = field(default_factory=dict)
    # When items of this kind show up in several places on their page (an agency's name beside
    # each of its caseworkers), a write re-renders this whole region instead of one item.
    region: str | None = None
    # With a region: (what happened, the item before, the item after, the map view) -> whether
    # this write needs the whole region, or only the item (appended to `list_id`, or in place).
    # A save that leaves a touchpoint in its stage changes one card, and a room of 45 people
    # saving should cost 45 cards, not 45 journeys. None: every write redraws the region.
    needs_region: Callable[[str, Any, Any, MapView], bool] | None = None
    # Fragments swapped out of band after every write, e.g. a <select> elsewhere listing these items.
    also: tuple[str, ...] = ()
    # The id of the element an item's edit form replaces is "<name>-<id><dom_suffix>" (a stage's
    # head, "-head", rather than the whole stage with its touchpoints).
    dom_suffix: str = ""

    # Helpers ---------------------------------------------------------------------------------
    def lookup(self, view: MapView, item_id: int):
        return getattr(view, self.name)(item_id)

    def dom_id(self, item_id: int) -> str:
        return f"{self.name}-{item_id}{self.dom_suffix}"

    def announcement(self, done: str, item=None) -> str:
        """"Touchpoint added: Went to the food bank": the kind, what happened, and which one."""
        label = next((getattr(item, name) for name in LABEL_ATTRIBUTES if getattr(item, name, None)), None)
        said = f"{self.noun[0].upper()}{self.noun[1:]} {done}"
        return f"{said}: {label}" if label else said

    def endpoint(self, verb: str) -> str:
        """"add", "show", "edit" or "delete" -> the endpoint name, e.g. "journey.edit_touchpoint"."""
        return f"{self.page.split('.')[0]}.{verb}_{self.name}"

    def page_url(self, map_id: int, item_id: int | None = None) -> str:
        anchor = f"{self.name}-{item_id}" if item_id is not None else None
        return url_for(self.page, map_id=map_id, _anchor=anchor)

    def render_form(self, form, view: MapView, item=None, *, status=200, message=None, oob=False,
                    conflict=None):
        return form_response(
            f"partials/{self.name}_form.html",
            title=(gettext("Edit %(what)s", what=translated(self.noun)) if item
                   else gettext("Add %(what)s", what=translated(self.noun))),
            back_url=self.page_url(view.id, item.id if item else None),
            status=status,
            form=form,
            view=view,
            item=item,
            message=message,
            oob=oob,
            conflict=conflict,
        )

    def stamp(self, fields: dict, *, creating: bool) -> dict:
        """Who it came from: the adding user, and a mark when the family entered or corrected it."""
        if creating and hasattr(self.model, "created_by_id"):
            fields["created_by_id"] = current_user.id
        if access.marks_from_family(g.membership) and hasattr(self.model, "from_family"):
            fields["from_family"] = True
        return fields

    def _run_extra_action(self, journey_map, view, form, item):
        """Handle a form's extra button; the main form is re-shown with everything kept."""
        if not access.can("edit_people"):
            abort(403)
        action = self.extra_actions[request.form["intent"]]
        message = action(journey_map, view, form)
        if message:
            db.session.commit()
            view = view_or_404(journey_map.id)
            kept = self.make_form(view, formdata=request.form)
            kept.after_extra_action(request.form["intent"], form)
            # No map status with it: other forms on the page list agencies and caseworkers too, and
            # the page's live refresh (which keeps this form as it is) brings them the new one.
            return self.render_form(kept, view, item, message=message)
        return self.render_form(form, view, item, status=422)

    def redraws_region(self, done: str, before, after, view: MapView) -> bool:
        return bool(self.region) and (self.needs_region is None
                                      or self.needs_region(done, before, after, view))

    def written(
        self, view: MapView, fragment: str | None, item_id: int | None = None, *,
        extras: Markup | None = None, region: bool = True, **context,
    ):
        """The answer to a successful write (see `changed`), with this kind's region (unless
        `region` is False: the item alone is enough) and extras."""
        page_url = self.page_url(view.id, item_id)
        if not request.htmx:
            return changed(None, view=view, page_url=page_url)
        extras = (extras or Markup("")) + Markup("").join(
            Markup(render_template(name, view=view, oob=True)) for name in self.also
        )
        if self.region and region:
            body = render_template(self.region, view=view, focus=context.get("focus"))
            # The region template's root element carries the id "<folder>-region".
            return make_response(Markup(body) + extras + changed(None, view=view, page_url=""),
                                 retarget="#" + self.region.split("/")[0] + "-region", reswap="outerHTML")
        return changed(fragment, view=view, page_url=page_url, **context) + extras

    def _retarget(self, body, item_id: int, status: int):
        """A conflict replaces the item it is about, wherever the request meant to swap."""
        return make_response(body, status, retarget=f"#{self.dom_id(item_id)}", reswap="outerHTML")

    # Views -------------------------------------------------------------------------------------
    def create(self, map_id: int):
        journey_map = map_or_404(map_id)
        view = view_or_404(map_id)
        form = self.make_form(view)
        if request.form.get("intent") in self.extra_actions:
            return self._run_extra_action(journey_map, view, form, None)
        if not form.validate_on_submit():
            return self.render_form(form, view, status=422)
        created = self.add(journey_map, actor=acting(), **self.stamp(self.fields_of(form), creating=True))
        db.session.commit()
        if not request.htmx:
            return redirect(self.page_url(map_id, created.id), code=303)
        view = view_or_404(map_id)
        item = self.lookup(view, created.id)
        whole = self.redraws_region("added", None, item, view)
        # The form comes back empty, ready for the next one; the new item joins its list (or the
        # region it belongs to is redrawn, and the form swapped out of band).
        fresh = Markup(self.render_form(self.make_form(view, formdata=None), view, oob=whole)[0])
        said = self.announcement("added", item)
        # The keyboard lands on the new item's Edit control, so the person hears where it went.
        focus = (self.name, created.id, 0)
        if whole:
            return announced(self.written(view, None, created.id, extras=fresh, focus=focus), said)
        appended = render_template(
            f"partials/{self.name}.html", view=view, item=item, oob_append=self.list_id(item), focus=focus
        )
        return announced(fresh + Markup(appended) + self.written(view, None, region=False), said)

    def show(self, map_id: int, item_id: int):
        view = view_or_404(map_id)
        item = self.lookup(view, item_id)
        if item is None:
            abort(404)
        # Shown in place of its edit form (Cancel, Escape): the focus goes back to its Edit control.
        return changed(f"partials/{self.name}.html", view=view, item=item,
                       page_url=self.page_url(map_id, item_id), focus=(self.name, item_id, 0))

    def _record_or_none(self, map_id: int, item_id: int):
        record = db.session.get(self.model, item_id)
        return record if record is not None and record.map_id == map_id else None

    def edit(self, map_id: int, item_id: int):
        journey_map = map_or_404(map_id)
        record = self._record_or_none(map_id, item_id)
        view = view_or_404(map_id)
        if record is None:
            return self._edit_of_deleted(view, item_id)
        access.ensure_may_edit(record)
        item = self.lookup(view, item_id)
        if request.method == "GET":
            return self.render_form(self.make_form(view, obj=record, formdata=None), view, item)
        form = self.make_form(view, obj=record)
        if request.form.get("intent") in self.extra_actions:
            return self._run_extra_action(journey_map, view, form, item)
        if not form.validate_on_submit():
            return self.render_form(form, view, item, status=422)
        theirs = self.make_form(view, obj=record, formdata=None)
        if not claim(self.model, record, form.seen_version()):
            conflict = conflicts.changed_conflict(map_id, self.name, item_id, theirs, form)
            form.version.data = record.version  # saving now means "mine, over theirs"
            body, _ = self.render_form(form, view, item, conflict=conflict)
            return self._retarget(body, item_id, 409) if request.htmx else (body, 409)
        self.update(journey_map, record, actor=acting(), **self.stamp(self.fields_of(form), creating=False))
        db.session.commit()
        if not request.htmx:
            return redirect(self.page_url(map_id, item_id), code=303)
        before, view = item, view_or_404(map_id)
        item = self.lookup(view, item_id)
        return announced(self.written(view, f"partials/{self.name}.html", item_id, item=item,
                                      focus=(self.name, item_id, 0),
                                      region=self.redraws_region("saved", before, item, view)),
                         self.announcement("saved", item))

    def _edit_of_deleted(self, view: MapView, item_id: int):
        """Someone deleted the item while this person was editing it: show what they typed and
        offer to add it back; a plain 404 when this map never had it."""
        if request.method != "POST":
            abort(404)
        mine = self.make_form(view)
        conflict = conflicts.deleted_conflict(view.id, self.name, item_id, mine)
        if conflict is None:
            abort(404)
        body = render_template(
            "partials/deleted_conflict.html", kind=self, view=view, item_id=item_id, form=mine,
            conflict=conflict, back_url=self.page_url(view.id),
        )
        if not request.htmx:
            page = render_template("form_page.html", fragment=None, body=Markup(body),
                                   title=gettext("This %(what)s was deleted", what=translated(self.noun)),
                                   back_url=self.page_url(view.id))
            return page, 409
        return self._retarget(body, item_id, 409)

    def remove(self, map_id: int, item_id: int):
        journey_map = map_or_404(map_id)
        record = item_or_404(self.model, journey_map.id, item_id)
        access.ensure_may_delete(record)
        view = view_or_404(map_id)
        # One conditional UPDATE claims the version, so a change saved a moment ago still stops this.
        if not claim(self.model, record, small_int(request.form.get("version"))):
            last = conflicts.last_change(map_id, self.name, item_id)
            who, when = conflicts.describe(last)
            body = render_template(
                "partials/delete_conflict.html", kind=self, view=view, item=self.lookup(view, item_id),
                who=who, when=when, changes=last.changes if last else {},
            )
            if not request.htmx:
                return render_template("form_page.html", fragment=None, body=Markup(body),
                                       title=gettext("Delete this %(what)s?", what=translated(self.noun)),
                                       back_url=self.page_url(map_id, item_id)), 409
            return self._retarget(body, item_id, 409)
        said = self.announcement("deleted", self.lookup(view, item_id))
        self.delete(journey_map, record, actor=acting())
        db.session.commit()
        if not request.htmx:  # a plain browser goes back to the page: no need to load the map again
            return redirect(self.page_url(map_id), code=303)
        return announced(self.written(view_or_404(map_id), None), said)

    def register(self, bp: Blueprint) -> None:
        base = f"/maps/<int:map_id>/{self.plural}"
        views = {
            "add": (self.create, self.add_access),
            "show": (self.show, "read"),
            "edit": (self.edit, self.change_access),
            "delete": (self.remove, self.change_access),
        }
        declared = {}
        for verb, (method, rule) in views.items():
            def view(_method=method, **kwargs):
                return _method(**kwargs)

            view.__name__ = f"{verb}_{self.name}"
            declared[verb] = access.requires(rule)(view)
        bp.add_url_rule(base, f"add_{self.name}", declared["add"], methods=["POST"])
        bp.add_url_rule(f"{base}/<int:item_id>", f"show_{self.name}", declared["show"])
        bp.add_url_rule(f"{base}/<int:item_id>/edit", f"edit_{self.name}", declared["edit"],
                        methods=["GET", "POST"])
        bp.add_url_rule(f"{base}/<int:item_id>/delete", f"delete_{self.name}", declared["delete"],
                        methods=["POST"])
