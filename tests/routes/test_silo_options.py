"""The silo map's options, its size limit and fallback, and its cache, through the routes."""

from __future__ import annotations

import re
import stat

import pytest

from journeymap.extensions import db
from journeymap.models import JourneyMap
from tests.routes.conftest import add_to_map, client_as, html, post_change
from tests.routes.test_silo import exports_of, image


def page(client, map_id, **args):
    return client.get(f"/maps/{map_id}/silo", query_string=args)


def test_the_page_carries_its_options_to_the_drawing_and_the_download(client, small):
    body = html(page(client, small.id, focus="unowned", caseworkers="hide", stage=small.stage1))
    assert re.search(rf"silo-map.svg\?detail=full&amp;v=\d+&amp;focus=unowned&amp;caseworkers=hide&amp;"
                     rf"stage={small.stage1}\"", body)
    assert '<input type="hidden" name="focus" value="unowned">' in body
    assert f'<input type="hidden" name="stage" value="{small.stage1}">' in body
    assert f'<option value="{small.stage1}" selected>Crisis</option>' in body


def test_options_change_the_drawing(client, small):
    everything = image(client, small.id, query_string={"detail": "full"}).get_data(as_text=True)
    counted = image(client, small.id, query_string={"detail": "full", "caseworkers": "hide"})
    counted = counted.get_data(as_text=True)
    assert "Ada" in everything and "Ada" not in counted and "1 caseworker" in counted
    focus = image(client, small.id, query_string={"focus": "unowned"}).get_data(as_text=True)
    assert "barriers no one owns" in focus
    stage2 = image(client, small.id, query_string={"stage": small.stage2, "detail": "full"})
    assert "Stage: Intake" in stage2.get_data(as_text=True)


@pytest.mark.parametrize("stage", ["999999", "abc", "-1", "1.5"])
def test_an_unknown_stage_is_404(client, small, other, stage):
    assert page(client, small.id, stage=stage).status_code == 404
    assert image(client, small.id, query_string={"stage": stage}).status_code == 404


def test_a_stage_of_another_map_is_404(client, small, other):
    assert page(client, small.id, stage=other.stage1).status_code == 404
    assert image(client, small.id, query_string={"stage": other.stage1}).status_code == 404
    assert client.post(f"/maps/{small.id}/export",
                       data={"format": "svg", "stage": other.stage1}).status_code == 404


@pytest.mark.parametrize("query", [{"focus": "all"}, {"caseworkers": "some"}, {"focus": "Unowned"}])
def test_an_unknown_option_is_404(client, small, query):
    """As in the presentation view: a mistyped bookmark does not quietly show something else."""
    assert page(client, small.id, **query).status_code == 404
    assert image(client, small.id, query_string=query).status_code == 404
    assert client.post(f"/maps/{small.id}/export", data={"format": "svg", **query}).status_code == 404


def test_an_unknown_detail_is_404(client, small):
    assert image(client, small.id, query_string={"detail": "some"}).status_code == 404
    assert client.post(f"/maps/{small.id}/export", data={"format": "svg", "detail": "x"}).status_code == 404
    assert exports_of(small.id) == []


def test_the_drawing_defaults_to_de_identified(client, small):
    assert "Ada" not in image(client, small.id).get_data(as_text=True)
    one_stage = image(client, small.id, query_string={"stage": small.stage1})
    assert "Crisis" not in one_stage.get_data(as_text=True)


@pytest.mark.parametrize("role", ["caseworker", "contributor", "viewer"])
def test_full_detail_downloads_need_the_family_or_a_facilitator(app, small, role):
    add_to_map(small.id, f"{role}@example.org", role)
    them = client_as(app, f"{role}@example.org")
    assert them.post(f"/maps/{small.id}/export", data={"format": "svg", "detail": "full"}).status_code == 403
    assert exports_of(small.id) == []
    body = html(them.get(f"/maps/{small.id}/silo"))
    assert 'value="full"' not in body and "Downloads are de-identified" in body
    assert them.post(f"/maps/{small.id}/export", data={"format": "svg"}).status_code == 200


def test_the_family_may_take_full_detail(app, small):
    add_to_map(small.id, "family@example.org", "family")
    family = client_as(app, "family@example.org")
    response = family.post(f"/maps/{small.id}/export", data={"format": "svg", "detail": "full"})
    assert response.status_code == 200 and "Ada" in response.get_data(as_text=True)
    assert response.headers["Content-Disposition"].endswith('silo-map-full-detail.svg"')
    [entry] = exports_of(small.id)
    assert entry.changes["detail"] == "full"
    assert entry.summary == "Silo map (SVG) download, full detail"


# Size limit and fallback -----------------------------------------------------------------------


def test_a_map_over_the_size_limit_is_drawn_one_box_per_agency(client, small, app, monkeypatch):
    monkeypatch.setitem(app.config, "DOT_MAX_NODES", 2)  # one agency + one caseworker + one barrier = 3
    body = html(page(client, small.id))
    assert "too many to draw one by one" in body
    svg = image(client, small.id, query_string={"detail": "full"}).get_data(as_text=True)
    assert "Ada" not in svg and "1 caseworker" in svg
    # One stage of it may still be small enough... not here; the notice says what to try.
    assert "Choose a stage" in body


def test_the_size_limit_notice_only_when_people_would_have_been_drawn(client, small, app, monkeypatch):
    """Caseworkers counted per agency by choice: no notice. The focus with people one by one is
    limited like any drawing of people, and says so."""
    monkeypatch.setitem(app.config, "DOT_MAX_NODES", 2)
    counted = html(page(client, small.id, focus="unowned", caseworkers="hide"))
    assert "too many to draw one by one" not in counted
    assert "too many to draw one by one" in html(page(client, small.id, focus="unowned"))


@pytest.fixture
def slow_dot(tmp_path, app, monkeypatch):
    """A dot that hangs on any drawing of people one by one (a caseworker node), like dot on a
    map built over months, and draws anything else with the real dot."""
    script = tmp_path / "slow-dot"
    script.write_text('#!/bin/sh\ninput=$(cat)\ncase "$input" in *cw_*) exec sleep 30;; esac\n'
                      'printf "%s" "$input" | exec dot "$@"\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setitem(app.config, "DOT_BINARY", str(script))
    monkeypatch.setitem(app.config, "DOT_TIMEOUT", 3.0)  # the fallback, real dot, fits easily
    return script


def test_a_drawing_past_the_timeout_falls_back_with_a_notice(client, small, slow_dot):
    body = html(page(client, small.id))
    assert "took too long" in body
    svg = image(client, small.id, query_string={"detail": "full"})
    assert svg.status_code == 200 and "1 caseworker" in svg.get_data(as_text=True)
    download = client.post(f"/maps/{small.id}/export", data={"format": "png"})
    assert download.status_code == 200 and download.data.startswith(b"\x89PNG")


def test_when_even_the_simple_view_fails_the_page_says_so(client, small, app, monkeypatch):
    monkeypatch.setitem(app.config, "DOT_BINARY", "/nonexistent/dot")
    response = page(client, small.id)
    assert response.status_code == 200
    body = html(response)
    assert "not installed" in body and 'id="silo-image"' not in body
    assert "The list beside it has the same information" in body


# Cache --------------------------------------------------------------------------------------------


def test_an_unchanged_map_is_answered_from_the_cache(client, small, app, monkeypatch):
    first = image(client, small.id)
    monkeypatch.setitem(app.config, "DOT_BINARY", "/nonexistent/dot")  # any drawing now would fail
    # Another browser (no ETag) gets the same drawing without dot running.
    again = image(client, small.id)
    assert again.status_code == 200 and again.data == first.data


def test_a_change_that_does_not_show_is_not_drawn_again(client, small, app, monkeypatch):
    first = image(client, small.id, query_string={"detail": "full"})
    journey_map = db.session.get(JourneyMap, small.id)
    journey_map.hopes = "Something new, not in the drawing"
    journey_map.touch()
    db.session.commit()
    monkeypatch.setitem(app.config, "DOT_BINARY", "/nonexistent/dot")
    again = image(client, small.id, query_string={"detail": "full"})
    assert again.status_code == 200 and again.data == first.data
    assert again.headers["ETag"] != first.headers["ETag"]


def test_a_change_that_shows_is_drawn_again(client, small):
    first = image(client, small.id, query_string={"detail": "full"})
    post_change(client, f"/maps/{small.id}/barriers/{small.barrier}/owner",
                data={"owner": f"agency:{small.agency}"})
    again = image(client, small.id, query_string={"detail": "full"})
    assert again.data != first.data and "NO OWNER" not in again.get_data(as_text=True).split("Key")[0]


def test_a_de_identified_stage_keeps_its_number(client, small):
    svg = image(client, small.id, query_string={"stage": small.stage2}).get_data(as_text=True)
    assert "Stage: Stage 2" in svg and "Intake" not in svg
    download = client.post(f"/maps/{small.id}/export", data={"format": "dot", "stage": small.stage2})
    assert "Stage: Stage 2" in download.get_data(as_text=True)
