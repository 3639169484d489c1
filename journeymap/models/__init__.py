"""The schema, one module per part of the domain. Importing this registers every table."""

from journeymap.models.barriers import Barrier, barrier_touchpoint
from journeymap.models.family import HouseholdMember, JourneyMap
from journeymap.models.journey import Stage, Touchpoint
from journeymap.models.people import Agency, Caseworker

__all__ = [
    "Agency",
    "Barrier",
    "Caseworker",
    "HouseholdMember",
    "JourneyMap",
    "Stage",
    "Touchpoint",
    "barrier_touchpoint",
]
