"""The silo map page, the drawing shown in it (a GET), and its downloads (svg, png, pdf, dot, json:
each a POST to the export, answered as an attachment and recorded in the map's history),
including a map whose every field holds text that is markup in HTML, SVG or DOT."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from journeymap.domain.barriers import add_barrier
from journeymap.domain.family import add_member, start_map
from journeymap.domain.journey import add_stage, add_touchpoint
from journeymap.domain.people import add_agency, add_caseworker
from journeymap.extensions import db
from journeymap.models import HistoryEntry
from tests.actors import SETUP
from tests.routes.conftest import FACILITATOR, add_to_map, html, post_change, user_id

# Markup in HTML/SVG, a DOT statement break-out, and a DOT escape that expands to the node name.
MARKER = '<script>alert(1)</script> "]; x [ \\N'


@pytest.fixture
def marked(app) -> int:
    """A map with the marker in every text field, owned and unowned barriers included."""
    m = start_map(f"Family {MARKER}", f"Situation {MARKER}", f"Hopes {MARKER}")
    add_member(m, f"Role {MARKER}", "25-44", actor=SETUP)
    stage = add_stage(m, f"Stage {MARKER}", actor=SETUP)
    agency = add_agency(m, f"Agency {MARKER}", "county", actor=SETUP)
    worker = add_caseworker(m, name=f"Name {MARKER}", role=f"Role {MARKER}", agency_id=agency.id, actor=SETUP)
    loner = add_caseworker(m, name=f"Loner {MARKER}", role="", agency_id=None, actor=SETUP)
    tp = add_touchpoint(m, action=f"Action {MARKER}", place=f"Place {MARKER}", stage_id=stage.id,
                        agency_id=agency.id, caseworker_id=worker.id, documents=f"Doc {MARKER}", actor=SETUP)
    add_touchpoint(m, action=f"Unstaged {MARKER}", stage_id=None, actor=SETUP)
    add_barrier(m, [tp.id], title=f"Unowned {MARKER}", description=f"Why {MARKER}", actor=SETUP)
    add_barrier(m, [tp.id], title=f"Owned {MARKER}", owner_agency_id=agency.id, actor=SETUP)
    add_barrier(m, [], title=f"Loner owns {MARKER}", owner_caseworker_id=loner.id, actor=SETUP)
    db.session.commit()
    add_to_map(m.id, FACILITATOR, "facilitator")
    return m.id


def image(client, map_id: int, **kwargs):
    """The drawing in the page."""
    return client.get(f"/maps/{map_id}/silo-map.svg", **kwargs)


def download(client, map_id: int, fmt: str):
    """What a download button sends."""
    return client.post(f"/maps/{map_id}/export", data={"format": fmt})


def exports_of(map_id: int) -> list[HistoryEntry]:
    db.session.expire_all()
    return list(db.session.scalars(
        select(HistoryEntry).where(HistoryEntry.map_id == map_id, HistoryEntry.action == "exported")
        .order_by(HistoryEntry.id)
    ))


def test_silo_page(client, demo_id):
    response = client.get(f"/maps/{demo_id}/silo")
    assert response.status_code == 200
    body = html(response)
    # The map's own page shows full detail (members see it all); the drawing itself defaults to
    # de-identified.
    assert f'src="/maps/{demo_id}/silo-map.svg?detail=full&amp;v=' in body
    # The download buttons post to the export; there are no download links.
    assert f'action="/maps/{demo_id}/export"' in body
    for fmt in ("svg", "png", "pdf"):
        assert f'name="format" value="{fmt}"' in body
    assert "silo-map.png" not in body and "silo-map.pdf" not in body
    assert "No one owns these (4)" in body
    assert "Valley Electric Company" in body


def test_svg(client, demo_id):
    response = image(client, demo_id)
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert "<svg" in response.get_data(as_text=True)
    assert "NO OWNER" in response.get_data(as_text=True)
    assert response.headers["Content-Disposition"].startswith("inline;")
    # The same drawing, taken away as a file.
    response = download(client, demo_id, "svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert "NO OWNER" in response.get_data(as_text=True)
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="journeymap-{demo_id}-silo-map.svg"'
    )


@pytest.mark.parametrize(
    ("fmt", "mimetype", "magic"),
    [("png", "image/png", b"\x89PNG\r\n\x1a\n"), ("pdf", "application/pdf", b"%PDF")],
)
def test_raster_and_pdf(client, small, fmt, mimetype, magic):
    response = download(client, small.id, fmt)
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.data.startswith(magic)
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="journeymap-{small.id}-silo-map.{fmt}"'
    )


def test_dot(client, small):
    response = download(client, small.id, "dot")
    assert response.status_code == 200
    source = response.get_data(as_text=True)
    assert source.startswith("digraph silo_map {")
    assert "Test Housing Office" in source
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="journeymap-{small.id}-silo-map.dot"'
    )


@pytest.mark.parametrize("fmt", ["svg", "png", "pdf", "dot"])
def test_every_download_is_recorded_in_the_history(client, small, fmt):
    response = download(client, small.id, fmt)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "private, no-store"
    [entry] = exports_of(small.id)
    assert (entry.kind, entry.item_id, entry.changes) == (
        "map", small.id, {"format": fmt, "detail": "deidentified"}
    )
    assert (entry.user_id, entry.actor_name, entry.actor_role) == (
        user_id(FACILITATOR), "Fran Facilitator", "facilitator"
    )
    label = {"svg": "SVG", "png": "PNG", "pdf": "PDF", "dot": "DOT"}[fmt]
    assert entry.summary == f"Silo map ({label}) download, de-identified"
    assert f"Silo map ({label}) download, de-identified" in html(client.get(f"/maps/{small.id}/history"))


def test_looking_at_the_map_is_not_an_export(client, small):
    assert image(client, small.id).status_code == 200
    assert client.get(f"/maps/{small.id}/silo").status_code == 200
    assert exports_of(small.id) == []


@pytest.mark.parametrize("fmt", ["png", "pdf", "dot", "json"])
def test_the_old_download_urls_are_gone(client, small, fmt):
    assert client.get(f"/maps/{small.id}/silo-map.{fmt}").status_code == 404
    assert exports_of(small.id) == []


def test_an_export_is_only_a_post(client, small):
    assert client.get(f"/maps/{small.id}/export?format=svg").status_code == 405
    assert client.post(f"/maps/{small.id}/silo-map.svg").status_code == 405
    assert exports_of(small.id) == []


@pytest.mark.parametrize("fmt", ["xml", "SVG", "jpg", "svg.svg", "json", "barriers-csv", "", "exe"])
def test_an_unknown_format_is_404(client, small, fmt):
    assert download(client, small.id, fmt).status_code == 404
    assert exports_of(small.id) == []


def test_an_export_without_a_format_is_404(client, small):
    assert client.post(f"/maps/{small.id}/export", data={}).status_code == 404
    assert exports_of(small.id) == []


def test_downloads_of_an_unknown_map_are_404(client):
    assert image(client, 999_999).status_code == 404
    assert download(client, 999_999, "svg").status_code == 404
    assert client.post("/maps/999999/data/export", data={"format": "json"}).status_code == 404


def test_the_svg_is_cached_until_the_map_changes(client, small):
    first = image(client, small.id)
    etag = first.headers["ETag"]
    again = image(client, small.id, headers={"If-None-Match": etag})
    assert again.status_code == 304
    post_change(client, f"/maps/{small.id}/barriers/{small.barrier}/owner",
                data={"owner": f"agency:{small.agency}"})
    changed = image(client, small.id, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag


def test_when_dot_is_missing_the_page_says_so(client, small, monkeypatch, app):
    monkeypatch.setitem(app.config, "DOT_BINARY", "/nonexistent/dot")
    for response in (image(client, small.id), download(client, small.id, "svg")):
        assert response.status_code == 503
        assert "not installed" in html(response)
    assert exports_of(small.id) == []  # no copy was taken
    # The map's data needs no Graphviz.
    assert client.post(f"/maps/{small.id}/data/export", data={"format": "json"}).status_code == 200
    assert [entry.changes["format"] for entry in exports_of(small.id)] == ["json"]


# A map full of markup ------------------------------------------------------------------------------


def test_marked_svg_has_no_script_and_keeps_the_text(client, marked):
    full = client.post(f"/maps/{marked}/export", data={"format": "svg", "detail": "full"})
    for response in (image(client, marked), image(client, marked, query_string={"detail": "full"}),
                     download(client, marked, "svg"), full):
        assert response.status_code == 200
        svg = response.get_data(as_text=True)
        assert "<script" not in svg.lower()
        assert "&lt;script&gt;" in svg
        # \N stayed text: dot did not replace it with the node's id.
        texts = re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S)
        assert any("\\N" in text for text in texts)
        assert not [text for text in texts if re.search(r"\b(cw|agency|barrier)_\d", text)]


def test_marked_dot_is_valid_and_renders_everywhere(client, marked):
    dot = download(client, marked, "dot")
    assert dot.status_code == 200
    source = dot.get_data(as_text=True)
    assert source.count("{") == source.count("}")
    for fmt, magic in (("png", b"\x89PNG"), ("pdf", b"%PDF")):
        response = download(client, marked, fmt)
        assert response.status_code == 200, fmt
        assert response.data.startswith(magic), fmt


def test_marked_pages_escape_everything(client, marked):
    for url in (f"/maps/{marked}", f"/maps/{marked}/people", f"/maps/{marked}/journey",
                f"/maps/{marked}/barriers", f"/maps/{marked}/silo", f"/maps/{marked}/delete",
                f"/maps/{marked}/members", f"/maps/{marked}/history", "/"):
        response = client.get(url)
        assert response.status_code == 200, url
        body = html(response)
        assert "<script>alert(1)" not in body, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body, url


def test_an_unchanged_picture_is_not_drawn_again(client, small, monkeypatch, app):
    etag = image(client, small.id).headers["ETag"]
    # Were dot run now, it would fail: the 304 must come before any drawing.
    monkeypatch.setitem(app.config, "DOT_BINARY", "/nonexistent/dot")
    again = client.get(f"/maps/{small.id}/silo-map.svg", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["ETag"] == etag
