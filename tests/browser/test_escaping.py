"""What people type is shown as text, never run; and the pages load without a single error."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import until

pytestmark = pytest.mark.browser

PSEUDONYM = "<img src=x onerror=alert(1)>"
EVERY_IMAGE_DONE = "document.readyState === 'complete' && [...document.images].every(i => i.complete)"


def test_escaping(ui, app_page, live_server, problems):
    page = app_page
    dialogs: list[str] = []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    ui.start_map(PSEUDONYM, situation=PSEUDONYM)
    expect(page.get_by_role("heading", name=PSEUDONYM, level=1)).to_be_visible()
    expect(page.get_by_text(PSEUDONYM, exact=True).first).to_be_visible()
    assert page.get_by_text(PSEUDONYM, exact=True).count() >= 3  # header, heading, story
    expect(page.locator("img[src='x']")).to_have_count(0)

    for path in ("/", page.url + "/silo", page.url + "/journey"):
        page.goto(path if path.startswith("http") else live_server + path)
        expect(page.get_by_text(PSEUDONYM, exact=True).first).to_be_visible()
        expect(page.locator("img[src='x']")).to_have_count(0)
        # Every image loaded or failed: an onerror handler would have run by now.
        assert until(page, EVERY_IMAGE_DONE), f"{page.url}: images still loading"
        assert dialogs == [], page.url
    problems.check()


def test_favicon(app_page, live_server, problems):
    """Chromium asks every site for an icon; a 404 there shows as a console error on every page."""
    page = app_page
    page.goto(live_server + "/")
    href = page.evaluate(
        "document.querySelector('link[rel~=\"icon\"]')?.getAttribute('href') ?? '/favicon.ico'"
    )
    if not href.startswith("data:"):
        response = page.request.get(live_server + href if href.startswith("/") else href)
        assert response.ok, f"the icon {href} answers {response.status}"
    problems.check()
