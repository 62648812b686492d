"""Counting keyword mentions in text, for share of voice (METRICS.md: brand mentions /
(brand + tracked competitor mentions) in the tracked content of the period).

The rules, one place for all of them:
- Whole words: a keyword counts only where it is not glued to other letters, digits or
  combining marks ("Nivea" counts in "#nivea" and "Nivea's", not in "Niveaux").
- Case-insensitive the Unicode way (casefold: "STRASSE" finds "straße"), after NFKC
  normalisation, so a composed "é" and "e" + combining accent are the same letter, and
  typographic apostrophes equal the ASCII one. Accents are kept: "creme" is not "crème"
  (add both spellings as keywords of one label to count both).
- A stretch of text is one mention: where keywords overlap ("Nivea" and "Nivea Men"), the
  longest one that matches there takes it, so label and brand totals never count one
  mention twice.
- Spaces inside a keyword match any run of white space (a line break in a transcript).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import cache

APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\uff07": "'"})


def normalize(text: str) -> str:
    """The form both keywords and text are compared in."""
    folded = unicodedata.normalize("NFKC", text).translate(APOSTROPHES).casefold()
    # casefold can leave a string that is no longer NFKC ("ǰ" -> "ǰ"), so once more.
    return unicodedata.normalize("NFKC", folded)


def keyword_key(keyword: str) -> str:
    """A keyword's identity: normalised, inner white space collapsed. Two keywords with
    the same key are the same keyword."""
    return " ".join(normalize(keyword).split())


@cache
def _marks_class() -> str:
    """A regex character class body with every combining mark (Unicode category M): a
    mark belongs to the letter before it, so it is part of a word even though `\\w` does
    not match it. Built once, from the running Python's Unicode database."""
    ranges: list[list[int]] = []
    for code in range(sys.maxunicode + 1):
        if unicodedata.category(chr(code)).startswith("M"):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    return "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )


class MentionCounter:
    """Counts the mentions of a fixed set of keywords in texts."""

    def __init__(self, keywords: Iterable[str]):
        self.keys = sorted({keyword_key(k) for k in keywords if keyword_key(k)}, key=len,
                           reverse=True)  # fmt: skip
        if not self.keys:
            self._pattern = None
            return
        word = rf"[\w{_marks_class()}]"
        # Longest first: Python tries alternatives in order, so at one position the
        # longest keyword wins and the shorter one inside it is not counted again.
        alternatives = "|".join(r"\s+".join(map(re.escape, k.split(" "))) for k in self.keys)
        self._pattern = re.compile(rf"(?<!{word})(?:{alternatives})(?!{word})")

    def count(self, text: str) -> Counter[str]:
        """Mentions per keyword key (see keyword_key) in `text`."""
        found: Counter[str] = Counter()
        if self._pattern is None or not text:
            return found
        for match in self._pattern.finditer(normalize(text)):
            found[" ".join(match.group(0).split())] += 1
        return found
