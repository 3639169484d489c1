"""The steering brief: GET /maps/<id>/brief (de-identified, never writes) and POST
/maps/<id>/brief.pdf (de-identified unless detail=full, recorded in the history), one page."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from journeymap.domain.barriers import add_barrier, set_owner
from journeymap.domain.family import add_member, start_map
from journeymap.domain.journey import add_stage, add_touchpoint
from journeymap.domain.meetings import add_meeting
from journeymap.domain.people import add_agency, add_caseworker
from journeymap.extensions import db
from journeymap.models import Barrier, HistoryEntry, JourneyMap, Membership
from journeymap.render.brief import day_text
from journeymap.render.runner import RenderError
from journeymap.routes import brief as brief_routes
from journeymap.samples.synth import synth_map
from tests.actors import SETUP
from tests.routes.conftest import FACILITATOR, add_to_map, client_as, html, post_change, user_id
from tests.unit.test_brief import contains, pdf_text

# Typed into fields that de-identification removes; none may show in a de-identified brief.
MARKERS = {
    "situation": "Quillfeather",
    "caseworker name": "Zorblatt",
    "barrier title": "Wobblestone",
    "barrier description": "Fiddlewick",
    "touchpoint action": "Pinegrove",
    "touchpoint place": "Mossbank",
    "document": "Tanglewood",
    "household role": "Grandma Xyloquin",
}


@pytest.fixture
def marked(app) -> dict:
    m = start_map("Family K. (brief)", f"The heating broke. {MARKERS['situation']} said so.", "Warm.")
    add_member(m, MARKERS["household role"], "65+", actor=SETUP)
    stage = add_stage(m, "Crisis", actor=SETUP)
    agency = add_agency(m, "County Housing Office", "housing",
        actor=SETUP)
    worker = add_caseworker(m, name=MARKERS["caseworker name"], role="Intake worker", agency_id=agency.id,
        actor=SETUP)
    tp = add_touchpoint(m, action=f"Called {MARKERS['touchpoint action']}", stage_id=stage.id,
                        place=f"{MARKERS['touchpoint place']} office", agency_id=agency.id,
                        caseworker_id=worker.id, documents=f"{MARKERS['document']} lease",
                        days_waited=9, retold_story=True, actor=SETUP)
    unowned = add_barrier(m, [tp.id], title=f"No heat {MARKERS['barrier title']}", severity="critical",
                          description=MARKERS["barrier description"], actor=SETUP)
    later = add_barrier(m, [tp.id], title="Bus fare", severity="low", actor=SETUP)
    db.session.add(Membership(map_id=m.id, user_id=user_id(FACILITATOR), role="facilitator"))
    db.session.commit()
    return {"id": m.id, "agency": agency.id, "worker": worker.id, "unowned": unowned.id, "later": later.id}


def pdf_info(content: bytes, tmp_path) -> dict[str, str]:
    path = tmp_path / "info.pdf"
    path.write_bytes(content)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def post_pdf(client, map_id: int, detail: str | None = None):
    return client.post(f"/maps/{map_id}/brief.pdf", data={"detail": detail} if detail else {})


def history_rows(map_id: int) -> list[HistoryEntry]:
    return db.session.scalars(
        select(HistoryEntry).where(HistoryEntry.map_id == map_id).order_by(HistoryEntry.id)
    ).all()


def assert_one_page_pdf(response, tmp_path) -> str:
    assert response.status_code == 200, html(response)[:2000]
    assert response.mimetype == "application/pdf"
    assert pdf_info(response.data, tmp_path)["Pages"] == "1"
    return " ".join(pdf_text(response.data, tmp_path).split())


# The page -------------------------------------------------------------------------------------

def test_the_page_is_the_de_identified_brief_and_writes_nothing(client, marked):
    before = (len(history_rows(marked["id"])), db.session.get(JourneyMap, marked["id"]).revision)
    response = client.get(f"/maps/{marked['id']}/brief")
    body = html(response)
    assert response.status_code == 200
    assert "Steering brief: Family K. (brief)" in body
    assert "De-identified" in body and "Made on" in body
    for label in ("agencies involved", "caseworkers holding a file", "places they had to go",
                  "times they told their story again", "documents asked for", "days spent waiting",
                  "barriers no one owns"):
        assert label in body
    assert "Whose job is it?" in body and "Barriers no one owns (2)" in body
    assert "Barrier 1: Other" in body  # the de-identified title, never the typed one
    assert 'src="data:image/svg+xml;base64,' in body
    for where, marker in MARKERS.items():
        assert marker not in body, where
    # A download form for the PDF, with the detail choice; and the print hint.
    assert f'action="/maps/{marked["id"]}/brief.pdf"' in body and 'value="full"' in body
    assert "Print" in body
    # CSP: no inline styles.
    assert not re.search(r"\sstyle=", body)
    db.session.expire_all()
    after = (len(history_rows(marked["id"])), db.session.get(JourneyMap, marked["id"]).revision)
    assert after == before


def test_members_who_may_not_take_full_detail_see_no_choice(app, client, marked):
    add_to_map(marked["id"], "val@example.org", "viewer")
    body = html(client_as(app, "val@example.org").get(f"/maps/{marked['id']}/brief"))
    assert 'value="full"' not in body and 'name="detail" value="deidentified"' in body


def test_unknown_map_is_404(client, marked):
    assert client.get("/maps/9999/brief").status_code == 404
    assert client.post("/maps/9999/brief.pdf").status_code == 404


def test_an_unknown_detail_is_404(client, marked):
    assert post_pdf(client, marked["id"], "everything").status_code == 404


# Barriers no one owns, and what changed since the last meeting ------------------------------------

def met(map_id: int, held_on: date = date(2026, 11, 16)) -> None:
    add_meeting(db.session.get(JourneyMap, map_id), actor=SETUP, held_on=held_on, attendees="Chair")
    db.session.commit()


def test_an_owner_recorded_through_the_route_is_owned_since_the_last_meeting(client, marked, tmp_path):
    met(marked["id"], held_on=datetime.now(UTC).date() - timedelta(days=21))
    url = f"/maps/{marked['id']}/barriers/{marked['later']}/owner"
    response = post_change(client, url, data={"owner": f"caseworker:{marked['worker']}"})
    assert response.status_code == 303, html(response)[:2000]

    today = day_text(datetime.now(UTC))
    body = html(client.get(f"/maps/{marked['id']}/brief"))
    unowned, since = body.split("Since the last meeting, ")
    assert "Barriers no one owns (1)" in unowned and "Barrier 2" not in unowned
    assert "Barrier 2: Other" in since and "New barrier" in since  # added today, after the meeting
    assert "Owned by Intake worker at County Housing Office" in since  # the owner, by role
    assert f"since {today}" not in since  # when an owner was recorded: removed, as declared
    assert MARKERS["caseworker name"] not in body

    plain = assert_one_page_pdf(post_pdf(client, marked["id"]), tmp_path)
    assert "Since the last meeting" in plain and "Owned by Intake worker at County Housing Office" in plain
    assert plain.count(today) == 1  # "Made on", never the owner's day

    full = assert_one_page_pdf(post_pdf(client, marked["id"], "full"), tmp_path)
    owner = f"{MARKERS['caseworker name']}, Intake worker at County Housing Office"
    assert f"Owned by {owner} since {today}" in full


def test_barriers_added_without_an_owner_and_given_one_by_editing_are_listed(client, marked):
    met(marked["id"], held_on=datetime.now(UTC).date())
    base = f"/maps/{marked['id']}/barriers"
    response = client.post(base, data={"title": "Queue", "category": "waiting", "severity": "high"})
    assert response.status_code == 303
    added = db.session.scalar(select(Barrier.id).where(Barrier.title == "Queue"))
    response = post_change(client, f"{base}/{added}/edit", data={
        "title": "Queue", "category": "waiting", "severity": "high",
        "owner_agency_id": str(marked["agency"]),
    })
    assert response.status_code == 303, html(response)[:2000]
    entries = [e.changes for e in history_rows(marked["id"]) if e.item_id == added]
    assert "owner_agency_id" not in entries[0] and entries[1]["owner_agency_id"][1] == "County Housing Office"

    body = html(client.get(f"/maps/{marked['id']}/brief"))
    since = body.split("Since the last meeting, ")[1]
    assert "Barrier 3: Waiting" in since and "Owned by County Housing Office" in since
    assert "Barrier 3" not in body.split("Barriers no one owns")[1].split("Since the last meeting")[0]


def test_without_a_meeting_the_brief_says_so_and_offers_to_record_one(app, client, small):
    post_change(client, f"/maps/{small.id}/barriers/{small.barrier}/owner",
                data={"owner": f"agency:{small.agency}"})
    body = html(client.get(f"/maps/{small.id}/brief"))
    assert "Every barrier has an owner" in body and "No steering meeting recorded yet" in body
    assert "Record the last steering meeting" in body  # the facilitator's
    add_to_map(small.id, "vic@example.org", "viewer")
    seen = html(client_as(app, "vic@example.org").get(f"/maps/{small.id}/brief"))
    assert "No steering meeting recorded yet" in seen and "Record the last steering meeting" not in seen


def test_a_meeting_planned_for_later_is_not_the_last_one(client, small):
    met(small.id, held_on=datetime.now(UTC).date() + timedelta(days=7))
    assert "No steering meeting recorded yet" in html(client.get(f"/maps/{small.id}/brief"))


def test_nothing_since_the_meeting_says_so(client, small):
    met(small.id, held_on=datetime.now(UTC).date())
    db.session.execute(update(Barrier).where(Barrier.map_id == small.id).values(created_at=None))
    db.session.commit()
    body = html(client.get(f"/maps/{small.id}/brief"))
    assert "Nothing recorded since the last steering meeting" in body


# The PDF: de-identified by default, full detail on request ---------------------------------------

def test_the_pdf_is_de_identified_by_default_and_recorded(client, marked, tmp_path):
    response = post_pdf(client, marked["id"])
    text = assert_one_page_pdf(response, tmp_path)
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="journeymap-{marked["id"]}-brief.pdf"'
    assert "Steering brief: Family K. (brief)" in text and "Whose job is it?" in text
    for where, marker in MARKERS.items():
        assert marker not in text, where
        assert not contains(response.data, marker), where
    assert pdf_info(response.data, tmp_path)["Title"] == "Steering brief: Family K. (brief)"
    last = history_rows(marked["id"])[-1]
    assert (last.action, last.kind) == ("exported", "map")
    assert last.summary == "Steering brief (PDF) download, de-identified"
    assert last.changes["format"] == "pdf"


def test_full_detail_shows_the_names_and_story_and_says_so_in_the_history(client, marked, tmp_path):
    response = post_pdf(client, marked["id"], "full")
    text = assert_one_page_pdf(response, tmp_path)
    for where in ("situation", "barrier title"):
        assert MARKERS[where] in text, where
    assert MARKERS["caseworker name"] in text  # in the silo map, drawn as text
    assert "Full detail" in text
    last = history_rows(marked["id"])[-1]
    assert last.summary == "Steering brief (PDF) download, full detail"
    assert last.changes["detail"] == "full"


@pytest.mark.parametrize("role", ["caseworker", "viewer", "contributor"])
def test_roles_without_export_full_get_403_for_full_detail(app, marked, role):
    email = f"{role}@example.org"
    add_to_map(marked["id"], email, role, caseworker_id=marked["worker"] if role == "caseworker" else None)
    them = client_as(app, email)
    count = len(history_rows(marked["id"]))
    assert post_pdf(them, marked["id"], "full").status_code == 403
    assert len(history_rows(marked["id"])) == count
    assert post_pdf(them, marked["id"]).status_code == 200
    assert them.get(f"/maps/{marked['id']}/brief").status_code == 200


def test_the_family_may_take_full_detail(app, marked):
    add_to_map(marked["id"], "fam@example.org", "family")
    assert post_pdf(client_as(app, "fam@example.org"), marked["id"], "full").status_code == 200


# When the silo map cannot be drawn ----------------------------------------------------------------

def test_the_brief_renders_without_the_silo_map(client, marked, monkeypatch, tmp_path):
    def fail(*args, **kwargs):
        raise RenderError("Graphviz took too long and was stopped.")

    monkeypatch.setattr(brief_routes, "draw_silo", fail)
    body = html(client.get(f"/maps/{marked['id']}/brief"))
    assert "The silo map could not be drawn for this brief." in body
    assert "Graphviz took too long and was stopped." in body and "Whose job is it?" in body
    text = assert_one_page_pdf(post_pdf(client, marked["id"]), tmp_path)
    assert "could not be drawn" in text


# One page, whatever the map holds ------------------------------------------------------------------

@pytest.mark.parametrize("detail", ["deidentified", "full"])
def test_the_demo_brief_is_one_page(client, demo_id, detail, tmp_path):
    text = assert_one_page_pdf(post_pdf(client, demo_id, detail), tmp_path)
    assert "Barriers no one owns (4)" in text


def _longest_map() -> int:
    """Every text as long as the forms allow, many barriers at many steps, many owners recorded."""
    long = "Wide words in a very long name " * 7  # about 200 characters
    m = start_map(("Family " + "W" * 120)[:120], "Story " * 900, "Hopes")
    agencies = [add_agency(m, f"{i} {long}"[:200], "county", actor=SETUP) for i in range(6)]
    workers = [add_caseworker(m, name=f"{i} {long}"[:120], role=f"{i} {long}"[:200],
                              agency_id=a.id, actor=SETUP) for i, a in enumerate(agencies)]
    stages = [add_stage(m, f"{i} {long}"[:120], actor=SETUP) for i in range(6)]  # a stage name's limit
    tps = [add_touchpoint(m, action=long, stage_id=s.id, agency_id=a.id, documents=long, actor=SETUP)
           for s, a in zip(stages, agencies, strict=True)]
    barriers = [add_barrier(m, [tp.id for tp in tps], title=f"{i} {long}"[:200], severity="critical",
                            category="basic_needs", actor=SETUP) for i in range(30)]
    db.session.flush()
    for b, w in zip(barriers[:8], workers + workers, strict=False):
        set_owner(m, b, w.agency_id, w.id, actor=SETUP)  # no one's, then someone's
    add_meeting(m, actor=SETUP, held_on=date(2026, 1, 5), attendees="Chair")
    db.session.add(Membership(map_id=m.id, user_id=user_id(FACILITATOR), role="facilitator"))
    db.session.commit()
    return m.id


@pytest.mark.parametrize("detail", ["deidentified", "full"])
def test_the_longest_brief_is_one_page(client, app, detail, tmp_path):
    map_id = _longest_map()
    text = assert_one_page_pdf(post_pdf(client, map_id, detail), tmp_path)
    assert re.search(r"and \d+ more, see the full list in the app", text)
    assert "Since the last meeting" in text
    assert client.get(f"/maps/{map_id}/brief").status_code == 200


def test_a_synthetic_map_with_100_agencies_and_200_barriers(client, app, tmp_path):
    xl = synth_map(db.session, agencies=100, caseworkers_per_agency=5, touchpoints=500, barriers=200)
    db.session.commit()
    add_to_map(xl.id, FACILITATOR, "facilitator")
    unowned = db.session.scalar(select(func.count()).select_from(Barrier).where(
        Barrier.map_id == xl.id, Barrier.owner_agency_id.is_(None), Barrier.owner_caseworker_id.is_(None)))

    body = html(client.get(f"/maps/{xl.id}/brief"))
    assert f"Barriers no one owns ({unowned})" in body
    assert "see the full list in the app" in body and "one box with its counts" in body

    text = assert_one_page_pdf(post_pdf(client, xl.id), tmp_path)
    assert re.search(r"and \d+ more, see the full list in the app", text)


def test_a_pdf_that_cannot_be_made_is_503_and_not_recorded(client, marked, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("pango went away")

    monkeypatch.setattr(brief_routes, "brief_pdf", broken)
    count = len(history_rows(marked["id"]))
    response = post_pdf(client, marked["id"])
    assert response.status_code == 503
    assert "print it from the browser" in html(response)
    assert len(history_rows(marked["id"])) == count
