"""Promo code format: what a code may look like, and how one is made from a name."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError

CODE_RE = re.compile(r"^[A-Z0-9_-]{3,32}$")
CODE_HELP = "3 to 32 characters: letters A–Z, digits, dashes and underscores"


def normalize_code(raw: str) -> str:
    """Upper case, trimmed; raises ValidationError with the rule broken."""
    code = (raw or "").strip().upper()
    if not code:
        raise ValidationError({"code": "Enter a code."})
    if len(code) < 3 or len(code) > 32:
        raise ValidationError({"code": f"“{code[:40]}” has {len(code)} characters; {CODE_HELP}."})
    if not CODE_RE.match(code):
        bad = sorted({c for c in code if not re.match(r"[A-Z0-9_-]", c)})
        raise ValidationError(
            {"code": f"“{code}” contains {' '.join(repr(c) for c in bad)}; {CODE_HELP}."}
        )
    return code


def code_stem(name: str) -> str:
    """DR. ANA LÓPEZ → DRANA: the first two words' letters, accents folded, at most 12."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = [re.sub(r"[^A-Z0-9]", "", w.upper()) for w in ascii_name.split()]
    stem = "".join(w for w in words[:2] if w)[:12]
    return stem if len(stem) >= 2 else "CODE"
