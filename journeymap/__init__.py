"""journeymap: map one family's journey through fragmented public services."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, abort, render_template
from flask_babel import gettext as _

from journeymap import live_share, request_log, settings_check
from journeymap.config import instance_path_from_environment, load_config
from journeymap.extensions import babel, csrf, db, htmx, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent
MAX_ID = 999_999_999  # the largest id a URL may name: nine digits, like small_int in forms
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def create_app(config: dict | None = None) -> Flask:
    app = request_log.JourneymapFlask(
        __name__,
        instance_path=instance_path_from_environment(),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(load_config(Path(app.instance_path), config))
    settings_check.refuse_unsafe_production(app.config, debug=app.debug)
    request_log.init_app(app)  # first: its clock and request id cover every other hook
    register_extensions(app)
    register_access(app)
    live_share.init_app(app)  # after access: its hook reads the member's rights
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_headers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from journeymap import (
        models,  # noqa: F401  (registers the tables with the metadata)
        notify,  # noqa: F401  (PostgreSQL: NOTIFY when a map changes)
    )

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    csrf.init_app(app)
    htmx.init_app(app)
    login_manager.init_app(app)
    from journeymap import i18n

    # An absolute path: Flask-Babel would read a relative one against the package, not the repository.
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(ROOT / "translations"))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", i18n.DEFAULT)
    babel.init_app(app, locale_selector=i18n.select_locale)
    # {% trans %} blocks fold their whitespace (babel.cfg extracts them the same way), so a
    # sentence may wrap across lines in a template and still be one msgid.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    if app.config["MAX_CONCURRENT_REQUESTS"]:
        from journeymap.admission import AdmissionLimit

        app.wsgi_app = AdmissionLimit(app.wsgi_app, app.config["MAX_CONCURRENT_REQUESTS"])
    if app.config["BEHIND_PROXY"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)


def register_access(app: Flask) -> None:
    """Sessions, sign-in, and the one check every request passes (journeymap.auth.access)."""
    from journeymap.auth import access, sessions

    app.session_interface = sessions.SessionInterface()
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Please sign in to see that page."  # not shown: unauthorized is ours
    login_manager.session_protection = None  # the server-side session row is the protection
    login_manager.unauthorized_handler(sessions.unauthorized)
    app.before_request(access.enforce)
    app.after_request(sessions.note_activity)


def register_blueprints(app: Flask) -> None:
    from journeymap.routes import blueprints

    for blueprint in blueprints:
        app.register_blueprint(blueprint)

    @app.url_value_preprocessor
    def ids_the_database_can_hold(endpoint, values):
        """Ids have at most nine digits, as in forms (small_int). A longer number in a URL is no id
        of ours: 404, where the database would have failed on it (SQLite past 64 bits, PostgreSQL
        past 32) and answered 500."""
        if values and any(type(v) is int and v > MAX_ID for v in values.values()):
            abort(404)


def register_errorhandlers(app: Flask) -> None:
    from flask_wtf.csrf import CSRFError

    def page(code: int, title: str, message: str):
        return render_template("error.html", code=code, title=title, message=message), code

    # The words are looked up when the error happens, in the language of the request.
    app.register_error_handler(
        404, lambda e: page(404, _("Not found"), _("There is nothing here, or it has been deleted."))
    )
    app.register_error_handler(
        403, lambda e: page(403, _("Not for your role"), _("Your role on this map does not include that. "
                                                           "A facilitator of the map can change your role.")),
    )
    app.register_error_handler(
        405, lambda e: page(405, _("Not allowed"), _("That action is not available here."))
    )
    app.register_error_handler(
        413, lambda e: page(413, _("Too large"), _("That was more text than a form can take."))
    )
    app.register_error_handler(
        CSRFError,
        lambda e: page(
            400, _("Form expired"), _("This form was open too long or came from elsewhere. "
                                      "Go back, reload the page and send it again; copy your text first."),
        ),
    )
    app.register_error_handler(
        500, lambda e: page(500, _("Something went wrong"), _("Nothing was saved. Please try again."))
    )


def register_template_helpers(app: Flask) -> None:
    from journeymap import bidi, clock, i18n
    from journeymap.auth import access
    from journeymap.domain.handoffs import NEXT_STEPS
    from journeymap.forms import owner_form_inline, owner_options
    from journeymap.kinds import vocab, wording
    from journeymap.live_items import kinds_on, related_kinds_on
    from journeymap.readmodel import family_word, follow_up, handoffs
    from journeymap.readmodel.introductions import introductions
    from journeymap.readmodel.metrics import family_figures
    from journeymap.readmodel.turnover import handed_over_at, succession_of
    from journeymap.routes.live import live_page

    app.jinja_env.globals.update(
        figures=family_figures, introductions_of=introductions,
        may_record_introduction=access.may_record_introduction,
        succession_of=succession_of, handed_over_at=handed_over_at, vocab=vocab,
        can=access.can,
        may_edit=access.may_edit,
        may_delete=access.may_delete, role_label=access.label, role_description=access.description,
        # The role rules, by name (journeymap/auth/access.py): templates ask these, never a role.
        works_as_caseworker=access.works_as_caseworker,
        touchpoints_are_pinned_to_self=access.touchpoints_are_pinned_to_self,
        owner_choices_limited_to_self=access.owner_choices_limited_to_self,
        must_say_which_caseworker=access.must_say_which_caseworker,
        marks_from_family=access.marks_from_family, may_follow_up=access.may_follow_up, today=clock.today,
        may_report_for_family=access.may_report_for_family, reporter_of=access.reporter_of,
        gives_word_on_behalf=access.gives_word_on_behalf, word_tallies=family_word.tallies,
        follow_up_age=follow_up.age_in_days,
        handoffs=handoffs, handoff_next_steps=NEXT_STEPS, may_move_handoff=access.may_move_handoff,
        owner_options=owner_options, owner_form_inline=owner_form_inline, live_page=live_page,
        languages=i18n.LANGUAGES, current_language=i18n.current_language, script_words=i18n.script_words,
        live_item_kinds=kinds_on, live_related_kinds=related_kinds_on,
        history_lines=wording.lines, history_kind=wording.kind_word, history_action=wording.action_word,
        isolate=bidi.isolate,
    )
    # Text people typed cannot reorder the page around it: every {{ value }} that needs it is
    # isolated (journeymap/bidi.py); `|isolate` does it for a part of a longer string.
    app.jinja_env.finalize = bidi.finalize
    # Jinja's default template cache is an LRU behind a lock that every template lookup (each
    # include, each macro import) takes: under 100 threads per worker it cost about a quarter of
    # the CPU (py-spy, docs/performance.md). Templates do not change while a server runs (the
    # development server's reloader restarts the process), so a plain dict holds them all.
    app.jinja_env.cache = {}
    app.jinja_env.filters["isolate"] = bidi.isolated_markup
    app.jinja_env.filters.update(i18n.FILTERS)  # dates and numbers in the reader's language


def register_headers(app: Flask) -> None:
    # No inline script or style anywhere, so the policy can be strict from the start.
    policy = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        downloaded = response.headers.get("Content-Disposition", "").startswith("attachment")
        if response.mimetype == "text/html" or downloaded:
            # Pages, fragments and downloads hold a family's details: a shared laptop's browser
            # must not keep a copy. (Drawings are cached privately and checked with their ETag.)
            response.cache_control.no_store = True
        if response.mimetype == "text/html":
            response.vary.add("HX-Request")
        return response


def register_commands(app: Flask) -> None:
    from journeymap.cli import commands

    for command in commands:
        app.cli.add_command(command)
