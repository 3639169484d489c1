"""Joining a map with an invitation: type the code from the screen, or open the link / QR code.

From a phone: the code; then name, email and password; then sign in with them (sign-up never
says whether an email already had an account, so it cannot sign anyone in); then "Join this map".
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from journeymap.auth.access import PUBLIC, must_say_which_caseworker, requires
from journeymap.domain import accounts, members
from journeymap.extensions import db
from journeymap.forms.accounts import SignUpForm
from journeymap.forms.members import CodeForm
from journeymap.models import Invitation, JourneyMap
from journeymap.routes.auth import signed_up
from journeymap.routes.common import acting

bp = Blueprint("join", __name__)


def _invitation(code: str) -> Invitation | None:
    return db.session.scalar(select(Invitation).where(Invitation.code == members.normalise_code(code)))


@bp.route("/join", methods=["GET", "POST"])
@requires(PUBLIC)
def enter_code():
    form = CodeForm()
    if form.validate_on_submit():
        invitation = _invitation(form.code.data)
        problem = members.invitation_problem(invitation)
        if problem is None:
            return redirect(url_for("join.invitation", code=invitation.code), code=303)
        form.code.errors.append(problem)
    return render_template("join/code.html", form=form), 422 if form.errors else 200


@bp.route("/join/<code>", methods=["GET", "POST"])
@requires(PUBLIC)
def invitation(code: str):
    found = _invitation(code)
    problem = members.invitation_problem(found)
    if problem is not None:
        # Unknown codes are 404; known but unusable ones say why (410 Gone).
        return render_template("join/problem.html", problem=problem), 404 if found is None else 410
    journey_map = db.session.get(JourneyMap, found.map_id)
    sign_up = None
    if current_user.is_authenticated:
        if request.method == "POST":
            return _join(found)
    else:
        sign_up = SignUpForm()
        if sign_up.validate_on_submit():
            # As at sign-up, the same answer whether or not the email had an account: the account
            # (if it is new) is made, nobody is signed in, and nothing is joined or used up yet.
            # The person signs in and comes back here, to this page's "Join this map".
            accounts.sign_up(sign_up.email.data, sign_up.display_name.data, sign_up.password.data,
                             sign_up.language.data)
            db.session.commit()
            return signed_up(sign_up.email.data, url_for("join.invitation", code=found.code),
                             joining=journey_map)
    status = 422 if sign_up is not None and sign_up.errors else 200
    return render_template("join/invitation.html", invitation=found, journey_map=journey_map,
                           form=sign_up, code=found.code), status


def _join(found: Invitation):
    already = members.membership_of(found.map_id, current_user.id)
    if already is not None:  # nothing to do, nothing to record: they keep their role
        return _onward(already)
    membership = members.redeem(found, actor=acting())
    if membership is None:
        db.session.rollback()
        problem = members.invitation_problem(found) or _("This invitation was just used up.")
        return render_template("join/problem.html", problem=problem), 410
    db.session.commit()
    return _onward(membership)


def _onward(membership):
    """A caseworker first says which caseworker they are; everyone else goes to the map."""
    if must_say_which_caseworker(membership):
        return redirect(url_for("me.touchpoints", _anchor=f"map-{membership.map_id}"), code=303)
    return redirect(url_for("maps.overview", map_id=membership.map_id), code=303)
