"""The form for importing a map from a JSON file."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class ImportForm(FlaskForm):
    file = FileField(
        "A journeymap JSON file",
        validators=[FileRequired("Choose a .json file exported from journeymap.")],
        description="Exported from journeymap with full detail (format version 1 or 2). "
                    "The map is added as a new map; you become its facilitator.",
    )
