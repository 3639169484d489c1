"""Reading pages as a browser would, for bench_workshop.py: the forms on a page (with what a
browser would send for each of them), the CSRF token htmx sends, and the revision a page shows.

No dependency: the standard library's HTMLParser is enough for the app's own, well-formed pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

# What static/js/live.js reads: #map-status carries the map's revision the page shows.
_REVISION = re.compile(r'id="map-status"[^>]*?data-revision="(\d+)"')
# base.html gives htmx the CSRF token in hx-headers on <body>.
_HX_CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')


def revision_of(html: str) -> int | None:
    """The revision #map-status shows in a page or a fragment (None when it has none)."""
    found = _REVISION.search(html)
    return int(found.group(1)) if found else None


def htmx_csrf(html: str) -> str | None:
    found = _HX_CSRF.search(html)
    return found.group(1) if found else None


@dataclass
class Form:
    """One form: where it posts and the values a browser would send if nobody touched it."""

    action: str
    attrs: dict
    values: dict = field(default_factory=dict)
    # Select fields' choices (value list), so a bench can choose like a person would.
    choices: dict = field(default_factory=dict)
    text_fields: list = field(default_factory=list)  # names of inputs/textareas a person types in
    labels: dict = field(default_factory=dict)  # (select name, option value) -> the option's text

    @property
    def target(self) -> str:
        """The URL the form's submission goes to: htmx's hx-post wins over action, as in the page."""
        return self.attrs.get("hx-post") or self.action


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None
        self._option: tuple | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""), attrs=a)
            self.forms.append(self._form)
            return
        form = self._form
        if form is None or "disabled" in a:  # a browser does not send disabled fields
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    form.values[name] = a.get("value", "on")
                form.choices.setdefault(name, []).append(a.get("value", "on"))
            elif kind not in ("submit", "button", "image", "file", "reset"):
                form.values[name] = a.get("value", "")
                if kind in ("text", "search", "email", "url", "tel", "number", "date"):
                    form.text_fields.append(name)
        elif tag == "textarea" and name:
            self._textarea = name
            form.values[name] = ""
            form.text_fields.append(name)
        elif tag == "select" and name:
            self._select, self._select_first = name, None
            form.choices[name] = []
        elif tag == "option" and self._select:
            value = a.get("value", "")
            form.choices[self._select].append(value)
            self._option = (self._select, value)
            form.labels[self._option] = ""
            if self._select_first is None:
                self._select_first = value
                form.values.setdefault(self._select, value)
            if "selected" in a:
                form.values[self._select] = value

    def handle_data(self, data):
        if self._form is not None and self._option:
            self._form.labels[self._option] += data
        if self._form is not None and self._textarea:
            self._form.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "option" and self._option and self._form is not None:
            self._form.labels[self._option] = self._form.labels[self._option].strip()
            self._option = None
        elif tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._form is not None and self._textarea:
            # A browser drops the one line break that may follow <textarea>.
            text = self._form.values[self._textarea]
            text = text[2:] if text.startswith("\r\n") else text.removeprefix("\n")
            self._form.values[self._textarea] = text
            self._textarea = None


def forms_of(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def form_posting_to(html: str, pattern: str) -> Form | None:
    """The first form whose target matches the regular expression `pattern`."""
    wanted = re.compile(pattern)
    return next((f for f in forms_of(html) if wanted.search(f.target)), None)


# The items a live page fetches after someone else's change (templates/partials/live_items.html).
_ITEM = re.compile(r'<template data-item="([^"]+)"(?: data-list="([^"]*)" data-after="([^"]*)")?'
                   r'( data-gone)?>(.*?)</template>', re.S)
_TAG = re.compile(r"<(/?)(li|ol|ul)\b[^>]*>")


def _element_span(html: str, dom_id: str) -> tuple[int, int] | None:
    """Where the element with this id (an <li>, <ol> or <ul>) starts and ends in the page."""
    start = html.find(f' id="{dom_id}"')
    if start < 0:
        return None
    start = html.rfind("<", 0, start)
    depth = 0
    for tag in _TAG.finditer(html, start):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return start, tag.end()
    return None


def place_items(html: str, answer: str) -> str | None:
    """The page with each fetched item put where static/js/live.js puts it: in place, after the
    item before it in its list (or first), or removed when gone. None when an item's list or
    predecessor is not on the page (live.js then fetches the whole page)."""
    for dom_id, list_id, after, gone, card in _ITEM.findall(answer):
        span = _element_span(html, dom_id)
        if span:
            html = html[:span[0]] + html[span[1]:]
        if gone:
            continue
        if after:
            where = _element_span(html, after)
            if where is None:
                return None
            at = where[1]
        else:
            opening = re.search(rf'<(ol|ul)\b[^>]*\bid="{re.escape(list_id)}"[^>]*>', html)
            if opening is None:
                return None
            at = opening.end()
        html = html[:at] + card.strip() + html[at:]
    return html
