"""De-identified by default, proved with markers: a map with a distinct marker in every field that
de-identification removes, and none of them may appear in any de-identified output.

Outputs: the silo map (the image GET with every option, and the svg, png, pdf and dot downloads),
the whole map as JSON, both CSVs, the steering brief (page and PDF), the journey view (image and
svg and pdf downloads), the presentation page and the pictures it shows, and `flask export` in
every format. Each is searched whole (raw bytes included) and in its parts: SVG ids, <title>s and
comments; PNG text chunks; PDF text (pdftotext), metadata (pdfinfo), strings and decompressed
streams; data: URIs inside HTML.

The people who typed items in have markers in their account names, and the map's dates (created,
updated, and a history entry) are distinctive past days, searched in every common format.

After a facilitator's check before sharing, the same outputs show the group's words for barriers,
steps and stages, with the names planted in them (caseworkers', members' account names) replaced.

Then the same outputs with full detail do show the markers (so these tests can fail), each
download recorded as full detail; and roles that may not take full detail away get 403 and leave
no history entry.
"""

from __future__ import annotations

import base64
import html as html_lib
import re
import subprocess
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from journeymap.domain import commitments, family_word
from journeymap.exports.downloads import EXPORT_FORMATS
from journeymap.extensions import db
from journeymap.models import (
    Agency,
    Barrier,
    Caseworker,
    Handoff,
    HistoryEntry,
    JourneyMap,
    Meeting,
    Stage,
    Touchpoint,
)
from tests.actors import SETUP
from tests.routes.conftest import FACILITATOR, add_to_map, client_as, html, make_user

# The markers ------------------------------------------------------------------------------------

# One marker per field that de-identification removes or replaces. Letters and digits only, so no
# escaping or wrapping can split one, and unlike anything the app writes itself. Searched without
# regard to case (a drawing may show text in capitals).
REMOVED = {
    "situation": "qzsitu41",
    "hopes": "qzhope42",
    "household role (known word)": "qzhhrole43",  # typed "Grandma ...": shown as "Grandmother"
    "household role (unknown word)": "qzhhrole44",  # typed "Auntie ...": "Household member"
    "caseworker name": "qzcwname45",
    "caseworker name (no role)": "qzcwname46",  # known only by name: shown as "Caseworker"
    "stage name (first)": "qzstage47",
    "stage name (second)": "qzstage48",
    "touchpoint action": "qzaction49",
    "touchpoint action (by a caseworker member)": "qzaction50",
    "touchpoint place": "qzplace51",
    "document (first)": "qzdoc52",
    "document (second)": "qzdoc53",
    "barrier title (no owner)": "qztitle54",
    "barrier title (owned)": "qztitle55",
    "barrier title (owner recorded later)": "qztitle56",
    "barrier description": "qzdescr57",
    "account name of who added items": "qzauthor58",
    "account name of a caseworker member who added a touchpoint": "qzcwacct59",
    # What owners said they would do (issue 9): the group's words, shared only once checked.
    "next step (done)": "qzstep60",
    "next step (open)": "qzstep61",
    "who does it, in words": "qzwho62",
    "progress: what was done": "qzdone63",
    "progress: what is in the way": "qzblock64",
    "what changed for the family": "qzchanged65",
    "barrier title (declined)": "qztitle66",
    "why the owner declined": "qzdecline67",
    # The family's word (issue 10): their comments are their own telling, removed like their story.
    "the family's word on a step": "qzword68",
    "the family's word on a barrier": "qzword69",
    # Introductions made (issue 10): the note is the group's words, shared only once checked.
    "introduction note": "qznote68",
    # Handoffs (issue 10): what was expected is the group's words, shared only once checked; who
    # answered is a name, and why they declined the group's words again.
    "handoff: what was expected": "qzexpect68",
    "handoff: answered by": "qzhby69",
    "handoff: why declined": "qzhdecl70",
}

# Kept by design (journeymap/deidentify.py, "Kept because they describe the services, not the
# family"): the pseudonym is already one, and a meeting is shown "caseworkers by role and agency".
# These must show in a de-identified output (proving it is the map, not an error page); every
# other typed text is in REMOVED. Moving a field from here to REMOVED is a decision about what a
# steering meeting may see: change deidentify.py's docstring with it.
KEPT = {
    "pseudonym": "qzpseudo01",
    "agency name": "qzagency02",
    "caseworker role": "qzcwrole03",
}

# The map's own dates, set in the database to days nothing else on the map could print.
CREATED = datetime(2019, 3, 7, 8, 9, 10, tzinfo=UTC)
OWNER_RECORDED = datetime(2018, 11, 21, 14, 15, 16, tzinfo=UTC)  # a barrier's owner, in its history
MEETING_DAY = date(2018, 11, 2)  # a steering meeting's day: kept, as declared (not a marker)


def date_forms(day: date) -> set[str]:
    """A day written in every common way (ISO, European, American, long and short month)."""
    return {
        day.isoformat(), f"{day:%Y%m%d}", f"{day:%d/%m/%Y}", f"{day:%m/%d/%Y}", f"{day:%d.%m.%Y}",
        f"{day.day} {day:%B %Y}", f"{day.day} {day:%b %Y}", f"{day:%d %b %Y}", f"{day:%d %B %Y}",
        f"{day:%B} {day.day}, {day.year}", f"{day:%b} {day.day}, {day.year}", f"{day:%A}, {day.day} {day:%B}",
        f"{day.month}/{day.day}/{day.year}", f"{day.day}/{day.month}/{day.year}",
    }


MAP_DATES = {
    f"map date {form}" if day == CREATED.date() else f"history date {form}": form
    for day in (CREATED.date(), OWNER_RECORDED.date())
    for form in date_forms(day)
}


def today_forms() -> dict[str, str]:
    """Today's date (when items were added, by the history): must not be in JSON, CSV, SVG, DOT or
    the presentation page. The brief prints the day it was made, and PDFs carry their creation
    date in their metadata: neither is the family's, so those are not searched for it."""
    now = datetime.now(UTC)
    days = {now.date(), datetime.now().date(), (now - timedelta(minutes=5)).date()}
    return {f"today {form}": form for day in days for form in date_forms(day)}


# The map ----------------------------------------------------------------------------------------

AUTHOR = "author@example.org"
CASEWORKER_MEMBER = "casey@example.org"


@dataclass(frozen=True)
class Marked:
    id: int
    stage1: int
    stage2: int
    agency: int
    barrier_recorded_later: int


def _posted(client, url: str, data: dict) -> None:
    response = client.post(url, data=data)
    assert response.status_code == 303, (url, response.status_code, html(response)[:3000])


def _id(model, **where) -> int:
    return db.session.scalar(select(model.id).filter_by(**where))


def build_marked(app) -> Marked:
    """The marked map, typed in through the routes by an author whose account name is a marker;
    one touchpoint by a caseworker member, also marked. The test client `client` (Fran) is the
    map's facilitator too, and is the one who looks at and downloads everything."""
    M, K = REMOVED, KEPT
    make_user(AUTHOR, f"Dana {M['account name of who added items']}")
    make_user(CASEWORKER_MEMBER, f"Casey {M['account name of a caseworker member who added a touchpoint']}")
    db.session.commit()
    author = client_as(app, AUTHOR)

    response = author.post("/maps/new", data={
        "pseudonym": f"Family {K['pseudonym']}",
        "situation": f"The heating broke. {M['situation']} in their words.",
        "hopes": f"A warm home, {M['hopes']}.",
    })
    assert response.status_code == 303, html(response)[:3000]
    map_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    base = f"/maps/{map_id}"
    add_to_map(map_id, FACILITATOR, "facilitator")

    for typed, age in ((f"Grandma {M['household role (known word)']}", "65+"),
                       (f"Auntie {M['household role (unknown word)']}", "25-44")):
        _posted(author, f"{base}/household", {"role": typed, "age_band": age})
    _posted(author, f"{base}/agencies", {"name": f"{K['agency name']} Housing Office", "sector": "housing"})
    agency = _id(Agency, map_id=map_id)
    _posted(author, f"{base}/caseworkers", {
        "name": M["caseworker name"], "role": f"{K['caseworker role']} intake worker",
        "agency_id": str(agency), "holds_file": "y", "status": "active",
    })
    _posted(author, f"{base}/caseworkers", {
        "name": M["caseworker name (no role)"], "role": "", "agency_id": str(agency),
        "holds_file": "y", "status": "left",
    })
    worker = _id(Caseworker, map_id=map_id, name=M["caseworker name"])
    loner = _id(Caseworker, map_id=map_id, name=M["caseworker name (no role)"])
    _posted(author, f"{base}/stages", {"name": f"After the {M['stage name (first)']}"})
    _posted(author, f"{base}/stages", {"name": f"Waiting {M['stage name (second)']}"})
    stage1 = _id(Stage, map_id=map_id, name=f"After the {M['stage name (first)']}")
    stage2 = _id(Stage, map_id=map_id, name=f"Waiting {M['stage name (second)']}")
    _posted(author, f"{base}/touchpoints", {
        "action": f"Called {M['touchpoint action']} again", "place": f"{M['touchpoint place']} office",
        "stage_id": str(stage1), "agency_id": str(agency), "caseworker_id": str(worker),
        "channel": "in_person", "days_waited": "12",
        "documents": f"{M['document (first)']} lease\n{M['document (second)']} photo ID",
        "retold_story": "y", "feeling": "-1", "reported_by": "family",
    })
    _posted(author, f"{base}/touchpoints", {
        "action": f"Waited for {M['touchpoint action']} letter", "place": "",
        "stage_id": str(stage2), "agency_id": str(agency), "caseworker_id": str(loner),
        "channel": "mail", "reported_by": "facilitator",
    })
    tp1, tp2 = db.session.scalars(
        select(Touchpoint.id).where(Touchpoint.map_id == map_id).order_by(Touchpoint.id)
    ).all()

    # A caseworker member adds a touchpoint of their own from "My touchpoints".
    add_to_map(map_id, CASEWORKER_MEMBER, "caseworker", caseworker_id=worker)
    casey = client_as(app, CASEWORKER_MEMBER)
    _posted(casey, f"/me/maps/{map_id}/touchpoints", {
        "action": f"Phoned {M['touchpoint action (by a caseworker member)']}",
        "stage_id": str(stage2), "channel": "phone", "reported_by": "caseworker",
    })

    _posted(author, f"{base}/barriers", {
        "title": f"No heat {M['barrier title (no owner)']}",
        "description": f"Why: {M['barrier description']}",
        "category": "basic_needs", "severity": "high", "touchpoint_ids": [str(tp1)],
    })
    _posted(author, f"{base}/barriers", {
        "title": f"Forms {M['barrier title (owned)']}", "category": "paperwork", "severity": "medium",
        "touchpoint_ids": [str(tp2)], "owner_caseworker_id": str(worker),
    })
    _posted(author, f"{base}/barriers", {
        "title": f"Bus fare {M['barrier title (owner recorded later)']}", "category": "other",
        "severity": "low", "touchpoint_ids": [str(tp1), str(tp2)],
    })
    later = _id(Barrier, map_id=map_id, title=f"Bus fare {M['barrier title (owner recorded later)']}")

    # Its owner recorded on a distinctive day: the full brief prints that day, a de-identified
    # one must not. The history is append-only, so an entry is written as it would have been then.
    db.session.execute(update(Barrier).where(Barrier.id == later)
                       .values(owner_agency_id=agency, owner_recorded_at=OWNER_RECORDED))
    db.session.add(HistoryEntry(
        map_id=map_id, at=OWNER_RECORDED, user_id=None,
        actor_name=f"Dana {M['account name of who added items']}",
        actor_role="facilitator", action="changed", kind="barrier", item_id=later,
        summary="owner", changes={"owner_agency_id": [None, f"{K['agency name']} Housing Office"]},
    ))
    follow_up_with_markers(map_id, f"Forms {M['barrier title (owned)']}")
    _posted(author, f"{base}/barriers", {
        "title": f"Rent {M['barrier title (declined)']}", "category": "other", "severity": "low",
        "touchpoint_ids": [str(tp2)], "owner_caseworker_id": str(worker),
    })
    rent = _id(Barrier, map_id=map_id, title=f"Rent {M['barrier title (declined)']}")
    declined = db.session.get(Barrier, rent)
    commitments.decline(db.session.get(JourneyMap, map_id), declined,
                        f"Not ours: {M['why the owner declined']}", actor=SETUP)
    # The family disputes a step and confirms a barrier, in their own words.
    journey_map = db.session.get(JourneyMap, map_id)
    family_word.give(journey_map, db.session.get(Touchpoint, tp1), kind="touchpoint", verdict="disputed",
                     comment="It was " + M["the family's word on a step"], seen=0, on_behalf=False,
                     actor=SETUP)
    family_word.give(journey_map, db.session.get(Barrier, rent), kind="barrier", verdict="confirmed",
                     comment="Yes " + M["the family's word on a barrier"], seen=0, on_behalf=True,
                     actor=SETUP)
    # Committed before the next request: on PostgreSQL the map's row stays locked until then, and
    # the request's own connection waits for it (a lock timeout).
    db.session.commit()
    # Two agencies introduced, with a note: a second agency, kept like the first.
    _posted(author, f"{base}/agencies", {"name": f"{K['agency name']} Food Bank", "sector": "nonprofit"})
    food_bank = _id(Agency, map_id=map_id, name=f"{K['agency name']} Food Bank")
    _posted(author, f"{base}/introductions", {
        "caseworker_a_id": "", "caseworker_b_id": "", "agency_a_id": str(agency),
        "agency_b_id": str(food_bank), "made_on": "2018-10-05", "how": "phone",
        "note": f"Agreed {M['introduction note']} to share",
    })
    # A handoff from the agency, declined by someone named, for a reason (both through the routes).
    _posted(author, f"{base}/handoffs", {
        "from_agency_id": str(agency), "sent_on": (date.today() - timedelta(days=30)).isoformat(),
        "channel": "referral_form", "expected": f"A call from {M['handoff: what was expected']}",
        "began_touchpoint_id": str(tp1),
    })
    handoff = _id(Handoff, map_id=map_id)
    response = author.post(f"{base}/handoffs/{handoff}/steps/declined", data={
        "on": date.today().isoformat(), "by": f"Sam {M['handoff: answered by']}",
        "reason": f"Full: {M['handoff: why declined']}", "version": "1",
    })
    assert response.status_code == 303, html(response)[:3000]
    # A steering meeting before that day, so the brief lists the owner as new since it.
    db.session.add(Meeting(map_id=map_id, held_on=MEETING_DAY, attendees=f"Chair, {K['agency name']}"))
    db.session.execute(
        update(JourneyMap).where(JourneyMap.id == map_id)
        .values(created_at=CREATED, updated_at=CREATED, revision=JourneyMap.revision + 1)
    )
    db.session.commit()
    return Marked(id=map_id, stage1=stage1, stage2=stage2, agency=agency, barrier_recorded_later=later)


def follow_up_with_markers(map_id: int, title: str) -> None:
    """The owned barrier accepted: one next step done (with progress and what changed), another open."""
    M = REMOVED
    journey_map = db.session.get(JourneyMap, map_id)
    owned = db.session.scalar(select(Barrier).where(Barrier.map_id == map_id, Barrier.title == title))
    commitments.accept(journey_map, owned, actor=SETUP)
    first = commitments.commit_to(journey_map, owned, actor=SETUP, next_step=f"Ring {M['next step (done)']}",
                                  who_caseworker_id=None, who_text=f"{M['who does it, in words']} team",
                                  due_on=date(2018, 12, 1))
    commitments.record_progress(journey_map, first, actor=SETUP, on_date=date(2018, 11, 25),
                                what_was_done=f"Rang {M['progress: what was done']}",
                                what_is_blocking=f"Waiting on {M['progress: what is in the way']}")
    commitments.mark_done(journey_map, first, f"Now {M['what changed for the family']}", actor=SETUP)
    commitments.commit_to(journey_map, owned, actor=SETUP, next_step=f"Write {M['next step (open)']}",
                          who_caseworker_id=None, who_text="", due_on=date(2018, 12, 20))
    db.session.commit()


@pytest.fixture
def marked(app) -> Marked:
    return build_marked(app)


# Reading an output ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Output:
    """One file or page an output route gave, and what kind of file it is."""

    label: str
    kind: str  # svg, png, pdf, dot, json, csv, html
    content: bytes
    headers: str = ""  # the response's headers (a file name must not carry a name either)


def kind_of(fmt: str) -> str:
    return "csv" if fmt.endswith("-csv") else fmt


def parts_of(output: Output) -> list[tuple[str, str]]:
    """(where, text) pairs to search: the whole output and the places inside it worth naming."""
    label, data = output.label, output.content
    whole = [(f"{label} (raw bytes)", data.decode("latin-1")), (f"{label} headers", output.headers)]
    if output.kind in ("svg", "dot", "json", "csv", "html"):
        text = data.decode("utf-8-sig")
        whole.append((label, text))
        if output.kind == "svg":
            return whole + svg_parts(label, text)
        if output.kind == "html":
            return whole + html_parts(label, text)
        return whole
    if output.kind == "png":
        return whole + [(f"{label} PNG {name} chunk", text) for name, text in png_text_chunks(data)]
    if output.kind == "pdf":
        return whole + pdf_parts(label, data)
    raise AssertionError(f"unknown kind {output.kind}")


def svg_parts(label: str, text: str) -> list[tuple[str, str]]:
    """The ids, <title>s and comments of an SVG, named, so a leak says where it is."""
    import xml.etree.ElementTree as ET

    ET.fromstring(text.encode("utf-8"))  # well-formed, or the search below means little
    ids = re.findall(r'\bid="([^"]*)"', text)
    titles = re.findall(r"<title[^>]*>(.*?)</title>", text, re.S)
    comments = re.findall(r"<!--(.*?)-->", text, re.S)
    return [
        (f"{label} SVG ids", "\n".join(ids)),
        (f"{label} SVG <title>s", html_lib.unescape("\n".join(titles))),
        (f"{label} SVG comments", "\n".join(comments)),
        (f"{label} SVG text, entities read", html_lib.unescape(text)),
    ]


def html_parts(label: str, text: str) -> list[tuple[str, str]]:
    """The page with entities read, and any data: URI (the brief puts its silo map in one)."""
    found = [(f"{label} (entities read)", html_lib.unescape(text))]
    for n, (mime, b64, body) in enumerate(
        re.findall(r"data:([\w/+.-]+)(;base64)?,([^\"')\s>]+)", text), 1
    ):
        content = base64.b64decode(body) if b64 else html_lib.unescape(body).encode()
        kind = {"image/svg+xml": "svg", "image/png": "png"}.get(mime, "html")
        found += parts_of(Output(f"{label} data: URI {n} ({mime})", kind, content))
    return found


def png_text_chunks(data: bytes) -> list[tuple[str, str]]:
    """Every tEXt, zTXt and iTXt chunk of a PNG, decoded."""
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    chunks, at = [], 8
    while at < len(data):
        length = int.from_bytes(data[at:at + 4], "big")
        name = data[at + 4:at + 8].decode("latin-1")
        body = data[at + 8:at + 8 + length]
        at += 12 + length
        if name == "tEXt":
            chunks.append((name, body.decode("latin-1")))
        elif name == "zTXt":
            key, _, rest = body.partition(b"\0")
            chunks.append((name, key.decode("latin-1") + " " + zlib.decompress(rest[1:]).decode("latin-1")))
        elif name == "iTXt":
            key, _, rest = body.partition(b"\0")
            compressed, rest = rest[0], rest[2:]
            _language, _, rest = rest.partition(b"\0")
            _translated, _, text = rest.partition(b"\0")
            text = zlib.decompress(text) if compressed else text
            chunks.append((name, key.decode("latin-1") + " " + text.decode("utf-8", "replace")))
    return chunks


def pdf_parts(label: str, data: bytes) -> list[tuple[str, str]]:
    """A PDF's text as poppler reads it, its metadata, its decompressed streams and its strings
    (outline titles and metadata are often UTF-16 hex strings)."""
    import tempfile

    assert data.startswith(b"%PDF")
    found = []
    streams = []
    for match in re.finditer(rb"stream\r?\n", data):
        start = match.end()
        end = data.find(b"endstream", start)
        try:
            streams.append(zlib.decompressobj().decompress(data[start:end]))
        except zlib.error:
            continue
    found.append((f"{label} decompressed streams", b"\n".join(streams).decode("latin-1")))
    strings = []
    for blob in [data, *streams]:
        for hexa in re.findall(rb"<([0-9A-Fa-f\s]{4,})>", blob):
            digits = re.sub(rb"\s", b"", hexa).decode()
            raw = bytes.fromhex(digits) if len(digits) % 2 == 0 else b""
            utf16 = raw.startswith(b"\xfe\xff")
            strings.append(raw.decode("utf-16-be", "replace") if utf16 else raw.decode("latin-1"))
        for literal in re.findall(rb"\((\xfe\xff(?:[^\\)]|\\.)*)\)", blob, re.S):
            strings.append(literal.decode("utf-16-be", "replace"))
    found.append((f"{label} PDF strings", "\n".join(strings)))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "out.pdf"
        path.write_bytes(data)
        text = subprocess.run(["pdftotext", "-q", str(path), "-"], capture_output=True, check=True).stdout
        info = subprocess.run(["pdfinfo", "-meta", str(path)], capture_output=True, check=True).stdout
    text = text.decode("utf-8", "replace")
    found.append((f"{label} text (pdftotext)", text))
    found.append((f"{label} metadata (pdfinfo -meta)", info.decode("utf-8", "replace")))
    return found


def pdf_text(data: bytes) -> str:
    return dict(pdf_parts("pdf", data))["pdf text (pdftotext)"]


def _squeezed(text: str) -> tuple[str, str]:
    """Text compared without regard to case or to how it is broken across lines: whitespace as
    one space, and with no whitespace at all (a PDF's text may break "21 November 2018" anywhere)."""
    spaced = re.sub(r"\s+", " ", text).casefold()
    return spaced, spaced.replace(" ", "")


def found_in(outputs: list[Output], searched: dict[str, str]) -> list[tuple[str, str, str]]:
    """(name, where, context) for each searched string that shows up in an output."""
    found = []
    for output in outputs:
        for where, text in parts_of(output):
            spaced, bare = _squeezed(text)
            for name, token in searched.items():
                want_spaced, want_bare = _squeezed(token)
                at = spaced.find(want_spaced)
                if at < 0 and bare.find(want_bare) < 0:
                    continue
                context = spaced[max(0, at - 60): at + len(want_spaced) + 60] if at >= 0 else "(unspaced)"
                found.append((name, where, context))
    return found


def leaks(outputs: list[Output], searched: dict[str, str]) -> list[str]:
    """Every place a searched string shows up, as readable lines."""
    return [f"{name} ({searched[name]!r}) in {where}: ...{context}..."
            for name, where, context in found_in(outputs, searched)]


def shown(outputs: list[Output], searched: dict[str, str]) -> set[str]:
    """The names of the searched strings that show up anywhere in the outputs."""
    return {name for name, _, _ in found_in(outputs, searched)}


# The outputs ------------------------------------------------------------------------------------


def got(response, label: str, kind: str, *, attachment: bool) -> Output:
    assert response.status_code == 200, (label, response.status_code, html(response)[:2000])
    disposition = response.headers.get("Content-Disposition", "")
    if attachment:
        assert disposition.startswith("attachment;"), (label, disposition)
    return Output(label, kind, response.get_data(), headers=str(response.headers))


def detail_field(full: bool | None) -> dict:
    """No detail field at all (the default), or an explicit choice."""
    return {} if full is None else {"detail": "full" if full else "deidentified"}


SILO_OPTIONS = [
    {}, {"focus": "unowned"}, {"caseworkers": "hide"}, {"focus": "unowned", "caseworkers": "hide"},
    {"introductions": "show"},
]


def silo_image(client, m: Marked, full: bool | None) -> list[Output]:
    """The drawing in the page (a GET), with every combination of options and stage. The silo
    page is opened first with the same options: it draws the full detail drawing for members and
    keeps it for this revision, which must not answer for a de-identified one."""
    outputs = []
    for options in SILO_OPTIONS:
        for stage in (None, m.stage1, m.stage2):
            page_args = {**options, **({"stage": stage} if stage else {})}
            assert client.get(f"/maps/{m.id}/silo", query_string=page_args).status_code == 200
            args = {**page_args, **detail_field(full)}
            label = f"silo image GET {args}"
            outputs.append(got(client.get(f"/maps/{m.id}/silo-map.svg", query_string=args), label, "svg",
                               attachment=False))
    return outputs


def silo_export(fmt: str) -> Callable:
    def produce(client, m: Marked, full: bool | None) -> list[Output]:
        outputs = []
        for options in (SILO_OPTIONS if fmt == "svg" else SILO_OPTIONS[:1]) + [{"stage": str(m.stage1)}]:
            data = {"format": fmt, **options, **detail_field(full)}
            response = client.post(f"/maps/{m.id}/export", data=data)
            outputs.append(got(response, f"silo export {data}", fmt, attachment=True))
        return outputs
    return produce


def data_export(fmt: str) -> Callable:
    def produce(client, m: Marked, full: bool | None) -> list[Output]:
        data = {"format": fmt, **detail_field(full)}
        return [got(client.post(f"/maps/{m.id}/data/export", data=data), f"data export {data}", kind_of(fmt),
                    attachment=True)]
    return produce


def brief_page(client, m: Marked, full: bool | None) -> list[Output]:
    assert not full, "the brief page is always de-identified"
    return [got(client.get(f"/maps/{m.id}/brief"), "brief page GET", "html", attachment=False)]


def brief_pdf(client, m: Marked, full: bool | None) -> list[Output]:
    data = detail_field(full)
    response = client.post(f"/maps/{m.id}/brief.pdf", data=data)
    return [got(response, f"brief PDF {data}", "pdf", attachment=True)]


def journey_image(client, m: Marked, full: bool | None) -> list[Output]:
    outputs = []
    for stage in (None, m.stage1, m.stage2):
        page_args = {"stage": stage} if stage else {}
        assert client.get(f"/maps/{m.id}/journey-view", query_string=page_args).status_code == 200
        args = {**({"stage": stage} if stage else {}), **detail_field(full)}
        outputs.append(got(client.get(f"/maps/{m.id}/journey-view.svg", query_string=args),
                           f"journey view image GET {args}", "svg", attachment=False))
    return outputs


def journey_export(fmt: str) -> Callable:
    def produce(client, m: Marked, full: bool | None) -> list[Output]:
        outputs = []
        for stage in (None, m.stage2):
            data = {"format": fmt, **({"stage": str(stage)} if stage else {}), **detail_field(full)}
            outputs.append(got(client.post(f"/maps/{m.id}/journey-view/export", data=data),
                               f"journey view export {data}", fmt, attachment=True))
        return outputs
    return produce


def present(client, m: Marked, full: bool | None) -> list[Output]:
    """The presentation page with its options, and every picture it shows."""
    assert not full, "the presentation is always de-identified"
    outputs = []
    for args in ({}, {"show": "journey"}, {"show": "silo", "focus": "unowned", "caseworkers": "hide",
                                            "stage": m.stage1}, {"show": "journey", "stage": m.stage2}):
        page = got(client.get(f"/maps/{m.id}/present", query_string=args), f"presentation {args}", "html",
                   attachment=False)
        outputs.append(page)
        sources = re.findall(r'<img[^>]* src="([^"]+)"', page.content.decode())
        assert sources, "the presentation shows no picture"
        for src in sources:
            src = html_lib.unescape(src)
            if src.startswith("data:"):
                continue  # read by html_parts
            outputs.append(got(client.get(src), f"presentation picture {src}", "svg", attachment=False))
    return outputs


# name: (endpoint that must exist, what it is, producer, whether it is a download)
OUTPUTS: dict[str, tuple[str, str, Callable, bool]] = {
    "silo image": ("silo.image", "silo map image", silo_image, False),
    **{f"silo {fmt}": ("silo.export", "silo map export", silo_export(fmt), True)
       for fmt in ("svg", "png", "pdf", "dot")},
    **{fmt: ("data.export", "data export", data_export(fmt), True)
       for fmt in ("json", "touchpoints-csv", "barriers-csv", "introductions-csv")},
    "brief page": ("brief.page", "the steering brief page, GET /maps/<id>/brief", brief_page, False),
    "brief pdf": ("brief.pdf", "the brief PDF, POST /maps/<id>/brief.pdf", brief_pdf, True),
    "journey view image": ("journey_view.image", "journey view image, GET /maps/<id>/journey-view.svg",
                           journey_image, False),
    **{f"journey view {fmt}": ("journey_view.export",
                               "journey view export, POST /maps/<id>/journey-view/export",
                               journey_export(fmt), True) for fmt in ("svg", "pdf")},
    "presentation": ("present.page", "presentation, GET /maps/<id>/present", present, False),
}
ALWAYS_DEIDENTIFIED = {"brief page", "presentation"}
DOWNLOADS = [name for name, (*_, download) in OUTPUTS.items() if download]
# Where the day of making is printed or kept on purpose (not the family's date): the brief page
# prints it, PDFs keep it in their metadata. Everything else is searched for today's date too.
MAY_SHOW_TODAY = {"brief page", "brief pdf", "silo pdf", "journey view pdf"}


def produce(name: str, app, client, m: Marked, full: bool | None) -> list[Output]:
    endpoint, what, producer, _ = OUTPUTS[name]
    return producer(client, m, full)



def exports_recorded(map_id: int) -> list[HistoryEntry]:
    db.session.expire_all()
    return list(db.session.scalars(
        select(HistoryEntry).where(HistoryEntry.map_id == map_id, HistoryEntry.action == "exported")
        .order_by(HistoryEntry.id)
    ))


def history_size(map_id: int) -> tuple[int, int]:
    """(history entries, revision): a GET must change neither."""
    db.session.expire_all()
    entries = db.session.scalar(
        select(db.func.count()).select_from(HistoryEntry).where(HistoryEntry.map_id == map_id)
    )
    return entries, db.session.get(JourneyMap, map_id).revision


# The tests --------------------------------------------------------------------------------------


def test_the_marked_map_holds_every_marker(app, client, marked):
    """The builder typed every marker in, and the author's and the caseworker member's account
    names are on what they added (the history), so their absence below means something."""
    full_json = produce("json", app, client, marked, True)
    account_fields = {name for name in REMOVED if name.startswith("account name")}
    assert shown(full_json, REMOVED) == set(REMOVED) - account_fields
    actors = set(db.session.scalars(select(HistoryEntry.actor_name).where(
        HistoryEntry.map_id == marked.id, HistoryEntry.kind == "touchpoint")))
    assert {REMOVED[name] for name in account_fields} <= {a.split()[-1] for a in actors}
    assert db.session.scalar(select(db.func.count()).select_from(Touchpoint).where(
        Touchpoint.map_id == marked.id, Touchpoint.created_by_id.is_not(None))) == 3


@pytest.mark.parametrize("name", list(OUTPUTS))
def test_no_marker_in_a_deidentified_output(app, client, marked, name):
    before = history_size(marked.id)
    outputs = produce(name, app, client, marked, None)  # the default: no detail field at all
    if name not in ALWAYS_DEIDENTIFIED:
        outputs += produce(name, app, client, marked, False)  # de-identified, chosen
    searched = {**REMOVED, **MAP_DATES, **({} if name in MAY_SHOW_TODAY else today_forms())}

    assert leaks(outputs, searched) == []
    # It is the marked map, de-identified, not an error page (a PNG has no text to show it).
    for output in outputs:
        if output.kind != "png":
            assert shown([output], KEPT), f"{output.label} shows nothing of the map"
    if OUTPUTS[name][3]:
        recorded = exports_recorded(marked.id)
        assert len(recorded) == len(outputs)
        for entry in recorded:
            assert entry.summary.endswith("de-identified"), entry.summary
            assert entry.changes["detail"] == "deidentified"
    else:
        assert history_size(marked.id) == before, "looking wrote to the map's history"


def test_svg_ids_titles_and_comments_are_searched(app, client, marked):
    """The SVG parts the test names are really read: with full detail the journey view's card
    titles hold the action, and de-identified they hold none of it."""
    full = produce("journey view image", app, client, marked, True)
    titles = [text for output in full for where, text in parts_of(output) if where.endswith("SVG <title>s")]
    assert any(REMOVED["touchpoint action"] in t for t in titles)
    silo = produce("silo image", app, client, marked, None)[0]
    named = dict(parts_of(silo))
    assert named[f"{silo.label} SVG ids"].strip() and named[f"{silo.label} SVG <title>s"].strip()
    assert named[f"{silo.label} SVG comments"].strip()


# What full detail must show, per output: the fields it draws or lists (not every output shows
# every field: the silo map has no household, the CSVs no story).
FULL_SHOWS = {
    "silo image": {"caseworker name", "caseworker name (no role)", "barrier title (no owner)"},
    "silo svg": {"caseworker name", "caseworker name (no role)", "barrier title (no owner)"},
    "silo pdf": {"caseworker name", "barrier title (no owner)"},
    "silo dot": {"caseworker name", "caseworker name (no role)", "barrier title (no owner)"},
    "json": {name for name in REMOVED if not name.startswith("account name")},
    "touchpoints-csv": {
        "touchpoint action", "touchpoint action (by a caseworker member)", "touchpoint place",
        "document (first)", "document (second)", "caseworker name", "stage name (first)",
        "barrier title (no owner)",
    },
    "barriers-csv": {
        "barrier title (no owner)", "barrier description", "caseworker name", "touchpoint action",
    },
    "introductions-csv": {"introduction note"},
    "handoffs-csv": {"handoff: what was expected", "handoff: answered by", "handoff: why declined"},
    "brief pdf": {"situation", "barrier title (no owner)", "caseworker name", "stage name (first)",
                  f"history date {OWNER_RECORDED.day} {OWNER_RECORDED:%B %Y}"},
    "journey view image": {"touchpoint action", "touchpoint place", "stage name (first)", "caseworker name",
                           "barrier title (no owner)"},
    "journey view svg": {"touchpoint action", "touchpoint place", "stage name (first)", "caseworker name",
                         "barrier title (no owner)"},
    "journey view pdf": {"touchpoint action", "stage name (first)", "caseworker name"},
}


@pytest.mark.parametrize("name", [n for n in OUTPUTS if n not in ALWAYS_DEIDENTIFIED])
def test_full_detail_shows_the_markers_and_is_recorded(app, client, marked, name):
    before = history_size(marked.id)
    outputs = produce(name, app, client, marked, True)
    if name == "silo png":
        # Pixels only: full detail draws names where the de-identified drawing has roles.
        plain = produce(name, app, client, marked, None)
        assert [o.content for o in outputs] != [o.content for o in plain]
        for output in outputs:
            assert output.content.startswith(b"\x89PNG")
        outputs_recorded = len(outputs) + len(plain)
    else:
        missing = FULL_SHOWS[name] - shown(outputs, {**REMOVED, **MAP_DATES})
        assert not missing, f"full detail does not show {sorted(missing)}"
        outputs_recorded = len(outputs)
    if OUTPUTS[name][3]:
        recorded = exports_recorded(marked.id)
        assert len(recorded) == outputs_recorded
        full_entries = recorded[:len(outputs)]
        for entry in full_entries:
            assert entry.summary.endswith("full detail"), entry.summary
            assert entry.changes["detail"] == "full"
    else:
        assert history_size(marked.id) == before


# Every download route, with a body it accepts.
EXPORT_POSTS = {
    "silo map": ("silo.export", "/maps/{id}/export", {"format": "svg"}),
    "data": ("data.export", "/maps/{id}/data/export", {"format": "json"}),
    "brief": ("brief.pdf", "/maps/{id}/brief.pdf", {}),
    "journey view": ("journey_view.export", "/maps/{id}/journey-view/export", {"format": "svg"}),
}


@pytest.mark.parametrize("export", list(EXPORT_POSTS))
@pytest.mark.parametrize("role", ["viewer", "caseworker", "contributor"])
def test_full_detail_is_refused_to_roles_without_export_full(app, marked, export, role):
    endpoint, url, body = EXPORT_POSTS[export]
    add_to_map(marked.id, f"{role}@example.org", role)
    member = client_as(app, f"{role}@example.org")
    before = history_size(marked.id)
    response = member.post(url.format(id=marked.id), data={**body, "detail": "full"})
    assert response.status_code == 403
    assert not leaks([Output("403 page", "html", response.get_data())], REMOVED)
    assert history_size(marked.id) == before, "a refused download was recorded"
    # The same download de-identified is theirs to take.
    response = member.post(url.format(id=marked.id), data={**body, "detail": "deidentified"})
    assert response.status_code == 200
    assert len(exports_recorded(marked.id)) == 1


@pytest.mark.parametrize("export", list(EXPORT_POSTS))
def test_the_family_may_take_full_detail(app, marked, export):
    endpoint, url, body = EXPORT_POSTS[export]
    add_to_map(marked.id, "family@example.org", "family")
    family = client_as(app, "family@example.org")
    response = family.post(url.format(id=marked.id), data={**body, "detail": "full"})
    assert response.status_code == 200
    (entry,) = exports_recorded(marked.id)
    assert entry.summary.endswith("full detail") and entry.actor_role == "family"


@pytest.mark.parametrize("export", list(EXPORT_POSTS))
def test_an_unknown_detail_is_refused(app, client, marked, export):
    endpoint, url, body = EXPORT_POSTS[export]
    response = client.post(url.format(id=marked.id), data={**body, "detail": "everything"})
    assert response.status_code == 404
    assert exports_recorded(marked.id) == []


def test_the_presentation_ignores_a_request_for_full_detail(app, client, marked):
    response = client.get(f"/maps/{marked.id}/present", query_string={"detail": "full"})
    assert response.status_code in (200, 404)
    assert leaks([Output("presentation ?detail=full", "html", response.get_data())], REMOVED) == []


def test_the_presentation_does_not_show_the_presenters_account_name(app, marked):
    """On a projector the page shows no personal name at all, the presenter's own account name
    included: the presenter may be one of the family's caseworkers, whose name the map leaves out.
    The presentation has no site header (where the name is on every other page)."""
    author = client_as(app, AUTHOR)
    name = {"the presenter's account name": REMOVED["account name of who added items"]}
    outputs = present(author, marked, None)
    for output in outputs:
        if output.kind == "html":
            assert 'class="site-header"' not in output.content.decode()
    assert leaks(outputs, name) == []


# The command line -------------------------------------------------------------------------------


def cli_export(runner, map_id: int, fmt: str, path: Path, *full: str) -> Output:
    result = runner.invoke(args=["export", str(map_id), "--format", fmt, "-o", str(path), *full])
    assert result.exit_code == 0, result.output
    return Output(f"flask export --format {fmt} {' '.join(full)}", kind_of(fmt), path.read_bytes())


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_the_command_line_export_is_deidentified(runner, marked, tmp_path, fmt):
    output = cli_export(runner, marked.id, fmt, tmp_path / f"out.{fmt}")
    searched = {**REMOVED, **MAP_DATES, **({} if fmt == "pdf" else today_forms())}
    assert leaks([output], searched) == []
    if fmt != "png":
        assert shown([output], KEPT)
    (entry,) = exports_recorded(marked.id)
    assert entry.summary.endswith("de-identified"), entry.summary


CLI_FULL_SHOWS = {
    "svg": FULL_SHOWS["silo svg"], "pdf": FULL_SHOWS["silo pdf"], "dot": FULL_SHOWS["silo dot"],
    "json": FULL_SHOWS["json"], "touchpoints-csv": FULL_SHOWS["touchpoints-csv"],
    "barriers-csv": FULL_SHOWS["barriers-csv"], "introductions-csv": FULL_SHOWS["introductions-csv"],
    "handoffs-csv": FULL_SHOWS["handoffs-csv"],
}


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_the_command_line_export_with_full_detail(runner, marked, tmp_path, fmt):
    output = cli_export(runner, marked.id, fmt, tmp_path / f"full.{fmt}", "--full-detail")
    if fmt == "png":
        plain = cli_export(runner, marked.id, fmt, tmp_path / f"plain.{fmt}")
        assert output.content != plain.content
    else:
        missing = CLI_FULL_SHOWS[fmt] - shown([output], REMOVED)
        assert not missing, f"full detail does not show {sorted(missing)}"
    assert exports_recorded(marked.id)[0].summary.endswith("full detail")


# After the check before sharing -----------------------------------------------------------------
# Once a facilitator has checked them, de-identified outputs keep the group's words for stages,
# steps and barriers (journeymap.exports.sharing), with the map's own names replaced. Names are
# planted inside those words: the caseworkers' names and the account names of members of the map,
# markers whose letters are the name-word the check looks for ("qzcwname45" -> "qzcwname").

GROUP_WORDS = {
    "barrier title (no owner)": REMOVED["barrier title (no owner)"],
    "touchpoint action": REMOVED["touchpoint action"],
    "stage name (first)": REMOVED["stage name (first)"],
}
PLANTED = {
    name: re.sub(r"\d", "", REMOVED[name]) for name in (
        "caseworker name", "caseworker name (no role)", "account name of who added items",
        "account name of a caseworker member who added a touchpoint",
    )
}
# The group's words each output shows (as full detail does); the brief and the presentation
# show barriers and where they were met, and the presentation's journey picture the steps.
CHECKED_SHOWS = {
    **{name: shows & set(GROUP_WORDS) for name, shows in FULL_SHOWS.items()},
    "brief page": FULL_SHOWS["brief pdf"] & set(GROUP_WORDS),
    "presentation": {"barrier title (no owner)", "touchpoint action", "stage name (first)"},
    "silo png": set(),  # pixels only: its DOT is the "silo dot" output
}


def plant_names_and_check(client, m: Marked) -> None:
    """Names typed into a barrier's title, a step and a stage name; then the facilitator shares
    every text as the check page shows it."""
    M = REMOVED
    db.session.execute(update(Barrier).where(Barrier.title == f"No heat {M['barrier title (no owner)']}")
                       .values(title=f"No heat {M['barrier title (no owner)']}, ask {M['caseworker name']}'s "
                                     f"team"))
    db.session.execute(update(Touchpoint).where(Touchpoint.action == f"Called {M['touchpoint action']} again")
                       .values(action=f"Called {M['touchpoint action']} again; "
                                      f"{M['caseworker name (no role)']}\nsaid wait"))
    authors = (M["account name of who added items"],
               M["account name of a caseworker member who added a touchpoint"])
    db.session.execute(update(Stage).where(Stage.id == m.stage1).values(
        name=f"After the {M['stage name (first)']} with {authors[0]} and {authors[1]}"))
    db.session.execute(update(JourneyMap).where(JourneyMap.id == m.id)
                       .values(revision=JourneyMap.revision + 1))
    db.session.commit()
    page = html(client.get(f"/maps/{m.id}/check-before-sharing"))
    form = dict(re.findall(r'name="(seen-[^"]+)" value="([0-9a-f]{64})"', page))
    form.update({key.replace("seen-", "decision-"): "share" for key in list(form)})
    response = client.post(f"/maps/{m.id}/check-before-sharing", data=form)
    assert response.status_code == 303, html(response)[:3000]


@pytest.mark.parametrize("name", list(OUTPUTS))
def test_after_the_check_names_in_the_groups_words_are_replaced_and_the_words_kept(app, client, marked, name):
    plant_names_and_check(client, marked)
    outputs = produce(name, app, client, marked, None)
    if name not in ALWAYS_DEIDENTIFIED:
        outputs += produce(name, app, client, marked, False)
    assert leaks(outputs, PLANTED) == []
    # Across the outputs, as with full detail: a stage's drawing shows that stage's words only.
    missing = CHECKED_SHOWS[name] - shown(outputs, GROUP_WORDS)
    assert not missing, f"{name} does not show the group's words {sorted(missing)}"
    if CHECKED_SHOWS[name]:
        assert "[name]" in "".join(text for output in outputs if output.kind != "png"
                                   for _, text in parts_of(output)), "no name was replaced"


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_after_the_check_the_command_line_export_replaces_names_too(runner, client, marked, tmp_path, fmt):
    plant_names_and_check(client, marked)
    output = cli_export(runner, marked.id, fmt, tmp_path / f"out.{fmt}")
    assert leaks([output], PLANTED) == []
    if fmt in CLI_FULL_SHOWS:
        assert not (CLI_FULL_SHOWS[fmt] & set(GROUP_WORDS)) - shown([output], GROUP_WORDS)
