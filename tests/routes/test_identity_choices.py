"""A caseworker joining says which of the map's caseworkers they are (My touchpoints): people who
have left are said to have left, and come after those still in post."""

from __future__ import annotations

import re

from journeymap.extensions import db
from journeymap.models import Caseworker
from tests.routes.conftest import add_to_map, client_as, html, make_user

NEWCOMER = "new-caseworker@example.org"


def test_which_of_these_is_you_marks_who_has_left_and_lists_them_last(app, small):
    db.session.add(Caseworker(map_id=small.id, name="Bea", role="Housing caseworker", agency_id=small.agency,
                              status="left"))
    make_user(NEWCOMER)
    add_to_map(small.id, NEWCOMER, "caseworker")
    db.session.commit()
    page = html(client_as(app, NEWCOMER).get("/me/touchpoints"))
    select = re.search(r'<select[^>]*name="caseworker_id".*?</select>', page, re.S).group(0)
    options = re.findall(r"<option[^>]*>([^<]*)</option>", select)
    assert options == ["I am not listed: add me",
                       "I am taking over from Bea, Housing caseworker (Test Housing Office)",
                       "Ada, Intake worker", "Bea, Housing caseworker (has left)"]
