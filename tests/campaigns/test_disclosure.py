"""The automatic disclosure check (campaigns.disclosure): pure functions, no database."""

from __future__ import annotations

import pytest

from campaigns.disclosure import VISIBLE_CHARS, CheckItem, MustHaves, check_caption, passed

AD = MustHaves(disclosures=("#ad",))


def one(caption: str, must: MustHaves = AD, **kwargs) -> CheckItem:
    items = check_caption(caption, must, **kwargs)
    assert len(items) == 1
    return items[0]


@pytest.mark.parametrize("caption", [
    "#ad New serum day", "New serum day #ad", "#AD new serum", "Love it (#ad)", "#ad.",
    "Partner post: #Ad, obviously", "#ad\nline two", "#ad#skincare",
])  # fmt: skip
def test_the_tag_is_found_as_a_whole_tag(caption):
    assert one(caption).passed


@pytest.mark.parametrize("caption", [
    "#adventure time", "#ads everywhere", "bad day", "#advert", "x#ad", "ad without hash",
    "@ad is a handle", "##adventure", "",
])  # fmt: skip
def test_a_longer_tag_or_a_word_does_not_count(caption):
    item = one(caption)
    assert not item.passed and "missing" in item.detail


def test_placement_within_the_first_125_characters():
    # "#ad" ending exactly at character 125 shows before "more"; one character later not.
    at_limit = "x" * (VISIBLE_CHARS - 4) + " #ad"
    assert len(at_limit) == VISIBLE_CHARS
    assert one(at_limit).passed
    too_late = "x" * (VISIBLE_CHARS - 3) + " #ad"
    item = one(too_late)
    assert not item.passed
    assert f"character {VISIBLE_CHARS - 1}" in item.detail and "first 125" in item.detail


def test_a_tag_only_after_more_fails_even_if_also_present_later():
    caption = "x" * 200 + " #ad"
    assert not one(caption).passed


def test_the_first_occurrence_counts():
    assert one("#ad up front, and " + "x" * 200 + " #ad again").passed


def test_phrases_match_case_insensitively_across_spaces():
    must = MustHaves(disclosures=("Paid partnership",))
    assert one("PAID  PARTNERSHIP with @brand", must).passed
    assert not one("paid partnerships", must).passed


def test_mentions_links_and_codes():
    must = MustHaves(mentions=("glowlab", "@DermaCo"), links=("https://glowlab.com/serum",),
                     promo_codes=("GLOW15",))  # fmt: skip
    caption = "#ad with @GlowLab and @dermaco: glowlab.com/serum?utm=x code glow15"
    items = check_caption(caption, must)
    assert [i.kind for i in items] == ["mention", "mention", "link", "promo_code"]
    assert passed(items)
    assert [i.required for i in items][:2] == ["@glowlab", "@DermaCo"]


def test_missing_mentions_links_and_codes_each_fail():
    must = MustHaves(mentions=("@glowlab",), links=("glowlab.com/serum",), promo_codes=("GLOW15",))
    caption = "@glowlabs glowlab.com/serums GLOW150 www.glowlab.com"
    items = check_caption(caption, must)
    assert [i.passed for i in items] == [False, False, False]
    assert not passed(items)
    assert "Mention @glowlab is missing" in items[0].detail


def test_links_with_scheme_www_and_trailing_slash():
    must = MustHaves(links=("https://www.GlowLab.com/serum/",))
    assert passed(check_caption("see http://glowlab.com/serum/ now", must))
    assert passed(check_caption("see glowlab.com/serum", must))
    assert not passed(check_caption("see notglowlab.com/serum", must))


def test_paid_partnership_label_is_confirmed_by_the_creator():
    must = MustHaves(paid_partnership_label=True)
    assert not one("#ad", must).passed
    assert one("#ad", must, paid_partnership_label=True).passed


def test_every_disclosure_is_required_and_listed():
    must = MustHaves(disclosures=("#ad", "#sponsored"))
    items = check_caption("#ad only", must)
    assert [(i.required, i.passed) for i in items] == [("#ad", True), ("#sponsored", False)]


def test_nothing_required_means_an_empty_list():
    assert check_caption("anything", MustHaves()) == []
    assert MustHaves().empty and passed([])


def test_regex_characters_in_requirements_are_literal():
    must = MustHaves(promo_codes=("A+B",), mentions=("@x.y",))
    assert passed(check_caption("code A+B with @x.y", must))
    assert not passed(check_caption("code AAB with @xzy", must))


def test_results_serialise_for_storage():
    item = one("#ad")
    assert item.as_dict() == {"kind": "disclosure", "required": "#ad", "passed": True,
                              "detail": item.detail}  # fmt: skip
    assert passed([item.as_dict()])
