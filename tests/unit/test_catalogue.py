"""The translation catalogues are complete (issue 11, point 1): CI fails while a string marked for
translation has no translation, a translation is only a guess (fuzzy), or a placeholder went
missing on the way. How to add strings and languages: README, "Languages"."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from journeymap.i18n import DEFAULT, LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
TRANSLATED = sorted(set(LANGUAGES) - {DEFAULT})  # English is the msgids themselves

# %(name)s, %s, %d, %%…: what Python's % operator (and Jinja's newstyle gettext) fills in.
PERCENT = re.compile(r"%(?:\((\w+)\))?[#0 +-]*\d*(?:\.\d+)?([a-zA-Z%])")
BRACES = re.compile(r"\{(\w*)\}")


def catalogue(language: str):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=language)


def messages(language: str) -> list:
    return [m for m in catalogue(language) if m.id]


def label(message) -> str:
    return repr(message.id if isinstance(message.id, str) else message.id[0])


def placeholders(text: str) -> list[str]:
    """The placeholders of `text`, sorted ('%%' is a percent sign, not a placeholder)."""
    found = [f"%({name})" if name else f"%{kind}" for name, kind in PERCENT.findall(text) if kind != "%"]
    return sorted(found + [f"{{{name}}}" for name in BRACES.findall(text)])


def extraction_keywords() -> dict:
    """gettext's keywords, and the ones scripts/translations adds (`-k ...`): the same extraction."""
    script = (ROOT / "scripts" / "translations").read_text()
    (line,) = [line for line in script.splitlines() if line.startswith("keywords=(")]
    words = shlex.split(line[len("keywords=("):].rstrip(")"))
    added = [word for flag, word in zip(words[::2], words[1::2], strict=True) if flag == "-k"]
    return {**DEFAULT_KEYWORDS, **parse_keywords(added)}


def extracted() -> set:
    """Every (context, msgid) a fresh extraction finds, read as babel.cfg says."""
    with open(ROOT / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=extraction_keywords(),
    ):
        found.add((context, message if isinstance(message, str) else message[0]))
    return found


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated(language):
    untranslated = [label(m) for m in messages(language)
                    if not (m.string if isinstance(m.string, str) else all(m.string))]
    assert not untranslated, f"{language}: not translated yet: {', '.join(untranslated)}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_translation_is_a_guess(language):
    fuzzy = [label(m) for m in messages(language) if m.fuzzy]
    assert not fuzzy, f"{language}: fuzzy (check the translation, then drop the flag): {', '.join(fuzzy)}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_every_placeholder(language):
    """A placeholder lost would drop a name or a number; one added would break the page."""
    wrong = []
    for m in messages(language):
        if isinstance(m.id, str):
            pairs = [(m.id, m.string)]
        else:  # plurals: the first form says the singular, every other form the plural
            pairs = [(m.id[0], m.string[0])] + [(m.id[1], form) for form in m.string[1:]]
        for source, translation in pairs:
            if translation and placeholders(source) != placeholders(translation):
                wrong.append(f"{source!r} -> {translation!r}")
    assert not wrong, f"{language}: placeholders differ: " + "; ".join(wrong)


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_marked_string_is_in_the_catalogue(language):
    """A string marked in the code or a template but not merged into the catalogue would show in
    English: run `scripts/translations update`, then translate what it added."""
    known = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in messages(language)}
    missing = sorted(f"{msgid!r}" + (f" (context {context!r})" if context else "")
                     for context, msgid in extracted() - known)
    assert not missing, f"{language}: marked but not in the catalogue: {', '.join(missing)}"


def entry(message) -> tuple:
    """((context, msgid), msgstr), plural forms as tuples: comparable and hashable."""
    def plain(value):
        return value if isinstance(value, str) else tuple(value)
    return (message.context, plain(message.id)), plain(message.string)


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalogue_is_current(language):
    """The app reads the .mo file (scripts/setup.sh compiles it): one older than its .po would
    show old or missing translations."""
    mo_path = TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo"
    assert mo_path.exists(), "run scripts/translations compile (scripts/setup.sh does)"
    with open(mo_path, "rb") as mo:
        compiled = dict(entry(m) for m in read_mo(mo) if m.id)
    source = dict(entry(m) for m in messages(language))
    assert compiled == source, "the .mo is out of date: run scripts/translations compile"


def test_the_languages_have_catalogues():
    for language in TRANSLATED:
        assert (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").exists(), language
    assert DEFAULT not in TRANSLATED
