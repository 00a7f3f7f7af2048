"""How a name is written, and the forms two spellings of it are compared in.

People in the corridor arrive with one name written several ways: with or without accents,
"Jean-Baptiste" or "Jean Baptiste", a Haitian Creole spelling ("Pyè") on one paper and the French
one ("Pierre") on another, two surnames or only the first. Matching compares *folded* forms
(lower case, no accents, no punctuation) and *sound keys* (a phonetic code of the folded form, after
a few spelling folds that Spanish, French and Haitian Creole share), never the name as written.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

import jellyfish

# Haitian Creole spellings of common French given names and surnames, folded. The Creole
# orthography (1979, official since 1987) writes names as they sound, so the same person can
# hold a French-spelled passport and a Creole-spelled school record. The list is short on
# purpose: it covers names whose two spellings no phonetic code brings together.
CREOLE_TO_FRENCH: Final[dict[str, str]] = {
    "pye": "pierre",
    "jan": "jean",
    "jozef": "joseph",
    "mari": "marie",
    "lwi": "louis",
    "jak": "jacques",
    "franswa": "francois",
    "batis": "baptiste",
    "jozefin": "josephine",
    "mateli": "mathilde",
    "woz": "rose",
    "andre": "andre",
    "lik": "luc",
    "polin": "pauline",
    "elen": "helene",
    "tomas": "thomas",
    "antwan": "antoine",
    "silven": "sylvain",
    "jilyen": "julien",
    "fransik": "francique",
}

_NOT_LETTER: Final = re.compile(r"[^a-z]+")
# Spelling folds applied before the phonetic code, in order. Each joins spellings that the
# three languages use for one sound: Spanish b/v, ll/y, z/s before e/i, silent initial h; French
# ph, qu, eau; the Creole w for French ou/oi.
_FOLDS: Final = (
    (re.compile(r"ph"), "f"),
    (re.compile(r"qu"), "k"),
    (re.compile(r"eau"), "o"),
    (re.compile(r"ll"), "y"),
    (re.compile(r"v"), "b"),
    (re.compile(r"z"), "s"),
    (re.compile(r"^h"), ""),
    (re.compile(r"oi"), "wa"),
    (re.compile(r"ou"), "u"),
    (re.compile(r"w"), "u"),
    (re.compile(r"y"), "i"),
)


def fold(text: str) -> str:
    """Lower case, accents removed, every run of non-letters one space: "Jean-Baptiste  Pérez"
    becomes "jean baptiste perez"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NOT_LETTER.sub(" ", plain).split())


def tokens(text: str) -> tuple[str, ...]:
    """The folded words of a name, Creole spellings of common names read as the French one."""
    return tuple(CREOLE_TO_FRENCH.get(word, word) for word in fold(text).split())


def sound_key(word: str) -> str:
    """A phonetic code of one folded word: NYSIIS after the shared spelling folds. Two words with
    the same key sound alike in at least one of the three languages."""
    if not word:
        return ""
    folded = word
    for pattern, replacement in _FOLDS:
        folded = pattern.sub(replacement, folded)
    # a word the folds empty ("h") is its own key
    return jellyfish.nysiis(folded) if folded else word.upper()


def joined(parts: tuple[str, ...]) -> str:
    return " ".join(parts)


# Nationalities whose names are usually written given names, then father's and mother's
# surnames (Spanish naming customs); elsewhere on the corridor (Haiti, Brazil) one surname is
# usual. Used only to read a full name nobody split into parts.
TWO_SURNAMES: Final = frozenset(
    {"MX", "GT", "HN", "SV", "NI", "CR", "PA", "CU", "VE", "CO", "EC", "PE"}
)


def split_name(full_name: str, nationality: str | None) -> tuple[str, str, str]:
    """Given names, first and second surname read off a name written whole, when the desk did
    not enter the parts: "María José Hernández García" (Honduran) gives ("María José",
    "Hernández", "García"); "Jean-Baptiste Pierre" (Haitian) gives ("Jean-Baptiste", "Pierre",
    ""). A guess; parts entered by the officer always win."""
    words = full_name.split()
    if len(words) < 2:
        return (full_name.strip(), "", "")
    if (nationality or "").upper() in TWO_SURNAMES and len(words) >= 3:
        return (" ".join(words[:-2]), words[-2], words[-1])
    return (" ".join(words[:-1]), words[-1], "")
