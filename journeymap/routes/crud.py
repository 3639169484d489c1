"""The add / show / edit / delete routes that every kind of item on a map shares.

Each kind (household member, agency, caseworker, stage, touchpoint, barrier) is described once
as an ItemKind; `register` adds its four routes to a blueprint. The behaviour is the same for all:
- POST   /maps/<map_id>/<plural>                    add (htmx: fresh form + the new item appended)
- GET    /maps/<map_id>/<plural>/<item_id>          the item (htmx) or a redirect to its page
- GET/POST /maps/<map_id>/<plural>/<item_id>/edit   edit form / save (htmx: the item replaces the form)
- POST   /maps/<map_id>/<plural>/<item_id>/delete   delete (htmx: the item disappears)
Invalid input answers 422 with the same form, errors beside the fields and the input kept.
Templates: partials/<name>.html shows an item, partials/<name>_form.html adds or edits one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, abort, make_response, redirect, render_template, request, url_for
from markupsafe import Markup

from journeymap.extensions import db
from journeymap.routes.common import changed, form_response, item_or_404, map_or_404, view_or_404
from journeymap.snapshot import MapView

# An extra button inside a form (name="intent", e.g. "add this agency" inside the touchpoint
# form; not "action", which is a touchpoint field): it gets the
# map, the current view and the bound form, may change the database, and returns a message.
ExtraAction = Callable[[Any, MapView, Any], str | None]


@dataclass
class ItemKind:
    name: str  # "agency": names templates, endpoints and DOM ids
    plural: str  # "agencies": the URL segment
    noun: str  # "agency": words people read ("Edit agency")
    model: type
    make_form: Callable[..., Any]  # (view, formdata=..., obj=...) -> form
    fields_of: Callable[[Any], dict]  # form -> keyword arguments for the domain functions
    add: Callable[..., Any]  # (journey_map, **fields) -> model
    update: Callable[..., None]  # (journey_map, item, **fields)
    delete: Callable[..., None]  # (journey_map, item)
    page: str  # endpoint of the page that lists them
    # item view -> id of the list a new item is appended to (kinds without a region)
    list_id: Callable[[Any], str] | None = None
    extra_actions: dict[str, ExtraAction] = field(default_factory=dict)
    # When items of this kind show up in several places on their page (an agency's name beside
    # each of its caseworkers), a write re-renders this whole region instead of one item.
    region: str | None = None
    # Fragments swapped out of band after every write, e.g. a <select> elsewhere listing these items.
    also: tuple[str, ...] = ()

    # Helpers ---------------------------------------------------------------------------------
    def lookup(self, view: MapView, item_id: int):
        return getattr(view, self.name)(item_id)

    def page_url(self, map_id: int, item_id: int | None = None) -> str:
        anchor = f"{self.name}-{item_id}" if item_id is not None else None
        return url_for(self.page, map_id=map_id, _anchor=anchor)

    def render_form(self, form, view: MapView, item=None, *, status=200, message=None, oob=False):
        return form_response(
            f"partials/{self.name}_form.html",
            title=f"Edit {self.noun}" if item else f"Add {self.noun}",
            back_url=self.page_url(view.id, item.id if item else None),
            status=status,
            form=form,
            view=view,
            item=item,
            message=message,
            oob=oob,
        )

    def _run_extra_action(self, journey_map, view, form, item):
        """Handle a form's extra button; the main form is re-shown with everything kept."""
        action = self.extra_actions[request.form["intent"]]
        message = action(journey_map, view, form)
        if message:
            db.session.commit()
            view = view_or_404(journey_map.id)
            kept = self.make_form(view, formdata=request.form)
            kept.after_extra_action(request.form["intent"], form)
            return self.render_form(kept, view, item, message=message)
        return self.render_form(form, view, item, status=422)

    def written(
        self, view: MapView, fragment: str | None, item_id: int | None = None, *,
        extras: Markup | None = None, **context,
    ):
        """The answer to a successful write (see `changed`), with this kind's region and extras."""
        page_url = self.page_url(view.id, item_id)
        if not request.htmx:
            return changed(None, view=view, page_url=page_url)
        extras = (extras or Markup("")) + Markup("").join(
            Markup(render_template(name, view=view, oob=True)) for name in self.also
        )
        if self.region:
            body = render_template(self.region, view=view, focus=context.get("focus"))
            response = make_response(Markup(body) + extras + changed(None, view=view, page_url=""))
            # The region template's root element carries the id "<folder>-region".
            response.headers["HX-Retarget"] = "#" + self.region.split("/")[0] + "-region"
            response.headers["HX-Reswap"] = "outerHTML"
            return response
        return changed(fragment, view=view, page_url=page_url, **context) + extras

    # Views -------------------------------------------------------------------------------------
    def create(self, map_id: int):
        journey_map = map_or_404(map_id)
        view = view_or_404(map_id)
        form = self.make_form(view)
        if request.form.get("intent") in self.extra_actions:
            return self._run_extra_action(journey_map, view, form, None)
        if not form.validate_on_submit():
            return self.render_form(form, view, status=422)
        created = self.add(journey_map, **self.fields_of(form))
        db.session.commit()
        if not request.htmx:
            return redirect(self.page_url(map_id, created.id), code=303)
        view = view_or_404(map_id)
        # The form comes back empty, ready for the next one; the new item joins its list (or the
        # region it belongs to is redrawn, and the form swapped out of band).
        fresh = Markup(self.render_form(self.make_form(view, formdata=None), view, oob=bool(self.region))[0])
        if self.region:
            return self.written(view, None, created.id, extras=fresh)
        item = self.lookup(view, created.id)
        appended = render_template(
            f"partials/{self.name}.html", view=view, item=item, oob_append=self.list_id(item)
        )
        return fresh + Markup(appended) + self.written(view, None)

    def show(self, map_id: int, item_id: int):
        view = view_or_404(map_id)
        item = self.lookup(view, item_id)
        if item is None:
            abort(404)
        return changed(f"partials/{self.name}.html", view=view, item=item,
                       page_url=self.page_url(map_id, item_id))

    def edit(self, map_id: int, item_id: int):
        journey_map = map_or_404(map_id)
        record = item_or_404(self.model, journey_map, item_id)
        view = view_or_404(map_id)
        item = self.lookup(view, item_id)
        if request.method == "GET":
            return self.render_form(self.make_form(view, obj=record, formdata=None), view, item)
        form = self.make_form(view, obj=record)
        if request.form.get("intent") in self.extra_actions:
            return self._run_extra_action(journey_map, view, form, item)
        if not form.validate_on_submit():
            return self.render_form(form, view, item, status=422)
        self.update(journey_map, record, **self.fields_of(form))
        db.session.commit()
        if not request.htmx:
            return redirect(self.page_url(map_id, item_id), code=303)
        view = view_or_404(map_id)
        return self.written(view, f"partials/{self.name}.html", item_id, item=self.lookup(view, item_id))

    def remove(self, map_id: int, item_id: int):
        journey_map = map_or_404(map_id)
        record = item_or_404(self.model, journey_map, item_id)
        self.delete(journey_map, record)
        db.session.commit()
        return self.written(view_or_404(map_id), None)

    def register(self, bp: Blueprint) -> None:
        base = f"/maps/<int:map_id>/{self.plural}"
        bp.add_url_rule(base, f"add_{self.name}", self.create, methods=["POST"])
        bp.add_url_rule(f"{base}/<int:item_id>", f"show_{self.name}", self.show)
        bp.add_url_rule(f"{base}/<int:item_id>/edit", f"edit_{self.name}", self.edit,
                        methods=["GET", "POST"])
        bp.add_url_rule(f"{base}/<int:item_id>/delete", f"delete_{self.name}", self.remove,
                        methods=["POST"])
