"""Sign up, sign in, sign out, change password."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from journeymap.auth import passwords, sessions, throttle
from journeymap.auth.access import PUBLIC, SIGNED_IN, requires
from journeymap.domain import accounts, inactive_accounts
from journeymap.domain.retention import retention_rule
from journeymap.extensions import db
from journeymap.forms.accounts import ChangePasswordForm, SignInForm, SignUpForm
from journeymap.i18n import N_

bp = Blueprint("auth", __name__)

# One answer for an unknown email and a wrong password: the page must not tell anyone which
# addresses have accounts.
NO_MATCH = N_("That email and password do not match an account. Check both and try again.")


def _onward(form_next: str | None):
    return redirect(sessions.safe_next(form_next) or url_for("maps.index"), code=303)


@bp.route("/sign-in", methods=["GET", "POST"])
@requires(PUBLIC)
def sign_in():
    if current_user.is_authenticated:
        return _onward(request.args.get("next"))
    form = SignInForm(next=request.args.get("next"))
    if form.validate_on_submit():
        email = form.email.data
        attempt = throttle.count_attempt(email)
        db.session.commit()  # counted before the slow check, so parallel guesses are counted too
        if not attempt.allowed:
            form.password.errors.append(
                _("Too many attempts with this email. %(when)s",
                  when=throttle.try_again_in(attempt.locked_until)))
        else:
            user = accounts.account_with(email)
            if passwords.verify_password(user.password_hash if user else None, form.password.data):
                throttle.record_success(email)
                if user.disabled_at is not None:  # said only to someone who knows the password
                    db.session.commit()
                    form.password.errors.append(inactive_accounts.disabled_message(user, retention_rule()))
                    return render_template("auth/sign_in.html", form=form), 403
                accounts.upgrade_hash(user, form.password.data)
                sessions.sign_in(user)
                db.session.commit()
                return _onward(form.next.data)
            form.password.errors.append(_(NO_MATCH))
    return render_template("auth/sign_in.html", form=form), 422 if form.errors else 200


@bp.route("/sign-up", methods=["GET", "POST"])
@requires(PUBLIC)
def sign_up():
    if current_user.is_authenticated:
        return _onward(request.args.get("next"))
    form = SignUpForm(next=request.args.get("next"))
    if form.validate_on_submit():
        accounts.sign_up(form.email.data, form.display_name.data, form.password.data, form.language.data)
        db.session.commit()
        return signed_up(form.email.data, form.next.data)
    return render_template("auth/sign_up.html", form=form), 422 if form.errors else 200


def signed_up(email: str, form_next: str | None, *, joining=None):
    """The one answer to a sign-up, whether it made an account or the email already had one:
    the sign-in page, with the email filled in and a notice that covers both cases. Nobody is
    signed in by it (that would tell the two apart), and it sets no cookie.

    `joining` is the map whose invitation the person is using, named in the notice."""
    form = SignInForm(formdata=None, email=email, next=form_next)
    return render_template("auth/sign_in.html", form=form, signed_up=True, joining=joining), 200


@bp.post("/sign-out")
@requires(SIGNED_IN)
def sign_out():
    sessions.sign_out(current_user._get_current_object())
    db.session.commit()
    flash(_("You are signed out. On a shared computer, close the browser too."))
    return redirect(url_for("auth.sign_in"), code=303)


@bp.route("/account/password", methods=["GET", "POST"])
@requires(SIGNED_IN)
def change_password():
    user = current_user._get_current_object()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        # Guesses here count with those at sign-in: someone holding an open session must not be
        # able to try password after password to learn it.
        email = user.email
        attempt = throttle.count_attempt(email)
        db.session.commit()
        if not attempt.allowed:
            form.current_password.errors.append(
                _("Too many wrong passwords. %(when)s", when=throttle.try_again_in(attempt.locked_until)))
        elif not passwords.verify_password(user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("That is not your current password."))
        else:
            throttle.record_success(email)
            accounts.set_password(user, form.new_password.data)
            sessions.sign_out_everywhere(user)  # a password change ends every other session
            sessions.sign_in(user)
            db.session.commit()
            flash(_("Your password is changed. Other browsers signed in as you have been signed out."))
            return redirect(url_for("maps.index"), code=303)
    return render_template("auth/change_password.html", form=form), 422 if form.errors else 200
