"""The journey view page (the drawing inline in a scrolling frame, with a text version), the
drawing as a file (GET, de-identified unless detail=full, cached until the map changes) and its
downloads (POST svg or pdf, through routes/exporting.py)."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import select

from journeymap.domain import live
from journeymap.domain.barriers import add_barrier
from journeymap.domain.family import add_member, start_map
from journeymap.domain.journey import add_stage, add_touchpoint
from journeymap.domain.people import add_agency, add_caseworker
from journeymap.extensions import db
from journeymap.models import HistoryEntry, Stage
from journeymap.routes import journey_view
from journeymap.samples.synth import synth_map
from tests import markup
from tests.actors import SETUP
from tests.markup import select_one, texts
from tests.routes.conftest import FACILITATOR, add_to_map, client_as, html

SVG_NS = "{http://www.w3.org/2000/svg}"


def page(client, map_id: int, **query):
    return client.get(f"/maps/{map_id}/journey-view", query_string=query)


def image(client, map_id: int, headers=None, **query):
    return client.get(f"/maps/{map_id}/journey-view.svg", query_string=query, headers=headers or {})


def download(client, map_id: int, fmt: str, **form):
    return client.post(f"/maps/{map_id}/journey-view/export", data={"format": fmt, **form})


def drawing(body: str) -> str:
    """The text of the page's drawing (the inline SVG named by its title)."""
    return select_one(body, 'svg[aria-labelledby="jv-title jv-desc"]').text


def exports_of(map_id: int) -> list[HistoryEntry]:
    db.session.expire_all()
    return list(db.session.scalars(
        select(HistoryEntry).where(HistoryEntry.map_id == map_id, HistoryEntry.action == "exported")
        .order_by(HistoryEntry.id)
    ))


def revision(map_id: int) -> int:
    db.session.expire_all()
    return live.revision(map_id)


@pytest.fixture
def secret(app) -> int:
    """A map whose family text and names are all marked, to see where they go."""
    m = start_map("Family S.", "SITUATION-SECRET", "HOPES-SECRET")
    add_member(m, "Mother HOUSEHOLD-SECRET", "25-44", actor=SETUP)
    crisis = add_stage(m, "Crisis", actor=SETUP)
    intake = add_stage(m, "Intake", actor=SETUP)
    agency = add_agency(m, "County Housing", "county", actor=SETUP)
    other = add_agency(m, "Food Bank", "nonprofit", actor=SETUP)
    worker = add_caseworker(m, name="NAME-SECRET", role="Intake worker", agency_id=agency.id, actor=SETUP)
    tp1 = add_touchpoint(m, action="ACTION-SECRET-1", place="PLACE-SECRET", stage_id=crisis.id,
                         agency_id=agency.id, caseworker_id=worker.id, documents="DOC-SECRET", feeling=-2,
                             actor=SETUP)
    add_touchpoint(m, action="ACTION-SECRET-2", stage_id=intake.id, agency_id=other.id, feeling=1,
        actor=SETUP)
    add_barrier(m, [tp1.id], title="BARRIER-SECRET", description="WHY-SECRET", actor=SETUP)
    db.session.commit()
    add_to_map(m.id, FACILITATOR, "facilitator")
    return m.id


SECRETS = ("SITUATION-SECRET", "HOPES-SECRET", "HOUSEHOLD-SECRET", "NAME-SECRET", "ACTION-SECRET",
           "PLACE-SECRET", "DOC-SECRET", "BARRIER-SECRET", "WHY-SECRET")


def stage_ids(map_id: int) -> dict[str, int]:
    return {s.name: s.id for s in db.session.scalars(select(Stage).where(Stage.map_id == map_id))}


# The page ------------------------------------------------------------------------------------------


def test_page_has_the_drawing_in_a_focusable_labelled_frame_a_caption_and_the_text(client, demo_id):
    response = page(client, demo_id)
    assert response.status_code == 200
    body = html(response)
    frame = select_one(body, "div.view-frame")
    assert (frame.get("tabindex"), frame.get("role")) == ("0", "region")
    assert frame.get("aria-describedby") == "jv-caption"
    assert frame.get("aria-label")
    assert 'id="jv-caption"' in body and "arrow keys" in body
    # Inline, with its own accessible name, once; the copies of its headings pinned over it are
    # hidden from screen readers and carry no ids.
    assert body.count('aria-labelledby="jv-title jv-desc"') == 1
    pinned = markup.select(body, 'svg[class^="pin-"]')
    assert len(pinned) == 4 and all(svg.get("aria-hidden") == "true" for svg in pinned)
    assert body.count('id="jv-lane-0"') == 1 and body.count('id="jv-stage-0"') == 1
    assert '<title id="jv-title">Journey view: Family R.' in body
    # The text version: every step, in a numbered list per stage, and the way to the Journey page.
    assert 'id="jv-text"' in body and 'href="#jv-text"' in body
    assert f'href="/maps/{demo_id}/journey"' in body
    steps = texts(body, "#jv-text ol.view-steps > li")
    assert len(steps) == 16
    assert any("Called the electric company" in step for step in steps)
    assert "No owner" in select_one(body, "#jv-text").text


def test_lane_names_and_stage_headings_are_copied_to_pin_over_the_frame(client, secret):
    body = html(page(client, secret))
    lanes = re.search(r'<svg [^>]*class="pin-lanes".*?</svg>', body, re.S).group(0)
    stages = re.search(r'<svg [^>]*class="pin-stages".*?</svg>', body, re.S).group(0)
    assert "County Housing" in lanes and "Food Bank" in lanes
    assert "Crisis" in stages and "Intake" in stages
    for pinned in (lanes, stages):
        ET.fromstring(pinned)  # well-formed
        assert not re.search(r' id="', pinned)
        assert "ACTION-SECRET" not in pinned  # headings only, no cards


def test_page_draws_full_detail_for_members(client, secret):
    svg = drawing(html(page(client, secret)))
    assert "ACTION-SECRET-1" in svg and "NAME-SECRET" in svg and "BARRIER-SECRET" in svg


def test_page_offers_downloads_with_the_detail_choice(client, secret):
    body = html(page(client, secret))
    form = select_one(body, "form.view-downloads")
    assert form.get("action") == f"/maps/{secret}/journey-view/export"
    assert form.select('[name="csrf_token"]')
    assert {"svg", "pdf"} <= {button.get("value") for button in form.select('[name="format"]')}
    details = {choice.get("value"): choice.has("checked") for choice in form.select('input[name="detail"]')}
    assert details == {"deidentified": True, "full": False}


def test_a_viewer_sees_the_page_and_only_de_identified_downloads(app, secret):
    add_to_map(secret, "vera@example.org", "viewer")
    viewer = client_as(app, "vera@example.org")
    body = html(page(viewer, secret))
    assert 'id="jv-export-detail-note"' in body and 'value="full"' not in body
    assert download(viewer, secret, "svg", detail="full").status_code == 403
    assert download(viewer, secret, "svg").status_code == 200


def test_stage_filter_shows_that_stage_and_only_the_agencies_in_it(client, secret):
    stages = stage_ids(secret)
    body = html(page(client, secret, stage=stages["Intake"]))
    assert "<h1>Journey view: Intake</h1>" in body
    svg = drawing(body)
    assert "ACTION-SECRET-2" in svg and "ACTION-SECRET-1" not in svg
    assert "Food Bank" in svg and "County Housing" not in svg
    assert f'<option value="{stages["Intake"]}" selected>' in body
    # The download form keeps the stage.
    assert f'name="stage" value="{stages["Intake"]}"' in body
    # Every stage again.
    assert "ACTION-SECRET-1" in html(page(client, secret, stage=""))


@pytest.mark.parametrize("stage", ["999999", "abc", "-1", "1.5", "1" * 30])
def test_an_unknown_stage_is_404(client, secret, stage):
    assert page(client, secret, stage=stage).status_code == 404
    assert image(client, secret, stage=stage).status_code == 404
    assert download(client, secret, "svg", stage=stage).status_code == 404


def test_a_stage_of_another_map_is_404(client, secret, demo_id):
    other_stage = next(iter(stage_ids(demo_id).values()))
    assert page(client, secret, stage=other_stage).status_code == 404
    assert image(client, secret, stage=other_stage).status_code == 404


def test_an_empty_map_says_so(client, app):
    m = start_map("Family E.")
    db.session.commit()
    add_to_map(m.id, FACILITATOR, "facilitator")
    body = html(page(client, m.id))
    assert "No touchpoints yet" in body and "No stages yet." in body
    assert 'class="pin-' not in body


def test_looking_changes_nothing(client, secret):
    before = revision(secret)
    assert page(client, secret).status_code == 200
    assert image(client, secret).status_code == 200
    assert image(client, secret, detail="full").status_code == 200
    assert revision(secret) == before
    assert exports_of(secret) == []


# The drawing as a file ---------------------------------------------------------------------------


def test_image_is_de_identified_unless_full_is_asked_for(client, secret):
    response = image(client, secret)
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Content-Disposition"].startswith("inline")
    svg = response.get_data(as_text=True)
    ET.fromstring(svg)  # well-formed
    for secret_text in SECRETS:
        assert secret_text not in svg, secret_text
    assert "Touchpoint 1" in svg and "County Housing" in svg and "Intake worker" in svg
    full = image(client, secret, detail="full").get_data(as_text=True)
    assert "ACTION-SECRET-1" in full and "NAME-SECRET" in full


def test_a_viewer_may_look_at_full_detail_in_the_app(app, secret):
    add_to_map(secret, "vera@example.org", "viewer")
    viewer = client_as(app, "vera@example.org")
    assert "ACTION-SECRET-1" in image(viewer, secret, detail="full").get_data(as_text=True)


def test_an_unknown_detail_is_404(client, secret):
    assert image(client, secret, detail="some").status_code == 404


def test_a_de_identified_stage_keeps_the_journey_numbers(client, secret):
    svg = image(client, secret, stage=stage_ids(secret)["Intake"]).get_data(as_text=True)
    assert "Touchpoint 2" in svg and "Touchpoint 1" not in svg
    assert "ACTION-SECRET" not in svg


def test_image_is_cached_until_the_map_changes_and_per_detail_and_stage(client, secret, monkeypatch):
    first = image(client, secret)
    etag = first.headers["ETag"]
    assert image(client, secret, headers={"If-None-Match": etag}).status_code == 304
    # Another detail or stage is another picture.
    full = image(client, secret, detail="full", headers={"If-None-Match": etag})
    assert full.status_code == 200 and full.headers["ETag"] != etag
    staged = image(client, secret, stage=stage_ids(secret)["Crisis"], headers={"If-None-Match": etag})
    assert staged.status_code == 200 and staged.headers["ETag"] not in (etag, full.headers["ETag"])
    # The 304 comes before anything is loaded or drawn.
    monkeypatch.setattr(journey_view, "view_or_404", lambda map_id: pytest.fail("loaded"))
    monkeypatch.setattr(journey_view, "build_journey_svg", lambda view: pytest.fail("drawn"))
    again = image(client, secret, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["ETag"] == etag
    monkeypatch.undo()
    # A change makes it stale.
    client.post(f"/maps/{secret}/stages", data={"name": "Follow-up"})
    changed = image(client, secret, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


# Downloads --------------------------------------------------------------------------------------


def test_svg_download_is_de_identified_by_default_and_recorded(client, secret):
    response = download(client, secret, "svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="journeymap-{secret}-journey-view.svg"'
    )
    svg = response.get_data(as_text=True)
    for secret_text in SECRETS:
        assert secret_text not in svg, secret_text
    (entry,) = exports_of(secret)
    assert entry.changes == {"format": "svg", "detail": "deidentified"}
    assert entry.summary == "Journey view download, de-identified"


def test_full_detail_download_says_so_in_name_and_history(client, secret):
    response = download(client, secret, "svg", detail="full")
    assert "ACTION-SECRET-1" in response.get_data(as_text=True)
    assert response.headers["Content-Disposition"].endswith('-journey-view-full-detail.svg"')
    assert exports_of(secret)[-1].summary == "Journey view download, full detail"


def test_stage_download_is_named_for_the_stage(client, secret):
    intake = stage_ids(secret)["Intake"]
    response = download(client, secret, "svg", stage=str(intake))
    assert response.headers["Content-Disposition"].endswith(f'-journey-view-stage-{intake}.svg"')
    assert "Touchpoint 2" in response.get_data(as_text=True)
    # Named as the de-identified view names it (the lead may number stages there).
    summary = exports_of(secret)[-1].summary
    assert summary.startswith("Journey view (") and summary.endswith(") download, de-identified")


@pytest.mark.parametrize("fmt", ["png", "dot", "json", "", "SVG", "svg "])
def test_an_unknown_format_is_404_and_nothing_recorded(client, secret, fmt):
    assert download(client, secret, fmt).status_code == 404
    assert exports_of(secret) == []


def test_a_download_is_only_a_post(client, secret):
    assert client.get(f"/maps/{secret}/journey-view/export?format=svg").status_code == 405


def test_an_unknown_map_is_404(client):
    assert page(client, 999_999).status_code == 404
    assert image(client, 999_999).status_code == 404
    assert download(client, 999_999, "svg").status_code == 404


def test_pdf_download_is_one_page_the_size_of_the_drawing(client, secret):
    response = download(client, secret, "pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"].endswith('-journey-view.pdf"')
    assert exports_of(secret)[-1].changes["format"] == "pdf"
    info = subprocess.run(["pdfinfo", "-"], input=response.data, capture_output=True, check=True).stdout
    pages = int(re.search(rb"Pages:\s+(\d+)", info).group(1))
    width, height = map(float, re.search(rb"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    svg = image(client, secret).get_data(as_text=True)
    svg_w, svg_h = map(int, re.search(r'width="(\d+)" height="(\d+)"', svg).groups())
    assert pages == 1
    assert width == pytest.approx(svg_w * 0.75, abs=1) and height == pytest.approx(svg_h * 0.75, abs=1)


def test_pdf_fetches_nothing(app, monkeypatch):
    """WeasyPrint asks our fetcher, which refuses, for anything the document points at."""
    from weasyprint.urls import URLFetcher

    from journeymap.render import pdf as pdf_module

    asked, ours = [], pdf_module.fetcher()

    class Recording(URLFetcher):
        def fetch(self, url, headers=None):
            asked.append(url)
            return ours.fetch(url, headers)

    monkeypatch.setattr(pdf_module, "fetcher", Recording)
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><text y="20">hi</text></svg>'
           '<img src="file:///etc/hostname"><img src="http://127.0.0.1:9/x.png">')
    pdf = journey_view.svg_to_pdf(svg)
    assert pdf.startswith(b"%PDF")
    assert sorted(asked) == ["file:///etc/hostname", "http://127.0.0.1:9/x.png"]


def test_a_huge_drawing_is_scaled_to_the_largest_pdf_page(app, monkeypatch):
    monkeypatch.setattr(journey_view, "PDF_MAX_SIDE_PT", 300)
    pdf = journey_view.svg_to_pdf(
        '<svg xmlns="http://www.w3.org/2000/svg" width="800" height="400" viewBox="0 0 800 400">'
        '<rect width="800" height="400" fill="#000"/></svg>'
    )
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout
    width, height = map(float, re.search(rb"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert width == pytest.approx(300, abs=1) and height == pytest.approx(150, abs=1)


# Big maps ----------------------------------------------------------------------------------------


def test_the_xl_map_page_and_image(client, app):
    m = synth_map(db.session, agencies=100, caseworkers_per_agency=5, touchpoints=500, barriers=200)
    db.session.commit()
    add_to_map(m.id, FACILITATOR, "facilitator")
    body = html(page(client, m.id))
    assert body.count("<li><strong>") == 500
    svg = image(client, m.id).get_data(as_text=True)
    root = ET.fromstring(svg)
    assert int(root.get("width")) > 5000 and int(root.get("height")) > 5000
    assert len([g for g in root.iter(f"{SVG_NS}g") if (g.get("id") or "").startswith("jv-tp-")]) == 500
