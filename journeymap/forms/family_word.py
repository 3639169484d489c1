"""The family's word on an item: Confirm or Dispute (the button pressed), an optional comment in
their own words, and the version of the word they saw (0: none yet)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField, ValidationError
from wtforms.validators import Length

from journeymap.forms.fields import Versioned
from journeymap.i18n import lazily_translated
from journeymap.kinds import vocab
from journeymap.kinds.items import FAMILY_WORD

WITHDRAW = "withdraw"  # the third button: take the word back
COMMENT_MAX = FAMILY_WORD.field("comment").maximum


class FamilyWordForm(Versioned, FlaskForm):
    verdict = HiddenField()  # sent by the button pressed (name="verdict"), never typed
    comment = TextAreaField(
        lazily_translated(FAMILY_WORD.field("comment").label),
        validators=[Length(max=COMMENT_MAX,
                           message=_l("Keep it to %(maximum)s characters or fewer.", maximum=COMMENT_MAX))],
        description=lazily_translated(FAMILY_WORD.field("comment").hint),
    )

    def validate_verdict(self, field):
        if field.data not in (*vocab.values(vocab.VERDICTS), WITHDRAW):
            raise ValidationError(_("Choose Confirm or Dispute."))

    @property
    def withdrawing(self) -> bool:
        return self.verdict.data == WITHDRAW
