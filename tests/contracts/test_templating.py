"""The sandboxed template language: only merge fields of the terms and parties, only
{{ }}, {% if %} and {% for %}; injection attempts refused by name; values escaped; the
seeded default template holds every clause; templates are versioned."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from contracts import selectors, services
from contracts.default_template import DEFAULT_TEMPLATE_BODY
from contracts.templating import preview_terms, template_check, template_render, terms_context
from contracts.terms import ContractTerms
from tests.contracts.factories import make_contract, terms_json


def refusal(source: str) -> str:
    with pytest.raises(ValidationError) as raised:
        template_check(source)
    return " ".join(raised.value.messages)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ settings.SECRET_KEY }}", "Unknown field 'settings'"),
        ("{% load static %}", "unknown tag 'load'"),
        ("{{ creator.__class__ }}", "'__class__' is a private name"),
        ("{{ creator.name.__class__.__mro__ }}", "'__class__' is a private name"),
        ("{% for d in deliverables %}{{ d.__init__ }}{% endfor %}", "'__init__' is a private name"),
        ("{{ creator.phone }}", "Unknown field 'creator.phone'"),
        ("{{ creator.name.upper() }}", "Calling a function is not allowed"),
        ("{{ lipsum() }}", "Calling a function is not allowed"),
        ("{{ self }}", "Unknown field 'self'"),
        ("{{ config }}", "Unknown field 'config'"),
        ("{{ brand.name|safe }}", "The filter 'safe' is not allowed"),
        ("{{ brand.name|attr('x') }}", "The filter 'attr' is not allowed"),
        ("{% set x = creator %}", "{% set %} is not allowed"),
        ("{% include 'base.html' %}", "{% include %} is not allowed"),
        ("{% import 'x' as y %}", "{% import %} is not allowed"),
        ("{% macro m() %}{% endmacro %}", "{% macro %} is not allowed"),
        ("{% extends 'base.html' %}", "{% extends %} is not allowed"),
        ("{{ deliverables[0] }}", "Subscripting"),
        ("{{ creator['name'] }}", "Subscripting"),
        ("{{ 9 ** 9 ** 9 }}", "Arithmetic is not allowed"),
        ("{{ deliverables }}", "is a list"),
        ("{{ brand }}", "is a group of fields"),
        ("{% for x in creator.name %}{% endfor %}", "is not a list"),
        ("<script>alert(1)</script>", "The HTML tag <script> is not allowed"),
        ('<img src=x onerror="alert(1)">', "The HTML tag <img> is not allowed"),
        ('<p onclick="steal()">hi</p>', "The attribute 'onclick' on <p> is not allowed"),
        ("<scr{% if brand.name %}{% endif %}ipt>", "The HTML tag <script> is not allowed"),
        ('<a href="javascript:x">x</a>', "The HTML tag <a> is not allowed"),
        ("{% if brand.name is defined %}x{% endif %}", "An 'is' test is not allowed"),
    ],
)
def test_injection_and_unknown_fields_are_refused_by_name(source, expected):
    assert expected in refusal(source)


def test_unknown_field_error_lists_what_is_allowed():
    message = refusal("<p>{{ creator.instagram }}</p>")
    assert "creator.instagram" in message and "creator.email" in message


def test_values_are_escaped_and_output_sanitized():
    data = terms_json(_FakeTenant(), creator_name='<script>alert("x")</script>Ana')
    terms = ContractTerms.from_json(data)
    html = template_render("<p>{{ creator.name }}</p>", terms)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_default_template_has_every_clause_and_fills_every_merge_field():
    terms = preview_terms(brand_name="Glow Lab")
    html = template_render(DEFAULT_TEMPLATE_BODY, terms)
    for clause in (
        "1. Parties",
        "2. Deliverables",
        "3. Timeline",
        "4. Compensation and payment schedule",
        "5. Usage rights",
        "6. Exclusivity",
        "7. Disclosure (FTC",
        "8. Content approval",
        "9. Termination",
        "10. Governing law",
    ):
        assert clause in html, clause
    context = terms_context(terms)
    for value in (
        "Glow Lab",
        "Dr Sam Example",
        "USD 5,000.00",
        "Spring launch",
        "#ad",
        context["usage_rights"]["end_date"],
        context["exclusivity"]["end_date"],
        "Instagram, TikTok, website",
        "skincare",
        "the State of New York",
    ):
        assert value in html, value


def test_default_template_without_usage_or_exclusivity_reads_sensibly():
    data = terms_json(_FakeTenant(), usage_days=0)
    data["usage_rights"]["channels"] = []
    data["payment_schedule"] = []
    html = template_render(DEFAULT_TEMPLATE_BODY, ContractTerms.from_json(data))
    assert "not exclusive" in html and "organic social" in html
    assert "within 30 days of publication" in html


@pytest.mark.django_db
def test_templates_are_versioned_and_contracts_keep_their_text(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        contract = make_contract(tenant_a)
        template = contract.template_version.template
        assert template.is_default and contract.template_version.number == 1
        services.template_update(
            organization=org,
            template=template,
            body=DEFAULT_TEMPLATE_BODY.replace("Timeline", "Schedule"),
        )
        assert selectors.template_latest_version(organization=org, template=template).number == 2
        contract.refresh_from_db()
        assert contract.template_version.number == 1  # still the text it was rendered from
        # Saving the same text adds no version; a refused text changes nothing.
        services.template_update(
            organization=org,
            template=template,
            body=DEFAULT_TEMPLATE_BODY.replace("Timeline", "Schedule"),
        )
        with pytest.raises(ValidationError, match="Unknown field 'settings'"):
            services.template_update(
                organization=org, template=template, body="{{ settings.SECRET_KEY }}"
            )
        assert template.versions.count() == 2
        with pytest.raises(ValidationError, match="archive it instead"):
            services.template_delete(organization=org, template=template)


class _FakeTenant:
    """terms_json only needs a name and a signer."""

    class organization:  # noqa: N801
        name = "Brand"

    class admin:  # noqa: N801
        display_name = "Admin Person"
        email = "admin@brand.test"
