"""Languages (issue 11, point 1): the page's language follows the account, else the switch's
cookie, else the browser; the switch in every header stores the choice and comes back to the
page, never to another site; sign-up and join offer the browser's language and keep the choice."""

from __future__ import annotations

import pytest

from journeymap.domain.history import Actor
from journeymap.domain.members import create_invitation
from journeymap.extensions import db
from journeymap.models import JourneyMap, User
from tests import markup
from tests.routes.conftest import FACILITATOR, html, sign_in, user_id

SPANISH = {"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}
SIGN_UP = {"display_name": "Ana Example", "email": "ana@example.org", "password": "lentils and rice"}


def page_language(response) -> str:
    (root,) = markup.select(html(response), "html")
    return root.get("lang")


def stored_language(email: str) -> str | None:
    db.session.expire_all()
    return db.session.scalar(db.select(User.language).where(User.email == email))


def switch(client, language: str, return_to: str = "/sign-in", **kwargs):
    return client.post("/language", data={"language": language, "return_to": return_to}, **kwargs)


@pytest.mark.parametrize(("header", "expected"), [
    ({}, "en"), ({"Accept-Language": "en-US,en;q=0.9"}, "en"), (SPANISH, "es"),
    ({"Accept-Language": "fr-FR,es;q=0.8,en;q=0.5"}, "es"),  # French is not offered: the next one
    ({"Accept-Language": "de-DE"}, "en"),
])
def test_signed_out_pages_follow_the_browser(anonymous, header, expected):
    for url in ("/sign-in", "/sign-up", "/join"):
        assert page_language(anonymous.get(url, headers=header)) == expected, url


def test_every_page_has_the_switch_naming_each_language_in_itself(anonymous):
    body = html(anonymous.get("/sign-in", headers=SPANISH))
    (form,) = markup.select(body, "form.language-switch")
    assert form.get("action") == "/language" and form.get("method") == "post"
    # A button for each other language: the page's own needs none.
    (other,) = markup.select(body, 'form.language-switch button[name="language"]')
    assert (other.get("value"), other.get("lang"), other.text) == ("en", "en", "English")


def test_the_switch_signed_out_keeps_the_choice_in_a_cookie(anonymous):
    response = switch(anonymous, "es", "/join")
    assert response.status_code == 303 and response.headers["Location"] == "/join"
    assert page_language(anonymous.get("/join")) == "es"
    assert page_language(anonymous.get("/sign-in", headers={"Accept-Language": "en"})) == "es"
    switch(anonymous, "en")
    assert page_language(anonymous.get("/sign-in", headers=SPANISH)) == "en"


def test_the_switch_signed_in_is_kept_on_the_account(app, client, small):
    switch(client, "es", f"/maps/{small.id}")
    assert stored_language(FACILITATOR) == "es"
    assert page_language(client.get(f"/maps/{small.id}")) == "es"
    # Another browser, English by its headers and without the cookie: the account decides.
    elsewhere = sign_in(app.test_client(), FACILITATOR)
    assert page_language(elsewhere.get(f"/maps/{small.id}", headers={"Accept-Language": "en"})) == "es"
    switch(elsewhere, "en")
    assert stored_language(FACILITATOR) == "en"


@pytest.mark.parametrize("return_to", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "/\t/evil.example", "javascript:alert(1)",
    "evil.example", "",
])
def test_the_switch_never_leaves_the_site(anonymous, return_to):
    response = switch(anonymous, "es", return_to)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_the_switch_comes_back_with_the_query(anonymous):
    response = switch(anonymous, "es", "/sign-in?next=%2Fmaps%2F1")
    assert response.headers["Location"] == "/sign-in?next=%2Fmaps%2F1"


@pytest.mark.parametrize("language", ["fr", "", "es-MX", "<script>"])
def test_the_switch_refuses_a_language_it_does_not_have(anonymous, language):
    assert switch(anonymous, language).status_code == 400
    assert "language=" not in anonymous.get("/sign-in").headers.get("Set-Cookie", "")


def test_the_switch_needs_the_csrf_token(app):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert switch(app.test_client(), "es").status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_sign_up_offers_the_browsers_language_and_keeps_the_choice(anonymous):
    body = html(anonymous.get("/sign-up", headers=SPANISH))
    (chosen,) = markup.select(body, 'select[name="language"] option[selected]')
    assert (chosen.get("value"), chosen.get("lang")) == ("es", "es")
    assert anonymous.post("/sign-up", data={**SIGN_UP, "language": "es"}).status_code == 200
    assert stored_language("ana@example.org") == "es"
    signed_in = sign_in(anonymous, "ana@example.org", SIGN_UP["password"])
    assert page_language(signed_in.get("/", headers={"Accept-Language": "en"})) == "es"


def test_sign_up_without_a_choice_takes_the_pages_language(anonymous):
    anonymous.post("/sign-up", data=SIGN_UP, headers=SPANISH)
    assert stored_language("ana@example.org") == "es"


def test_sign_up_refuses_a_language_it_does_not_have(anonymous):
    response = anonymous.post("/sign-up", data={**SIGN_UP, "language": "fr"})
    assert response.status_code == 422
    assert stored_language("ana@example.org") is None


def test_joining_offers_the_browsers_language_and_keeps_the_choice(anonymous, small):
    invitation = create_invitation(db.session.get(JourneyMap, small.id), "family", hours=8, max_uses=None,
                                   actor=Actor.person(db.session.get(User, user_id(FACILITATOR))))
    db.session.commit()
    url = f"/join/{invitation.code}"
    body = html(anonymous.get(url, headers=SPANISH))
    assert page_language(anonymous.get(url, headers=SPANISH)) == "es"
    (chosen,) = markup.select(body, 'select[name="language"] option[selected]')
    assert chosen.get("value") == "es"
    anonymous.post(url, data={**SIGN_UP, "language": "es"})
    assert stored_language("ana@example.org") == "es"


@pytest.mark.parametrize(("url", "heading", "words"), [
    ("/sign-in", "Iniciar sesión", ["¿Es nuevo aquí?", "Crear una cuenta", "Correo electrónico"]),
    ("/sign-up", "Crear una cuenta", ["Su nombre", "Contraseña", "Crear mi cuenta"]),
    ("/join", "Unirse a un mapa", ["Código de la pantalla", "Continuar"]),
])
def test_a_spanish_speaking_person_sees_the_sign_in_and_join_pages_in_spanish(anonymous, url, heading, words):
    body = html(anonymous.get(url, headers=SPANISH))
    assert markup.texts(body, "h1") == [heading]
    for word in words:
        assert word in body, word
    for english in ("Sign in", "Make an account", "Email", "Continue"):
        assert f">{english}<" not in body, english


def test_the_invitation_page_and_its_errors_in_spanish(anonymous, small):
    invitation = create_invitation(db.session.get(JourneyMap, small.id), "family", hours=8, max_uses=None,
                                   actor=Actor.person(db.session.get(User, user_id(FACILITATOR))))
    db.session.commit()
    body = html(anonymous.get(f"/join/{invitation.code}", headers=SPANISH))
    assert markup.texts(body, "h1") == [f"Únase al mapa de {small.pseudonym}"]
    assert "Entrará como <strong>familia</strong>" in body
    refused = anonymous.post(f"/join/{invitation.code}", headers=SPANISH,
                             data={"display_name": "", "email": "no", "password": "x"})
    assert refused.status_code == 422
    assert "Por favor, complete este campo." in html(refused)
    assert "Eso no parece un correo electrónico." in html(refused)
    assert "Revise los campos marcados “Error” abajo" in html(refused)
    missing = anonymous.post("/join", data={"code": "ZZZZ-9999"}, headers=SPANISH)
    assert "No hay ninguna invitación con ese código." in html(missing)


def test_a_wrong_password_is_said_in_spanish(anonymous):
    response = anonymous.post("/sign-in", data={"email": FACILITATOR, "password": "not it"}, headers=SPANISH)
    assert "Ese correo y esa contraseña no coinciden con ninguna cuenta." in html(response)


def test_error_pages_follow_the_language(client, anonymous):
    assert "No se encontró" in html(anonymous.get("/no-such-page", headers=SPANISH))
    assert "Not found" in html(anonymous.get("/no-such-page"))


def test_the_family_page_in_spanish_keeps_what_people_typed(app, client, small):
    switch(client, "es", f"/maps/{small.id}")
    body = html(client.get(f"/maps/{small.id}"))
    assert small.pseudonym in body  # typed text is never translated
    assert "Desde el lado de la familia" in body and "Hogar" in body
    assert "obstáculo sin responsable" in body  # the small map's one barrier, counted with ngettext


def test_dates_are_written_in_the_readers_language(app):
    from datetime import date

    from journeymap import i18n

    # Each in an app context of its own, as each request is: Flask-Babel keeps the locale on `g`.
    with app.app_context(), app.test_request_context(headers={"Accept-Language": "es"}):
        assert i18n.day(date(2026, 12, 7)) == "7 de diciembre de 2026"
        assert i18n.number(1250) == "1,250"  # Spanish as written in the US
    with app.app_context(), app.test_request_context():
        assert i18n.day(date(2026, 12, 7)) == "7 December 2026"
        assert i18n.number(1250) == "1,250"
