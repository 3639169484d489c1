"""Pages, fragments and downloads hold a family's details: no browser keeps a copy (a shared laptop
in a library or a family resource centre is the usual case). Static files stay cacheable."""

from __future__ import annotations

import pytest

from tests.routes.conftest import HX

PAGES = ["", "/journey", "/people", "/barriers", "/silo", "/journey-view", "/brief", "/data", "/members",
         "/history"]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_of_a_map_is_no_store(client, small, page):
    response = client.get(f"/maps/{small.id}{page}")
    assert response.status_code == 200
    assert response.cache_control.no_store, response.headers.get("Cache-Control")


def test_fragments_lists_and_error_pages_are_no_store(client, small):
    for url, headers in ((f"/maps/{small.id}/agencies/{small.agency}", HX), (f"/maps/{small.id}/family", HX),
                         ("/", {}),
                         (f"/maps/{small.id + 1}", {})):
        response = client.get(url, headers=headers)
        assert response.cache_control.no_store, (url, response.headers.get("Cache-Control"))


def test_downloads_are_no_store(client, small):
    response = client.post(f"/maps/{small.id}/data/export", data={"format": "touchpoints-csv"})
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    assert response.cache_control.no_store


def test_static_files_stay_cacheable(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert not response.cache_control.no_store
