"""Case and punctuation folding that keeps every character at its offset.

Matching runs on folded text, but labels, evidence and offsets refer to the original
text, so folding must map each character to exactly one character: index ``i`` of the
folded text is index ``i`` of the original.
"""

from __future__ import annotations

import re
import unicodedata

_PUNCTUATION = {
    "'": "\u2018\u2019\u201a\u201b\u02bc\u02bb\u00b4\u2032\uff07",
    '"': "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\uff02",
    "-": "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d",
    " ": "\u00a0\u2007\u2009\u200a\u202f\u3000\t\r\n\u2022\u00b7\u2027",
    "(": "\uff08",
    ")": "\uff09",
    ",": "\uff0c",
    ";": "\uff1b",
    ":": "\uff1a",
    ".": "\u2026\u3002",
    "!": "\uff01",
    "?": "\uff1f",
}

# Letters whose decomposition does not start with their ASCII base letter.
_EXTRA_LETTERS = {
    "\u00f8": "o",  # o with stroke
    "\u0111": "d",  # d with stroke
    "\u0142": "l",  # l with stroke
    "\u0131": "i",  # dotless i
    "\u0127": "h",  # h with stroke
    "\u0167": "t",  # t with stroke
    "\u0130": "i",  # capital I with dot, which lower() would turn into two characters
    "\u0451": "\u0435",  # Cyrillic yo written as ye, as most Russian text does
}


def _build_fold_map() -> dict[str, str]:
    mapping: dict[str, str] = {}
    for target, sources in _PUNCTUATION.items():
        for char in sources:
            mapping[char] = target
    for code in range(0x00C0, 0x0250):
        lower = chr(code).lower()
        if len(lower) != 1:
            continue
        base = unicodedata.normalize("NFD", lower)[0]
        if base != lower and base.isascii():
            mapping[lower] = base
    mapping.update(_EXTRA_LETTERS)
    return mapping


FOLD_MAP = _build_fold_map()
_FOLD_RE = re.compile("[" + "".join(re.escape(char) for char in FOLD_MAP) + "]")


def _lower_same_length(text: str) -> str:
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    # A few characters (e.g. 'İ') lower-case to two; keep those unchanged.
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


# Dashes, curly quotes and no-break spaces are most of the non-ASCII characters of
# English news. Replacing them first usually leaves an ASCII string, which lower-cases
# several times faster and needs no per-character pass.
_COMMON_NON_ASCII = tuple(
    (char, FOLD_MAP[char]) for char in "\u2014\u2013\u2019\u2018\u201c\u201d\u00a0"
)


def fold(text: str) -> str:
    """Lower-case ``text``, strip Latin diacritics, unify quotes, dashes and spaces."""
    if not text.isascii():
        for char, replacement in _COMMON_NON_ASCII:
            text = text.replace(char, replacement)
    if text.isascii():
        # The only ASCII characters folding changes are these spaces; a regex pass over
        # every article costs more than the three replacements.
        return text.lower().replace("\n", " ").replace("\t", " ").replace("\r", " ")
    return _FOLD_RE.sub(lambda match: FOLD_MAP[match.group()], _lower_same_length(text))


def is_word_char(char: str) -> bool:
    """A letter or digit of an alphabetic script; CJK characters are not word-bounded."""
    return char.isalnum() and char < "\u2e80"
