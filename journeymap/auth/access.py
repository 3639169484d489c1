"""Who may do what: roles on a map, and the rule every route declares.

Every view function carries an `access` declaration (see `requires`). One before-request hook
enforces it, so a route cannot forget its check:
- "public": anyone, signed in or not (sign-in, sign-up, joining by code, static files);
- "signed_in": any signed-in user (the list of their maps, starting a map);
- a capability on the map named by the URL's map_id: the user must be a member (else 404, the
  same answer as for a map that does not exist) whose role has that capability (else 403).
A view with no declaration is refused. tests/routes/test_access_matrix.py walks the URL map.
On a closed map only the capabilities in CLOSED_MAP_ALLOWS pass (journeymap.auth.closed_maps).
Item-level rules (a caseworker changes only their own touchpoints) are `may_edit`/`may_delete`.

Every other rule that depends on a role is a predicate here, named after the rule, and routes,
forms and templates ask it rather than compare role names (tests/routes/test_role_names.py).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, g, redirect, request, url_for
from flask_login import current_user

from journeymap.auth import closed_maps
from journeymap.extensions import db, login_manager
from journeymap.i18n import translated
from journeymap.models import Caseworker, Handoff, JourneyMap, Membership

ROLES: dict[str, tuple[str, str]] = {
    "facilitator": ("Facilitator", "Runs the map: members and invitations, history, and everything else."),
    "family": ("Family", "Co-author of their own story: family details, touchpoints and barriers."),
    "caseworker": (
        "Caseworker",
        "Adds and edits their own touchpoints; can record themselves or their agency as a barrier's owner.",
    ),
    "contributor": ("Contributor", "Edits the whole map, except who its members are."),
    "viewer": ("Viewer", "Reads the map and exports it."),
}
ROLE_CHOICES = [(key, label) for key, (label, _) in ROLES.items()]

_EVERYONE = frozenset(ROLES)
_EDITORS = frozenset({"facilitator", "contributor"})
CAPABILITIES: dict[str, frozenset[str]] = {
    "read": _EVERYONE,  # pages, fragments, downloads
    "edit_family": _EDITORS | {"family"},  # the family's details and household
    "edit_people": _EDITORS,  # agencies and caseworkers
    "edit_stages": _EDITORS,
    "add_touchpoint": _EDITORS | {"family", "caseworker"},
    "change_touchpoint": _EDITORS | {"family", "caseworker"},  # then may_edit / may_delete per item
    "edit_barriers": _EDITORS | {"family"},
    "record_owner": _EDITORS | {"family", "caseworker"},  # caseworkers: themselves or their agency
    # The family's word on a touchpoint or barrier (confirm, dispute, withdraw): the family, or the
    # facilitator sitting with them, recorded as on the family's behalf (gives_word_on_behalf).
    "give_family_word": frozenset({"facilitator", "family"}),
    # Handoffs: the family adds what they were told to do; caseworkers those from or to themselves or
    # their agency (may_edit below), and move their steps; the map's days before one is dropped are
    # the facilitator's, who runs the map.
    "edit_handoffs": _EDITORS | {"family", "caseworker"},
    "move_handoffs": _EDITORS | {"caseworker"},
    "set_handoff_days": frozenset({"facilitator"}),
    # An owner's answer (accept, decline) and their commitment (next step, progress, done, hand on):
    # caseworkers for barriers their agency or they themselves own (may_follow_up).
    "answer_ownership": _EDITORS | {"caseworker"},
    "keep_commitments": _EDITORS | {"caseworker"},
    # Introductions made between two people holding a file: anyone who edits; caseworkers for
    # pairs that include themselves or their agency (may_record_introduction).
    "record_introduction": _EDITORS | {"family", "caseworker"},
    # Steering meetings: the facilitator runs the group that meets; everyone on the map reads them.
    "record_meeting": frozenset({"facilitator"}),
    "manage_members": frozenset({"facilitator"}),  # roles, removing members, invitations
    # Exports are de-identified unless someone with this chooses full detail (names, the story):
    # the family, whose story it is, and the facilitator who runs the map.
    "export_full": frozenset({"facilitator", "family"}),
    # The facilitator's reading: who is on the map, and its history.
    "see_members": frozenset({"facilitator"}),
    "see_history": frozenset({"facilitator"}),
    # Closing a map (read-only from then on), reopening it, and deleting it.
    "close_map": frozenset({"facilitator"}),
    "reopen_map": frozenset({"facilitator"}),
    "delete_map": frozenset({"facilitator"}),
    # Reading every text that leaves the room de-identified, and sharing, rewording or withholding
    # it (journeymap.routes.sharing): the facilitator, who runs the map and its meetings.
    "check_sharing": frozenset({"facilitator"}),
}
# What a closed map still allows: reading (pages, fragments, drawings, downloads, the brief, the
# live check that keeps open pages current), the facilitator's reading, reopening, and deleting.
# Deleting stays because erasing a family's data must never wait for the map to be made writable
# again, and the retention rule's de-identified copy cannot be reopened at all.
# tests/routes/test_closed_maps.py walks the URL map: every other view answers "closed".
CLOSED_MAP_ALLOWS = frozenset({
    "read", "export_full", "see_members", "see_history", "reopen_map", "delete_map",
})
PUBLIC, SIGNED_IN = "public", "signed_in"
# Whoever starts or imports a map runs it, until they make someone else a facilitator too.
ROLE_OF_WHOEVER_STARTS_A_MAP = "facilitator"
# The role an invitation or a new account offers first: edits the map, not who is on it.
ROLE_OFFERED_FIRST = "contributor"


def label(role: str) -> str:
    """The role's name in the reader's language."""
    return translated(ROLES.get(role, (role, ""))[0])


def description(role: str) -> str:
    return translated(ROLES.get(role, ("", ""))[1])


def role_can(capability: str, membership: Membership | None) -> bool:
    """The role's capability, whatever state the map is in."""
    return membership is not None and membership.role in CAPABILITIES[capability]


def can(capability: str, membership: Membership | None = None) -> bool:
    """The role has the capability, and the map allows it now (a closed map only reads)."""
    membership = membership or g.get("membership")
    if not role_can(capability, membership):
        return False
    return capability in CLOSED_MAP_ALLOWS or not map_is_closed(membership)


def map_is_closed(membership: Membership) -> bool:
    """Whether the membership's map is closed: known for the map of this request (enforce read it
    with the membership), looked up for another (the "My touchpoints" page lists several)."""
    current = g.get("membership")
    if current is not None and current.map_id == membership.map_id:
        return g.get("closed_map") is not None
    journey_map = db.session.get(JourneyMap, membership.map_id)
    return journey_map is not None and journey_map.closed_at is not None


def works_as_caseworker(membership: Membership | None) -> bool:
    """Caseworkers take part as one of the map's caseworkers: what they add is theirs."""
    return membership is not None and membership.role == "caseworker"


def touchpoints_are_pinned_to_self(membership: Membership | None) -> bool:
    """A caseworker's touchpoints are always their own (with them, at their agency, reported by a
    caseworker), whatever the form says: they record what they did, not what others did."""
    return works_as_caseworker(membership)


def owner_choices_limited_to_self(membership: Membership | None) -> bool:
    """A caseworker may record only themselves or their own agency as a barrier's owner: taking on
    a barrier is a promise only its owner can make."""
    return works_as_caseworker(membership)


def may_follow_up(barrier, view, membership: Membership | None = None) -> bool:
    """Who answers for a barrier's owner and keeps its commitment: facilitators and contributors
    for any barrier; a caseworker for barriers owned by themselves or by their own agency (a promise
    only its owner can make or keep). `barrier` and `view` are the map view's."""
    membership = membership or g.get("membership")
    if membership is None or map_is_closed(membership):
        return False
    if not works_as_caseworker(membership):
        return role_can("keep_commitments", membership)
    me = view.caseworker(membership.caseworker_id)
    if me is None or barrier.is_unowned:
        return False
    return barrier.owner_caseworker_id == me.id or (
        me.agency_id is not None and view.barrier_owner_agency_id(barrier) == me.agency_id
    )


def may_record_introduction(ends: tuple[str, str], view, membership: Membership | None = None) -> bool:
    """Who records that two people ("c12", "c15") or two agencies ("a3", "a4") were introduced:
    anyone who edits the map; a caseworker only for themselves or their own agency, since they
    can vouch only for their own contacts."""
    membership = membership or g.get("membership")
    if membership is None or not can("record_introduction", membership):
        return False
    if not works_as_caseworker(membership):
        return True
    me = view.caseworker(membership.caseworker_id)
    if me is None:
        return False
    mine = {f"c{me.id}"} | ({f"a{me.agency_id}"} if me.agency_id is not None else set())
    return bool(mine & set(ends))


def must_say_which_caseworker(membership: Membership | None, view=None) -> bool:
    """A caseworker says once which of the map's caseworkers they are before adding anything, since
    what they add is recorded as theirs. With the map's view, a caseworker record deleted since
    counts as not said."""
    if not works_as_caseworker(membership):
        return False
    if view is not None and view.closed_at is not None:
        return False  # a closed map takes nothing new, so there is nothing to say it for
    if view is None:
        return membership.caseworker_id is None
    return view.caseworker(membership.caseworker_id) is None


def marks_from_family(membership: Membership | None) -> bool:
    """What the family enters or corrects is marked as theirs (from_family, reported by the family):
    the map shows where the family's own word stands."""
    return membership is not None and membership.role == "family"


def gives_word_on_behalf(membership: Membership | None) -> bool:
    """Anyone but the family who gives the family's word gives it on their behalf (sitting with
    them): the map says so, so the family's own word stays distinguishable."""
    return not marks_from_family(membership)


# Who reported a touchpoint, from who is writing it: the server sets it, never a form's default.
REPORTER_OF_ROLE = {"family": "family", "caseworker": "caseworker", "facilitator": "facilitator",
                    "contributor": "contributor"}


def reporter_of(membership: Membership | None) -> str:
    """A touchpoint's "reported by", from the writer's role (journeymap.kinds.vocab.REPORTERS)."""
    return REPORTER_OF_ROLE.get(membership.role if membership is not None else "", "facilitator")


def may_report_for_family(membership: Membership | None) -> bool:
    """A facilitator sitting with the family may record a step as reported by the family: the one
    choice of "reported by" a form still offers, and only to them."""
    return membership is not None and membership.role == "facilitator"


def reported_by(membership: Membership | None, chosen: str | None) -> str:
    """Who reported a touchpoint: the writer's role, or the family when a facilitator sitting
    with them chose so (`chosen`: the form's value, ignored for anyone else)."""
    if may_report_for_family(membership) and chosen == "family":
        return "family"
    return reporter_of(membership)


def may_edit(record, membership: Membership | None = None) -> bool:
    """Caseworkers change only what they added; everyone else with the capability changes anything."""
    membership = membership or g.get("membership")
    if membership is None or map_is_closed(membership):
        return False
    if works_as_caseworker(membership):
        if isinstance(record, Handoff) and handoff_is_theirs(record, membership):
            return True
        return getattr(record, "created_by_id", None) == membership.user_id
    if membership.role == "family" and isinstance(record, Handoff):
        return record.created_by_id == membership.user_id  # what they were told; the rest is the services'
    return True


def rights_signature(membership: Membership) -> tuple:
    """Everything about a member that changes a map page's HTML (journeymap/live_share.py shares
    one render among the members with the same signature): the role and whether the map is
    closed; and who they are when item rules depend on it (may_edit, may_delete: a caseworker's
    own touchpoints and handoffs, the family's own deletions and handoffs)."""
    closed = map_is_closed(membership)
    if works_as_caseworker(membership) or membership.role == "family":
        return (membership.role, closed, membership.user_id, membership.caseworker_id)
    return (membership.role, closed)


def handoff_is_theirs(handoff, membership: Membership | None = None) -> bool:
    """A caseworker's handoffs: from or to themselves or their own agency (a model row or a view)."""
    membership = membership or g.get("membership")
    if not works_as_caseworker(membership) or membership.caseworker_id is None:
        return False
    me = db.session.get(Caseworker, membership.caseworker_id)
    if me is None:
        return False
    if me.id in (handoff.from_caseworker_id, handoff.to_caseworker_id):
        return True
    return me.agency_id is not None and me.agency_id in (handoff.from_agency_id, handoff.to_agency_id)


def may_move_handoff(handoff, membership: Membership | None = None) -> bool:
    """Who records a handoff's steps: facilitators and contributors any; a caseworker theirs."""
    membership = membership or g.get("membership")
    if not can("move_handoffs", membership):
        return False
    return not works_as_caseworker(membership) or handoff_is_theirs(handoff, membership)


def may_delete(record, membership: Membership | None = None) -> bool:
    """The family corrects anything but deletes only what they added themselves."""
    membership = membership or g.get("membership")
    if membership is None or map_is_closed(membership):
        return False
    if membership.role == "family" and hasattr(record, "created_by_id"):
        return record.created_by_id == membership.user_id
    if works_as_caseworker(membership) and isinstance(record, Handoff):
        return record.created_by_id == membership.user_id  # moves the others' steps, deletes only theirs
    return may_edit(record, membership)


def requires(access: str) -> Callable:
    """Declare who may use a view: PUBLIC, SIGNED_IN or a capability on the URL's map."""
    if access not in (PUBLIC, SIGNED_IN) and access not in CAPABILITIES:
        raise ValueError(f"unknown access rule {access!r}")

    def declare(view: Callable) -> Callable:
        view.access = access  # type: ignore[attr-defined]
        return view

    return declare


def enforce():
    """The before-request hook: the view's declaration, checked before the view runs."""
    if request.endpoint is None:  # no such URL: routing answers 404/405 itself
        return None
    view = current_app.view_functions[request.endpoint]
    access = "public" if request.endpoint == "static" else getattr(view, "access", None)
    if access is None:
        current_app.logger.error("view %s declares no access rule; refused", request.endpoint)
        abort(403)
    if access == PUBLIC:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    allowed_before_new_password = ("auth.change_password", "auth.sign_out")
    if current_user.must_change_password and request.endpoint not in allowed_before_new_password:
        return redirect(url_for("auth.change_password"))
    if access == SIGNED_IN:
        return None
    map_id = (request.view_args or {}).get("map_id")
    # The membership and whether the map is closed, in one query.
    membership, closed = closed_maps.membership_on(map_id, current_user.id) if map_id else (None, None)
    if membership is None:
        abort(404)  # not a member: the map does not exist, as far as they can tell
    if membership.role not in CAPABILITIES[access]:
        abort(403)
    g.membership, g.closed_map = membership, closed
    if closed is not None and access not in CLOSED_MAP_ALLOWS:
        return closed_maps.refusal(closed)
    return None


def item_rule(check: Callable) -> Callable:
    """Wrap an item-level check so a view can call it and get a 403 when it fails."""

    @wraps(check)
    def checked(record):
        if not check(record):
            abort(403)

    return checked


ensure_may_edit = item_rule(may_edit)
ensure_may_delete = item_rule(may_delete)
