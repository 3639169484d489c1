"""The words of the declarations, for the translation catalogue.

Kinds, fields and vocabularies keep their English words as data (journeymap.kinds.items, .vocab,
.wording; the roles in journeymap.auth.access): they are stored nowhere and translated where they
are shown (`i18n.translated`). `pybabel extract` cannot see them as gettext calls, so babel.cfg
runs `extract` on this file: it yields every such word, and a field added to a kind is in the
catalogue, and so checked by tests/unit/test_catalogue.py, without anyone marking it.
"""

from __future__ import annotations

from collections.abc import Iterator

COMMENT = "Declared in journeymap/kinds (a label, hint or choice of a kind of item)"


def words() -> Iterator[str]:
    from journeymap.auth.access import ROLES
    from journeymap.kinds import vocab, wording
    from journeymap.kinds.items import FAMILY_WORD, FOLLOW_UP_KINDS, KINDS, MEETING_KINDS

    for kind in (*KINDS.values(), *FOLLOW_UP_KINDS.values(), *MEETING_KINDS.values(), FAMILY_WORD):
        yield kind.noun
        yield kind.one_of_words
        for field in kind.fields:
            yield from (field.label, field.hint, field.blank, field.unit)
    for name in dir(vocab):
        value = getattr(vocab, name)
        if name.isupper() and isinstance(value, list):
            yield from (text for _, text in value)
    yield from wording.LABELS.values()
    for shown in wording.VALUES.values():
        yield from (text for text in shown.values() if isinstance(text, str))
    yield from wording.KIND_WORDS.values()
    yield from wording.ACTIONS
    yield from wording.OTHER_KINDS
    yield from KINDS
    for label, description in ROLES.values():
        yield from (label, description)


def extract(fileobj, keywords, comment_tags, options):
    """A Babel extraction method (babel.cfg's [extractors]): (line, function, message, comments)."""
    seen = set()
    for text in words():
        if text and text not in seen:
            seen.add(text)
            yield 0, None, text, [COMMENT]
