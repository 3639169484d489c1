"""The map's steering meetings: the facilitator records each one (its day, who came by role and
agency); everyone on the map reads them. The brief compares the map with the last one
(journeymap.readmodel.since_meeting)."""

from __future__ import annotations

from flask import Blueprint, render_template

from journeymap.auth.access import requires
from journeymap.domain import meetings
from journeymap.forms.meetings import MeetingForm
from journeymap.models import Meeting
from journeymap.routes.common import view_or_404
from journeymap.routes.crud import ItemKind

bp = Blueprint("meetings", __name__)


@bp.get("/maps/<int:map_id>/meetings")
@requires("read")
def page(map_id: int):
    view = view_or_404(map_id)
    return render_template("meetings/page.html", view=view, form=MeetingForm(formdata=None), item=None)


# Meetings are listed newest first, so a new or re-dated one can land anywhere: every write
# re-renders the whole list.
meeting_kind = ItemKind(
    name="meeting",
    plural="meetings",
    noun="steering meeting",
    model=Meeting,
    make_form=lambda view, **kw: MeetingForm(**kw),
    add=meetings.add_meeting,
    update=meetings.update_meeting,
    delete=meetings.delete_meeting,
    page="meetings.page",
    add_access="record_meeting",
    change_access="record_meeting",
    region="meetings/region.html",
)

meeting_kind.register(bp)
