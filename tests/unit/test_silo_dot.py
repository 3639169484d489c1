"""The silo map's DOT: who sits in which silo, which barriers no one owns, and safe node ids.

The layout is being reworked, so these tests read meaning from `graph.source` (which node is in
which cluster, what the labels and contact lines say), never ranks, spacing or exact ids. Only the
escaping tests run the real `dot`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import pytest

from journeymap.domain.barriers import add_barrier, set_owner
from journeymap.domain.family import add_member, start_map
from journeymap.domain.journey import add_stage, add_touchpoint
from journeymap.domain.people import add_agency, add_caseworker
from journeymap.extensions import db
from journeymap.render import runner
from journeymap.render.silo import build_silo_graph
from tests.actors import SETUP

# A small DOT reader, enough for what the graphviz package writes: one statement per line. ----

QUOTED = r'"(?:[^"\\]|\\.)*"'
TOKEN = rf'{QUOTED}|[^\s\[\]{{}};=,"]+'
ATTR = re.compile(rf"(\w+)\s*=\s*({QUOTED}|[^\s\],;]+)")
EDGE = re.compile(rf"^({TOKEN})\s*->\s*({TOKEN})\s*(?:\[(.*)\])?;?$")
NODE = re.compile(rf"^({TOKEN})\s*(?:\[(.*)\])?;?$")
SUBGRAPH = re.compile(rf"^subgraph\s+({TOKEN})\s*\{{$")
ROOT = re.compile(rf"^(?:strict\s+)?(?:di)?graph\s+({TOKEN})?\s*\{{$")


def unescape(value: str) -> str:
    """A DOT value as the text dot draws: quotes removed, escapes undone, lines joined by spaces."""
    if not (value.startswith('"') and value.endswith('"')):
        return value
    out, chars = [], iter(value[1:-1])
    for ch in chars:
        if ch != "\\":
            out.append(ch)
            continue
        nxt = next(chars, "")
        out.append(" " if nxt in "nlr" else nxt if nxt in '\\"' else ch + nxt)
    return "".join(out)


def attrs_of(text: str | None) -> dict[str, str]:
    return {key: unescape(value) for key, value in ATTR.findall(text or "")}


@dataclass
class Dot:
    name: str = ""
    nodes: dict[str, dict] = field(default_factory=dict)  # id -> attributes
    # subgraph name -> attributes, and the nodes it holds (declared or used in an edge inside it)
    subgraphs: dict[str, dict] = field(default_factory=dict)
    members: dict[str, set[str]] = field(default_factory=dict)
    edges: list[tuple[str, str, dict]] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)  # every node id and subgraph name, as written

    def clusters_of(self, node: str) -> set[str]:
        return {
            name for name, held in self.members.items() if name.startswith("cluster") and node in held
        }

    def text(self, node: str) -> str:
        return self.nodes[node].get("label", "")

    def nodes_labelled(self, text: str) -> list[str]:
        return [node for node, attrs in self.nodes.items() if text in attrs.get("label", "")]

    def node_labelled(self, text: str) -> str:
        (node,) = self.nodes_labelled(text)
        return node

    def cluster_labelled(self, text: str) -> str:
        (name,) = [
            name
            for name, attrs in self.subgraphs.items()
            if name.startswith("cluster") and text in attrs.get("label", "")
        ]
        return name

    def visible_edges(self) -> list[tuple[str, str, dict]]:
        return [e for e in self.edges if "invis" not in e[2].get("style", "")]


def parse(source: str) -> Dot:
    dot = Dot()
    stack: list[str] = []

    def hold(node: str) -> None:
        for name in stack:
            dot.members[name].add(node)

    for raw in source.splitlines():
        line = raw.strip()
        if not line or line.startswith(("//", "#")):
            continue
        if m := ROOT.match(line):
            dot.name = unescape(m.group(1) or "")
            dot.ids.append(m.group(1) or "")
        elif m := SUBGRAPH.match(line):
            name = m.group(1)
            dot.ids.append(name)
            stack.append(unescape(name))
            dot.subgraphs.setdefault(stack[-1], {})
            dot.members.setdefault(stack[-1], set())
        elif line == "}":
            if stack:
                stack.pop()
        elif line.startswith(("node [", "node[", "edge [", "edge[")):
            continue
        elif line.startswith(("graph [", "graph[")):
            if stack:
                dot.subgraphs[stack[-1]].update(attrs_of(line))
        elif m := EDGE.match(line):
            tail, head = m.group(1), m.group(2)
            dot.ids += [tail, head]
            tail, head = unescape(tail), unescape(head)
            for node in (tail, head):
                dot.nodes.setdefault(node, {})
                hold(node)
            dot.edges.append((tail, head, attrs_of(m.group(3))))
        elif re.match(rf"^({TOKEN})\s*=", line):  # graph attributes of the current (sub)graph
            if stack:
                dot.subgraphs[stack[-1]].update(attrs_of(line))
        elif m := NODE.match(line):
            dot.ids.append(m.group(1))
            node = unescape(m.group(1))
            dot.nodes.setdefault(node, {}).update(attrs_of(m.group(2)))
            hold(node)
        else:
            raise AssertionError(f"unreadable DOT line: {raw!r}")
    assert not stack, "unbalanced braces"
    return dot


# A small map --------------------------------------------------------------------------------


@pytest.fixture
def small(app, view_of):
    m = start_map("Family T.")
    add_member(m, "Mother", "25-44", actor=SETUP)
    stage = add_stage(m, "Crisis", actor=SETUP)
    housing = add_agency(m, "Housing Office", "housing", actor=SETUP)
    clinic = add_agency(m, "Eastside Clinic", "health", actor=SETUP)
    add_agency(m, "Food Bank", "nonprofit", actor=SETUP)  # no caseworkers, never met
    ana = add_caseworker(m, agency_id=housing.id, name="Ana", role="Intake", actor=SETUP)
    add_caseworker(m, agency_id=housing.id, name="Ben", role="Inspector", status="left", actor=SETUP)
    cara = add_caseworker(m, agency_id=clinic.id, name="Cara", role="Nurse", actor=SETUP)
    dora = add_caseworker(m, agency_id=None, name="Dora", role="Volunteer", actor=SETUP)
    tps = [
        add_touchpoint(m, stage_id=stage.id, action=f"Saw Ana {i}", caseworker_id=ana.id,
                       agency_id=housing.id, actor=SETUP)
        for i in range(3)
    ]
    tps.append(add_touchpoint(m, stage_id=stage.id, action="Saw Cara", caseworker_id=cara.id,
                              agency_id=clinic.id, actor=SETUP))
    tps.append(add_touchpoint(m, stage_id=None, action="Called the clinic", agency_id=clinic.id, actor=SETUP))
    tps.append(add_touchpoint(m, stage_id=None, action="Called a helpline", actor=SETUP))
    add_barrier(m, [tps[0].id], title="Nobody fixes the heat", actor=SETUP)
    add_barrier(m, [], title="Nobody coordinates", actor=SETUP)
    waitlist = add_barrier(m, [tps[1].id], title="Two-year waitlist", actor=SETUP)
    set_owner(m, waitlist, housing.id, None, actor=SETUP)
    papers = add_barrier(m, [tps[3].id], title="Lost papers", actor=SETUP)
    set_owner(m, papers, None, cara.id, actor=SETUP)
    promise = add_barrier(m, [], title="Promise to call back", actor=SETUP)
    set_owner(m, promise, None, dora.id, actor=SETUP)
    db.session.commit()
    view = view_of(m.id)
    return view, parse(build_silo_graph(view).source)


def test_the_family_node_stands_outside_every_silo(small):
    view, dot = small
    family = dot.node_labelled("Family T.")
    assert dot.clusters_of(family) == set()


def test_each_agency_is_a_cluster_holding_its_caseworkers(small):
    view, dot = small
    for agency in view.agencies:
        cluster = dot.cluster_labelled(agency.name)
        for worker in view.caseworkers_of(agency.id):
            node = dot.node_labelled(worker.name)
            assert dot.clusters_of(node) == {cluster}, worker.name
    housing = dot.cluster_labelled("Housing Office")
    held = {dot.text(n) for n in dot.members[housing]}
    assert any("Ana" in t for t in held) and any("Ben" in t for t in held)
    assert not any("Cara" in t for t in held)
    # A caseworker who has left is still in the silo, and marked.
    assert "has left" in dot.text(dot.node_labelled("Ben"))


def test_a_caseworker_without_an_agency_is_in_a_silo_of_their_own(small):
    view, dot = small
    dora = dot.node_labelled("Dora")
    (cluster,) = dot.clusters_of(dora)
    assert cluster not in {dot.cluster_labelled(a.name) for a in view.agencies}
    assert cluster != "cluster_unowned"


def test_barriers_no_one_owns_are_together_outside_every_silo(small):
    view, dot = small
    assert "cluster_unowned" in dot.subgraphs
    unowned = {dot.node_labelled(b.title) for b in view.unowned_barriers}
    assert len(unowned) == 2
    for node in unowned:
        assert dot.clusters_of(node) == {"cluster_unowned"}
    owned_titles = {b.title for b in view.barriers if not b.is_unowned}
    assert not any(
        title in dot.text(node) for node in dot.members["cluster_unowned"] for title in owned_titles
    )
    assert "2" in dot.subgraphs["cluster_unowned"].get("label", "")


def test_owned_barriers_sit_in_their_owners_silo(small):
    view, dot = small
    waitlist = dot.node_labelled("Two-year waitlist")
    assert dot.clusters_of(waitlist) == {dot.cluster_labelled("Housing Office")}
    # Owned by a caseworker: in the caseworker's agency's silo.
    papers = dot.node_labelled("Lost papers")
    assert dot.clusters_of(papers) == {dot.cluster_labelled("Eastside Clinic")}
    # Owned by a caseworker with no agency: beside that caseworker.
    assert dot.clusters_of(dot.node_labelled("Promise to call back")) == dot.clusters_of(
        dot.node_labelled("Dora")
    )


def family_lines(dot: Dot) -> dict[str, dict]:
    """Visible edges touching the family, keyed by the node at the other end."""
    family = dot.node_labelled("Family T.")
    lines = {}
    for tail, head, attrs in dot.visible_edges():
        if family in (tail, head):
            other = head if tail == family else tail
            assert other not in lines, f"two lines to {other}"
            lines[other] = attrs
    return lines


def times(attrs: dict) -> int:
    found = re.search(r"(\d+)\s*×", attrs.get("label", ""))
    return int(found.group(1)) if found else 1


def test_contact_lines_count_the_touchpoints(small):
    view, dot = small
    lines = family_lines(dot)
    ana = lines[dot.node_labelled("Ana")]
    cara = lines[dot.node_labelled("Cara")]
    assert "3×" in ana.get("label", "")
    assert "×" not in cara.get("label", "")
    assert float(ana["penwidth"]) > float(cara["penwidth"])
    # Every touchpoint is on some line: with a caseworker, an agency, or someone not recorded.
    assert sum(times(attrs) for attrs in lines.values()) == len(view.touchpoints)
    clinic_agency = [n for n in lines if "Eastside Clinic" in dot.text(n)]
    assert clinic_agency and dot.clusters_of(clinic_agency[0]) == {
        dot.cluster_labelled("Eastside Clinic")
    }
    # Nobody met is drawn without a line.
    for name in ("Ben", "Dora"):
        assert dot.node_labelled(name) not in lines


def test_there_is_a_legend(small):
    _, dot = small
    legends = [
        name
        for name, attrs in dot.subgraphs.items()
        if name.startswith("cluster") and ("legend" in name or attrs.get("label") == "Key")
    ]
    assert legends
    assert dot.members[legends[0]]


# Hostile text ---------------------------------------------------------------------------------

MARKER = 'MARKER<script>alert(1)</script>"]; x [\\N'
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@pytest.fixture
def hostile(app, view_of):
    """A map with the marker in every field a user can type."""
    m = start_map(MARKER, MARKER, MARKER)
    add_member(m, MARKER, "unsaid", actor=SETUP)
    stage = add_stage(m, MARKER, actor=SETUP)
    with_people = add_agency(m, MARKER, "county", actor=SETUP)
    add_agency(m, MARKER + " alone", "other", actor=SETUP)
    worker = add_caseworker(m, agency_id=with_people.id, name=MARKER, role=MARKER, status="left", actor=SETUP)
    loner = add_caseworker(m, agency_id=None, name=MARKER, role="ends with a backslash\\", actor=SETUP)
    common = {"action": MARKER, "place": MARKER, "documents": MARKER}
    first = add_touchpoint(m, stage_id=stage.id, caseworker_id=worker.id, **common, actor=SETUP)
    add_touchpoint(m, stage_id=stage.id, caseworker_id=worker.id, **common, actor=SETUP)
    add_touchpoint(m, stage_id=None, agency_id=with_people.id, **common, actor=SETUP)
    add_touchpoint(m, stage_id=None, **common, actor=SETUP)
    add_barrier(m, [first.id], title=MARKER, description=MARKER, actor=SETUP)
    owned = add_barrier(m, [first.id], title=MARKER, description=MARKER, actor=SETUP)
    set_owner(m, owned, with_people.id, None, actor=SETUP)
    by_loner = add_barrier(m, [], title=MARKER + "\\", description=MARKER, actor=SETUP)
    set_owner(m, by_loner, None, loner.id, actor=SETUP)
    db.session.commit()
    return build_silo_graph(view_of(m.id))


def test_node_ids_and_cluster_names_are_opaque(hostile):
    dot = parse(hostile.source)
    assert dot.nodes and dot.subgraphs
    for written in dot.ids:
        assert IDENTIFIER.fullmatch(written), f"id is not a plain identifier: {written!r}"
        assert "marker" not in written.lower()
    # The marker is drawn, as text, in labels only.
    assert any("MARKER<script>" in attrs.get("label", "") for attrs in dot.nodes.values())


def test_hostile_text_renders_as_escaped_text_only(hostile):
    svg = runner.render(hostile.source, "svg", timeout=20).decode("utf-8")
    assert "<script" not in svg.lower()
    assert "&lt;script&gt;" in svg
    for title in re.findall(r"<title>(.*?)</title>", svg, flags=re.S):
        assert "MARKER" not in title and "script" not in title, title
    for comment in re.findall(r"<!--(.*?)-->", svg, flags=re.S):
        assert "MARKER" not in comment and "script" not in comment, comment
    for attribute in re.findall(r'\s(?:id|class|href|xlink:href)="([^"]*)"', svg):
        assert "MARKER" not in attribute, attribute
    texts = [html.unescape(t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)]
    assert any(t.startswith("MARKER<script>alert(1)</") for t in texts)
    with_escape = [t for t in texts if "x [" in t]
    assert with_escape
    for text in with_escape:
        assert "x [\\N" in text, f"\\N was expanded: {text!r}"


def test_backslash_n_is_drawn_literally_not_as_the_node_name(app, view_of):
    m = start_map("Family B.")
    office = add_agency(m, r"Office \G here", "county", actor=SETUP)
    worker = add_caseworker(m, agency_id=office.id, name=r"Jo \N Smith", role=r"\L", actor=SETUP)
    add_touchpoint(m, stage_id=None, action="Met", caseworker_id=worker.id, actor=SETUP)
    db.session.commit()
    svg = runner.render(build_silo_graph(view_of(m.id)).source, "svg", timeout=20).decode("utf-8")
    texts = [html.unescape(t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)]
    assert any(r"Jo \N Smith, \L" in t for t in texts), texts
    assert any(r"Office \G here" in t for t in texts), texts
    assert not any("silo_map" in t for t in texts)
