"""Others' changes are announced in the reader's language: the hub keeps who did what as parts,
and each stream says them in the language of the person it is for (journeymap/routes/live.py)."""

from __future__ import annotations

from flask_babel import refresh

from journeymap.hub import Change, said
from journeymap.routes.live import _in_readers_words


def test_who_did_what_in_english_and_in_spanish(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert said("Ana", "added", "touchpoint", "First call") == "Ana added touchpoint “First call”"
    with app.test_request_context(headers={"Accept-Language": "es"}):
        refresh()  # Flask-Babel keeps the locale for the app context the test holds open
        spanish = said("Ana", "added", "touchpoint", "First call")
    assert spanish.startswith("Ana ") and spanish.endswith("“First call”")
    assert "added" not in spanish and "touchpoint" not in spanish, spanish


def test_a_stream_says_a_change_in_its_readers_language(app):
    change = Change(7, 1, ("Ana",), "Ana added touchpoint “First call”",
                    said_parts=("Ana", "added", "touchpoint", "First call"))
    with app.test_request_context(headers={"Accept-Language": "es"}):
        refresh()
        assert "added" not in _in_readers_words(change)
    assert _in_readers_words(Change(7)) == ""  # nothing to say: the first the hub knows of a map
