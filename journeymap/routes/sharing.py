"""Check before sharing: a facilitator reads every text that will leave the room, with each
suspected name highlighted, and per text shares it, rewords it for sharing, or withholds it
(journeymap.exports.sharing says what each choice makes of the text in a de-identified output).

One plain form for the whole list: a facilitator reads it top to bottom, then saves once. Each
text's choice carries the fingerprint of the text as shown, so a text someone edits while the page
is open is not approved unseen: it stays "new since your last check".
"""

from __future__ import annotations

import re

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import ngettext

from journeymap.auth.access import requires
from journeymap.bidi import unwrap
from journeymap.domain.sharing import CheckState, Decision, check_state, record_check
from journeymap.exports.sharing import DECISIONS, REWORD, SHARE, SharedText
from journeymap.extensions import db
from journeymap.routes.common import acting, map_or_404, view_or_404

bp = Blueprint("sharing", __name__)

_FINGERPRINT = re.compile(r"[0-9a-f]{64}")


@bp.get("/maps/<int:map_id>/check-before-sharing")
@requires("check_sharing")
def page(map_id: int):
    return _page(map_id)


@bp.post("/maps/<int:map_id>/check-before-sharing")
@requires("check_sharing")
def save(map_id: int):
    view = view_or_404(map_id)
    state = check_state(view)
    decisions, errors = parse(request.form, state.texts)
    if errors:
        return _page(map_id, state=state, errors=errors, kept=request.form, status=400)
    if decisions:
        record_check(map_or_404(map_id), decisions, actor=acting())
        db.session.commit()
    flash(ngettext("Saved your choices for %(num)d text. De-identified downloads, the brief and the "
                   "presentation now show them.",
                   "Saved your choices for %(num)d texts. De-identified downloads, the brief and the "
                   "presentation now show them.", len(decisions)))
    return redirect(url_for("sharing.page", map_id=map_id), code=303)


def parse(form, texts: list[SharedText]) -> tuple[list[Decision], dict[str, str]]:
    """The decisions the form holds for the texts shown, and an error per text that needs one.
    A text the form does not mention (added since the page was opened) is left unchecked."""
    decisions, errors = [], {}
    for text in texts:
        chosen = form.get(f"decision-{text.form_key}")
        seen = form.get(f"seen-{text.form_key}", "")
        if chosen is None or not _FINGERPRINT.fullmatch(seen):
            continue
        wording = unwrap(form.get(f"wording-{text.form_key}", "")).strip()
        if chosen not in DECISIONS:
            errors[text.form_key] = "Choose one of the three."
        elif chosen == REWORD and not wording:
            errors[text.form_key] = "Type the wording to share, or choose another option."
        elif chosen == REWORD and text.maximum is not None and len(wording) > text.maximum:
            errors[text.form_key] = (f"The wording is {len(wording):,} characters long; "
                                     f"{text.label.lower()} can be at most {text.maximum:,}.")
        else:
            decisions.append(Decision(text.kind, text.item_id, text.field, seen, chosen, wording))
    return decisions, errors


def _page(map_id: int, *, state: CheckState | None = None, errors=None, kept=None, status: int = 200):
    view = view_or_404(map_id)
    state = state or check_state(view)
    return render_template(
        "sharing/page.html", view=view, state=state, decisions=DECISIONS, errors=errors or {},
        kept=kept, default=SHARE,
    ), status
