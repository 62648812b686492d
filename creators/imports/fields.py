"""What a column can be imported into: the target fields, the header names each one is
recognised by, and the rules a mapping must follow."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from creators.models import Deliverable, Platform


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    group: str
    help: str = ""


CREATOR, ACCOUNT, AUDIENCE, RATES = "Creator", "Account", "Audience", "Rates"
LIST_HELP = "Several values separated by ; or |"
SHARES_HELP = "KEY:SHARE pairs separated by ; or |, shares in %, e.g. US:40;GB:20"

TARGETS: list[Target] = [
    Target("name", "Name", CREATOR, "Required"),
    Target("email", "Email", CREATOR),
    Target("photo_url", "Photo URL", CREATOR),
    Target("bio", "Bio", CREATOR),
    Target("role", "Role", CREATOR, "kol, influencer, ambassador or ugc"),
    Target("profession", "Profession", CREATOR),
    Target("credentials", "Credentials", CREATOR, 'e.g. "MD, board-certified dermatologist"'),
    Target("years_experience", "Years of experience", CREATOR),
    Target("credential_evidence_url", "Credential evidence URL", CREATOR),
    Target("niches", "Niches", CREATOR, LIST_HELP),
    Target("languages", "Languages", CREATOR, LIST_HELP + ", e.g. en;fr"),
    Target("country", "Country", CREATOR, "ISO 3166-1 alpha-2 code, e.g. US"),
    Target("city", "City", CREATOR),
    Target("rate_currency", "Rate currency", CREATOR, "e.g. USD"),
    Target("status", "Status", CREATOR, "prospect, active or do_not_contact"),
    Target("notes", "Notes", CREATOR),
    Target("platform", "Platform", ACCOUNT, "Required: " + ", ".join(Platform.values)),
    Target("handle", "Handle", ACCOUNT, "Required; with or without the @"),
    Target("url", "Profile URL", ACCOUNT),
    Target("followers", "Followers", ACCOUNT, "A whole number, 0 or more"),
    Target("avg_views", "Average views", ACCOUNT, "A whole number, 0 or more"),
    Target("engagement_rate", "Engagement rate (%)", ACCOUNT, "0–100, e.g. 3.2"),
    Target("credibility", "Credibility (% real followers)", ACCOUNT, "0–100"),
    Target("sponsored_ratio", "Sponsored posts (%)", ACCOUNT, "0–100"),
    Target("brands_mentioned", "Brands mentioned", ACCOUNT, LIST_HELP),
    Target("audience_countries", "Audience countries", AUDIENCE, SHARES_HELP),
    Target("audience_ages", "Audience ages", AUDIENCE, "e.g. 18-24:30;25-34:45"),
    Target("audience_gender", "Audience gender", AUDIENCE, "e.g. female:70;male:28;other:2"),
    Target("audience_interests", "Audience interests", AUDIENCE, "e.g. skincare:60;fitness:20"),
    *[
        Target(f"rate_{value}", f"Rate: {label.lower()}", RATES, "An amount, in the rate currency")
        for value, label in Deliverable.choices
    ],
]
TARGETS_BY_KEY = {t.key: t for t in TARGETS}
REQUIRED = ("name", "platform", "handle")
CREATOR_KEYS = [t.key for t in TARGETS if t.group == CREATOR]
RATE_KEYS = {f"rate_{value}": value for value in Deliverable.values}

# The rules shown on the upload page: what a person needs to prepare a file.
CONVENTIONS = [
    ("One row, one account",
     "Each row is one creator and one of their social accounts. Name, platform and handle "
     "are required. Rows with the same name and email (email required) belong to the same "
     "creator: give a creator with three accounts three rows."),
    ("Duplicates",
     "An account is the same account when the platform and the handle match one already "
     "in your roster. You choose whether such a row updates it or is skipped. The same "
     "platform and handle twice in one file is an error on the second row."),
    ("Empty cells",
     "An empty cell leaves what you already have untouched. When several rows describe the "
     "same creator, the last non-empty value of each creator column wins."),
    ("Lists", "Niches, languages and brands: several values separated by ; or |."),
    ("Audience",
     "Countries, ages, gender and interests as KEY:SHARE pairs separated by ; or |, in "
     "percent: US:40;GB:20 or 18-24:30;25-34:45 or female:70;male:30. Shares add up to at "
     "most 100."),
    ("Numbers",
     "Followers and views are whole numbers (12,000 is fine). Engagement, credibility and "
     "sponsored posts are percentages from 0 to 100 (3.2 or 3.2%)."),
    ("Rates",
     "One column per deliverable (Rate: post, Rate: reel…), an amount in the creator's rate "
     "currency: 1200 or 1,200.50."),
    ("Lines", "Errors name the line of the spreadsheet: the header is line 1."),
]  # fmt: skip

_SYNONYMS: dict[str, list[str]] = {
    "name": ["full name", "creator", "creator name", "influencer", "influencer name", "kol",
             "kol name", "display name", "contact name"],
    "email": ["e mail", "email address", "contact email", "mail"],
    "photo_url": ["photo", "avatar", "avatar url", "profile picture", "profile photo",
                  "image", "image url", "picture"],
    "bio": ["biography", "about", "description"],
    "role": ["creator type", "creator role", "type"],
    "profession": ["occupation", "job", "job title", "specialty", "speciality"],
    "credentials": ["credential", "qualifications", "qualification", "degree",
                    "certifications"],
    "years_experience": ["years experience", "years of experience", "experience years",
                         "experience", "yoe"],
    "credential_evidence_url": ["credential evidence", "evidence", "evidence url",
                                "license url", "licence url", "verification url"],
    "niches": ["niche", "categories", "category", "topics", "topic", "verticals", "tags"],
    "languages": ["language", "lang", "langs"],
    "country": ["country code", "location country", "creator country"],
    "city": ["town", "location city"],
    "rate_currency": ["currency", "fee currency"],
    "status": ["creator status"],
    "notes": ["note", "comments", "comment", "remarks"],
    "platform": ["network", "channel", "social network", "social platform", "social media",
                 "platform name"],
    "handle": ["username", "user name", "account", "account name", "social handle",
               "ig handle", "user"],
    "url": ["profile url", "link", "profile link", "account url", "channel url",
            "social url"],
    "followers": ["follower count", "followers count", "follower", "subscribers",
                  "subscriber count", "fans", "audience size", "number of followers",
                  "no of followers"],
    "avg_views": ["average views", "views", "avg view", "average view count", "mean views",
                  "avg views per post"],
    "engagement_rate": ["engagement", "er", "eng rate", "engagement percent"],
    "credibility": ["audience credibility", "real followers", "authentic followers"],
    "sponsored_ratio": ["sponsored", "sponsored posts", "sponsored ratio", "paid ratio",
                        "sponsored share"],
    "brands_mentioned": ["brands", "brand mentions", "past brands", "brand partners",
                         "partners"],
    "audience_countries": ["audience country", "top countries", "audience geo",
                           "audience location"],
    "audience_ages": ["audience age", "age split", "age distribution", "ages"],
    "audience_gender": ["gender split", "gender", "gender distribution", "genders"],
    "audience_interests": ["interests", "audience interest"],
}  # fmt: skip
for _value in Deliverable.values:
    _SYNONYMS[f"rate_{_value}"] = [f"{_value} rate", f"{_value} fee", f"fee {_value}",
                                   f"{_value} price", f"price per {_value}"]  # fmt: skip

_PLATFORM_WORDS = sorted(
    {*Platform.values, *(label.lower() for label in Platform.labels), "ig", "twitter", "yt"},
    key=len,
    reverse=True,
)
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def normalize_header(header: str) -> str:
    """How a header is remembered: trimmed, whitespace collapsed, lower-case."""
    return " ".join(str(header).split()).lower()[:200]


def _key(text: str) -> str:
    return _NOT_ALNUM.sub(" ", text.lower()).strip()


def synonym_index(targets: list[Target], synonyms: Mapping[str, list[str]]) -> dict[str, str]:
    """{header key: target} for a set of targets: each target's key, label and synonyms.
    Another importer (tracking's orders) builds its own from its own targets."""
    index: dict[str, str] = {}
    for target in targets:
        for name in [target.key, target.label, *synonyms.get(target.key, [])]:
            index.setdefault(_key(name), target.key)
    return index


def guess_in(index: Mapping[str, str], header: str, prefixes: list[str] = ()) -> str:
    """The target `index` gives an obvious header name, also after one of `prefixes`
    ("Instagram handle" -> handle), or "" when it is not obvious."""
    candidates = [_key(header), _key(_PARENTHESES.sub(" ", header))]
    for key in candidates:
        if key in index:
            return index[key]
        for word in prefixes:
            if key.startswith(word + " ") and key[len(word) + 1 :] in index:
                return index[key[len(word) + 1 :]]
    return ""


_BY_KEY = synonym_index(TARGETS, _SYNONYMS)


def guess_field(header: str) -> str:
    """The target an obvious header name means ("Follower count" -> followers, "Instagram
    handle" -> handle), or "" when it is not obvious."""
    # "Instagram followers", "TikTok handle": the platform is the row's business.
    return guess_in(_BY_KEY, header, _PLATFORM_WORDS)


def mapping_problems(
    mapping: Mapping[str, str], *, targets: Mapping[str, Target] = TARGETS_BY_KEY,
    required: tuple[str, ...] = REQUIRED,
) -> list[str]:  # fmt: skip
    """Why a mapping {header: field or ""} cannot be imported; empty when it can. The
    targets and required fields are creators' unless another importer passes its own."""
    problems = []
    by_field: dict[str, list[str]] = {}
    for header, field in mapping.items():
        if not field:
            continue
        if field not in targets:
            problems.append(f"“{header}” maps to {field!r}, which is not a field we import.")
            continue
        by_field.setdefault(field, []).append(header)
    for field, headers in by_field.items():
        if len(headers) > 1:
            names = " and ".join(f"“{h}”" for h in headers)
            problems.append(f"{names} both map to {targets[field].label}: choose one of them.")
    missing = [targets[f].label for f in required if f not in by_field]
    if missing:
        required_labels = [targets[f].label.lower() for f in required]
        problems.insert(
            0,
            f"Map a column to each required field ({_and(required_labels)}). "
            f"Missing: {', '.join(missing)}.",
        )
    return problems


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
