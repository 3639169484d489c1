"""Accounts: signing up, signing in and out, throttling, server-side sessions that end on the
server (sign-out, idle time, a password change), the forced password change, the session
cookie's flags, argon2id hashes, and `next` never leading off the site."""

from __future__ import annotations

import hashlib
import re
import threading
import time
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from journeymap.auth import sessions, throttle
from journeymap.auth.passwords import verify_password
from journeymap.extensions import db
from journeymap.models import AuthSession, SignInThrottle, User
from journeymap.models.utctime import utcnow
from journeymap.routes.auth import NO_MATCH
from tests import markup
from tests.routes.conftest import (
    FACILITATOR,
    HX,
    PASSWORD,
    add_to_map,
    assert_redirect,
    client_as,
    error_of,
    html,
    make_user,
    sign_in,
    user_id,
)

NEW_PASSWORD = "a brand new passphrase"
RIGHT_CHANGE = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
SIGN_UP = {"display_name": "Ana Example", "email": "ana@example.org", "password": "lentils and rice"}


def page_for_anyone(body: str, typed_email: str) -> str:
    """The page with the address the person typed, and the CSRF tokens, set aside: a token carries
    the second it was made, so two pages served a second apart differ there and only there."""
    body = body.replace(typed_email, "EMAIL")
    body = re.sub(r'("X-CSRFToken": ")[^"]+', r"\1TOKEN", body)
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]+', r"\1TOKEN", body)


def headers_for_anyone(response) -> list[tuple[str, str]]:
    """The answer's headers, sorted, without X-Request-Id: every request gets a fresh one (the
    request log's), whatever the answer, so it tells nothing apart."""
    return sorted((name, value) for name, value in response.headers.items() if name != "X-Request-Id")


def invalid_fields(body: str) -> set[str]:
    """Ids of the inputs marked aria-invalid, so a screen reader says which fields need fixing."""
    return {field.get("id") for field in markup.select(body, 'input[aria-invalid="true"]')}


def session_rows(email: str = FACILITATOR) -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(func.count()).select_from(AuthSession).where(AuthSession.user_id == user_id(email))
    )


def cookie_header(response, name: str = "session") -> str:
    (header,) = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")]
    return header


def cookie_attributes(header: str) -> set[str]:
    return {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}


def copy_of(app, browser):
    """A second browser holding a copy of the first one's session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", browser.get_cookie("session").value)
    return thief


def decoded(app, cookie_value: str) -> dict:
    return app.session_interface.get_signing_serializer(app).loads(cookie_value)


def is_signed_in(browser) -> bool:
    response = browser.get("/")
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in"), (
        response.status_code, response.headers.get("Location"))
    return False


def database_text() -> str:
    """Every row of every table, as one string: for checking what is never stored."""
    db.session.expire_all()
    rows = []
    for table in db.metadata.sorted_tables:
        rows += [repr(tuple(row)) for row in db.session.execute(select(table))]
    return "\n".join(rows)


class Clock:
    """Stands in for the `time` module in journeymap.auth.sessions."""

    def __init__(self):
        self.now = time.time()

    def time(self) -> float:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += minutes * 60


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(sessions, "time", fake)
    return fake


# Sign-up ---------------------------------------------------------------------------------------


INVALID_SIGN_UPS = [
    ("display_name", "", "Please fill this in."),
    ("display_name", "   ", "Please fill this in."),
    ("display_name", "x" * 121, "Please keep this to 120 characters; it has 121."),
    ("email", "", "Please fill this in."),
    ("email", "not-an-email", "That does not look like an email address."),
    ("email", "ana@", "That does not look like an email address."),
    ("password", "", "Please choose a password."),
    ("password", "nine char", "Use at least 10 characters"),
    ("password", "p" * 201, "Use at least 10 characters"),
]


@pytest.mark.parametrize(("field", "value", "message"), INVALID_SIGN_UPS,
                         ids=[f"{f}-{v[:12]!r}" for f, v, _ in INVALID_SIGN_UPS])
def test_sign_up_errors_show_beside_the_field(anonymous, field, value, message):
    response = anonymous.post("/sign-up", data={**SIGN_UP, field: value})
    body = html(response)
    assert response.status_code == 422
    assert message in (error_of(body, field) or "")
    assert {name for name in SIGN_UP if error_of(body, name)} == {field}
    assert invalid_fields(body) == {field}
    assert db.session.scalar(select(func.count()).select_from(User)) == 1  # the facilitator only
    assert not is_signed_in(anonymous)


def test_sign_up_keeps_what_was_typed_except_the_password(anonymous):
    typed = {"display_name": "Ana <Example>", "email": "ana@example.org", "password": "tiny-pw9"}
    body = html(anonymous.post("/sign-up", data=typed))
    assert 'value="Ana &lt;Example&gt;"' in body
    assert 'value="ana@example.org"' in body
    assert "tiny-pw9" not in body


# A new address and one that has an account, the same length, so that the pages differ in nothing
# but the address typed (and Content-Length agrees).
NEW_EMAIL = "anna@example.org"
assert len(NEW_EMAIL) == len(FACILITATOR)


def answer_to(app, path: str, data: dict):
    """A sign-up from a fresh browser that opened the form first, as a person would: the answer,
    its body with the address typed set aside, and the browser."""
    browser = app.test_client()
    browser.get(path)
    response = browser.post(path, data=data)
    return response, page_for_anyone(html(response), data["email"]), browser


def test_sign_up_answers_the_same_whether_or_not_the_email_has_an_account(app):
    new, new_page, new_browser = answer_to(app, "/sign-up", {**SIGN_UP, "email": NEW_EMAIL})
    taken, taken_page, taken_browser = answer_to(app, "/sign-up", {**SIGN_UP, "email": FACILITATOR})
    assert new.status_code == taken.status_code == 200
    assert new_page == taken_page  # byte for byte, once the typed address and CSRF tokens are set aside
    assert headers_for_anyone(new) == headers_for_anyone(taken)  # Set-Cookie included
    assert new.headers.getlist("Set-Cookie") == []
    assert "There is already an account" not in taken_page
    # The one answer: the sign-in page, the address filled in, words for both cases.
    assert 'action="/sign-in"' in new_page and 'value="EMAIL"' in new_page
    assert "Did you already have an account with this email" in new_page
    assert "sign in with the password you just chose" in new_page
    # Neither browser is signed in, and nothing about the existing account changed.
    assert not is_signed_in(new_browser) and not is_signed_in(taken_browser)
    assert db.session.scalar(select(User.display_name).where(User.email == FACILITATOR)) == "Fran Facilitator"
    sign_in(app.test_client(), FACILITATOR, PASSWORD)


def test_sign_up_hashes_a_password_whether_or_not_the_email_has_an_account(anonymous, monkeypatch):
    """The hash is nearly all of a sign-up's time: with one for each, the two take as long."""
    from journeymap.auth import passwords

    hashed = []
    real = passwords.hash_password
    monkeypatch.setattr(passwords, "hash_password",
                        lambda password: hashed.append(password) or real(password))
    anonymous.post("/sign-up", data={**SIGN_UP, "email": NEW_EMAIL})
    assert hashed == [SIGN_UP["password"]]
    anonymous.post("/sign-up", data={**SIGN_UP, "email": FACILITATOR})
    assert hashed == [SIGN_UP["password"]] * 2


def test_sign_up_makes_the_account_and_its_password_signs_in(app, anonymous):
    response = anonymous.post("/sign-up", data={**SIGN_UP, "email": " Ana@Example.org "})
    assert response.status_code == 200
    assert not is_signed_in(anonymous)
    user = db.session.scalar(select(User).where(User.email == "ana@example.org"))
    assert user.display_name == "Ana Example"
    assert not user.must_change_password
    assert user.password_hash.startswith("$argon2id$")
    # The page's own form signs them in, and they go where they were going.
    signing_in = anonymous.post("/sign-in", data={"email": "ana@example.org",
                                                  "password": SIGN_UP["password"]})
    assert_redirect(signing_in, "/")
    assert "Ana Example" in html(anonymous.get("/"))
    assert session_rows("ana@example.org") == 1


def test_signing_up_again_changes_nothing(anonymous):
    anonymous.post("/sign-up", data=SIGN_UP)
    again = anonymous.post("/sign-up", data={**SIGN_UP, "display_name": "Someone Else",
                                              "password": "another long one"})
    assert again.status_code == 200
    user = db.session.scalar(select(User).where(User.email == SIGN_UP["email"]))
    assert user.display_name == "Ana Example"
    assert verify_password(user.password_hash, SIGN_UP["password"])


def test_two_sign_ups_with_one_email_at_the_same_moment_make_one_account(app, monkeypatch):
    """Both found no account; the second insert meets the unique email and is quietly dropped."""
    from journeymap.domain import accounts

    with app.test_request_context():
        monkeypatch.setattr(accounts, "account_with", lambda email: None)
        accounts.sign_up(FACILITATOR, "Fran Twice", "a different passphrase")
        db.session.commit()
    monkeypatch.undo()
    assert db.session.scalar(select(func.count()).select_from(User).where(User.email == FACILITATOR)) == 1
    sign_in(app.test_client(), FACILITATOR, PASSWORD)


def test_signed_in_people_are_sent_on_from_sign_up_and_sign_in(client):
    assert_redirect(client.get("/sign-up"), "/")
    assert_redirect(client.get("/sign-in?next=/me/touchpoints"), "/me/touchpoints")


# Sign-in ---------------------------------------------------------------------------------------


def test_sign_in_with_the_right_password(anonymous):
    assert not is_signed_in(anonymous)
    response = anonymous.post("/sign-in", data={"email": " FRAN@example.org", "password": PASSWORD})
    assert_redirect(response, "/")
    assert is_signed_in(anonymous)
    assert "Fran Facilitator" in html(anonymous.get("/"))


def test_unknown_email_and_wrong_password_get_the_same_answer(anonymous):
    wrong = anonymous.post("/sign-in", data={"email": FACILITATOR, "password": "not the password"})
    unknown = anonymous.post("/sign-in", data={"email": "nobody@example.org", "password": "not the password"})
    assert wrong.status_code == unknown.status_code == 422
    assert error_of(html(wrong), "password").endswith(NO_MATCH)
    # Word for word the same page, once the address each one typed is set aside.
    assert page_for_anyone(html(wrong), FACILITATOR) == page_for_anyone(html(unknown), "nobody@example.org")
    assert error_of(html(wrong), "email") is None
    assert not is_signed_in(anonymous)


def test_unknown_email_costs_a_hash_check_like_a_wrong_password(anonymous, monkeypatch):
    """Equal work, so the time taken does not tell which addresses have accounts."""
    checks = []
    real_verify = PasswordHasher.verify

    def counting(self, password_hash, password):
        checks.append(password_hash)
        return real_verify(self, password_hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    anonymous.post("/sign-in", data={"email": FACILITATOR, "password": "not the password"})
    anonymous.post("/sign-in", data={"email": "nobody@example.org", "password": "not the password"})
    assert len(checks) == 2
    assert all(h.startswith("$argon2id$") for h in checks)


def test_a_locked_address_gets_no_password_check_at_all(app, anonymous, monkeypatch):
    fail(anonymous, FACILITATOR, app.config["SIGN_IN_MAX_FAILURES"])
    checks = []
    monkeypatch.setattr(PasswordHasher, "verify", lambda *args: checks.append(args))
    locked = anonymous.post("/sign-in", data={"email": FACILITATOR, "password": PASSWORD})
    assert "Too many attempts" in error_of(html(locked), "password")
    assert checks == []


@pytest.mark.parametrize("data", [
    {"email": "", "password": ""},
    {"email": FACILITATOR, "password": ""},
    {"email": "not-an-email", "password": PASSWORD},
])
def test_sign_in_form_errors(anonymous, data):
    response = anonymous.post("/sign-in", data=data)
    assert response.status_code == 422
    assert error_of(html(response), "email") or error_of(html(response), "password")
    assert not is_signed_in(anonymous)


# Throttling ------------------------------------------------------------------------------------


def fail(browser, email: str, times: int):
    for _ in range(times):
        response = browser.post("/sign-in", data={"email": email, "password": "a wrong guess"})
        assert response.status_code == 422


def test_too_many_failures_lock_the_account_even_for_the_right_password(app, anonymous):
    limit = app.config["SIGN_IN_MAX_FAILURES"]
    fail(anonymous, FACILITATOR, limit)
    response = anonymous.post("/sign-in", data={"email": FACILITATOR, "password": PASSWORD})
    assert response.status_code == 422
    minutes = app.config["SIGN_IN_WINDOW_MINUTES"]
    assert error_of(html(response), "password").endswith(
        f"Too many attempts with this email. Try again in {minutes} minutes.")
    assert not is_signed_in(anonymous)
    assert session_rows() == 0


def test_one_failure_fewer_than_the_limit_still_lets_the_right_password_in(app, anonymous):
    fail(anonymous, FACILITATOR, app.config["SIGN_IN_MAX_FAILURES"] - 1)
    sign_in(anonymous, FACILITATOR)
    assert is_signed_in(anonymous)


def test_a_successful_sign_in_starts_the_count_again(app, anonymous):
    limit = app.config["SIGN_IN_MAX_FAILURES"]
    fail(anonymous, FACILITATOR, limit - 1)
    sign_in(anonymous, FACILITATOR)
    fail(app.test_client(), FACILITATOR, limit - 1)
    sign_in(app.test_client(), FACILITATOR)


def test_unknown_emails_lock_the_same_way(app, anonymous):
    limit = app.config["SIGN_IN_MAX_FAILURES"]
    fail(anonymous, FACILITATOR, limit)
    fail(anonymous, "ghost@example.org", limit)
    known = anonymous.post("/sign-in", data={"email": FACILITATOR, "password": PASSWORD})
    ghost = anonymous.post("/sign-in", data={"email": "ghost@example.org", "password": PASSWORD})
    assert known.status_code == ghost.status_code == 422
    assert "Too many attempts" in error_of(html(ghost), "password")
    assert page_for_anyone(html(known), FACILITATOR) == page_for_anyone(html(ghost), "ghost@example.org")


def test_the_lock_is_per_email(app, anonymous):
    make_user("olga@example.org", "Olga Other")
    db.session.commit()
    # Typed in any case, it is the same address and the same count.
    fail(anonymous, "Fran@Example.org", app.config["SIGN_IN_MAX_FAILURES"])
    locked = anonymous.post("/sign-in", data={"email": FACILITATOR, "password": PASSWORD})
    assert "Too many attempts" in error_of(html(locked), "password")
    other = app.test_client()
    sign_in(other, "olga@example.org")
    assert is_signed_in(other)


def test_the_lock_ends_after_the_window(app, anonymous, monkeypatch):
    fail(anonymous, FACILITATOR, app.config["SIGN_IN_MAX_FAILURES"])
    later = utcnow() + timedelta(minutes=app.config["SIGN_IN_WINDOW_MINUTES"] + 1)
    monkeypatch.setattr(throttle, "utcnow", lambda: later)
    sign_in(anonymous, FACILITATOR)
    assert is_signed_in(anonymous)


def attempts_at_once(app, email: str, at_once: int) -> list[throttle.Attempt]:
    """`at_once` attempts for `email`, each a request of its own with its own connection, all
    released together; the count is committed as the sign-in route does."""
    start = threading.Barrier(at_once)
    answers: list[throttle.Attempt] = []
    problems: list[BaseException] = []

    def one_attempt():
        with app.app_context():
            try:
                start.wait(timeout=10)
                answers.append(throttle.count_attempt(email))
                db.session.commit()
            except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
                problems.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=one_attempt, daemon=True) for _ in range(at_once)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    assert problems == []
    return answers


def test_guesses_sent_at_the_same_moment_are_each_counted_on_postgresql(postgres_app):
    limit = postgres_app.config["SIGN_IN_MAX_FAILURES"]
    answers = attempts_at_once(postgres_app, "parallel@example.org", 3 * limit)
    # However they interleave, only the first `limit` get their password checked.
    assert sum(answer.allowed for answer in answers) == limit
    db.session.expire_all()
    assert db.session.get(SignInThrottle, "parallel@example.org").failures == 3 * limit


def test_attempts_fill_the_window_and_lock_it(app):
    limit = app.config["SIGN_IN_MAX_FAILURES"]
    window = timedelta(minutes=app.config["SIGN_IN_WINDOW_MINUTES"])
    with app.app_context():
        answers = [throttle.count_attempt("count@example.org") for _ in range(limit + 2)]
        db.session.commit()
    assert [answer.allowed for answer in answers] == [True] * limit + [False, False]
    assert all(answer.locked_until is None for answer in answers[:limit - 1])
    until = answers[limit - 1].locked_until
    assert until is not None and until.tzinfo is not None
    assert timedelta(0) < until - utcnow() <= window
    assert answers[-1].locked_until == until  # later attempts do not prolong the lock


# Server-side sessions --------------------------------------------------------------------------


def test_sign_out_deletes_the_session_so_a_copied_cookie_stops_working(app, client):
    thief = copy_of(app, client)
    assert is_signed_in(thief)
    assert session_rows() == 1
    response = client.post("/sign-out")
    assert_redirect(response, "/sign-in")
    assert session_rows() == 0
    assert not is_signed_in(client)
    assert not is_signed_in(thief)


def test_sign_out_is_a_post(client):
    assert client.get("/sign-out").status_code == 405
    assert is_signed_in(client)


def test_sign_out_ends_only_that_browser(app, client):
    laptop = client_as(app, FACILITATOR)
    client.post("/sign-out")
    assert is_signed_in(laptop)
    assert session_rows() == 1


def test_sign_in_gives_a_new_session_token(app, anonymous):
    # Whatever a browser (or someone who planted a cookie in it) held before signing in is dropped.
    with anonymous.session_transaction() as planted:
        planted["_user_id"] = "a token someone chose"
        planted["note"] = "from before sign-in"
    before = anonymous.get_cookie("session").value
    sign_in(anonymous, FACILITATOR)
    after = anonymous.get_cookie("session").value
    assert after != before
    contents = decoded(app, after)
    assert "note" not in contents
    token = contents["_user_id"]
    assert token != "a token someone chose"
    (row,) = db.session.scalars(select(AuthSession)).all()
    # The database holds only a digest of the token in the cookie.
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in database_text()


def test_each_sign_in_is_its_own_session(app, anonymous):
    sign_in(anonymous, FACILITATOR)
    first = decoded(app, anonymous.get_cookie("session").value)["_user_id"]
    anonymous.post("/sign-out")
    sign_in(anonymous, FACILITATOR)
    second = decoded(app, anonymous.get_cookie("session").value)["_user_id"]
    phone = client_as(app, FACILITATOR)
    third = decoded(app, phone.get_cookie("session").value)["_user_id"]
    assert len({first, second, third}) == 3
    rows = db.session.scalars(select(AuthSession)).all()
    assert {row.token_hash for row in rows} == {
        hashlib.sha256(t.encode()).hexdigest() for t in (second, third)
    }


def test_the_cookie_does_not_name_the_user(app, client):
    """It holds a revocable token, not the account id (which would outlive a sign-out)."""
    contents = decoded(app, client.get_cookie("session").value)
    assert contents["_user_id"] != str(user_id(FACILITATOR))
    assert len(contents["_user_id"]) >= 32


# Idle time -------------------------------------------------------------------------------------


def test_idle_session_ends_on_the_server(app, clock, monkeypatch):
    monkeypatch.setitem(app.config, "IDLE_TIMEOUT_MINUTES", 30)
    browser = client_as(app, FACILITATOR)
    copy = copy_of(app, browser)
    start = clock.now
    for _ in range(3):  # being active keeps it going, well past the idle time in total
        clock.advance(25)
        assert is_signed_in(browser)
    clock.advance(31)
    assert browser.get("/", headers=HX).status_code == 401
    assert session_rows() == 0
    assert not is_signed_in(browser)
    # Ended on the server: a copy of the cookie from before, at a time it was fresh, is refused.
    clock.now = start
    assert not is_signed_in(copy)


@pytest.mark.parametrize("background", ["live check", "live refresh"])
def test_background_requests_do_not_count_as_activity(app, clock, small, monkeypatch, background):
    monkeypatch.setitem(app.config, "IDLE_TIMEOUT_MINUTES", 30)
    browser = client_as(app, FACILITATOR)
    for _ in range(2):
        clock.advance(12)
        if background == "live check":
            response = browser.post(f"/maps/{small.id}/live", data={"page": "family", "seen": "1"},
                                    headers=HX)
        else:
            response = browser.get(f"/maps/{small.id}", headers={"X-Live-Refresh": "1"})
        assert response.status_code == 200
    clock.advance(7)  # 31 minutes since the person last did anything
    assert not is_signed_in(browser)
    assert session_rows() == 0


def test_a_session_ends_after_the_longest_day_however_active(app, client, monkeypatch):
    later = utcnow() + timedelta(hours=app.config["SESSION_MAX_HOURS"], minutes=1)
    monkeypatch.setattr(sessions, "utcnow", lambda: later)
    assert not is_signed_in(client)
    assert session_rows() == 0


# Changing the password -------------------------------------------------------------------------


def test_password_change_signs_out_every_other_session(app, client):
    phone = client_as(app, FACILITATOR)
    thief = copy_of(app, client)
    response = client.post("/account/password",
                           data={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert_redirect(response, "/")
    assert is_signed_in(client)
    assert not is_signed_in(phone)
    assert not is_signed_in(thief)
    assert session_rows() == 1
    refused = app.test_client().post("/sign-in", data={"email": FACILITATOR, "password": PASSWORD})
    assert refused.status_code == 422
    sign_in(app.test_client(), FACILITATOR, NEW_PASSWORD)


def test_guessing_the_current_password_is_limited_like_signing_in(app, client):
    limit = app.config["SIGN_IN_MAX_FAILURES"]
    guess = {"current_password": "a wrong guess", "new_password": NEW_PASSWORD}
    for _ in range(limit):
        response = client.post("/account/password", data=guess)
        assert error_of(html(response), "current_password").endswith("That is not your current password.")
    # Locked now, even for the right password; and signing in elsewhere is locked the same way.
    locked = client.post("/account/password", data=RIGHT_CHANGE)
    assert locked.status_code == 422
    minutes = app.config["SIGN_IN_WINDOW_MINUTES"]
    assert error_of(html(locked), "current_password").endswith(
        f"Too many wrong passwords. Try again in {minutes} minutes.")
    assert 'value="a brand new passphrase"' not in html(locked)  # passwords are never sent back
    elsewhere = app.test_client().post("/sign-in", data={"email": FACILITATOR, "password": PASSWORD})
    assert "Too many attempts" in error_of(html(elsewhere), "password")
    db.session.expire_all()
    assert verify_password(db.session.get(User, user_id(FACILITATOR)).password_hash, PASSWORD)


def test_the_right_current_password_starts_the_count_again(app, client):
    limit = app.config["SIGN_IN_MAX_FAILURES"]
    for _ in range(limit - 1):
        client.post("/account/password", data={"current_password": "wrong", "new_password": NEW_PASSWORD})
    changed = client.post("/account/password", data=RIGHT_CHANGE)
    assert_redirect(changed, "/")
    fail(app.test_client(), FACILITATOR, limit - 1)
    sign_in(app.test_client(), FACILITATOR, NEW_PASSWORD)


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"current_password": "not my password", "new_password": NEW_PASSWORD},
     "current_password", "That is not your current password."),
    ({"current_password": PASSWORD, "new_password": "too short"},
     "new_password", "Use at least 10 characters"),
    ({"current_password": "", "new_password": NEW_PASSWORD}, "current_password", "Please fill this in."),
])
def test_password_change_errors_change_nothing(app, client, data, field, message):
    phone = client_as(app, FACILITATOR)
    hash_before = db.session.get(User, user_id(FACILITATOR)).password_hash
    response = client.post("/account/password", data=data)
    assert response.status_code == 422
    assert message in error_of(html(response), field)
    assert NEW_PASSWORD not in html(response) and PASSWORD not in html(response)
    db.session.expire_all()
    assert db.session.get(User, user_id(FACILITATOR)).password_hash == hash_before
    assert is_signed_in(phone)


def test_a_new_account_must_choose_its_own_password_before_anything_else(app, small):
    user = make_user("nia@example.org", "Nia New")
    user.must_change_password = True
    db.session.commit()
    add_to_map(small.id, "nia@example.org", "contributor")
    nia = client_as(app, "nia@example.org")
    for url in ("/", f"/maps/{small.id}", f"/maps/{small.id}/journey", "/me/touchpoints", "/maps/new"):
        response = nia.get(url)
        assert response.status_code in (302, 303), url
        assert response.headers["Location"].endswith("/account/password"), url
    write = nia.post(f"/maps/{small.id}/touchpoints", data={"action": "Written before choosing"})
    assert write.headers["Location"].endswith("/account/password")
    live = nia.post(f"/maps/{small.id}/live", data={"page": "family"})
    assert live.headers["Location"].endswith("/account/password")
    assert "Written before choosing" not in database_text()

    page = nia.get("/account/password")
    assert page.status_code == 200
    assert "Choose your own password" in html(page)
    changed = nia.post("/account/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert_redirect(changed, "/")
    db.session.expire_all()
    assert not db.session.get(User, user.id).must_change_password
    assert nia.get(f"/maps/{small.id}").status_code == 200


def test_a_new_account_may_sign_out_before_choosing(app):
    user = make_user("nia@example.org", "Nia New")
    user.must_change_password = True
    db.session.commit()
    nia = client_as(app, "nia@example.org")
    assert_redirect(nia.post("/sign-out"), "/sign-in")
    assert session_rows("nia@example.org") == 0


# The cookie ------------------------------------------------------------------------------------


def test_session_cookie_flags(anonymous):
    response = anonymous.post("/sign-in", data={"email": FACILITATOR, "password": PASSWORD})
    header = cookie_header(response)
    attributes = cookie_attributes(header)
    assert "httponly" in attributes
    assert "samesite=lax" in {part.strip().lower() for part in header.split(";")}
    assert "secure" not in attributes  # over plain http the browser would drop a Secure cookie
    # A session cookie: gone when the browser closes, and no "remember me" cookie at all.
    assert not attributes & {"expires", "max-age"}
    assert not any(h.startswith("remember_token=") for h in response.headers.getlist("Set-Cookie"))


def test_session_cookie_is_secure_over_https(app):
    browser = app.test_client()
    response = browser.post("/sign-in", data={"email": FACILITATOR, "password": PASSWORD},
                            base_url="https://localhost")
    assert response.status_code == 303
    header = cookie_header(response)
    assert {"secure", "httponly"} <= cookie_attributes(header)
    assert "samesite=lax" in {part.strip().lower() for part in header.split(";")}
    assert browser.get("/", base_url="https://localhost").status_code == 200


# Password hashes -------------------------------------------------------------------------------


def test_passwords_are_stored_as_argon2id_hashes_only(app, client, anonymous):
    anonymous.post("/sign-up", data=SIGN_UP)
    client.post("/account/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    hashes = db.session.scalars(select(User.password_hash)).all()
    assert len(hashes) == 2
    for password_hash in hashes:
        assert password_hash.startswith("$argon2id$")
    everything = database_text()
    for password in (SIGN_UP["password"], NEW_PASSWORD, PASSWORD):
        assert password not in everything
    # Two accounts with the same password still get different hashes (salted).
    make_user("twin@example.org", password=NEW_PASSWORD)
    db.session.commit()
    assert len(set(db.session.scalars(select(User.password_hash)))) == 3


def test_no_column_holds_a_password(app):
    columns = {column.name for table in db.metadata.sorted_tables for column in table.columns}
    assert {name for name in columns if "password" in name} == {"password_hash", "must_change_password"}


# Where sign-in leads ---------------------------------------------------------------------------


OFF_SITE = [
    "//evil.example",
    "https://evil.example",
    "http://evil.example/maps/1",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "evil.example",
    "https:/evil.example",
    "http://localhost.evil.example/",
    "http://localhost//evil.example",
    # Browsers drop tabs and line breaks in a URL: these would be "//evil.example".
    "/\t/evil.example",
    "/\r/evil.example",
    "/\n/evil.example",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_next_off_the_site_is_ignored_at_sign_in(anonymous, target):
    response = anonymous.post("/sign-in", data={"email": FACILITATOR, "password": PASSWORD, "next": target})
    assert_redirect(response)
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", OFF_SITE)
def test_next_off_the_site_is_ignored_at_sign_up(anonymous, target):
    page = html(anonymous.post("/sign-up", data={**SIGN_UP, "next": target}))
    kept = markup.select_one(page, 'input[name="next"]').get("value")
    response = anonymous.post("/sign-in", data={"email": SIGN_UP["email"], "password": SIGN_UP["password"],
                                                "next": kept})
    assert_redirect(response)
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", OFF_SITE)
def test_next_off_the_site_is_ignored_when_already_signed_in(client, target):
    response = client.get("/sign-in", query_string={"next": target})
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(("target", "location"), [
    ("/maps/new", "/maps/new"),
    ("/me/touchpoints?x=1", "/me/touchpoints?x=1"),
    ("http://localhost/maps/new", "/maps/new"),
])
def test_next_on_the_site_is_followed(anonymous, target, location):
    response = anonymous.post("/sign-in", data={"email": FACILITATOR, "password": PASSWORD, "next": target})
    assert response.headers["Location"] == location


def test_a_page_that_needs_sign_in_comes_back_after_it(anonymous, small):
    response = anonymous.get(f"/maps/{small.id}/journey")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/sign-in?next=/maps/{small.id}/journey"
    form = anonymous.get(response.headers["Location"])
    assert f'name="next" type="hidden" value="/maps/{small.id}/journey"' in html(form)
    signed_in = anonymous.post("/sign-in", data={"email": FACILITATOR, "password": PASSWORD,
                                                 "next": f"/maps/{small.id}/journey"})
    assert signed_in.headers["Location"] == f"/maps/{small.id}/journey"
    assert anonymous.get(f"/maps/{small.id}/journey").status_code == 200


def test_htmx_without_a_session_gets_401_not_a_redirect(anonymous, small):
    response = anonymous.post(f"/maps/{small.id}/touchpoints", data={"action": "x"}, headers=HX)
    assert response.status_code == 401
    assert "You are signed out" in html(response)
