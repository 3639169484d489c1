"""Every download button on every page of a map sends a request its route takes: a form's
action and format, posted as the browser would (the button's format, the form's hidden fields,
the default detail), answer with a file. A button left pointing at a route that no longer takes
its format (the overview once posted "json" to the silo map's export) fails here."""

from __future__ import annotations

import re
from html import unescape

from tests.routes.conftest import html, page_urls

FORM = re.compile(r'<form\b([^>]*)>(.*?)</form>', re.S)
ACTION = re.compile(r'\baction="([^"]*)"')
FORMAT_BUTTON = re.compile(r'<button[^>]*\bname="format"[^>]*\bvalue="([^"]*)"')
HIDDEN = re.compile(r'<input type="hidden" name="([^"]*)" value="([^"]*)"')


def download_forms(body: str):
    """(action, hidden fields, formats) of each form on the page with format buttons."""
    for attributes, inside in FORM.findall(body):
        formats = FORMAT_BUTTON.findall(inside)
        if formats and 'method="post"' in attributes:
            action = unescape(ACTION.search(attributes).group(1))
            yield action, {name: unescape(value) for name, value in HIDDEN.findall(inside)}, formats


def test_every_download_button_gets_a_file(client, demo_id):
    tried = set()
    for url in page_urls(demo_id):
        for action, hidden, formats in download_forms(html(client.get(url))):
            for fmt in formats:
                if (action, fmt) in tried:
                    continue
                tried.add((action, fmt))
                response = client.post(action, data={**hidden, "format": fmt})
                assert response.status_code == 200, (url, action, fmt, response.status_code)
                assert response.headers["Content-Disposition"].startswith("attachment;"), (url, action, fmt)
    # The silo map's four, the data's three and the journey view's two.
    assert len(tried) == 11, sorted(tried)
