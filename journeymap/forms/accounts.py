"""Sign-up, sign-in and password forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectChoice, SelectField
from wtforms.validators import AnyOf, DataRequired, Email, Length, Optional

from journeymap import i18n
from journeymap.auth.passwords import MIN_LENGTH
from journeymap.forms import text

PASSWORD_MAX = 200  # argon2 accepts any length; this only keeps requests sane


def _lower(value):
    return value.strip().lower() if isinstance(value, str) else value


def email_field():
    return EmailField(
        _l("Email"), filters=[_lower],
        validators=[DataRequired(message=_l("Please fill this in.")),
                    Email(message=_l("That does not look like an email address."),
                          check_deliverability=False),
                    Length(max=254, message=_l("An email address is at most 254 characters."))],
        render_kw={"autocomplete": "email", "inputmode": "email", "spellcheck": "false"},
    )


def new_password_field(label=None):
    return PasswordField(
        label or _l("Password"),
        validators=[DataRequired(message=_l("Please choose a password.")),
                    Length(min=MIN_LENGTH, max=PASSWORD_MAX,
                           message=_l("Use at least %(minimum)s characters (a few words work well).",
                                      minimum=MIN_LENGTH))],
        description=_l("At least %(minimum)s characters. A short sentence is easy to remember and hard "
                       "to guess.", minimum=MIN_LENGTH),
        render_kw={"autocomplete": "new-password"},
    )


def language_field():
    """The language to read journeymap in, offered as the page is shown (the browser's, or the
    one chosen with the header's switch). Not sent (an older form, a script): that same one."""
    return SelectField(
        _l("Language"),
        # Each language named in itself, marked as such for screen readers.
        choices=[SelectChoice(code, name, render_kw={"lang": code}) for code, name in i18n.LANGUAGES.items()],
        default=i18n.current_language,
        validate_choice=False,  # AnyOf below, after Optional lets a form without it through
        validators=[Optional(),
                    AnyOf(list(i18n.LANGUAGES), message=_l("Please choose a language from the list."))],
        render_kw={"autocomplete": "language"},
    )


class SignInForm(FlaskForm):
    email = email_field()
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=_l("Please fill this in.")), Length(max=PASSWORD_MAX)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class SignUpForm(FlaskForm):
    display_name = text(_l("Your name"), required=True, maximum=120,
                        description=_l("How others on a map will see you. A first name is enough."))
    email = email_field()
    password = new_password_field()
    language = language_field()
    # No check that the email is free: sign-up answers the same whether or not it has an account
    # (journeymap.domain.accounts.sign_up), so the page never tells anyone who has one.
    next = HiddenField()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Please fill this in.")), Length(max=PASSWORD_MAX)],
        description=_l("The one you signed in with (for a new account, the one you were given)."),
        render_kw={"autocomplete": "current-password"},
    )
    new_password = new_password_field(_l("New password"))
