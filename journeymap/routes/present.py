"""The presentation view: the de-identified silo map and journey view, for a room.

Made for a projector in a steering meeting: big, little else on screen, and always de-identified
(journeymap.exports.deidentify: the pseudonym, agencies and roles; no names, no story, no dates). The
page itself is drawn from the de-identified view, and its pictures are asked for with
detail=deidentified, so nothing typed about the family can reach the screen from here.

Options come in the query string (a GET form), so a setting can be bookmarked before the meeting:
show=silo|journey, size=fit|full, focus=unowned, caseworkers=hide, stage=<id>. Anything else is a 404, as an
unknown id would be.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, render_template, request, url_for

from journeymap.auth.access import requires
from journeymap.domain.sharing import deidentified
from journeymap.readmodel.snapshot import MapView, StageView
from journeymap.render.silo import SiloOptions
from journeymap.routes.common import choice_arg, stage_or_404, view_or_404
from journeymap.routes.silo import option_args, options_from

bp = Blueprint("present", __name__)

SHOWS = {"silo": "Silo map", "journey": "Journey view"}
# How big the picture is: the whole of it on screen (a silo map's shape), or its own size in a
# frame that scrolls (the only readable way to show a big map's journey view, or a big silo map).
SIZES = {"": "Best for this view", "fit": "Whole picture on screen", "full": "Full size, scroll"}
BEST_SIZE = {"silo": "fit", "journey": "full"}


@dataclass(frozen=True)
class Options:
    show: str
    size: str  # as chosen: "" (best for the view), "fit" or "full"
    silo: SiloOptions  # the silo map's own options (the journey view takes only the stage)
    stage: StageView | None

    @property
    def focus_unowned(self) -> bool:
        return self.silo.focus_unowned

    @property
    def hide_caseworkers(self) -> bool:
        return not self.silo.show_caseworkers

    @property
    def scrolls(self) -> bool:
        return (self.size or BEST_SIZE[self.show]) == "full"

    def image_url(self, view: MapView) -> str:
        if self.show == "journey":
            return url_for("journey_view.image", map_id=view.id, detail="deidentified",
                           stage=self.silo.stage_id, v=view.revision)
        return url_for("silo.image", map_id=view.id, detail="deidentified", v=view.revision,
                       **option_args(self.silo))


def options_or_404(view: MapView) -> Options:
    silo = options_from(request.args)  # the silo page's own options, checked the same way
    return Options(
        show=choice_arg(request.args, "show", tuple(SHOWS)),
        size=choice_arg(request.args, "size", tuple(SIZES)),
        silo=silo,
        stage=stage_or_404(view, silo.stage_id),
    )


@bp.get("/maps/<int:map_id>/present")
@requires("read")
def page(map_id: int):
    view = deidentified(view_or_404(map_id))
    options = options_or_404(view)
    return render_template(
        "present/page.html", view=view, options=options, shows=SHOWS, sizes=SIZES,
        image_url=options.image_url(view),
    )
