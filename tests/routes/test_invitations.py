"""Members and invitations: a facilitator shows a code, a link and a QR code; people join from
their phones (code or link, signing up on the same page); invitations expire, are withdrawn or
used up; accounts made by a facilitator; and a map always keeps a facilitator."""

from __future__ import annotations

import contextlib
import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm.attributes import set_committed_value

from journeymap.domain import members
from journeymap.domain.family import start_map
from journeymap.domain.history import Actor
from journeymap.extensions import db
from journeymap.models import HistoryEntry, Invitation, JourneyMap, Membership, User
from journeymap.models.utctime import utcnow
from tests.conftest import OwnContextClient
from tests.markup import select_one
from tests.routes.conftest import (
    FACILITATOR,
    add_to_map,
    assert_redirect,
    client_as,
    error_of,
    html,
    make_user,
    sign_in,
    user_id,
)
from tests.routes.test_accounts import headers_for_anyone, page_for_anyone

NEWCOMER = {"display_name": "Nadia Newcomer", "email": "nadia@example.org", "password": "tea with lemon"}
CODE = re.compile(r"^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{4}-[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{4}$")


def invite(client, map_id: int, role: str = "contributor", max_uses: str = "", hours: str = "8"):
    response = client.post(f"/maps/{map_id}/invitations",
                           data={"role": role, "hours": hours, "max_uses": max_uses})
    assert response.status_code == 303, html(response)[:2000]
    invitation = db.session.scalar(select(Invitation).order_by(Invitation.id.desc()).limit(1))
    assert response.headers["Location"] == f"/maps/{map_id}/invitations/{invitation.id}"
    return invitation


def membership(map_id: int, email: str) -> Membership | None:
    db.session.expire_all()
    return db.session.scalar(
        select(Membership).where(Membership.map_id == map_id, Membership.user_id == user_id(email))
    )


def uses(invitation: Invitation) -> int:
    db.session.expire_all()
    return db.session.get(Invitation, invitation.id).uses


def join_as_newcomer(browser, code: str, person: dict = NEWCOMER):
    """A newcomer's three steps from the invitation's page: make the account there, sign in on the
    page that answers (it comes back to the invitation), press "Join this map". The join's answer."""
    answer = browser.post(f"/join/{code}", data=person)
    assert answer.status_code == 200, html(answer)[:2000]
    back_to = select_one(html(answer), 'input[name="next"]').get("value")
    assert back_to == f"/join/{code}"
    signed_in = browser.post("/sign-in", data={"email": person["email"], "password": person["password"],
                                               "next": back_to})
    assert_redirect(signed_in, back_to)
    assert "Join this map" in html(browser.get(back_to))
    return browser.post(back_to)


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def flashes(browser) -> str:
    """The page after a redirect, where flashed messages show."""
    return html(browser.get("/"))


def expire(invitation: Invitation) -> None:
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()


# Making an invitation --------------------------------------------------------------------------


def test_the_invitation_page_shows_code_link_and_qr(client, small):
    invitation = invite(client, small.id, role="family", max_uses="3", hours="24")
    assert CODE.match(invitation.code)
    assert invitation.role == "family" and invitation.max_uses == 3 and invitation.uses == 0
    assert timedelta(hours=23, minutes=59) < invitation.expires_at - utcnow() <= timedelta(hours=24)
    page = client.get(f"/maps/{small.id}/invitations/{invitation.id}")
    body = html(page)
    assert page.status_code == 200
    assert select_one(body, "p.invite-code").text == invitation.code
    assert f'href="http://localhost/join/{invitation.code}"' in body
    assert '<strong class="join-url">http://localhost/join</strong>' in body  # where to type it
    assert select_one(body, ".qr svg").select("path")
    assert "for 3 people" in body and "Joins as family" in body


@pytest.mark.parametrize(("data", "field"), [
    ({"role": "owner", "hours": "8", "max_uses": ""}, "role"),
    ({"role": "viewer", "hours": "5", "max_uses": ""}, "hours"),
    ({"role": "viewer", "hours": "8", "max_uses": "0"}, "max_uses"),
    ({"role": "viewer", "hours": "8", "max_uses": "501"}, "max_uses"),
    ({"role": "viewer", "hours": "8", "max_uses": "ten"}, "max_uses"),
])
def test_invalid_invitations_are_refused(client, small, data, field):
    response = client.post(f"/maps/{small.id}/invitations", data=data)
    assert response.status_code == 422
    assert error_of(html(response), f"invite-{field}")
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


@pytest.mark.parametrize("role", ["family", "caseworker", "contributor", "viewer"])
def test_only_facilitators_manage_members_and_invitations(app, client, small, role):
    invitation = invite(client, small.id)
    add_to_map(small.id, "someone@example.org", role)
    someone = client_as(app, "someone@example.org")
    assert someone.get(f"/maps/{small.id}/members").status_code == 403
    made = someone.post(f"/maps/{small.id}/invitations", data={"role": "facilitator", "hours": "8"})
    assert made.status_code == 403
    assert someone.get(f"/maps/{small.id}/invitations/{invitation.id}").status_code == 403
    assert someone.post(f"/maps/{small.id}/invitations/{invitation.id}/revoke").status_code == 403
    fran = membership(small.id, FACILITATOR)
    assert someone.post(f"/maps/{small.id}/members/{fran.id}/remove").status_code == 403
    demoted = someone.post(f"/maps/{small.id}/members/{fran.id}/role", data={"role": "viewer"})
    assert demoted.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 1
    assert membership(small.id, FACILITATOR).role == "facilitator"


def test_ids_from_another_map_are_not_found(client, small, other):
    invitation = invite(client, other.id)
    theirs = membership(other.id, FACILITATOR)
    assert client.get(f"/maps/{small.id}/invitations/{invitation.id}").status_code == 404
    assert client.post(f"/maps/{small.id}/invitations/{invitation.id}/revoke").status_code == 404
    assert client.post(f"/maps/{small.id}/members/{theirs.id}/remove").status_code == 404
    demoted = client.post(f"/maps/{small.id}/members/{theirs.id}/role", data={"role": "viewer"})
    assert demoted.status_code == 404
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).revoked_at is None


# Joining ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", [
    lambda code: code,
    lambda code: code.lower(),
    lambda code: code.replace("-", ""),
    lambda code: code.replace("-", "").lower(),
    lambda code: f"  {code[:4]} {code[5:]}  ",
    lambda code: " ".join(code.replace("-", "")),
], ids=["as shown", "lower case", "no dash", "lower, no dash", "spaces", "spaced out"])
def test_join_by_typing_the_code(client, anonymous, small, typed):
    invitation = invite(client, small.id)
    response = anonymous.post("/join", data={"code": typed(invitation.code)})
    assert_redirect(response)
    assert response.headers["Location"] == f"/join/{invitation.code}"
    page = anonymous.get(response.headers["Location"])
    assert page.status_code == 200
    assert f"Join the map of {small.pseudonym}" in html(page)
    assert "Make my account and join" in html(page)


def test_join_by_link_in_any_case(client, anonymous, small):
    invitation = invite(client, small.id, role="viewer")
    for link in (f"/join/{invitation.code}", f"/join/{invitation.code.lower()}",
                 f"/join/{invitation.code.replace('-', '')}"):
        page = anonymous.get(link)
        assert page.status_code == 200, link
        assert "You will join as <strong>viewer</strong>" in html(page)


def test_join_with_sign_up_then_sign_in(client, anonymous, small):
    invitation = invite(client, small.id, role="family")
    assert anonymous.get(f"/maps/{small.id}").status_code == 302
    response = join_as_newcomer(anonymous, invitation.code)
    assert_redirect(response)
    assert response.headers["Location"] == f"/maps/{small.id}"
    user = db.session.scalar(select(User).where(User.email == NEWCOMER["email"]))
    assert user.display_name == "Nadia Newcomer"
    assert user.password_hash.startswith("$argon2id$")
    assert membership(small.id, NEWCOMER["email"]).role == "family"
    assert uses(invitation) == 1
    # Signed in: the map opens, in the role the invitation gave.
    page = anonymous.get(f"/maps/{small.id}")
    assert page.status_code == 200
    assert "Nadia Newcomer" in html(page)


NINA_OR_FRAN = "nina@example.org"
assert len(NINA_OR_FRAN) == len(FACILITATOR)


def test_joining_with_sign_up_answers_the_same_whether_or_not_the_email_has_an_account(app, client, small):
    """Nobody is signed in, nothing is joined and no use is taken until they sign in: a new account
    and an existing one get the same page, and the invitation's uses say nothing either."""
    invitation = invite(client, small.id, role="viewer", max_uses="1")
    answers = []
    for email in (NINA_OR_FRAN, FACILITATOR):
        browser = app.test_client()
        browser.get(f"/join/{invitation.code}")
        response = browser.post(f"/join/{invitation.code}", data={**NEWCOMER, "email": email})
        answers.append((response.status_code, headers_for_anyone(response),
                        page_for_anyone(html(response), email)))
        assert browser.get(f"/maps/{small.id}").status_code == 302
    assert answers[0] == answers[1]
    status, headers, page = answers[0]
    assert status == 200 and "Set-Cookie" not in dict(headers)
    assert "join the map of Family T. (test)" in page
    assert uses(invitation) == 0
    assert membership(small.id, NINA_OR_FRAN) is None


@pytest.mark.parametrize(("field", "value"), [
    ("display_name", ""), ("email", "nadia"), ("password", "short"),
])
def test_join_with_sign_up_errors_keep_the_page(client, anonymous, small, field, value):
    invitation = invite(client, small.id)
    before = user_count()
    response = anonymous.post(f"/join/{invitation.code}", data={**NEWCOMER, field: value})
    assert response.status_code == 422
    assert error_of(html(response), field)
    assert user_count() == before
    assert uses(invitation) == 0
    assert anonymous.get(f"/maps/{small.id}").status_code == 302


def test_signed_in_person_joins_with_one_post(app, client, small):
    invitation = invite(client, small.id, role="contributor")
    make_user("sam@example.org", "Sam Signed-In")
    db.session.commit()
    sam = client_as(app, "sam@example.org")
    page = sam.get(f"/join/{invitation.code}")
    assert page.status_code == 200
    assert "Signed in as Sam Signed-In" in html(page)
    assert 'name="password"' not in html(page)
    response = sam.post(f"/join/{invitation.code}")
    assert_redirect(response)
    assert response.headers["Location"] == f"/maps/{small.id}"
    assert membership(small.id, "sam@example.org").role == "contributor"
    assert uses(invitation) == 1
    assert sam.get(f"/maps/{small.id}/journey").status_code == 200


def test_an_existing_member_keeps_their_role_and_uses_nothing(app, client, small):
    add_to_map(small.id, "vic@example.org", "viewer")
    invitation = invite(client, small.id, role="facilitator", max_uses="1")
    vic = client_as(app, "vic@example.org")
    response = vic.post(f"/join/{invitation.code}")
    assert_redirect(response, f"/maps/{small.id}")
    assert membership(small.id, "vic@example.org").role == "viewer"
    assert uses(invitation) == 0
    # Nor is the facilitator demoted by an invitation for a lesser role.
    lesser = invite(client, small.id, role="viewer")
    client.post(f"/join/{lesser.code}")
    assert membership(small.id, FACILITATOR).role == "facilitator"
    assert uses(lesser) == 0
    assert db.session.scalar(select(func.count()).select_from(Membership)) == 2


def test_an_existing_member_joining_again_adds_nothing_to_the_history(app, client, small):
    add_to_map(small.id, "vic@example.org", "viewer")
    invitation = invite(client, small.id, role="contributor")
    before = db.session.scalar(select(func.count()).select_from(HistoryEntry))
    client_as(app, "vic@example.org").post(f"/join/{invitation.code}")
    assert db.session.scalar(select(func.count()).select_from(HistoryEntry)) == before


def test_a_caseworker_who_joins_is_asked_which_caseworker_they_are(client, anonymous, small):
    invitation = invite(client, small.id, role="caseworker")
    response = join_as_newcomer(anonymous, invitation.code)
    assert_redirect(response)
    assert response.headers["Location"] == f"/me/touchpoints#map-{small.id}"
    page = html(anonymous.get("/me/touchpoints"))
    assert "First: who are you on this map?" in page
    assert membership(small.id, NEWCOMER["email"]).caseworker_id is None


# An invitation's life --------------------------------------------------------------------------


def assert_gone(response, words: str) -> None:
    assert response.status_code == 410, response.status_code
    assert words in html(response)


def test_an_expired_invitation_says_so(client, anonymous, small):
    invitation = invite(client, small.id)
    expire(invitation)
    assert_gone(anonymous.get(f"/join/{invitation.code}"), "This invitation has expired.")
    assert_gone(anonymous.post(f"/join/{invitation.code}", data=NEWCOMER), "This invitation has expired.")
    typed = anonymous.post("/join", data={"code": invitation.code})
    assert typed.status_code == 422
    assert error_of(html(typed), "code").endswith(
        "This invitation has expired. Ask the facilitator for a new code.")
    assert db.session.scalar(select(User).where(User.email == NEWCOMER["email"])) is None
    assert uses(invitation) == 0
    assert "expired" in html(client.get(f"/maps/{small.id}/members"))


@pytest.mark.parametrize(("hours", "after", "usable"), [
    ("2", timedelta(hours=1, minutes=59), True),
    ("2", timedelta(hours=2, minutes=1), False),
    ("168", timedelta(days=6, hours=23), True),
    ("168", timedelta(days=7, minutes=1), False),
])
def test_an_invitation_works_for_the_hours_chosen(client, anonymous, small, monkeypatch, hours, after,
                                                  usable):
    invitation = invite(client, small.id, hours=hours)
    later = utcnow() + after
    monkeypatch.setattr(members, "utcnow", lambda: later)
    response = anonymous.get(f"/join/{invitation.code}")
    assert response.status_code == (200 if usable else 410)


def test_a_withdrawn_invitation_says_so(app, client, small):
    invitation = invite(client, small.id)
    response = client.post(f"/maps/{small.id}/invitations/{invitation.id}/revoke")
    assert_redirect(response, f"/maps/{small.id}/members")
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).revoked_at is not None
    make_user("sam@example.org", "Sam")
    db.session.commit()
    sam = client_as(app, "sam@example.org")
    assert_gone(sam.get(f"/join/{invitation.code}"), "This invitation has been withdrawn.")
    assert_gone(sam.post(f"/join/{invitation.code}"), "This invitation has been withdrawn.")
    assert membership(small.id, "sam@example.org") is None
    assert "withdrawn" in html(client.get(f"/maps/{small.id}/members"))
    # Shown on the projector now, it says so instead of showing the code.
    shown = html(client.get(f"/maps/{small.id}/invitations/{invitation.id}"))
    assert "withdrawn" in shown and "<svg" not in shown


def test_a_used_up_invitation_says_so_and_never_counts_past_its_uses(app, client, small):
    invitation = invite(client, small.id, role="viewer", max_uses="2")
    for email in ("one@example.org", "two@example.org", "three@example.org"):
        make_user(email)
    db.session.commit()
    for email in ("one@example.org", "two@example.org"):
        assert_redirect(client_as(app, email).post(f"/join/{invitation.code}"), f"/maps/{small.id}")
    assert uses(invitation) == 2
    third = client_as(app, "three@example.org")
    assert_gone(third.post(f"/join/{invitation.code}"), "used as many times as it allows")
    assert_gone(app.test_client().post(f"/join/{invitation.code}", data=NEWCOMER), "used as many times")
    assert membership(small.id, "three@example.org") is None
    assert uses(invitation) == 2
    assert "used up" in html(client.get(f"/maps/{small.id}/members"))


def test_the_last_use_cannot_be_taken_twice(small):
    """Two phones that both saw the invitation as usable: the use is counted in the database, so
    the second one gets nothing even though its copy of the invitation still looks usable."""
    invitation = members.create_invitation(
        db.session.get(JourneyMap, small.id), "viewer", hours=8, max_uses=1,
        actor=Actor.person(db.session.get(User, user_id(FACILITATOR))),
    )
    first, second = make_user("one@example.org"), make_user("two@example.org")
    db.session.commit()
    assert members.redeem(invitation, actor=Actor.person(first)) is not None
    set_committed_value(invitation, "uses", 0)  # the second phone's view, from before the first joined
    assert members.invitation_problem(invitation) is None
    assert members.redeem(invitation, actor=Actor.person(second)) is None
    assert uses(invitation) == 1


@pytest.mark.parametrize("code", ["ZZZZ-ZZZZ", "zzzz zzzz", "short", "<script>"])
def test_an_unknown_code_is_not_found(anonymous, small, code):
    typed = anonymous.post("/join", data={"code": code})
    assert typed.status_code == 422
    assert error_of(html(typed), "code").endswith(
        "There is no invitation with that code. Check it against the screen and try again.")
    assert 'aria-invalid="true"' in html(typed)
    linked = anonymous.get(f"/join/{code}")
    assert linked.status_code == 404
    assert "There is no invitation with that code." in html(linked)


def test_an_empty_code_is_asked_for(anonymous):
    response = anonymous.post("/join", data={"code": "   "})
    assert response.status_code == 422
    assert error_of(html(response), "code").endswith("Type the code shown on the screen.")


def test_the_invitation_code_never_goes_into_the_history(app, client, anonymous, small):
    invitation = invite(client, small.id, role="caseworker", max_uses="5")
    join_as_newcomer(anonymous, invitation.code)
    client.post(f"/maps/{small.id}/invitations/{invitation.id}/revoke")
    entries = db.session.scalars(select(HistoryEntry).where(HistoryEntry.map_id == small.id)).all()
    assert {(e.action, e.kind) for e in entries} >= {
        ("added", "invitation"), ("added", "membership"), ("deleted", "invitation")}
    raw = invitation.code.replace("-", "")
    for entry in entries:
        written = repr((entry.summary, entry.changes, entry.actor_name, entry.kind, entry.action))
        assert invitation.code not in written and raw not in written
        assert invitation.code.lower() not in written.lower()
    page = html(client.get(f"/maps/{small.id}/history"))
    assert invitation.code not in page and raw not in page


# Accounts made by a facilitator ----------------------------------------------------------------


def one_time_password(body: str) -> str | None:
    match = re.search(r"<dt>One-time password</dt><dd><code>([^<]+)</code></dd>", body)
    return match.group(1) if match else None


def test_an_account_made_for_someone_shows_a_one_time_password_once(app, client, small):
    response = client.post(f"/maps/{small.id}/members/accounts",
                           data={"display_name": "Olu Offline", "email": "Olu@Example.org", "role": "family"})
    assert response.status_code == 200
    body = html(response)
    password = one_time_password(body)
    assert password and len(password) >= 10
    assert "olu@example.org" in body
    user = db.session.scalar(select(User).where(User.email == "olu@example.org"))
    assert user.must_change_password
    assert user.created_by_id == user_id(FACILITATOR)
    assert user.password_hash.startswith("$argon2id$") and password not in user.password_hash
    assert membership(small.id, "olu@example.org").role == "family"
    # Once: the members page never shows it again.
    again = html(client.get(f"/maps/{small.id}/members"))
    assert password not in again and one_time_password(again) is None
    # They sign in with it and are sent to choose their own.
    olu = app.test_client()
    sign_in(olu, "olu@example.org", password)
    assert olu.get(f"/maps/{small.id}").headers["Location"].endswith("/account/password")
    changed = olu.post("/account/password",
                       data={"current_password": password, "new_password": "my own words now"})
    assert_redirect(changed, "/")
    assert olu.get(f"/maps/{small.id}").status_code == 200


def test_an_account_for_someone_who_has_one_is_refused_they_get_an_invitation(client, small):
    """Nobody's existing account is put on a map without them."""
    make_user("sam@example.org", "Sam")
    db.session.commit()
    response = client.post(f"/maps/{small.id}/members/accounts",
                           data={"display_name": "Whatever", "email": "sam@example.org", "role": "viewer"})
    body = html(response)
    assert response.status_code == 422
    assert one_time_password(body) is None
    assert error_of(body, "account-email").endswith("Make an invitation and give them the code instead.")
    assert 'value="sam@example.org"' in body  # what was typed is kept
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.email == "sam@example.org"))
    assert not user.must_change_password and user.display_name == "Sam"
    assert membership(small.id, "sam@example.org") is None


# Roles and the last facilitator ----------------------------------------------------------------


def test_the_last_facilitator_cannot_be_demoted_or_removed(client, small):
    fran = membership(small.id, FACILITATOR)
    demoted = client.post(f"/maps/{small.id}/members/{fran.id}/role", data={"role": "viewer"})
    assert_redirect(demoted, f"/maps/{small.id}/members")
    assert membership(small.id, FACILITATOR).role == "facilitator"
    assert "A map needs at least one facilitator" in html(client.get(f"/maps/{small.id}/members"))
    removed = client.post(f"/maps/{small.id}/members/{fran.id}/remove")
    assert_redirect(removed, f"/maps/{small.id}/members")
    assert membership(small.id, FACILITATOR) is not None
    assert client.get(f"/maps/{small.id}/members").status_code == 200


def test_two_facilitators_removing_each_other_at_once_leave_one_on_postgresql(postgres_app, monkeypatch):
    journey_map = start_map("Family P.")
    db.session.commit()
    map_id = journey_map.id
    ana = add_to_map(map_id, "ana@example.org", "facilitator").id
    bo = add_to_map(map_id, "bo@example.org", "facilitator").id
    postgres_app.test_client_class = OwnContextClient  # a request, a context: no shared `g`
    browsers = {who: client_as(postgres_app, f"{who}@example.org") for who in ("ana", "bo")}
    # Each request counts the facilitators, then waits for the other to have counted too: without
    # the map held, both count two and both go ahead. Held, the second waits for the first to end.
    counted = threading.Barrier(2)
    count = members.facilitator_count

    def count_then_wait(map_id: int) -> int:
        number = count(map_id)
        # Broken when the other request is waiting for the map: this one goes on alone.
        with contextlib.suppress(threading.BrokenBarrierError):
            counted.wait(timeout=2)
        return number

    monkeypatch.setattr(members, "facilitator_count", count_then_wait)
    answers = {}

    def remove(who: str, other_membership_id: int):
        response = browsers[who].post(f"/maps/{map_id}/members/{other_membership_id}/remove")
        answers[who] = response.status_code

    threads = [threading.Thread(target=remove, args=("ana", bo), daemon=True),
               threading.Thread(target=remove, args=("bo", ana), daemon=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    assert answers == {"ana": 303, "bo": 303}
    db.session.expire_all()
    left = db.session.scalars(select(Membership.role).where(Membership.map_id == map_id)).all()
    assert left == ["facilitator"]


def test_with_a_second_facilitator_roles_change_and_members_go(app, client, small):
    add_to_map(small.id, "ines@example.org", "facilitator")
    add_to_map(small.id, "vic@example.org", "viewer")
    vic = membership(small.id, "vic@example.org")
    assert_redirect(client.post(f"/maps/{small.id}/members/{vic.id}/role", data={"role": "contributor"}))
    assert membership(small.id, "vic@example.org").role == "contributor"
    assert_redirect(client.post(f"/maps/{small.id}/members/{vic.id}/remove"), f"/maps/{small.id}/members")
    assert membership(small.id, "vic@example.org") is None
    fran = membership(small.id, FACILITATOR)
    assert_redirect(client.post(f"/maps/{small.id}/members/{fran.id}/role", data={"role": "contributor"}))
    assert membership(small.id, FACILITATOR).role == "contributor"
    assert client.get(f"/maps/{small.id}/members").status_code == 403
    # Now Ines is the last facilitator.
    ines = client_as(app, "ines@example.org")
    last = membership(small.id, "ines@example.org")
    ines.post(f"/maps/{small.id}/members/{last.id}/remove")
    assert membership(small.id, "ines@example.org").role == "facilitator"


def test_a_facilitator_may_leave_when_another_remains(app, client, small):
    add_to_map(small.id, "ines@example.org", "facilitator")
    fran = membership(small.id, FACILITATOR)
    response = client.post(f"/maps/{small.id}/members/{fran.id}/remove")
    assert_redirect(response, "/")
    assert membership(small.id, FACILITATOR) is None
    assert client.get(f"/maps/{small.id}").status_code == 404


def test_an_unknown_role_is_refused(client, small):
    add_to_map(small.id, "vic@example.org", "viewer")
    vic = membership(small.id, "vic@example.org")
    client.post(f"/maps/{small.id}/members/{vic.id}/role", data={"role": "owner"})
    assert membership(small.id, "vic@example.org").role == "viewer"
    assert "Choose one of the roles listed." in flashes(client)
