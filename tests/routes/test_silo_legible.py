"""Legible in the room, through the routes: the choice of drawing (overview, whole map, one silo),
the measure that opens a map on the overview, and the silo page's readable, scrolling drawing."""

from __future__ import annotations

import re

import pytest

from journeymap.render import drawing
from journeymap.render.drawing import clear_cache
from tests.routes.conftest import html
from tests.routes.test_silo import image


@pytest.fixture(autouse=True)
def fresh_cache():
    clear_cache()
    yield
    clear_cache()


def test_the_overview_and_one_silo_are_drawn_when_asked_for(client, small):
    overview = image(client, small.id, query_string={"silo": "overview", "detail": "full"})
    text = overview.get_data(as_text=True)
    assert overview.status_code == 200 and "1 caseworker · met 1×" in text and "Ada" not in text
    one = image(client, small.id, query_string={"silo": small.agency, "detail": "full"})
    assert "One silo, Test Housing Office" in one.get_data(as_text=True)
    assert "Ada" in one.get_data(as_text=True)


@pytest.mark.parametrize("value", ["everything", "-1", "1.5", "<b>"])
def test_an_unknown_choice_of_drawing_is_a_404(client, small, value):
    assert image(client, small.id, query_string={"silo": value}).status_code == 404
    assert client.get(f"/maps/{small.id}/silo", query_string={"silo": value}).status_code == 404
    assert client.get(f"/maps/{small.id}/present", query_string={"silo": value}).status_code == 404


def test_a_silo_of_another_map_is_a_404(client, small, other):
    for url in (f"/maps/{small.id}/silo", f"/maps/{small.id}/present", f"/maps/{small.id}/silo-map.svg"):
        assert client.get(url, query_string={"silo": other.agency}).status_code == 404, url
    sent = client.post(f"/maps/{small.id}/export", data={"format": "svg", "silo": other.agency})
    assert sent.status_code == 404


def test_the_key_in_the_page_is_the_only_other_value_of_key(client, small):
    assert image(client, small.id, query_string={"key": "page"}).status_code == 200
    assert image(client, small.id, query_string={"key": "picture"}).status_code == 404
    svg = image(client, small.id, query_string={"key": "page"}).get_data(as_text=True)
    assert ">Key<" not in svg


def test_a_small_map_is_presented_whole_with_the_key_on_the_page(client, small):
    body = html(client.get(f"/maps/{small.id}/present"))
    assert "overview" not in re.search(r"<h1>(.*?)</h1>", body, re.S)[1]
    assert 'id="present-key"' in body and "Cut corners: a barrier with an owner" in body
    assert re.search(r"silo-map.svg\?detail=deidentified&amp;v=\d+&amp;key=page\"", body)
    assert "Open one silo" not in body


def test_a_map_whose_whole_drawing_measures_under_18_px_opens_on_the_overview(client, small, monkeypatch):
    # The threshold is measured on the drawing: make the small map's text "too small" to read.
    monkeypatch.setattr(drawing, "LEGIBLE_PX", 1000)
    body = html(client.get(f"/maps/{small.id}/present"))
    assert "overview" in re.search(r"<h1>(.*?)</h1>", body, re.S)[1]
    assert "Open one silo" in body and f"silo={small.agency}" in body
    svg = image(client, small.id, query_string={"detail": "deidentified", "key": "page"})
    assert "1 caseworker · met 1×" in svg.get_data(as_text=True)
    # The whole map can still be asked for.
    whole = image(client, small.id, query_string={"detail": "full", "silo": "whole"})
    assert "Ada" in whole.get_data(as_text=True)
    # And the silo page says why it opened on the overview.
    assert "too big to read whole" in html(client.get(f"/maps/{small.id}/silo"))


def test_the_silo_page_opens_the_drawing_readable_in_a_scrolling_region(client, demo_id):
    body = html(client.get(f"/maps/{demo_id}/silo"))
    frame = re.search(r'<div class="silo-frame" id="silo-frame" tabindex="0" role="region" '
                      r'aria-label="Silo map drawing, scrollable">\s*<img id="silo-image"[^>]*>', body)
    assert frame, "the drawing is not in a keyboard-scrollable region"
    width = int(re.search(r'width="(\d+)"', frame[0])[1])
    # At the page's text size (16 px for 22 pt), the demo is far wider than the column: it scrolls.
    assert width > 1500
    assert 'id="silo-fit"' in body and "js/silo.js" in body
    assert "Draw this silo on its own" in body


def test_the_download_takes_the_choice_of_drawing(client, small):
    sent = client.post(f"/maps/{small.id}/export", data={"format": "svg", "silo": "overview"})
    assert sent.status_code == 200 and "1 caseworker · met 1×" in sent.get_data(as_text=True)
