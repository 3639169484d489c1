"""Bad input, field by field, for every text field of every form: each value is either refused
with 422 and a message beside the field (everything else typed kept), or stored exactly and
shown escaped. Never a 500. Then choices that are not on the list, and numbers that are not
numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from markupsafe import escape
from sqlalchemy import select

from journeymap.extensions import db
from journeymap.models import Agency, Barrier, Caseworker, HouseholdMember, JourneyMap, Stage, Touchpoint
from tests.routes.conftest import HX, SmallMap, error_of, html, page_urls, post_change


@dataclass(frozen=True)
class Form:
    name: str
    url: str  # {map} is the small map's id
    base: dict  # valid data, every text field typed with a distinct value
    idp: str  # prefix of the ids in the form ("member-new-")
    model: Any  # where a successful post stores its row
    shown_on: str  # the page that shows what was stored, after /maps/{map}
    required: tuple[str, ...] = ()
    limits: dict = field(default_factory=dict)  # text field -> the most characters allowed
    stored_as: dict = field(default_factory=dict)  # form field -> model column, when different
    success: int = 303


FORMS = [
    Form("new map", "/maps/new",
         {"pseudonym": "Typed pseudonym", "situation": "Typed situation", "hopes": "Typed hopes"},
         idp="", model=JourneyMap, shown_on="", required=("pseudonym",),
         limits={"pseudonym": 120, "situation": 5000, "hopes": 5000}),
    Form("family", "/maps/{map}/family/edit",
         {"pseudonym": "Typed pseudonym", "situation": "Typed situation", "hopes": "Typed hopes"},
         idp="family-", model=JourneyMap, shown_on="", required=("pseudonym",),
         limits={"pseudonym": 120, "situation": 5000, "hopes": 5000}),
    Form("member", "/maps/{map}/household", {"role": "Typed role", "age_band": "65+"},
         idp="member-new-", model=HouseholdMember, shown_on="", required=("role",),
         limits={"role": 80}),
    Form("agency", "/maps/{map}/agencies", {"name": "Typed name", "sector": "nonprofit"},
         idp="agency-new-", model=Agency, shown_on="/people", required=("name",),
         limits={"name": 200}),
    Form("caseworker", "/maps/{map}/caseworkers",
         {"name": "Typed name", "role": "Typed role", "agency_id": "", "holds_file": "y",
          "status": "active"},
         idp="caseworker-new-", model=Caseworker, shown_on="/people",
         limits={"name": 200, "role": 200}),
    Form("stage", "/maps/{map}/stages", {"name": "Typed name"},
         idp="stage-new-", model=Stage, shown_on="/journey", required=("name",),
         limits={"name": 120}),
    Form("touchpoint", "/maps/{map}/touchpoints",
         {"action": "Typed action", "place": "Typed place", "documents": "Typed documents",
          "stage_id": "", "agency_id": "", "caseworker_id": "", "channel": "", "days_waited": "",
          "feeling": "", "reported_by": "family"},
         idp="touchpoint-new-", model=Touchpoint, shown_on="/journey", required=("action",),
         limits={"action": 300, "place": 300, "documents": 2000}),
    Form("touchpoint: add agency", "/maps/{map}/touchpoints",
         {"intent": "add_agency", "new_agency-name": "Typed agency", "new_agency-sector": "county",
          "action": "Typed action", "place": "Typed place"},
         idp="touchpoint-new-", model=Agency, shown_on="/people", required=("new_agency-name",),
         limits={"new_agency-name": 200}, stored_as={"new_agency-name": "name"}, success=200),
    Form("touchpoint: add caseworker", "/maps/{map}/touchpoints",
         {"intent": "add_caseworker", "new_caseworker-name": "Typed name",
          "new_caseworker-role": "Typed role", "action": "Typed action", "place": "Typed place"},
         idp="touchpoint-new-", model=Caseworker, shown_on="/people",
         limits={"new_caseworker-name": 200, "new_caseworker-role": 200},
         stored_as={"new_caseworker-name": "name", "new_caseworker-role": "role"}, success=200),
    Form("barrier", "/maps/{map}/barriers",
         {"title": "Typed title", "description": "Typed description", "category": "cost",
          "severity": "low"},
         idp="barrier-new-", model=Barrier, shown_on="/barriers", required=("title",),
         limits={"title": 200, "description": 5000}),
]

FIELDS = [(form, name) for form in FORMS for name in form.limits]
FIELD_IDS = [f"{form.name}.{name}" for form, name in FIELDS]

# Values stored exactly as typed and shown escaped.
KEPT = {
    "emoji": "Family 👩‍👧‍👦 ☀️ 🏠",
    "arabic": "عائلة أحمد",
    "hebrew": "משפחת כהן",
    "bold": "<b>bold</b>",
    "script": "<script>alert(1)</script>",
    "dot breakout": '"]; x [',
    "dot escape": "\\N",
    "javascript url": "javascript:alert(1)",
    "quotes": "O'Brien & \"Sons\"",
}
MARKUP = {"bold", "script"}
NUL = "before\x00after"
LONG = "x" * 10_000


def url_of(form: Form, small: SmallMap) -> str:
    return form.url.format(map=small.id)


def post(client, form: Form, small: SmallMap, name: str, value: str, **kw):
    url, data = url_of(form, small), {**form.base, name: value}
    # The family form edits the map: it carries the version the person saw.
    if url.endswith("/edit"):
        return post_change(client, url, data, **kw)
    return client.post(url, data=data, **kw)


def stored(form: Form, small: SmallMap, name: str):
    """The value of `name` in the row the post created or changed."""
    db.session.expire_all()
    column = form.stored_as.get(name, name)
    if form.name == "family":
        row = db.session.get(JourneyMap, small.id)
    else:
        row = db.session.scalars(select(form.model).order_by(form.model.id.desc())).first()
    return getattr(row, column)


def map_id_after(form: Form, small: SmallMap, response) -> int:
    if form.name == "new map":
        return int(response.headers["Location"].rsplit("/", 1)[1])
    return small.id


def error_beside(body: str, form: Form, name: str) -> str:
    error = error_of(body, f"{form.idp}{name}")
    assert error is not None, f"no error beside {name}"
    return error


def assert_others_kept(body: str, form: Form, name: str) -> None:
    """Everything else typed comes back in the form (the "Typed ..." values above)."""
    for other, value in form.base.items():
        if other != name and value.startswith("Typed"):
            assert str(escape(value)) in body, f"{other} was not kept"


def row_count(form: Form) -> int:
    db.session.expire_all()
    return len(db.session.scalars(select(form.model.id)).all())


# Empty and blank ---------------------------------------------------------------------------------


@pytest.mark.parametrize("blank", ["", "   ", "\t\n "], ids=["empty", "spaces", "tab-newline"])
@pytest.mark.parametrize(("form", "name"), FIELDS, ids=FIELD_IDS)
def test_empty_and_blank(client, small, form, name, blank):
    before = row_count(form)
    response = post(client, form, small, name, blank)
    body = html(response)
    if name in form.required:
        assert response.status_code == 422, f"blank {name} was accepted"
        assert "Please fill this in." in error_beside(body, form, name)
        assert_others_kept(body, form, name)
        assert row_count(form) == before
        if form.name == "family":
            assert stored(form, small, name) == small.pseudonym
    else:
        assert response.status_code == form.success, body[:1000]
        assert stored(form, small, name) == ""


@pytest.mark.parametrize("blank", ["", "  "], ids=["empty", "spaces"])
@pytest.mark.parametrize(
    "form", [f for f in FORMS if f.name in ("caseworker", "touchpoint: add caseworker")],
    ids=["caseworker", "touchpoint: add caseworker"],
)
def test_a_caseworker_needs_a_name_or_a_role(client, small, form, blank):
    before = row_count(form)
    name_field, role_field = list(form.limits)
    response = client.post(url_of(form, small), data={**form.base, name_field: blank, role_field: blank})
    assert response.status_code == 422, "a caseworker with neither name nor role was added"
    assert "Give a name, a role, or both." in error_beside(html(response), form, role_field)
    assert row_count(form) == before


# Too long, and control characters ------------------------------------------------------------------


@pytest.mark.parametrize(("form", "name"), FIELDS, ids=FIELD_IDS)
def test_ten_thousand_characters_are_refused_with_the_limit(client, small, form, name):
    before = row_count(form)
    response = post(client, form, small, name, LONG)
    assert response.status_code == 422
    body = html(response)
    limit = form.limits[name]
    assert error_beside(body, form, name).strip().endswith(
        f"Please keep this to {limit:,} characters; it has 10,000."
    )
    assert_others_kept(body, form, name)
    assert LONG in body  # the text is kept, to be shortened rather than retyped
    assert row_count(form) == before


@pytest.mark.parametrize(("form", "name"), FIELDS, ids=FIELD_IDS)
def test_exactly_the_limit_is_stored(client, small, form, name):
    value = "y" * form.limits[name]
    response = post(client, form, small, name, value)
    assert response.status_code == form.success, html(response)[:1000]
    assert stored(form, small, name) == value


@pytest.mark.parametrize(("form", "name"), FIELDS, ids=FIELD_IDS)
def test_a_nul_byte_is_refused(client, small, form, name):
    before = row_count(form)
    response = post(client, form, small, name, NUL)
    assert response.status_code == 422
    body = html(response)
    assert "invisible control characters" in error_beside(body, form, name)
    assert_others_kept(body, form, name)
    assert row_count(form) == before


# Stored exactly, shown escaped ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KEPT, ids=list(KEPT))
@pytest.mark.parametrize(("form", "name"), FIELDS, ids=FIELD_IDS)
def test_text_is_stored_exactly_and_shown_escaped(client, small, form, name, kind):
    value = KEPT[kind]
    response = post(client, form, small, name, value)
    assert response.status_code == form.success, html(response)[:1000]
    assert stored(form, small, name) == value
    map_id = map_id_after(form, small, response)
    page = html(client.get(f"/maps/{map_id}{form.shown_on}"))
    assert str(escape(value)) in page
    if kind == "script":
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    if kind in MARKUP:
        # Nowhere raw: every page of the map, the silo page and the list of maps.
        for url in [*page_urls(map_id), "/"]:
            body = html(client.get(url))
            assert value not in body, url
            assert "<script>alert" not in body, url


def test_script_in_a_touchpoint_shows_escaped_in_the_silo_text(client, small):
    client.post(f"/maps/{small.id}/caseworkers",
                data={"name": "<script>alert(1)</script>", "role": "", "agency_id": str(small.agency),
                      "status": "active"})
    client.post(f"/maps/{small.id}/barriers", data={"title": "<script>alert(2)</script>",
                                                   "category": "other", "severity": "low"})
    body = html(client.get(f"/maps/{small.id}/silo"))
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in body
    svg = client.get(f"/maps/{small.id}/silo-map.svg").get_data(as_text=True)
    assert "<script" not in svg


def test_surrounding_spaces_are_trimmed(client, small, view_of):
    client.post(f"/maps/{small.id}/agencies", data={"name": "  Food Bank \t", "sector": "other"})
    assert "Food Bank" in [a.name for a in view_of(small.id).agencies]


# Edit forms refuse the same input, and leave the item as it was ---------------------------------------

EDITS = [
    # (URL segment, kind, SmallMap attribute, text field, the rest of a valid form)
    ("household", "member", "member", "role", {"age_band": "25-44"}),
    ("agencies", "agency", "agency", "name", {"sector": "housing"}),
    ("stages", "stage", "stage1", "name", {}),
    ("touchpoints", "touchpoint", "tp1", "action", {"channel": "", "reported_by": "family"}),
    ("barriers", "barrier", "barrier", "title", {"category": "other", "severity": "high"}),
]


@pytest.mark.parametrize("value", ["", "   ", LONG, NUL], ids=["empty", "spaces", "long", "nul"])
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize(("plural", "kind", "attr", "name", "rest"), EDITS, ids=[e[1] for e in EDITS])
def test_edit_refuses_bad_text_and_keeps_the_item(client, small, view_of, plural, kind, attr, name,
                                                    rest, value, htmx):
    item_id = getattr(small, attr)
    before = view_of(small.id)
    response = post_change(client, f"/maps/{small.id}/{plural}/{item_id}/edit", data={**rest, name: value},
                           headers=HX if htmx else {})
    assert response.status_code == 422, f"{value[:10]!r} was accepted"
    body = html(response)
    assert ("<html" in body) is not htmx
    assert f'id="{kind}-{item_id}-{name}-error"' in body
    assert view_of(small.id).revision == before.revision


# Choices that are not on the list ---------------------------------------------------------------------

BAD_CHOICES = [
    # (form name, field, value or a function of (small, other))
    ("member", "age_band", "abc"),
    ("member", "age_band", ""),
    ("agency", "sector", "abc"),
    ("caseworker", "agency_id", "abc"),
    ("caseworker", "agency_id", "999999"),
    ("caseworker", "agency_id", "1.5"),
    ("caseworker", "agency_id", lambda s, o: str(o.agency)),
    ("caseworker", "status", "retired"),
    ("touchpoint", "stage_id", "abc"),
    ("touchpoint", "stage_id", lambda s, o: str(o.stage1)),
    ("touchpoint", "agency_id", "abc"),
    ("touchpoint", "agency_id", lambda s, o: str(o.agency)),
    ("touchpoint", "caseworker_id", "abc"),
    ("touchpoint", "caseworker_id", lambda s, o: str(o.caseworker)),
    ("touchpoint", "channel", "carrier pigeon"),
    ("touchpoint", "feeling", "abc"),
    ("touchpoint", "feeling", "7"),
    ("touchpoint", "reported_by", "robot"),
    ("touchpoint: add agency", "new_agency-sector", "abc"),
    ("barrier", "category", "abc"),
    ("barrier", "severity", "apocalyptic"),
    ("barrier", "touchpoint_ids", "abc"),
    ("barrier", "touchpoint_ids", "999999"),
    ("barrier", "touchpoint_ids", lambda s, o: str(o.tp1)),
    ("barrier", "owner_agency_id", "abc"),
    ("barrier", "owner_agency_id", lambda s, o: str(o.agency)),
    ("barrier", "owner_caseworker_id", "abc"),
    ("barrier", "owner_caseworker_id", lambda s, o: str(o.caseworker)),
]
FORM_BY_NAME = {form.name: form for form in FORMS}


def choice_id(case) -> str:
    form, name, value = case
    return f"{form}.{name}={'another map' if callable(value) else repr(value)}"


@pytest.mark.parametrize("case", BAD_CHOICES, ids=[choice_id(c) for c in BAD_CHOICES])
def test_a_choice_not_on_the_list_is_422(client, small, other, case):
    form_name, name, value = case
    form = FORM_BY_NAME[form_name]
    value = value(small, other) if callable(value) else value
    before = row_count(form)
    response = post(client, form, small, name, value)
    assert response.status_code == 422, html(response)[:1000]
    error_beside(html(response), form, name)
    assert row_count(form) == before


def test_a_touchpoint_caseworker_at_another_agency_is_422(client, small, view_of):
    client.post(f"/maps/{small.id}/agencies", data={"name": "Second Office", "sector": "state"})
    second = next(a for a in view_of(small.id).agencies if a.name == "Second Office")
    form = FORM_BY_NAME["touchpoint"]
    response = client.post(url_of(form, small), data={
        **form.base, "agency_id": str(second.id), "caseworker_id": str(small.caseworker)
    })
    assert response.status_code == 422
    assert "This caseworker is recorded at Test Housing Office" in error_beside(
        html(response), form, "caseworker_id"
    )


# Days waited ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["abc", "1.5", "1e3", "½", "14 days"])
def test_days_waited_that_is_not_a_whole_number_is_422(client, small, value):
    form = FORM_BY_NAME["touchpoint"]
    before = row_count(form)
    response = post(client, form, small, "days_waited", value)
    assert response.status_code == 422
    error = error_beside(html(response), form, "days_waited")
    assert "Enter a whole number, such as 14, or leave it empty." in error
    assert "0 to 3,650" not in error  # one message: the range of a number that is not there says nothing
    assert row_count(form) == before


@pytest.mark.parametrize("value", ["-3", "99999", "3651", "-0.5"])
def test_days_waited_out_of_range_is_422(client, small, value):
    form = FORM_BY_NAME["touchpoint"]
    response = post(client, form, small, "days_waited", value)
    assert response.status_code == 422
    error = error_beside(html(response), form, "days_waited")
    assert "0 to 3,650" in error or "whole number" in error
    assert f'value="{value}"' in html(response)  # what was typed stays in the box


@pytest.mark.parametrize(("value", "days"), [("0", 0), ("3650", 3650), (" 14 ", 14), ("", None)])
def test_days_waited_that_is_fine(client, small, view_of, value, days):
    form = FORM_BY_NAME["touchpoint"]
    response = post(client, form, small, "days_waited", value)
    assert response.status_code == 303
    assert view_of(small.id).touchpoints[-1].days_waited == days


def test_a_huge_field_is_refused_beside_it_not_500(client, small):
    response = client.post(f"/maps/{small.id}/barriers",
                           data={"title": "x", "description": "y" * (3 * 1024 * 1024)})
    assert response.status_code == 422
    assert "Please keep this to 5,000 characters; it has 3,145,728." in html(response)


def test_a_body_over_the_limit_is_413_not_500(client, small):
    response = client.post(f"/maps/{small.id}/barriers",
                           data={"title": "x", "description": "y" * (17 * 1024 * 1024)})
    assert response.status_code == 413
    assert "more text than a form can take" in html(response)


HUGE = str(10**25)  # past what SQLite (64 bits) and PostgreSQL (32 bits) can hold as an id


def test_an_id_too_big_for_the_database_is_404_on_every_route(app, client, small):
    """Every <int:...> in every route, first with the map's id and then with an item's id far too
    big: each is an unknown id (404), never a database error (500)."""
    checked = 0
    for rule in app.url_map.iter_rules():
        ints = [arg for arg, converter in rule._converters.items() if converter.regex == r"\d+"]
        if not ints:
            continue
        for huge in ints:
            path = rule.rule
            for arg in ints:
                path = path.replace(f"<int:{arg}>", HUGE if arg == huge else str(small.id))
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                # A version is sent, so the test client does not look the huge id up itself.
                response = client.open(path, method=method, data={"version": "1"})
                assert response.status_code == 404, (method, path, response.status_code)
                checked += 1
    assert checked > 40
