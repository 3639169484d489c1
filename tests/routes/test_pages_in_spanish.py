"""The map's pages in Spanish for a Spanish-speaking member, and downloads in the language chosen
on their form (issue 11, point 1): the family may want Spanish, the steering meeting English, and
the page around the download stays in the reader's own language."""

from __future__ import annotations

import csv
import io
from xml.etree import ElementTree

import pytest

from journeymap.extensions import db
from journeymap.models import User
from tests import markup
from tests.routes.conftest import FACILITATOR, html

SVG = "{http://www.w3.org/2000/svg}"


def speaks(email: str, language: str) -> None:
    user = db.session.scalar(db.select(User).where(User.email == email))
    user.language = language
    db.session.commit()


@pytest.fixture
def spanish(client):
    """The facilitator's account set to Spanish (as chosen at sign-up or with the switch)."""
    speaks(FACILITATOR, "es")
    return client


def texts(body: str, selector: str) -> list[str]:
    return [" ".join(node.text.split()) for node in markup.select(body, selector)]


# Each page: (path, Spanish words that must show in its headings and buttons, English that must not).
PAGES = {
    "journey": ("journey", ["El camino", "Agregar un contacto", "Agregar una etapa", "Antes", "Después"],
                ["The journey", "Add a touchpoint", "Add a stage", "Earlier", "Later"]),
    "barriers": ("barriers", ["Obstáculos", "Agregar un obstáculo", "¿A quién le toca resolver esto?"],
                 ["Add a barrier", "Whose job is it to fix this?", "No one owns this barrier"]),
    "silo": ("silo", ["Mapa de silos", "Qué mostrar", "Descargar este dibujo", "Lo mismo, como lista",
                      "Mostrar"],
             ["Silo map", "What to show", "Download this drawing", "The same, as a list"]),
    "brief": ("brief", ["Informe para el comité: Family T. (test)", "Descargar el informe (PDF)",
                        "Obstáculos sin responsable (1)", "Del lado de la familia"],
              ["Steering brief", "Download the brief (PDF)", "Barriers no one owns", "The family's side"]),
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_a_spanish_speaking_member_reads_the_page_in_spanish(spanish, small, page):
    path, spanish_words, english_words = PAGES[page]
    body = html(spanish.get(f"/maps/{small.id}/{path}"))
    shown = " | ".join(texts(body, "h1, h2, h3, button, summary, legend, label, th, caption"))
    for words in spanish_words:
        assert words in shown, f"{page}: {words!r} missing from {shown!r}"
    for words in english_words:
        assert words not in shown, f"{page}: English {words!r} left in {shown!r}"


def test_the_same_page_stays_english_for_an_english_speaking_member(client, small):
    body = html(client.get(f"/maps/{small.id}/journey"))
    assert "The journey" in texts(body, "h1")
    assert "El camino" not in body


def test_every_download_form_offers_its_language_the_readers_chosen(spanish, small):
    for path in ("silo", "data", "journey-view", "brief"):
        body = html(spanish.get(f"/maps/{small.id}/{path}"))
        options = markup.select(body, 'select[name="lang"] option')
        shown = [(o.get("value"), o.text.strip()) for o in options]
        assert shown == [("en", "English"), ("es", "Español")], path
        assert [o.get("value") for o in options if o.get("selected") is not None] == ["es"], path
        (select,) = markup.select(body, 'select[name="lang"]')
        assert markup.select(body, f'label[for="{select.get("id")}"]'), path  # labelled


def csv_header(response) -> list[str]:
    return next(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_a_csv_download_in_spanish_while_the_page_stays_english(client, small):
    data = {"format": "touchpoints-csv", "detail": "full", "lang": "es"}
    header = csv_header(client.post(f"/maps/{small.id}/data/export", data=data))
    assert header[:2] == ["Paso", "Etapa"] and "Qué tuvo que hacer la familia" in header
    assert "Step" not in header
    assert "The map's data" in texts(html(client.get(f"/maps/{small.id}/data")), "h1")


def test_a_spanish_reader_may_take_an_english_download(spanish, small):
    data = {"format": "barriers-csv", "detail": "full", "lang": "en"}
    assert csv_header(spanish.post(f"/maps/{small.id}/data/export", data=data))[:2] == ["Barrier", "Title"]
    # Without a choice, the download is in the reader's language.
    data.pop("lang")
    assert csv_header(spanish.post(f"/maps/{small.id}/data/export", data=data))[:2] == ["Obstáculo", "Título"]


def test_a_language_journeymap_does_not_speak_is_not_found(client, small):
    data = {"format": "touchpoints-csv", "lang": "fr"}
    assert client.post(f"/maps/{small.id}/data/export", data=data).status_code == 404
    assert client.post(f"/maps/{small.id}/brief.pdf", data={"lang": "xx"}).status_code == 404


def test_the_silo_svg_download_in_spanish_names_itself_in_spanish(client, small):
    # Drawn in English first (the page), so a cache that ignored the language would answer English.
    assert client.get(f"/maps/{small.id}/silo").status_code == 200
    response = client.post(f"/maps/{small.id}/export", data={"format": "svg", "detail": "full", "lang": "es"})
    root = ElementTree.fromstring(response.data)
    title, desc = list(root)[:2]
    assert (title.tag, title.text) == (f"{SVG}title", "Mapa de silos: Family T. (test)")
    assert desc.text.startswith("Las agencias con las que trató la familia")
    drawn = response.get_data(as_text=True)
    assert "la familia" in drawn and "Clave" in drawn and "the family" not in drawn
    english = client.post(f"/maps/{small.id}/export", data={"format": "svg", "detail": "full"})
    assert "Silo map: Family T. (test)" in english.get_data(as_text=True)


def test_the_silo_drawing_on_the_page_follows_the_readers_language(client, small):
    english = client.get(f"/maps/{small.id}/silo-map.svg?detail=full")
    assert "the family" in english.get_data(as_text=True)
    speaks(FACILITATOR, "es")
    # The browser's copy is English: its tag must not match, or it would keep showing English.
    spanish = client.get(f"/maps/{small.id}/silo-map.svg?detail=full",
                         headers={"If-None-Match": english.headers["ETag"]})
    assert spanish.status_code == 200 and "la familia" in spanish.get_data(as_text=True)
    assert spanish.headers["ETag"] != english.headers["ETag"]


def test_the_journey_view_drawing_follows_the_readers_language(client, small):
    english = client.get(f"/maps/{small.id}/journey-view.svg?detail=full")
    speaks(FACILITATOR, "es")
    spanish = client.get(f"/maps/{small.id}/journey-view.svg?detail=full",
                         headers={"If-None-Match": english.headers["ETag"]})
    assert spanish.status_code == 200 and spanish.headers["ETag"] != english.headers["ETag"]
