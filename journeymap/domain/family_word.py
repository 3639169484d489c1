"""The family's word on their map: confirming or disputing a touchpoint or barrier, changing that
word, withdrawing it, and forgetting it when the item goes.

The history records each under the item's own kind ("disputed touchpoint: Went to the food bank"),
with the comment and who gave it: the family, or a facilitator on their behalf.
"""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from journeymap.domain import history
from journeymap.domain.common import summary_of
from journeymap.domain.history import Actor
from journeymap.extensions import db
from journeymap.kinds import vocab
from journeymap.kinds.items import WORD_KINDS
from journeymap.models import FamilyWord, JourneyMap
from journeymap.models.utctime import utcnow

WITHDRAWN = "withdrew word on"  # the history's action for a word taken back


class WordChanged(Exception):
    """The word on this item is not the one the writer saw (someone changed it meanwhile)."""


def word_of(map_id: int, kind: str, item_id: int) -> FamilyWord | None:
    return db.session.scalar(select(FamilyWord).where(
        FamilyWord.map_id == map_id, FamilyWord.item_kind == kind, FamilyWord.item_id == item_id))


def give(journey_map: JourneyMap, item, *, kind: str, verdict: str, comment: str, seen: int,
         on_behalf: bool, actor: Actor) -> FamilyWord:
    """Set the family's word on `item`, replacing any word it had. `seen` is the version of the
    word the writer saw (0: none); anything else now raises WordChanged."""
    assert kind in WORD_KINDS and verdict in vocab.values(vocab.VERDICTS)
    current = word_of(journey_map.id, kind, item.id)
    if (current.version if current is not None else 0) != seen:
        raise WordChanged
    values = {"verdict": verdict, "comment": comment, "on_behalf": on_behalf, "by_user_id": actor.user_id,
              "at": utcnow()}
    if current is None:
        current = FamilyWord(map_id=journey_map.id, item_kind=kind, item_id=item.id, **values)
        try:
            # A word given by two people at once: the unique constraint refuses the second.
            with db.session.begin_nested():
                db.session.add(current)
        except IntegrityError as exc:
            raise WordChanged from exc
    else:
        # Conditional, so two people changing the same word at once cannot both win.
        claimed = db.session.execute(
            update(FamilyWord).where(FamilyWord.id == current.id, FamilyWord.version == seen)
            .values(version=seen + 1, **values).execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            raise WordChanged
        db.session.refresh(current)
    journey_map.touch()
    history.record(journey_map.id, verdict, kind, item.id, actor=actor, summary=summary_of(item),
                   changes=_recorded(comment, on_behalf))
    return current


def withdraw(journey_map: JourneyMap, item, *, kind: str, seen: int, on_behalf: bool, actor: Actor) -> None:
    """Take the family's word on `item` back: it is neither confirmed nor disputed any more."""
    current = word_of(journey_map.id, kind, item.id)
    if current is None or current.version != seen:
        raise WordChanged
    gone = db.session.execute(
        delete(FamilyWord).where(FamilyWord.id == current.id, FamilyWord.version == seen)
        .execution_options(synchronize_session=False)
    ).rowcount
    if gone != 1:
        raise WordChanged
    db.session.expunge(current)
    journey_map.touch()
    history.record(journey_map.id, WITHDRAWN, kind, item.id, actor=actor, summary=summary_of(item),
                   changes={"verdict": current.verdict, **_recorded("", on_behalf)})


def forget(map_id: int, kind: str, item_id: int) -> None:
    """The item is being deleted: its word goes with it (the item's own history entry says so)."""
    db.session.execute(delete(FamilyWord).where(
        FamilyWord.map_id == map_id, FamilyWord.item_kind == kind, FamilyWord.item_id == item_id))


def _recorded(comment: str, on_behalf: bool) -> dict:
    return {**({"comment": comment} if comment else {}), "on_behalf": on_behalf}
