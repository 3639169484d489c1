"""Languages: which ones journeymap speaks, and which one a request is answered in.

The words live in gettext catalogues under translations/ (one per language, compiled to .mo by
scripts/setup.sh and the Dockerfile); Flask-Babel picks the catalogue with `select_locale`:
1. a signed-in person's own choice, stored on their account (chosen at sign-up or join, changed
   with the switch in every page's header);
2. else the choice made with that switch while signed out, kept in a cookie;
3. else the best match for the browser's Accept-Language; else English.
"""

from __future__ import annotations

from flask import has_request_context, request
from flask_babel import format_date, format_number, format_time, get_locale, gettext, lazy_gettext
from flask_login import current_user

# Each language named in itself: the switch is read by someone who may not read the other one.
LANGUAGES: dict[str, str] = {"en": "English", "es": "Español"}
DEFAULT = "en"
# The locale each language is written in, for dates and numbers: the families are in the US, so
# Spanish as written there ("1,250", not Spain's "1.250"). The catalogue is the language's own
# (gettext falls back from es_US to es).
LOCALES = {"en": "en", "es": "es_US"}
COOKIE = "language"
COOKIE_DAYS = 365


def known(code: str | None) -> str | None:
    """`code` if it names one of LANGUAGES, else None (a cookie or a form can hold anything)."""
    return code if code in LANGUAGES else None


def browser_language() -> str:
    """The language of LANGUAGES the browser's Accept-Language prefers, else the default."""
    if not has_request_context():
        return DEFAULT
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT)


def select_locale() -> str:
    """Flask-Babel's locale selector: the account's language, the cookie's, the browser's."""
    if not has_request_context():
        return DEFAULT  # CLI commands, a test's app context: English
    chosen = _chosen_language()
    return LOCALES.get(chosen, chosen)


def _chosen_language() -> str:
    if current_user and current_user.is_authenticated and known(current_user.language):
        return current_user.language
    return known(request.cookies.get(COOKIE)) or browser_language()


def current_language() -> str:
    """The language this request is answered in, as a LANGUAGES key (for <html lang>, the switch)."""
    locale = get_locale()
    return known(locale.language if locale is not None else None) or DEFAULT


# Dates as people write them in each language: "7 December 2026", "7 de diciembre de 2026".
# English keeps the day first (the app's English is not US-only, and it was written so before);
# a language not listed here gets its CLDR "long" format.
_DAY = {"en": "d MMMM y", "es": "d 'de' MMMM 'de' y"}
_SHORT_DAY = {"en": "d MMM y", "es": "d MMM y"}


def day(value) -> str:
    """A calendar day in words, in the request's language (a date, or the day of a datetime in UTC)."""
    return format_date(value, _DAY.get(current_language(), "long"))


def short_day(value) -> str:
    """A calendar day, the month abbreviated: "7 Dec 2026", "7 dic 2026"."""
    return format_date(value, _SHORT_DAY.get(current_language(), "medium"))


def time_of_day(value) -> str:
    """A moment's time in UTC, on the 24-hour clock in every language: "18:05"."""
    return format_time(value, "HH:mm")


def number(value) -> str:
    """A number as the request's language writes it: 1,250 in English, 1250 or 1.250 in Spanish."""
    return format_number(value)


FILTERS = {"day": day, "short_day": short_day, "time_of_day": time_of_day, "number": number}


def N_(text: str) -> str:
    """Marks English kept as data for the catalogue (pybabel extracts N_); translated where shown."""
    return text


def translated(text: str) -> str:
    """`text`, one of our English words kept as data (a kind's label, a vocabulary's choice), in
    the request's language. Empty stays empty (gettext("") is the catalogue's header)."""
    return gettext(text) if text else text


def lazily_translated(text: str):
    """`translated`, worked out each time it is shown: for forms and choices made at import."""
    return lazy_gettext(text) if text else text


# The words static/js/*.js shows (messages when a request fails, "Here now", pausing live updates,
# the question before discarding an edit). A page in another language carries their translations
# in <body data-words> (templates/base.html); the scripts look each up with word() (static/js/app.js).
SCRIPT_WORDS = (
    N_("You are signed out, so this page no longer updates. Copy any text you are writing, sign in "
       "again and reload."),
    N_("This page has stopped updating (error %(status)s). Copy any text you are writing and reload "
       "the page."),
    N_("You are signed out (the session ended or was idle too long). Your text is still here: copy it, "
       "sign in again, reload this page and paste it back."),
    N_("Your role on this map does not allow that. Nothing was changed."),
    N_("That item no longer exists. Reload the page to see the map as it is now."),
    N_("That did not work (error %(status)s). Nothing was lost from your form; try again."),
    N_("The server could not be reached. Nothing was saved; check the connection and try again."),
    N_("Discard your changes?"), N_("Discard"), N_("Keep editing"),
    N_("Here now:"), N_("People with this map open"),
    N_("Resume live updates"), N_("Pause live updates"), N_("Live updates paused."),
    N_("%(count)s change waiting."), N_("%(count)s changes waiting."),
    # Others' changes announced as a burst (static/js/live.js).
    N_("%(count)s changes by %(who)s"), N_("%(count)s people"), N_("(waiting: live updates are paused)"),
    N_("Someone else deleted what you are editing. Your text is kept here; save to see your choices."),
)


def script_words() -> dict[str, str]:
    """SCRIPT_WORDS in the request's language; none for English, which the scripts hold already."""
    if current_language() == DEFAULT:
        return {}
    return {english: gettext(english) for english in SCRIPT_WORDS}
