"""The downloaded silo SVG names itself to a screen reader: role="img", a <title> with the
family's pseudonym (escaped) and a <desc>, as the root's first children."""

from __future__ import annotations

from xml.etree import ElementTree

from journeymap.extensions import db
from journeymap.models import JourneyMap

SVG = "{http://www.w3.org/2000/svg}"


def test_the_silo_svg_download_has_a_title_and_description(client, small):
    journey_map = db.session.get(JourneyMap, small.id)
    journey_map.pseudonym = 'Family <b>"R" & co'
    db.session.commit()
    response = client.post(f"/maps/{small.id}/export", data={"format": "svg", "detail": "full"})
    assert response.status_code == 200
    root = ElementTree.fromstring(response.data)  # escaped: still well-formed XML
    assert root.get("role") == "img"
    first, second = list(root)[:2]
    assert (first.tag, second.tag) == (f"{SVG}title", f"{SVG}desc")
    assert first.text == 'Silo map: Family <b>"R" & co'
    assert "barriers no one owns" in second.text
