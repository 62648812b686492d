"""CSV written for people to open in a spreadsheet."""

from __future__ import annotations

# A cell starting with one of these is a formula to Excel, LibreOffice and Sheets:
# "=cmd|' /C calc'!A0" would run when opened. Prefix such cells with a quote (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        # Negative numbers stay numbers: only text that would be parsed as a formula.
        try:
            float(text)
            return text
        except ValueError:
            return "'" + text
    return text
