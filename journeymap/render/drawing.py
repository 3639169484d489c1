"""Drawing a silo map: options, size limits, a simpler fallback, and a cache by content.

Everything that shows a silo map (the page, the presentation view, the brief, the downloads)
asks here, so they all get the same limits and share one cache.

Size limit. dot's layout time grows much faster than the graph: a map built over months may be
too big to draw person by person within the timeout. Before running dot we count the nodes; past
DOT_MAX_NODES, or when dot runs past DOT_TIMEOUT, the map is drawn again as one box per agency
(SiloOptions(show_caseworkers=False)), with a notice saying so. Only if that fails too does the
caller get a RenderError. dot always runs in a subprocess with a timeout (runner.render), so a
worker is never held longer than two timeouts.

"auto" (the pages' and downloads' default, SiloOptions.scope): the whole map if its smallest
text is legible at 1920×1080, measured on its drawing, else the overview (_legible_scope and
journeymap.render.silo_overview).

Cache. Drawings are kept by the SHA-256 of the DOT source and format, so the same picture is
never drawn twice, whatever changed in the map that does not show in it. In front of that, a
small index from (map, revision, detail, options, format, language) to the content key lets an
unchanged map skip loading and building entirely (`cached_silo`): the drawing's words are in the
reader's language (or a download's, flask_babel.force_locale), so the language is part of the key.
The cache lives in each worker's memory, bounded in bytes: nothing is written to disk, so a
deleted map leaves no drawing behind, and a restart empties it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from markupsafe import escape

from journeymap import clock, i18n
from journeymap.readmodel.snapshot import MapView
from journeymap.render import runner
from journeymap.render.silo import EVERYTHING, SiloOptions, build_silo_graph
from journeymap.render.silo_one import only_agency
from journeymap.render.silo_overview import (
    FRAME,
    LEGIBLE_PX,
    SLIDE_SCREEN,
    shows_overview,
    smallest_text_px,
)

__all__ = ["Drawing", "SiloOptions", "cached_silo", "clear_cache", "draw_silo"]


@dataclass(frozen=True)
class Drawing:
    content: bytes
    mimetype: str
    notice: str | None = None  # set when a simpler view was drawn instead of the one asked for
    overview: bool = False  # one box per agency (journeymap.render.silo_overview)


class _LRU:
    """Least recently used entries go first once the byte budget is spent. Thread-safe: gunicorn
    workers run several threads."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._items: OrderedDict[object, tuple[object, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            self._items.move_to_end(key)
            return found[0]

    def put(self, key, value, size: int) -> None:
        if size > self.max_bytes:
            return
        with self._lock:
            if key in self._items:
                self._bytes -= self._items.pop(key)[1]
            self._items[key] = (value, size)
            self._bytes += size
            while self._bytes > self.max_bytes:
                self._bytes -= self._items.popitem(last=False)[1][1]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0


_drawings = _LRU(64 * 1024 * 1024)  # content key -> Drawing
_latest = _LRU(1024 * 1024)  # (map, revision, detail, options, format, language) -> content key


def clear_cache() -> None:
    _drawings.clear()
    _latest.clear()


def on_today(options: SiloOptions) -> SiloOptions:
    """The options with today's date, so next steps past their date are marked overdue and a
    drawing cached yesterday is not shown today."""
    return options if options.today is not None else dataclasses.replace(options, today=clock.today())


def cached_silo(map_id: int, revision: int, detail: str, options: SiloOptions, fmt: str) -> Drawing | None:
    """The drawing made for this revision of the map with these choices, if there is one."""
    options = on_today(options)
    content_key = _latest.get((map_id, revision, detail, options, fmt, i18n.current_language()))
    return _drawings.get(content_key) if content_key is not None else None


def draw_silo(view: MapView, fmt: str, options: SiloOptions = EVERYTHING, *,
              detail: str = "deidentified") -> Drawing:
    """The silo map of `view` (already narrowed and de-identified as wanted) in `fmt`.

    `detail` only labels the cache entry (the view is what decides what is drawn); pass the same
    value to cached_silo. Raises runner.RenderError when not even the simpler view can be drawn.
    """
    options = on_today(options)
    language = i18n.current_language()
    asked = (view.id, view.revision, detail, options, fmt, language)
    notice = None
    if options.scope == "auto" and options.agency_id is None:
        options = _legible_scope(view, options, detail)
        # The whole map's SVG was just drawn to be measured: that is the answer (not a second run
        # of dot, which for a dot that times out would hold the worker for two more timeouts).
        if (found := cached_silo(view.id, view.revision, detail, options, fmt)) is not None:
            _latest.put(asked, _latest.get((view.id, view.revision, detail, options, fmt, language)), 200)
            return found
    # Counted from the view, before anything is built: building the DOT of 500 people only to
    # throw it away took longer than dot takes to draw the simpler view.
    too_many = _people_and_barriers(view, options) > current_app.config["DOT_MAX_NODES"]
    if _draws_people(view, options) and too_many:
        notice = _(
            "This map has %(count)s caseworkers, too many to draw one by one, so each agency is one "
            "box with its counts. Choose a stage, or one silo, to see the people in it.",
            count=i18n.number(len(view.caseworkers)),
        )
        options = _counted(options)
    overview = shows_overview(view, options)
    try:
        content_key, drawing = _draw(build_silo_graph(view, options).source, fmt, notice, overview)
    except runner.RenderError:
        if not _draws_people(view, options):
            raise
        content_key, drawing = _draw(
            build_silo_graph(view, _counted(options)).source, fmt,
            _("Drawing every caseworker took too long, so each agency is one box with its counts. "
              "Choose a stage, or one silo, to see the people in it."),
        )
    _latest.put(asked, content_key, 200)  # about the size of an entry: a key and a hash
    return drawing


def _legible_scope(view: MapView, options: SiloOptions, detail: str) -> SiloOptions:
    """"auto" made definite: the whole map when its drawing's smallest text comes out at LEGIBLE_PX
    or more where it is shown at 1920×1080 (the presentation view's frame when the page gives the
    key, else a slide), else the overview. The whole drawing is made (and kept in the cache) to
    measure it, except for maps past the size where none measured legible."""
    overview = dataclasses.replace(options, scope="overview")
    if shows_overview(view, options):
        return overview
    whole = dataclasses.replace(options, scope="whole")
    try:
        drawn = draw_silo(view, "svg", whole, detail=detail)
    except runner.RenderError:
        return overview
    px = smallest_text_px(drawn.content, FRAME if options.key_in_page else SLIDE_SCREEN)
    return whole if px is None or px >= LEGIBLE_PX else overview


def _draws_people(view: MapView, options: SiloOptions) -> bool:
    """Whether the drawing has caseworkers one by one in it (the focus only those the family met
    at a barrier no one owns, but there can be as many of those as there are touchpoints); the
    overview never has."""
    return options.show_caseworkers and not shows_overview(view, options)


def _counted(options: SiloOptions) -> SiloOptions:
    """The same drawing with caseworkers counted per agency: the simpler view."""
    return dataclasses.replace(options, show_caseworkers=False)


def _draw(source: str, fmt: str, notice: str | None, overview: bool = False) -> tuple[str, Drawing]:
    """(its content key, the drawing) of DOT `source` in `fmt`, from the cache when it is there."""
    if fmt not in runner.FORMATS and fmt != "dot":
        raise ValueError(f"unsupported format {fmt!r}")
    content_key = hashlib.sha256(f"{fmt}\n{notice}\n{source}".encode()).hexdigest()
    if (found := _drawings.get(content_key)) is not None:
        return content_key, found
    if fmt == "dot":
        content, mimetype = source.encode("utf-8"), "text/vnd.graphviz"
    else:
        config = current_app.config
        content = runner.render(source, fmt, timeout=config["DOT_TIMEOUT"], dot=config["DOT_BINARY"])
        mimetype = runner.FORMATS[fmt]
    drawing = Drawing(content, mimetype, notice, overview)
    _drawings.put(content_key, drawing, len(content))
    return content_key, drawing


def _people_and_barriers(view: MapView, options: SiloOptions) -> int:
    """About how many nodes a drawing of every caseworker has (plus a dozen fixed ones)."""
    if options.agency_id is not None:
        view = only_agency(view, options.agency_id)
    return len(view.agencies) + len(view.caseworkers) + len(view.barriers)


_SVG_ROOT = re.compile(rb"<svg\b[^>]*>")


def with_title(svg: bytes, title: str, description: str) -> bytes:
    """The SVG with role="img" and a <title> and <desc> as the root's first children, so a screen
    reader names a downloaded drawing (Graphviz gives it only its graph's id). Both escaped."""
    found = _SVG_ROOT.search(svg)
    if found is None:
        return svg
    root = found.group(0)[:-1] + b' role="img">'
    added = f"<title>{escape(title)}</title><desc>{escape(description)}</desc>".encode()
    return svg[: found.start()] + root + added + svg[found.end():]
