"""The form for importing a map from a JSON file."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class ImportForm(FlaskForm):
    file = FileField(
        _l("A journeymap JSON file"),
        validators=[FileRequired(_l("Choose a .json file exported from journeymap."))],
        description=_l("Exported from journeymap with full detail (format version 1 or 2). "
                       "The map is added as a new map; you become its facilitator."),
    )
