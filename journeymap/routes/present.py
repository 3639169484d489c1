"""The presentation view: the de-identified silo map and journey view, for a room.

Made for a projector in a steering meeting: big, little else on screen, and always de-identified
(journeymap.exports.deidentify: the pseudonym, agencies and roles; no names, no story, no dates). The
page itself is drawn from the de-identified view, and its pictures are asked for with
detail=deidentified, so nothing typed about the family can reach the screen from here.

Options come in the query string (a GET form), so a setting can be bookmarked before the meeting:
show=silo|journey, size=fit|full, focus=unowned, caseworkers=hide, stage=<id>,
silo=overview|whole|<agency id>. Anything else is a 404, as an unknown id would be.

Legible in the room: at 1920×1080 the silo map of a map the size of the demo is shown whole with
its smallest text at 18 px or more (tests/browser/test_legible.py measures it); a bigger map opens
on the overview, one box per agency, and each silo can be opened on its own.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from flask import Blueprint, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from journeymap import clock
from journeymap.auth.access import requires
from journeymap.domain.sharing import deidentified
from journeymap.readmodel.snapshot import MapView, StageView
from journeymap.render.drawing import draw_silo
from journeymap.render.runner import RenderError
from journeymap.render.silo import SiloOptions
from journeymap.render.silo_overview import agency_counts
from journeymap.routes.common import choice_arg, only_stage_or_404, stage_or_404, view_or_404
from journeymap.routes.silo import agency_or_404, option_args, options_from, silo_choices

bp = Blueprint("present", __name__)

SHOWS = {"silo": _l("Silo map"), "journey": _l("Journey view")}
# How big the picture is: the whole of it on screen (a silo map's shape), or its own size in a
# frame that scrolls (the only readable way to show a big map's journey view, or a big silo map).
SIZES = {"": _l("Best for this view"), "fit": _l("Whole picture on screen"), "full": _l("Full size, scroll")}
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
        # The page says what the drawing is and gives its key, in type as big as the drawing's, so
        # the drawing leaves both out and is shown bigger (journeymap.render.silo, key_in_page).
        in_page = dataclasses.replace(self.silo, key_in_page=True)
        return url_for("silo.image", map_id=view.id, detail="deidentified", v=view.revision,
                       **option_args(in_page))


def _draws_overview(shown: MapView, silo: SiloOptions) -> bool:
    """Whether the picture is the overview: drawn here, as the picture's own request will ask for
    it (which then finds it in the cache), because whether the whole map is legible is measured
    on its drawing. A drawing that fails says so in the picture's place."""
    try:
        return draw_silo(shown, "svg", dataclasses.replace(silo, key_in_page=True),
                         detail="deidentified").overview
    except RenderError:
        return False


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
    agency_or_404(view, options.silo)
    shown = only_stage_or_404(view, options.silo.stage_id)
    return render_template(
        "present/page.html", view=view, options=options, shows=SHOWS, sizes=SIZES,
        image_url=options.image_url(view), silo_choices=silo_choices(view),
        overview=options.show == "silo" and _draws_overview(shown, options.silo),
        counts={a.id: agency_counts(shown, a.id, clock.today()) for a in shown.agencies},
        one_silo=view.agency(options.silo.agency_id) if options.silo.agency_id else None,
    )
