"""Every agency and caseworker who holds a file on the family."""

from __future__ import annotations

from flask import Blueprint, render_template

from journeymap.auth.access import requires
from journeymap.domain import people
from journeymap.forms import AgencyForm, CaseworkerForm
from journeymap.models import Agency, Caseworker
from journeymap.routes.common import view_or_404
from journeymap.routes.crud import ItemKind

bp = Blueprint("people", __name__)


@bp.get("/maps/<int:map_id>/people")
@requires("read")
def page(map_id: int):
    view = view_or_404(map_id)
    return render_template(
        "people/page.html",
        view=view,
        agency_form=AgencyForm(formdata=None),
        caseworker_form=CaseworkerForm(view=view, formdata=None),
    )


# Agencies and caseworkers show up in each other's listings (caseworkers sit inside their
# agency), so any change re-renders the whole people region.
agency_kind = ItemKind(
    name="agency",
    plural="agencies",
    noun="agency",
    model=Agency,
    make_form=lambda view, **kw: AgencyForm(**kw),
    add=people.add_agency,
    update=people.update_agency,
    delete=people.delete_agency,
    page="people.page",
    add_access="edit_people",
    change_access="edit_people",
    region="people/region.html",
    also=("partials/caseworker_agency_select.html",),
)

caseworker_kind = ItemKind(
    name="caseworker",
    plural="caseworkers",
    noun="caseworker",
    model=Caseworker,
    make_form=lambda view, **kw: CaseworkerForm(view=view, **kw),
    add=people.add_caseworker,
    update=people.update_caseworker,
    delete=people.delete_caseworker,
    page="people.page",
    add_access="edit_people",
    change_access="edit_people",
    region="people/region.html",
)

agency_kind.register(bp)
caseworker_kind.register(bp)
