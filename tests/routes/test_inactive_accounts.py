"""Accounts unused for INACTIVE_ACCOUNT_DAYS are disabled by `flask retention run`, not deleted:
they cannot sign in (told why only after the right password), their sessions end, and
`flask accounts enable` lets them in again. Last use is kept at most once a day."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event, func, select, update

from journeymap.domain.history import Actor
from journeymap.domain.members import start_map
from journeymap.extensions import db
from journeymap.models import AuthSession, HistoryEntry, RetentionRecord, User
from journeymap.models.utctime import utcnow
from journeymap.routes.auth import NO_MATCH
from tests.routes.conftest import FACILITATOR, PASSWORD, html, make_user, sign_in, user_id

OLD, RECENT = "old@example.org", "recent@example.org"


def aged(email: str, *, created_days: int, seen_days: int | None) -> int:
    """An account made `created_days` ago, last seen `seen_days` ago (None: never)."""
    now = utcnow()
    db.session.execute(update(User).where(User.email == email).values(
        created_at=now - timedelta(days=created_days),
        last_seen_at=None if seen_days is None else now - timedelta(days=seen_days)))
    db.session.commit()
    return user_id(email)


def run(runner) -> str:
    result = runner.invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    db.session.expire_all()
    return result.output


def disabled(email: str) -> bool:
    db.session.expire_all()
    return db.session.scalar(select(User.disabled_at).where(User.email == email)) is not None


def test_accounts_unused_past_the_period_are_disabled_and_no_others(app, runner):
    make_user(OLD), make_user(RECENT), make_user("never@example.org"), make_user("session@example.org")
    db.session.commit()
    old = aged(OLD, created_days=400, seen_days=181)
    aged(RECENT, created_days=400, seen_days=179)
    aged("never@example.org", created_days=179, seen_days=None)  # new, and not signed in yet
    session_user = aged("session@example.org", created_days=400, seen_days=None)
    db.session.add(AuthSession(token_hash="x" * 64, user_id=session_user, last_active_at=utcnow()))
    db.session.commit()
    output = run(runner)
    assert f"Account {old} disabled after 181 days unused." in output
    assert [email for email in (OLD, RECENT, "never@example.org", "session@example.org", FACILITATOR)
            if disabled(email)] == [OLD]
    record = db.session.scalars(select(RetentionRecord)).one()
    assert (record.action, record.user_id) == ("disabled", old)
    assert db.session.get(User, old) is not None  # disabled, not deleted
    assert "Nothing is due." in run(runner)  # and only once


def test_a_disabled_account_is_signed_out_and_cannot_sign_in(app, runner):
    make_user(OLD)
    db.session.commit()
    browser = sign_in(app.test_client(), OLD)
    assert browser.get("/").status_code == 200
    aged(OLD, created_days=400, seen_days=200)
    db.session.execute(update(AuthSession).values(last_active_at=utcnow() - timedelta(days=200)))
    db.session.commit()
    run(runner)
    assert db.session.scalar(select(func.count()).select_from(AuthSession)) == 0
    assert browser.get("/").headers["Location"].startswith("/sign-in")  # its session ended
    wrong = app.test_client().post("/sign-in", data={"email": OLD, "password": "not the password"})
    assert NO_MATCH in html(wrong) and "disabled" not in html(wrong)  # nothing said to a guesser
    right = app.test_client().post("/sign-in", data={"email": OLD, "password": PASSWORD})
    assert right.status_code == 403
    assert "This account was disabled on" in html(right) and "after 180 days without use" in html(right)
    assert "Whoever runs journeymap for your organisation can enable it again" in html(right)


def test_enabling_lets_the_person_in_again_and_the_next_run_leaves_them(app, runner):
    make_user(OLD)
    db.session.commit()
    aged(OLD, created_days=400, seen_days=200)
    run(runner)
    result = runner.invoke(args=["accounts", "enable", OLD.upper()])
    assert result.exit_code == 0 and "enabled again" in result.output
    assert not disabled(OLD)
    sign_in(app.test_client(), OLD)
    assert "Nothing is due." in run(runner)
    assert [r.action for r in db.session.scalars(select(RetentionRecord).order_by(RetentionRecord.id))] == [
        "disabled", "enabled"]
    assert "nothing to do" in runner.invoke(args=["accounts", "enable", OLD]).output
    missing = runner.invoke(args=["accounts", "enable", "nobody@example.org"])
    assert missing.exit_code == 1 and "no account" in missing.output


def test_the_run_names_open_maps_left_without_a_facilitator_who_can_sign_in(app, runner):
    map_id = start_map("Family F.", actor=Actor.person(db.session.get(User, user_id(FACILITATOR)))).map_id
    db.session.commit()
    aged(FACILITATOR, created_days=400, seen_days=200)
    output = run(runner)
    assert f"open map {map_id} has no facilitator who can sign in" in output
    assert disabled(FACILITATOR)  # the login is the risk; the map loses nothing, and enabling undoes it


def test_signing_in_notes_the_day_and_use_is_noted_at_most_once_a_day(app, client):
    seen = db.session.scalar(select(User.last_seen_at).where(User.email == FACILITATOR))
    assert utcnow() - seen < timedelta(minutes=1)  # set when `client` signed in
    writes = []

    def note(conn, cursor, statement, *args):
        if statement.startswith("UPDATE user_account"):
            writes.append(statement)

    def requests(count: int) -> int:
        """Writes to accounts while `count` pages are opened."""
        writes.clear()
        event.listen(db.engine, "before_cursor_execute", note)
        try:
            for _ in range(count):
                assert client.get("/").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", note)
        return len(writes)

    assert requests(2) == 0  # seen today already
    db.session.execute(update(User).values(last_seen_at=utcnow() - timedelta(days=2)))
    db.session.commit()
    assert requests(3) == 1
    db.session.expire_all()
    seen = db.session.scalar(select(User.last_seen_at).where(User.email == FACILITATOR))
    assert utcnow() - seen < timedelta(minutes=1)
    assert db.session.scalar(select(func.count()).select_from(HistoryEntry)) == 0
