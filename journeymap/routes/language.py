"""The language switch in every page's header: one POST, then back to the page it was sent from."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user

from journeymap import i18n
from journeymap.auth import sessions
from journeymap.auth.access import PUBLIC, requires
from journeymap.domain import accounts
from journeymap.extensions import db

bp = Blueprint("language", __name__)


@bp.post("/language")
@requires(PUBLIC)  # signed-out pages have the switch too (sign-in, join)
def choose():
    language = i18n.known(request.form.get("language"))
    if language is None:
        abort(400)
    # Back to the page the switch was on: a path on this site only (sessions.safe_next).
    response = redirect(sessions.safe_next(request.form.get("return_to")) or url_for("maps.index"), code=303)
    if current_user.is_authenticated:
        accounts.set_language(current_user._get_current_object(), language)
        db.session.commit()
    # The cookie too, signed in or not: the sign-in page after signing out keeps the language.
    response.set_cookie(
        i18n.COOKIE, language, max_age=i18n.COOKIE_DAYS * 24 * 3600, httponly=True, samesite="Lax",
        secure=request.is_secure,
    )
    return response
