"""The schema, one module per part of the domain. Importing this registers every table."""

from journeymap.models.accounts import AuthSession, SignInThrottle, User
from journeymap.models.barriers import Barrier, barrier_touchpoint
from journeymap.models.commitments import Commitment, ProgressEntry
from journeymap.models.family import HouseholdMember, JourneyMap
from journeymap.models.family_word import FamilyWord
from journeymap.models.handoffs import Handoff
from journeymap.models.history import HistoryEntry
from journeymap.models.introductions import Introduction
from journeymap.models.journey import Stage, Touchpoint
from journeymap.models.meetings import Meeting
from journeymap.models.members import Invitation, Membership, Presence
from journeymap.models.people import Agency, Caseworker
from journeymap.models.retention import RetentionRecord
from journeymap.models.sharing import SharingChoice

__all__ = [
    "Agency",
    "AuthSession",
    "FamilyWord",
    "Handoff",
    "HistoryEntry",
    "Introduction",
    "Invitation",
    "Meeting",
    "Membership",
    "Presence",
    "RetentionRecord",
    "SharingChoice",
    "SignInThrottle",
    "User",
    "Barrier",
    "Caseworker",
    "Commitment",
    "ProgressEntry",
    "HouseholdMember",
    "JourneyMap",
    "Stage",
    "Touchpoint",
    "barrier_touchpoint",
]
