"""Recognising headers and validating cells: what each target field accepts and the
reason it gives for what it refuses."""

from __future__ import annotations

from decimal import Decimal

import pytest

from creators.imports.fields import guess_field, mapping_problems, normalize_header
from creators.imports.rows import Validator


@pytest.mark.parametrize(
    "header,field",
    [
        ("Followers", "followers"),
        ("follower count", "followers"),
        ("  Follower   Count ", "followers"),
        ("Instagram handle", "handle"),
        ("TikTok Followers", "followers"),
        ("Followers (IG)", "followers"),
        ("ER (%)", "engagement_rate"),
        ("E-mail", "email"),
        ("Full name", "name"),
        ("Network", "platform"),
        ("Avg. views", "avg_views"),
        ("Audience countries", "audience_countries"),
        ("Rate: reel", "rate_reel"),
        ("Post fee", "rate_post"),
        ("rate_currency", "rate_currency"),
        ("Internal ID", ""),
        ("Favourite colour", ""),
    ],
)
def test_guess_field(header, field):
    assert guess_field(header) == field


def test_normalize_header_is_how_mappings_are_remembered():
    assert normalize_header("  Follower \t Count ") == "follower count"


def test_mapping_problems():
    assert mapping_problems({"A": "name", "B": "platform", "C": "handle", "D": ""}) == []
    assert mapping_problems({"A": "name"}) == [
        "Map a column to each required field (name, platform and handle). "
        "Missing: Platform, Handle."
    ]
    problems = mapping_problems({"A": "name", "B": "platform", "C": "handle", "D": "handle"})
    assert problems == ["“C” and “D” both map to Handle: choose one of them."]
    assert "not a field we import" in mapping_problems({"X": "password", **REQUIRED})[0]


REQUIRED = {"Name": "name", "Platform": "platform", "Handle": "handle"}


def check(header: str, field: str, value: str):
    """(stored value, reason) for one cell of `field` in an otherwise valid row."""
    headers = ["Name", "Platform", "Handle", header]
    validator = Validator(headers, {**REQUIRED, header: field})
    result = validator.validate(2, ["Ana", "instagram", "ana", value])
    reasons = [e.reason for e in result.errors]
    assert all(e.column == header and e.line == 2 for e in result.errors)
    return result.values.get(field), (reasons[0] if reasons else "")


@pytest.mark.parametrize(
    "field,value,stored",
    [
        ("followers", "12,000", 12_000),
        ("followers", " 0 ", 0),
        ("avg_views", "1_500", 1_500),
        ("engagement_rate", "3.2%", Decimal("3.2")),
        ("engagement_rate", "100", Decimal("100")),
        ("credibility", "87.5 %", Decimal("87.5")),
        ("role", "Brand ambassador", "ambassador"),
        ("role", "KOL", "kol"),
        ("status", "Do not contact", "do_not_contact"),
        ("country", "uk", "GB"),
        ("rate_currency", "eur", "EUR"),
        ("languages", "EN; pt-BR", ["en", "pt-br"]),
        ("niches", "Skin care | acne|acne", ["skin care", "acne"]),
        ("brands_mentioned", "Glow; Peak |", ["Glow", "Peak"]),
        ("audience_countries", "us:40; GB=20 ;", {"US": 40.0, "GB": 20.0}),
        ("audience_ages", "18–24:30;25-34: 45%", {"18-24": 30.0, "25-34": 45.0}),
        ("audience_gender", "Female:70;MALE:30", {"female": 70.0, "male": 30.0}),
        ("audience_interests", "Skincare:60", {"skincare": 60.0}),
        ("url", "instagram.com/ana", "https://instagram.com/ana"),
        ("email", "ana@derm.test", "ana@derm.test"),
        ("years_experience", "12", 12),
        ("rate_post", "1,200.50", Decimal("1200.50")),
    ],
)
def test_accepted_cells(field, value, stored):
    assert check("Cell", field, value) == (stored, "")


@pytest.mark.parametrize(
    "field,value,reason",
    [
        ("followers", "-5", "-5 is negative."),
        ("followers", "12k", "'12k' is not a whole number."),
        ("followers", "1.5", "'1.5' is not a whole number."),
        ("engagement_rate", "100.1", "100.1% is outside 0–100%."),
        ("engagement_rate", "-1", "-1% is outside 0–100%."),
        ("sponsored_ratio", "lots", "'lots' is not a number."),
        ("audience_countries", "US:60;GB:50", "The shares add up to 110%, over 100%."),
        ("audience_countries", "US:150", "US: 150% is outside 0–100%."),
        ("audience_countries", "XX:10", "“XX” is not an ISO 3166-1 alpha-2 country code."),
        ("audience_countries", "US 40", "“US 40” is not KEY:SHARE (for example US:40;GB:20)."),
        ("audience_countries", "US:40;us:10", "“US” appears twice."),
        ("audience_gender", "robot:10", "'robot' is not one of female, male, other."),
        ("audience_ages", "10-12:5", "“10-12” is not an age bucket"),
        ("audience_interests", "golf:abc", "golf: 'abc' is not a number."),
        ("role", "wizard", "Unknown role: use one of kol, influencer, ambassador, ugc."),
        ("status", "maybe", "Unknown status"),
        ("country", "Narnia", "Not an ISO 3166-1 alpha-2 country code (e.g. US, GB, DE)."),
        ("rate_currency", "XYZ", "Unknown currency"),
        ("email", "ana@", "Not a valid email address."),
        ("url", "not a url", "Not a valid web address (http:// or https://)."),
        ("url", "ftp://files.test/x", "Not a valid web address (http:// or https://)."),
        ("years_experience", "200", "Years of experience must be between 0 and 100."),
        ("rate_post", "-10", "A rate must be an amount of 0 or more."),
        ("rate_post", "$100", "Not an amount (e.g. 1200 or 1200.50)."),
        ("languages", "english-united-states", "“english-united-states” is longer than 8"),
        ("profession", "x" * 121, "Longer than 120 characters (121)."),
    ],
)
def test_refused_cells(field, value, reason):
    stored, got = check("Cell", field, value)
    assert stored is None
    assert got.startswith(reason), got


@pytest.mark.parametrize(
    "cells,column,reason",
    [
        (["", "instagram", "ana"], "Name", "A name is required."),
        (["Ana", "", "ana"], "Platform", "A platform is required."),
        (["Ana", "instagram", " @ "], "Handle", "A handle is required."),
        (["Ana", "myspace", "ana"], "Platform", "Unknown platform: use one of tiktok"),
    ],
)
def test_required_cells(cells, column, reason):
    result = Validator(list(REQUIRED), REQUIRED).validate(7, cells)
    [error] = result.errors
    assert (error.line, error.column) == (7, column)
    assert error.reason.startswith(reason)


def test_platform_names_people_use():
    validator = Validator(list(REQUIRED), REQUIRED)
    for line, platform in enumerate(["IG", "Twitter", "YouTube", "rednote", "LinkedIn"], 2):
        result = validator.validate(line, ["Ana", platform, f"ana{line}"])
        assert result.ok, result.errors
    assert [r for r in validator.seen] == [
        ("instagram", "ana2"), ("x", "ana3"), ("youtube", "ana4"), ("xiaohongshu", "ana5"),
        ("linkedin", "ana6"),
    ]  # fmt: skip


def test_a_duplicate_account_names_the_first_line_and_a_short_row_is_padded():
    validator = Validator(["Name", "Platform", "Handle"], REQUIRED)
    assert validator.validate(2, ["Ana", "instagram", "@Ana"]).ok
    assert validator.validate(3, ["Ana", "tiktok", "ana"]).ok
    [error] = validator.validate(9, ["Other", "Instagram", "ana "]).errors
    assert (error.line, error.column, error.value) == (9, "Handle", "ana ")
    assert error.reason == "Duplicate of line 2: instagram @ana is already in this file."
    [error] = validator.validate(10, ["Short"]).errors[:1]
    assert error.reason == "A platform is required."


def test_unmapped_columns_are_not_read():
    validator = Validator(["Name", "Platform", "Handle", "Junk"], REQUIRED)
    result = validator.validate(2, ["Ana", "x", "ana", "-5 not a number"])
    assert result.ok and "Junk" not in result.values
