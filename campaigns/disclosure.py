"""The automatic disclosure check: does a caption carry what the brief requires?

Pure functions, no database: campaigns.services.content runs `check_caption` on every
submitted caption against the must-haves of the brief version in force and stores the
result with the submission, so the reviewer and the creator see the same pass/fail list.

What is checked, and why:
- Each required disclosure ("#ad", "#sponsored", "Paid partnership") is present as a
  whole tag, case-insensitively: "#ad" must not be satisfied by "#adventure" or
  "#ads", nor by "bad" (FTC guidance: the disclosure must be unambiguous).
- ...and it ends within the first 125 characters: platforms cut captions there behind
  "more", and a disclosure a viewer has to expand is not "clear and conspicuous".
- The platform's paid-partnership label cannot be read from a caption: when the brief
  asks for it, the creator confirms it is switched on, and the check shows that.
- Required @mentions and promo codes are present as whole tokens, case-insensitively;
  required links are present with or without scheme or "www.", and with any query
  string after them (tracking parameters are expected).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass

#: Instagram, TikTok and Facebook show about this many characters before "more".
VISIBLE_CHARS = 125

# A tag or token starts where the character before it is not part of a word, a hashtag or
# a mention, and ends where the next character is not part of a word.
_BEFORE = r"(?<![\w#@])"
_AFTER = r"(?![\w])"


@dataclass(frozen=True)
class MustHaves:
    """What the brief requires of every caption (from a published brief version)."""

    disclosures: tuple[str, ...] = ()
    paid_partnership_label: bool = False
    mentions: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    promo_codes: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.disclosures or self.paid_partnership_label or self.mentions
                    or self.links or self.promo_codes)  # fmt: skip


@dataclass(frozen=True)
class CheckItem:
    kind: str  # disclosure, label, mention, link, promo_code
    required: str
    passed: bool
    detail: str

    def as_dict(self) -> dict:
        return asdict(self)


def _clean(values: Iterable[str]) -> list[str]:
    return [v for v in (" ".join(str(v).split()) for v in values or ()) if v]


def whole_token(token: str) -> re.Pattern[str]:
    """A case-insensitive pattern matching `token` only as a whole tag or word. Inner
    spaces match any run of whitespace ("Paid  partnership")."""
    body = r"\s+".join(re.escape(part) for part in token.split())
    return re.compile(_BEFORE + body + _AFTER, re.IGNORECASE)


def _link_pattern(link: str) -> re.Pattern[str]:
    bare = re.sub(r"^(https?://)?(www\.)?", "", link.strip(), flags=re.IGNORECASE).rstrip("/")
    return re.compile(
        r"(?<![\w.-])(?:https?://)?(?:www\.)?" + re.escape(bare) + r"(?![\w-])/?",
        re.IGNORECASE,
    )


def _check_disclosure(caption: str, tag: str) -> CheckItem:
    match = whole_token(tag).search(caption)
    if match is None:
        return CheckItem("disclosure", tag, False, f"{tag} is missing from the caption.")
    if match.end() > VISIBLE_CHARS:
        return CheckItem(
            "disclosure", tag, False,
            f"{tag} is at character {match.start() + 1}: move it into the first "
            f"{VISIBLE_CHARS} characters, so it shows before \u201cmore\u201d.",
        )  # fmt: skip
    return CheckItem(
        "disclosure", tag, True,
        f"{tag} is at character {match.start() + 1}, within the first {VISIBLE_CHARS}.",
    )  # fmt: skip


def _check_present(caption: str, kind: str, required: str, pattern: re.Pattern[str],
                   what: str) -> CheckItem:  # fmt: skip
    if pattern.search(caption):
        return CheckItem(kind, required, True, f"{what} {required} is in the caption.")
    return CheckItem(kind, required, False, f"{what} {required} is missing from the caption.")


def check_caption(
    caption: str, must: MustHaves, *, paid_partnership_label: bool = False
) -> list[CheckItem]:
    """Every requirement of `must` against `caption`, in the order the brief lists them.
    `paid_partnership_label` is the creator's confirmation that the platform's label is
    on. An empty list means the brief requires nothing."""
    caption = caption or ""
    items = [_check_disclosure(caption, tag) for tag in _clean(must.disclosures)]
    if must.paid_partnership_label:
        items.append(CheckItem(
            "label", "Paid-partnership label", paid_partnership_label,
            "Confirmed switched on for this post." if paid_partnership_label else
            "Switch on the platform's paid-partnership label and confirm it.",
        ))  # fmt: skip
    for mention in _clean(must.mentions):
        handle = mention if mention.startswith("@") else f"@{mention}"
        items.append(_check_present(caption, "mention", handle, whole_token(handle), "Mention"))
    for link in _clean(must.links):
        items.append(_check_present(caption, "link", link, _link_pattern(link), "Link"))
    for code in _clean(must.promo_codes):
        items.append(_check_present(caption, "promo_code", code, whole_token(code),
                                    "Promo code"))  # fmt: skip
    return items


def passed(items: Iterable[CheckItem | dict]) -> bool:
    return all(i.passed if isinstance(i, CheckItem) else i.get("passed") for i in items)
