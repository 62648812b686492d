"""Pitch templates' merge fields: a closed list, filled by plain substitution."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from campaigns import merge_fields

VALUES = {"creator_name": "Dr Ana Ruiz", "campaign_name": "Serum launch",
          "offer_summary": "", "portal_link": "{{ portal_link }}"}  # fmt: skip


def test_fill_replaces_known_fields_with_plain_text():
    text = "Hi {{ creator_name }}, about {{campaign_name}}.\n\n{{ offer_summary }}\n\nBye"
    assert merge_fields.fill(text, VALUES) == "Hi Dr Ana Ruiz, about Serum launch.\n\nBye"


def test_values_are_inserted_as_text_never_evaluated():
    values = {**VALUES, "creator_name": "{{ campaign_name }} <script>x</script> {% debug %}"}
    assert merge_fields.fill("{{ creator_name }}", values) == (
        "{{ campaign_name }} <script>x</script> {% debug %}"
    )


def test_portal_link_is_kept_for_send_time():
    out = merge_fields.fill("Go: {{ portal_link }}", {"portal_link": "x"}, keep=("portal_link",))
    assert out == "Go: {{ portal_link }}"
    assert merge_fields.with_portal_link(out, "https://k/p/abc/") == "Go: https://k/p/abc/"


def test_a_text_without_the_link_gets_it_at_the_end():
    assert merge_fields.with_portal_link("Hello", "https://k/p/abc/").endswith(
        "Your private portal: https://k/p/abc/"
    )


@pytest.mark.parametrize("field", [
    "creator.__class__", "creator.email", "settings.SECRET_KEY", "creator_name|upper",
    "request", "CREATOR_NAME", "",
])  # fmt: skip
def test_unknown_fields_are_refused_by_name(field):
    with pytest.raises(ValidationError) as refused:
        merge_fields.check_template(subject="Hi", body=f"Hello {{{{ {field} }}}}")
    assert "body" in refused.value.message_dict
    assert f"{{{{ {field} }}}}" in refused.value.message_dict["body"][0]


def test_template_tags_are_refused():
    with pytest.raises(ValidationError) as refused:
        merge_fields.check_template(subject="{% if x %}Hi{% endif %}", body="ok")
    assert "not supported" in refused.value.message_dict["subject"][0]


def test_an_unknown_field_left_in_edited_text_stays_as_typed():
    assert merge_fields.fill("{{ creator.__class__ }}", VALUES) == "{{ creator.__class__ }}"


def test_the_defaults_use_known_fields_only():
    for default in (merge_fields.DEFAULT_PITCH, merge_fields.DEFAULT_FOLLOW_UP):
        merge_fields.check_template(subject=default["subject"], body=default["body"])
        assert merge_fields.has_portal_link(default["body"])
