"""The one place that runs Graphviz: DOT source in, rendered bytes out, always with a timeout."""

from __future__ import annotations

import subprocess

FORMATS = {
    "svg": "image/svg+xml",
    "png": "image/png",
    "pdf": "application/pdf",
}


# Raster output at projector resolution, at most 60 inches (8,640 px) on its longer side: a map
# of 100 agencies lays out about 200 inches wide, which at full size is 400 megapixels and 20 s of
# cairo. PDF pages stay under the 200-inch limit of PDF readers. dot scales a bigger drawing down
# to fit (-Gsize without "!" only ever shrinks); SVG is left at full size, it zooms.
SIZE_ARGS = {
    "png": ("-Gdpi=144", "-Gsize=60,60"),
    "pdf": ("-Gsize=190,190",),
}


class RenderError(RuntimeError):
    """dot failed, was missing, or ran past its time limit; the message is fit to show a user."""


def render(source: str, fmt: str, *, timeout: float = 10.0, dot: str = "dot") -> bytes:
    if fmt not in FORMATS:
        raise ValueError(f"unsupported format {fmt!r}")
    args = [dot, f"-T{fmt}", *SIZE_ARGS.get(fmt, ())]
    try:
        done = subprocess.run(
            args, input=source.encode("utf-8"), capture_output=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise RenderError(
            f"The silo map took longer than {timeout:g} seconds to draw and was stopped."
        ) from exc
    except FileNotFoundError as exc:
        raise RenderError("Graphviz (the 'dot' program) is not installed on this server.") from exc
    except OSError as exc:  # not executable, a directory, ...
        raise RenderError(f"Graphviz (the 'dot' program) could not be started: {exc.strerror}.") from exc
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no detail"]
        raise RenderError(f"Graphviz could not draw the silo map ({detail[0]}).")
    return done.stdout
