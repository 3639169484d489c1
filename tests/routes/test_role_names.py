"""Role rules live in journeymap/auth/access.py: routes, forms and templates ask its predicates
(`can`, `touchpoints_are_pinned_to_self`, `marks_from_family`...) and never name a role.

A grep over their source for a role's name in quotes ("caseworker", 'family'...). Two of the
names are also words of other vocabularies, and those uses are allowed, each by the text just
before it on its line (ALLOWED_BEFORE): nothing else is.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from journeymap.auth.access import ROLES

ROOT = Path(__file__).resolve().parents[2]
SCANNED = [
    *sorted((ROOT / "journeymap" / "routes").rglob("*.py")),
    *sorted((ROOT / "journeymap" / "forms").rglob("*.py")),
    *sorted((ROOT / "templates").rglob("*.html")),
]
ROLE_LITERAL = re.compile(r"""(["'])(""" + "|".join(map(re.escape, ROLES)) + r")\1")

# What may stand just before a quoted "caseworker" or "family" (or any role name) on its line,
# by the vocabulary the word belongs to there. Each pattern is anchored at the opening quote.
ALLOWED_BEFORE = {
    # A touchpoint's reported_by: a value of kinds/vocab.REPORTERS (who told us), not a role.
    "reporter, as a keyword": re.compile(r"\breported_by=$"),
    "reporter, as the reported_by field's default": re.compile(r"^\s*reported_by = \w+Field\(.*\bdefault=$"),
    # The kind of a record (its table), as history entries, conflicts and item kinds name it.
    "record kind in history.record(map_id, action, kind, ...)":
        re.compile(r"\bhistory\.record\([^,]+, \"\w+\", $"),
    "record kind in changed_conflict(map_id, kind, ...)": re.compile(r"\bchanged_conflict\([^,]+, $"),
    "record kind as an ItemKind's name or noun": re.compile(r"^\s+(name|noun)=$"),
    "record kind of an owner choice (\"caseworker:12\")": re.compile(r"\bkind == $"),
    "record kind in a template's focus key (kind, id, step)": re.compile(r"\bfocus == \($"),
    # The page a live check says it is on (routes/live.py PAGE_OF_ENDPOINT): the family page.
    "page name of an endpoint": re.compile(r"\"maps\.overview\": $"),
    # An HTML id: the family panel's anchor.
    "HTML id": re.compile(r"\bid=$"),
}


def role_names_in(text: str) -> list[tuple[int, str]]:
    """(line number, line) for every quoted role name that no allowance covers."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for match in ROLE_LITERAL.finditer(line):
            before = line[: match.start()]
            if not any(pattern.search(before) for pattern in ALLOWED_BEFORE.values()):
                found.append((number, line.strip()))
    return found


def test_no_role_names_in_routes_forms_or_templates():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line}"
        for path in SCANNED
        for number, line in role_names_in(path.read_text(encoding="utf-8"))
    ]
    advice = "compare no role names here; ask a predicate of journeymap/auth/access.py:\n"
    assert not found, advice + "\n".join(found)


def test_the_scan_covers_the_three_places():
    folders = {path.relative_to(ROOT).parts[:2] for path in SCANNED}
    assert {("journeymap", "routes"), ("journeymap", "forms")} <= folders
    assert any(path.suffix == ".html" for path in SCANNED)


@pytest.mark.parametrize(
    "line",
    [
        'if membership.role == "caseworker":',
        "{% if g.membership.role != 'caseworker' %}",
        'if g.membership.role in ("family", "facilitator"):',
        'members.add_member(journey_map, current_user, "facilitator")',
        'role = SelectField("Joins as", choices=options(ROLE_CHOICES), default="contributor")',
        'fields.update(reported_by=me.role, role="caseworker")',
        'history.record(map_id, "changed", "member", 1, changes={"Role": "viewer"})',
        "{% set is_caseworker = g.membership.role == 'caseworker' %}",
    ],
)
def test_role_comparisons_are_found(line):
    assert role_names_in(line)


@pytest.mark.parametrize(
    "line",
    [
        'fields.update(caseworker_id=me.id, agency_id=me.agency_id, reported_by="caseworker")',
        'reported_by = RadioField("Reported by", choices=options(vocab.REPORTERS), default="facilitator")',
        'history.record(map_id, "added", "caseworker", worker.id, summary=worker.name)',
        'conflict = conflicts.changed_conflict(map_id, "family", map_id, theirs, form)',
        '    name="caseworker",',
        'if kind == "caseworker" and (worker := self.view.caseworker(number)):',
        "focused=focus == ('caseworker', item.id, 0)",
        '"maps.overview": "family", "journey.page": "journey",',
        '<section id="family" class="item panel family">',
    ],
)
def test_other_vocabularies_are_allowed(line):
    assert not role_names_in(line)
