"""Forms: the parts every form is made of (fields.py), the items' forms made from their
declarations (items.py), and the owner form (owner.py); accounts, members and data have their own."""

from journeymap.forms.fields import (
    LONG,
    SHORT,
    MultiCheckboxField,
    Versioned,
    WholeNumberField,
    optional_int,
    options,
    small_int,
    text,
)
from journeymap.forms.items import (
    FEELING_CHOICES,
    AgencyForm,
    BarrierForm,
    CaseworkerForm,
    FamilyForm,
    MemberForm,
    NewAgencyForm,
    NewCaseworkerForm,
    StageForm,
    TouchpointForm,
)
from journeymap.forms.owner import OwnerForm, owner_form_inline, owner_groups, owner_options

__all__ = [
    "FEELING_CHOICES", "LONG", "SHORT", "AgencyForm", "BarrierForm", "CaseworkerForm", "FamilyForm",
    "MemberForm", "MultiCheckboxField", "NewAgencyForm", "NewCaseworkerForm", "OwnerForm", "StageForm",
    "TouchpointForm", "Versioned", "WholeNumberField", "optional_int", "options", "owner_form_inline",
    "owner_groups", "owner_options", "small_int", "text",
]
