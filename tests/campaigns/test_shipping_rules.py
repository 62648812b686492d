"""Address validation by country and tracking-number formats by carrier: pure rules,
good and bad input for each."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from campaigns.shipping.addresses import address_validate, country_choices
from campaigns.shipping.tracking_numbers import tracking_number_problem

GOOD = [
    ("US", {"city": "Mountain View", "country_area": "CA", "postal_code": "94043"}),
    ("US", {"city": "New York", "country_area": "New York", "postal_code": "10001-1234"}),
    ("CA", {"city": "Toronto", "country_area": "ON", "postal_code": "M5H 1K5"}),
    ("GB", {"city": "London", "postal_code": "SW1A 2AA"}),
    ("DE", {"city": "Berlin", "postal_code": "10115"}),
    ("FR", {"city": "Paris", "postal_code": "75001"}),
    ("AU", {"city": "Sydney", "country_area": "NSW", "postal_code": "2000"}),
    ("JP", {"city": "Shibuya-ku", "country_area": "Tokyo", "postal_code": "150-0002"}),
    ("KR", {"city": "Gangnam-gu", "country_area": "Seoul", "postal_code": "06236"}),
    ("NL", {"city": "Amsterdam", "postal_code": "1012 JS"}),
    ("ES", {"city": "Madrid", "country_area": "Madrid", "postal_code": "28013"}),
    ("IT", {"city": "Roma", "country_area": "RM", "postal_code": "00184"}),
    # No postal codes in Hong Kong: none is asked for.
    ("HK", {"country_area": "Kowloon", "city": "Mong Kok"}),
]
BAD = [
    ("US", {"city": "Mountain View", "country_area": "CA", "postal_code": "9404"}, "postal_code"),
    ("US", {"city": "Mountain View", "postal_code": "94043"}, "country_area"),
    ("US", {"city": "Mountain View", "country_area": "Narnia", "postal_code": "94043"},
     "country_area"),
    ("CA", {"city": "Toronto", "country_area": "ON", "postal_code": "12345"}, "postal_code"),
    ("GB", {"city": "London", "postal_code": "12345"}, "postal_code"),
    ("DE", {"city": "Berlin", "postal_code": "1011"}, "postal_code"),
    ("FR", {"city": "Paris", "postal_code": "7500"}, "postal_code"),
    ("AU", {"city": "Sydney", "postal_code": "2000"}, "country_area"),
    ("AU", {"city": "Sydney", "country_area": "NSW", "postal_code": "20000"}, "postal_code"),
    ("JP", {"city": "Shibuya-ku", "country_area": "Tokyo", "postal_code": "1500"}, "postal_code"),
    ("KR", {"city": "Gangnam-gu", "country_area": "Seoul", "postal_code": "062"},
     "postal_code"),
    ("NL", {"city": "Amsterdam", "postal_code": "ABCD 12"}, "postal_code"),
    ("ES", {"city": "Madrid", "country_area": "Madrid", "postal_code": "2801"}, "postal_code"),
    ("IT", {"city": "Roma", "country_area": "RM", "postal_code": "184"}, "postal_code"),
    ("DE", {"postal_code": "10115"}, "city"),
]  # fmt: skip


def address(country, extra, **more):
    return {"name": "Ada", "street_address": "1 Main Street", "country": country, **extra,
            **more}  # fmt: skip


@pytest.mark.parametrize(("country", "extra"), GOOD)
def test_good_addresses_pass_and_are_normalised(country, extra):
    clean = address_validate(address(country, extra, phone="+1 (650) 555-0100"))
    assert clean["country"] == country
    assert clean["name"] == "Ada" and clean["phone"] == "+1 (650) 555-0100"


@pytest.mark.parametrize(("country", "extra", "field"), BAD)
def test_bad_addresses_name_the_field(country, extra, field):
    with pytest.raises(ValidationError) as raised:
        address_validate(address(country, extra))
    assert field in raised.value.message_dict, raised.value.message_dict


def test_postal_code_error_gives_an_example_and_the_country():
    with pytest.raises(ValidationError) as raised:
        address_validate(address("US", {"city": "X", "country_area": "CA", "postal_code": "1"}))
    message = raised.value.message_dict["postal_code"][0]
    assert "United States" in message and "95014" in message


def test_state_is_stored_as_its_code():
    clean = address_validate(address("US", {"city": "NYC", "country_area": "new york",
                                            "postal_code": "10001"}))  # fmt: skip
    assert clean["country_area"] == "NY"


@pytest.mark.parametrize("bad", [{"country": "XX"}, {"country": ""}, {"name": "  "},
                                 {"phone": "call me maybe"}])  # fmt: skip
def test_unknown_country_missing_name_bad_phone(bad):
    data = address("DE", {"city": "Berlin", "postal_code": "10115"})
    data.update(bad)
    with pytest.raises(ValidationError) as raised:
        address_validate(data)
    assert set(raised.value.message_dict) & {"country", "name", "phone"}


def test_country_list_comes_from_the_library():
    codes = dict(country_choices())
    assert {"US", "CA", "GB", "DE", "FR", "AU", "JP", "KR", "NL", "ES", "IT", "HK"} <= set(codes)
    assert codes["DE"] == "Germany"


TRACKING_GOOD = [
    ("ups", "1Z999AA10123456784"), ("ups", "1z 999 aa1 0123 456 784"),
    ("usps", "9361289676091361892011"), ("usps", "94001118992231234567"),
    ("usps", "420941059400111899223123456"[:22]), ("usps", "EC123456785US"),
    ("fedex", "123456789012"), ("fedex", "123456789012345"), ("fedex", "1" * 20),
    ("fedex", "1" * 22),
    ("dhl", "1234567890"), ("dhl", "JD014600006281230701"), ("dhl", "JJD0001234567890123"),
    ("other", "AB12345"),
]  # fmt: skip
TRACKING_BAD = [
    ("ups", "1Z999AA1012345678"), ("ups", "2Z999AA10123456784"), ("ups", "123456789012"),
    ("usps", "1234567890123456789"), ("usps", "12345678901234567890123"),
    ("usps", "E123456785US"), ("fedex", "1234567890"), ("fedex", "1234567890123"),
    ("fedex", "1Z999AA10123456784"), ("dhl", "123456789"), ("dhl", "12345678901"),
    ("dhl", "JX014600006281230701"), ("other", "ab"), ("other", "<script>"),
]  # fmt: skip


@pytest.mark.parametrize(("carrier", "number"), TRACKING_GOOD)
def test_tracking_numbers_of_each_carrier(carrier, number):
    assert tracking_number_problem(carrier, number) is None


@pytest.mark.parametrize(("carrier", "number"), TRACKING_BAD)
def test_wrong_tracking_numbers_say_what_the_carrier_uses(carrier, number):
    problem = tracking_number_problem(carrier, number)
    assert problem and "tracking number" in problem
