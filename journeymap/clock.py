"""What day it is, for the follow-up rules (journeymap.readmodel.follow_up).

One place to ask, so that a page agrees with itself and a test can set the day
(TODAY in the app's settings, a date) rather than wait for one to pass. Days are UTC days, like
every time the server keeps.
"""

from __future__ import annotations

from datetime import date

from flask import current_app, has_app_context

from journeymap.models.utctime import utcnow


def today() -> date:
    if has_app_context() and (fixed := current_app.config.get("TODAY")) is not None:
        return fixed
    return utcnow().date()
