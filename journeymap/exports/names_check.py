"""The names check: what in a text that will leave the room could name someone (pure).

De-identified outputs keep the group's own words for barriers, steps and stages (they are about
services, not the family), so each of those texts is scanned first against the map's own names
(the family's pseudonym, household members' names, caseworkers' names, the map's members' account
names) and against patterns for e-mail addresses, phone numbers, street addresses and dates
(a date of birth is a date). Each hit is a Suspect; `scrubbed` replaces each by a marker
("[name]", "[phone]", ...). The facilitator sees the suspects highlighted before sharing
(journeymap.routes.sharing) and may reword or withhold any text.

How names are matched, and why:
- Word by word. A name is split into its words ("Dana Rivers" -> Dana, Rivers) and each word of a
  text is compared with them, so a name split across lines or spaces ("Dana\\n  Rivers"), a
  possessive ("Dana's": the word is "Dana") and a surname alone are all found.
- Accents and case do not matter: both sides are folded (NFKD, marks dropped, casefolded), so
  "José", "Jose", "JOSE" and "jose" are one word.
- Except for names that are also common words (COMMON_WORD_NAMES: Hope, Rose, Will, Grace, May...):
  those match only when written with a capital, as a name is. "No hope left" and "we will call"
  keep their words; "Hope called" does not. A sentence beginning "Will they call?" is flagged
  (a false alarm the facilitator sees and can keep): missing a name is worse than a false alarm.
  Any other name matches in any case, since names typed in a hurry are often lower case.
- Words of one letter (initials, "Family R.") are not matched: "a" and "I" are in every sentence.
  Generic words in a pseudonym or a name ("Family", "Mr", "Dr") are not names.
- Household roles are typed as "Grandma Ruth", "Son (asthma)": only their capitalised words that
  are not role words are names (Ruth), so "asthma" stays in "Inhaler for asthma not covered".
- Account e-mails are caught by the e-mail pattern; their local parts are not used as names
  ("housing@county.example" would flag every "housing").
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

MARKERS = {
    "name": "[name]",
    "email": "[email]",
    "phone": "[phone]",
    "address": "[address]",
    "date": "[date]",
}


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


KIND_WORDS = {
    "name": "name", "email": "e-mail address", "phone": "phone number", "address": "address", "date": "date",
}

# Given names (and a few surnames) that are also everyday English words: matched only when
# capitalised. Folded, as `fold` makes them.
COMMON_WORD_NAMES = _word_set("""
    hope rose will faith grace joy june may april august summer autumn dawn daisy holly ivy iris lily
    ruby pearl penny amber crystal sky star rich frank sandy jack pat art bob don gene guy ray sue
    drew grant hunter chase cash lane wade reed rod rocky buck dean nick max victor mark bill sunny
    river storm brook hazel olive rusty sonny young brown white black green king long price page hill
    wood stone banks bell cook fisher miller baker walker mason carter porter parker turner ward
    bishop dash cole gray grey chance will patience prudence honor honour constance charity destiny
    justice liberty harmony melody angel bliss fern heather violet jasmine poppy willow robin wren
    jay finch crane hawk fox wolf bear lamb rose-marie carol sterling major royal earl duke prince
    norman gay
""")

# Words that appear in names and pseudonyms without being names.
NOT_NAMES = _word_set("""
    family the household familia famille pseudonym mr mrs ms miss mx dr sir madam and of de la le van von der
""")

_WORD = re.compile(r"[^\W\d_]+")
_MONTHS = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
           r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
_STREET = (r"(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Drive|Dr|Boulevard|Blvd|Court|Ct|Way|Place|Pl|"
           r"Terrace|Close|Crescent|Square|Sq|Highway|Hwy|Parkway|Pkwy|Circle|Cir|Row|Gardens|Grove)")
PATTERNS = (
    ("email", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("date", re.compile(r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}\b")),
    ("date", re.compile(r"\b(?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d\b")),  # 2019-2020: not a phone number
    ("date", re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}\b\.?(?:,?\s+\d{{4}})?", re.I)),
    ("date", re.compile(rf"\b{_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?", re.I)),
    ("date", re.compile(rf"\b{_MONTHS}\.?\s+\d{{4}}\b", re.I)),
    ("address", re.compile(
        rf"\b\d{{1,5}}[A-Za-z]?\s+(?:[A-Z][\w'.-]*\s+){{1,4}}{_STREET}\b\.?"
        r"(?:,?\s*(?:Apt|Apartment|Unit|Flat|Suite|#)\.?\s*\w+)?")),
    ("address", re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")),  # a UK postcode
    ("phone", re.compile(r"(?<![\w/])\+?\(?\d[\d\s().-]{5,}\d(?![\w/])")),
)
MIN_PHONE_DIGITS = 7  # fewer is a count or a year ("12 days", "2019"), not a phone number


def fold(word: str) -> str:
    """A word without accents or case: "José" and "JOSE" both become "jose"."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@dataclass(frozen=True)
class Names:
    """The map's own names, as folded words."""

    words: frozenset[str] = frozenset()

    @classmethod
    def of(cls, names: Iterable[str], *, capitalised_only: Iterable[str] = (),
           role_words: Iterable[str] = ()) -> Names:
        """`names`: full names, every word a name; `capitalised_only`: typed text (a household
        role) whose capitalised words, other than `role_words` ("grandma"), are names."""
        words = {fold(w) for name in names for w in _WORD.findall(name)}
        roles = {fold(w) for w in role_words}
        words |= {fold(w) for text in capitalised_only for w in _WORD.findall(text)
                  if w[0].isupper() and fold(w) not in roles}
        return cls(frozenset(w for w in words if len(w) > 1 and w not in NOT_NAMES))

    def without(self, words: Iterable[str]) -> Names:
        return Names(self.words - {fold(w) for w in words})

    def matches(self, word: str) -> bool:
        folded = fold(word)
        if folded not in self.words:
            return False
        return word[0].isupper() or folded not in COMMON_WORD_NAMES


@dataclass(frozen=True)
class Suspect:
    """Something in a text that could name someone: text[start:end], of a kind in MARKERS."""

    start: int
    end: int
    kind: str

    @property
    def marker(self) -> str:
        return MARKERS[self.kind]


@dataclass(frozen=True)
class Piece:
    """A stretch of a text, for showing it: plain, or a suspect (kind set)."""

    text: str
    kind: str = ""

    @property
    def kind_word(self) -> str:
        return KIND_WORDS.get(self.kind, "")


def normalised(text: str) -> str:
    """The form every text is scanned, fingerprinted and shown in (NFC: "é" as one character)."""
    return unicodedata.normalize("NFC", text)


def suspects(text: str, names: Names) -> list[Suspect]:
    """Every suspect in `text` (normalised first), in order, none overlapping: patterns first, so
    "12 May 2019" is one date rather than a name "May" inside it."""
    text = normalised(text)
    found: list[Suspect] = []
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            if kind == "phone" and sum(ch.isdigit() for ch in match.group()) < MIN_PHONE_DIGITS:
                continue
            found.append(Suspect(match.start(), match.end(), kind))
    found += [Suspect(m.start(), m.end(), "name") for m in _WORD.finditer(text) if names.matches(m.group())]
    kept: list[Suspect] = []
    for suspect in sorted(found, key=lambda s: (s.start, -s.end)):
        if not kept or suspect.start >= kept[-1].end:
            kept.append(suspect)
    return kept


def pieces(text: str, names: Names) -> list[Piece]:
    """`text` cut into plain stretches and suspects, for a page that highlights them."""
    text = normalised(text)
    out, at = [], 0
    for suspect in suspects(text, names):
        if suspect.start > at:
            out.append(Piece(text[at:suspect.start]))
        out.append(Piece(text[suspect.start:suspect.end], suspect.kind))
        at = suspect.end
    if at < len(text):
        out.append(Piece(text[at:]))
    return out


def scrubbed(text: str, names: Names) -> str:
    """`text` with every suspect replaced by its marker ("Called Dana's office" -> "Called [name]'s
    office")."""
    return "".join(MARKERS[p.kind] if p.kind else p.text for p in pieces(text, names))


def fingerprint(text: str) -> str:
    """What a facilitator's choice about a text is tied to: the text itself is not stored twice,
    and any edit to it afterwards makes it a text not yet checked."""
    return hashlib.sha256(normalised(text).encode("utf-8")).hexdigest()
