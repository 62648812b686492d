"""POST /t/conversion: signed and key-authenticated postbacks, replays, bad input, refunds,
the rate limit, and the settings page that issues the secret. Real PostgreSQL and Redis."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import logging
import time
import uuid
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone

from kolhub import services as kolhub_services
from kolhub.models import Role
from tests.campaigns.factories import make_campaign, make_collaboration
from tests.creators.factories import make_creator
from tracking import services
from tracking.models import AttributionEntry, Click, Conversion, PostbackCredential, Refund
from tracking.services import postback

pytestmark = pytest.mark.django_db
URL = "/t/conversion"
NOW = timezone.now().replace(microsecond=0)


@pytest.fixture
def world(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = make_campaign(org, name="Glow serum", slug="glow-serum")
        creator = make_creator(org, name="Dr. Ada", accounts=[
            {"platform": "instagram", "handle": "dr_ada", "followers": 20_000}])  # fmt: skip
        collaboration = make_collaboration(org, campaign, creator=creator)
        link = services.tracking_link_create(
            organization=org, collaboration=collaboration, platform="instagram",
            destination_url="https://shop.example/serum",
        )  # fmt: skip
        code = services.promo_code_create(org, collaboration=collaboration, code="DRADA15")
        click = Click.objects.create(
            organization=org, link=link, clicked_at=NOW - datetime.timedelta(hours=2),
            visitor_hash="v" * 64, user_agent_class="mobile", batch_id="test",
        )  # fmt: skip
        credential, secret = postback.postback_credential_rotate(organization=org, by=None)
    return {"tenant": tenant_a, "org": org, "collaboration": collaboration, "code": code.code,
            "click": click, "key": credential.public_key, "secret": secret}  # fmt: skip


def sign(secret: str, body: bytes, stamp: int | None = None) -> dict:
    """What a sender does, written out here independently of the service (docs/postback.md)."""
    stamp = int(time.time()) if stamp is None else stamp
    digest = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return {"HTTP_X_KOLHUB_SIGNATURE": f"sha256={digest}", "HTTP_X_KOLHUB_TIMESTAMP": str(stamp)}


def sale(world, **fields) -> dict:
    payload = {"organization_key": world["key"], "external_id": "order-1", "event": "sale",
               "amount": "120.00", "currency": "EUR", "time": NOW.isoformat()}  # fmt: skip
    payload.update(fields)
    return {k: v for k, v in payload.items() if v is not None}


def post_signed(world, payload, *, secret=None, stamp=None, client=None):
    body = json.dumps(payload).encode()
    headers = sign(secret or world["secret"], body, stamp)
    return (client or Client()).post(URL, body, content_type="application/json", **headers)


def count(world, model=Conversion, **filters):
    with world["tenant"].context():
        return model.objects.filter(**filters).count()


def test_a_signed_sale_with_a_code_is_recorded_and_credited(world):
    response = post_signed(world, sale(world, code="drada15", order_name="#A-1"))
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["status"] == "created" and answer["event"] == "sale"
    assert answer["credit"]["rule"] == "code" and answer["credit"]["creator"] == "Dr. Ada"
    assert answer["credit"]["collaboration_id"] == world["collaboration"].pk
    with world["tenant"].context():
        conversion = Conversion.objects.get(pk=answer["conversion_id"])
        assert (conversion.source, conversion.source_label, conversion.external_id) == (
            "postback", "", "order-1")  # fmt: skip
        assert conversion.total == Decimal("120.00") and conversion.name == "#A-1"
        assert conversion.discount_codes == ["DRADA15"]
        assert PostbackCredential.objects.get().last_used_at is not None


def test_a_key_authenticated_lead_with_a_click_id_is_credited_to_the_click(world):
    tenant = world["tenant"]
    with tenant.context():
        _, raw = kolhub_services.api_key_create(
            organization=world["org"], actor=tenant.memberships[Role.OWNER], name="CRM",
            role="member",
        )  # fmt: skip
    payload = {"external_id": "lead-9", "event": "lead", "time": NOW.isoformat(),
               "click_id": world["click"].click_id.hex}  # fmt: skip
    response = Client().post(URL, json.dumps(payload), content_type="application/json",
                             HTTP_AUTHORIZATION=f"Api-Key {raw}")  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["credit"]["rule"] == "click"
    with tenant.context():
        assert Conversion.objects.get().kind == "lead"


def test_a_read_only_key_may_not_write_and_a_wrong_key_is_401(world):
    tenant = world["tenant"]
    with tenant.context():
        _, raw = kolhub_services.api_key_create(
            organization=world["org"], actor=tenant.memberships[Role.OWNER], name="BI",
            role="viewer",
        )  # fmt: skip
    body = json.dumps(sale(world, organization_key=None))
    read_only = Client().post(URL, body, content_type="application/json",
                              HTTP_AUTHORIZATION=f"Api-Key {raw}")  # fmt: skip
    assert read_only.status_code == 403
    wrong = Client().post(URL, body, content_type="application/json",
                          HTTP_AUTHORIZATION="Api-Key kh_nope_nope")  # fmt: skip
    assert wrong.status_code == 401 and wrong.json()["field"] == "authentication"
    assert count(world) == 0


def test_another_organizations_key_cannot_post_for_this_one(world, tenant_b):
    with tenant_b.context():
        _, raw = kolhub_services.api_key_create(
            organization=tenant_b.organization, actor=tenant_b.memberships[Role.OWNER],
            name="B", role="member",
        )  # fmt: skip
        _, b_secret = postback.postback_credential_rotate(organization=tenant_b.organization,
                                                          by=None)  # fmt: skip
    # B's API key naming A's organization key.
    response = Client().post(URL, json.dumps(sale(world)), content_type="application/json",
                             HTTP_AUTHORIZATION=f"Api-Key {raw}")  # fmt: skip
    assert response.status_code == 401
    # A's organization key signed with B's secret.
    assert post_signed(world, sale(world), secret=b_secret).status_code == 401
    assert count(world) == 0


def test_a_bad_signature_is_401_logged_and_writes_nothing(world, caplog):
    body = json.dumps(sale(world)).encode()
    headers = sign(world["secret"], body)
    tampered = body.replace(b"120.00", b"999.00")
    with caplog.at_level(logging.WARNING, logger="tracking.postback"):
        response = Client().post(URL, tampered, content_type="application/json", **headers)
    assert response.status_code == 401
    assert response.json() == {"field": "authentication", "reason": "signature does not match"}
    assert any("signature does not match" in r.getMessage() for r in caplog.records)
    unsigned = Client().post(URL, body, content_type="application/json")
    assert unsigned.status_code == 401
    assert count(world) == 0


def test_a_stale_or_future_timestamp_is_refused_even_with_a_valid_signature(world):
    old = int(time.time()) - 6 * 60
    assert post_signed(world, sale(world), stamp=old).status_code == 401
    ahead = int(time.time()) + 6 * 60
    assert post_signed(world, sale(world), stamp=ahead).status_code == 401
    # The timestamp is signed: moving the header to now breaks the signature.
    body = json.dumps(sale(world)).encode()
    headers = sign(world["secret"], body, old)
    headers["HTTP_X_KOLHUB_TIMESTAMP"] = str(int(time.time()))
    assert Client().post(URL, body, content_type="application/json", **headers).status_code == 401
    assert count(world) == 0


def test_a_postback_replayed_ten_times_is_counted_once(world):
    payload = sale(world, code="DRADA15")
    body = json.dumps(payload).encode()
    headers = sign(world["secret"], body)
    statuses = [
        Client().post(URL, body, content_type="application/json", **headers).status_code
        for _ in range(10)
    ]
    assert statuses == [201] + [200] * 9
    assert count(world) == 1
    assert count(world, AttributionEntry) == 1
    # The same external id under another source label is another conversion.
    assert post_signed(world, sale(world, source_label="app")).status_code == 201
    assert count(world) == 2


def test_a_changed_amount_updates_the_conversion_and_its_credit(world):
    assert post_signed(world, sale(world, code="DRADA15")).status_code == 201
    response = post_signed(world, sale(world, code="DRADA15", amount="80.00"))
    assert response.status_code == 200 and response.json()["status"] == "updated"
    with world["tenant"].context():
        kinds = list(AttributionEntry.objects.order_by("id").values_list("kind", "revenue"))
    assert kinds == [("credit", Decimal("120.00")), ("reversal", Decimal("-120.00")),
                     ("credit", Decimal("80.00"))]  # fmt: skip


BAD = [
    ("malformed json", b'{"event": "sale",', "body", "not valid JSON"),
    ("not an object", b'["sale"]', "body", "JSON object"),
    ("wrong currency", {"currency": "EURO"}, "currency", "ISO 4217"),
    ("unknown currency", {"currency": "XXY"}, "currency", "ISO 4217"),
    ("negative amount", {"amount": "-5"}, "amount", "negative"),
    ("amount not a number", {"amount": "ten"}, "amount", "not a number"),
    ("missing amount", {"amount": None}, "amount", "required"),
    ("future date", {"time": (NOW + datetime.timedelta(days=30)).isoformat()}, "time",
     "future"),
    ("no timezone", {"time": "2025-01-01T10:00:00"}, "time", "timezone"),
    ("not a date", {"time": "yesterday"}, "time", "ISO 8601"),
    ("unknown event", {"event": "purchase"}, "event", "lead, sale, refund"),
    ("no external id", {"external_id": None}, "external_id", "required"),
    ("unknown field", {"ammount": "1"}, "ammount", "not a postback field"),
    ("nested value", {"order_name": {"a": 1}}, "order_name", "string or a number"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "change", "field", "reason"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_400_with_the_field_and_reason(world, case, change, field, reason):
    if isinstance(change, bytes):
        body = change
    else:
        payload = {**sale(world), **change}
        body = json.dumps({k: v for k, v in payload.items() if v is not None}).encode()
    response = Client().post(URL, body, content_type="application/json",
                             **sign(world["secret"], body))  # fmt: skip
    assert response.status_code == 400, response.content
    answer = response.json()
    assert answer["field"] == field and reason in answer["reason"], answer
    assert count(world) == 0


def test_an_unknown_click_id_or_code_is_recorded_unattributed(world):
    unknown_click = sale(world, external_id="o-2", click_id=uuid.uuid4().hex)
    response = post_signed(world, unknown_click)
    assert response.status_code == 201 and response.json()["credit"] == "unattributed"
    garbage = post_signed(world, sale(world, external_id="o-3", click_id="not-a-click"))
    assert garbage.status_code == 201 and garbage.json()["credit"] == "unattributed"
    code = post_signed(world, sale(world, external_id="o-4", code="NOSUCHCODE"))
    assert code.status_code == 201 and code.json()["credit"] == "unattributed"
    assert count(world) == 3 and count(world, AttributionEntry) == 0


def test_a_form_encoded_postback_works_too(world):
    body = urlencode(sale(world, code="DRADA15", amount="19.99")).encode()
    response = Client().post(URL, body, content_type="application/x-www-form-urlencoded",
                             **sign(world["secret"], body))  # fmt: skip
    assert response.status_code == 201, response.content
    with world["tenant"].context():
        assert Conversion.objects.get().total == Decimal("19.99")


def test_the_refund_flow(world):
    assert post_signed(world, sale(world, code="DRADA15")).status_code == 201
    refund = sale(world, event="refund", amount="20.00")
    first = post_signed(world, refund)
    assert first.status_code == 201 and first.json()["status"] == "refund_added"
    assert first.json()["credit"]["rule"] == "code"
    # Replayed: the same refund (same time and amount, no refund_id) is not booked twice.
    again = post_signed(world, refund)
    assert again.status_code == 200 and again.json()["status"] == "refund_known"
    assert count(world, Refund) == 1
    with world["tenant"].context():
        assert Conversion.objects.get().refunded == Decimal("20.00")
        entries = list(AttributionEntry.objects.order_by("id").values_list("kind", "revenue"))
    assert entries == [("credit", Decimal("120.00")), ("refund", Decimal("-20.00"))]
    # More than what is left, another currency, an order we never saw.
    too_much = post_signed(world, sale(world, event="refund", amount="101.00", refund_id="r2"))
    assert too_much.status_code == 400 and too_much.json()["field"] == "amount"
    other = post_signed(world, sale(world, event="refund", currency="USD", refund_id="r3"))
    assert other.status_code == 400 and other.json()["field"] == "currency"
    missing = post_signed(world, sale(world, event="refund", external_id="nope"))
    assert missing.status_code == 404 and missing.json()["field"] == "external_id"
    assert count(world, Refund) == 1


def test_the_rate_limit_counts_per_organization_key(world, settings, monkeypatch):
    settings.TRACKING_POSTBACKS_PER_MINUTE = 3
    # One fixed minute, so the test never straddles two windows.
    monkeypatch.setattr(postback, "_minute", lambda: f"test-{uuid.uuid4().hex}")
    minute = postback._minute()
    monkeypatch.setattr(postback, "_minute", lambda: minute)
    statuses = [post_signed(world, sale(world, external_id=f"r-{i}")).status_code for i in range(4)]
    assert statuses == [201, 201, 201, 429]
    assert count(world) == 3


def test_admins_create_and_rotate_the_secret_shown_once(tenant_a):
    client = tenant_a.client(Role.ADMIN)
    url = f"/o/{tenant_a.organization.slug}/tracking/postback/"
    assert "No postback secret yet" in client.get(url).content.decode()
    created = client.post(url).content.decode()
    with tenant_a.context():
        credential = PostbackCredential.objects.get()
    first_secret = created.split("data-postback-secret>")[1].split("<")[0]
    assert len(first_secret) >= 40 and first_secret not in credential.secret_encrypted
    page = client.get(url).content.decode()
    assert credential.public_key in page and first_secret not in page
    rotated = client.post(url).content.decode()
    second_secret = rotated.split("data-postback-secret>")[1].split("<")[0]
    assert second_secret != first_secret
    with tenant_a.context():
        assert PostbackCredential.objects.get().public_key == credential.public_key
    # The old secret no longer signs.
    body = json.dumps({"organization_key": credential.public_key, "external_id": "x",
                       "event": "lead", "time": NOW.isoformat()}).encode()  # fmt: skip
    old = Client().post(URL, body, content_type="application/json", **sign(first_secret, body))
    new = Client().post(URL, body, content_type="application/json", **sign(second_secret, body))
    assert (old.status_code, new.status_code) == (401, 201)
    # Members may not see or rotate it.
    assert tenant_a.client(Role.MEMBER).get(url).status_code == 403
    assert tenant_a.client(Role.MEMBER).post(url).status_code == 403


def test_a_postback_lead_counts_as_a_lead_and_a_sale_as_an_order(world):
    """METRICS.md: conversions are orders (a lead-generation campaign's are its leads).
    A postback lead is a lead on both kinds of campaign, never an order."""
    from campaigns.models import Objective
    from tracking.kpis import kpis
    from tracking.selectors.results import rollup_totals
    from tracking.services.rollups import rollups_refresh

    org, campaign = world["org"], world["collaboration"].campaign
    click = world["click"].click_id.hex
    for payload in (
        {"external_id": "lead-1", "event": "lead", "click_id": click},
        {"external_id": "lead-2", "event": "lead", "code": world["code"]},
        {"external_id": "order-1", "event": "sale", "code": world["code"], "amount": "50",
         "currency": campaign.currency},
    ):  # fmt: skip
        payload = {"organization_key": world["key"], "time": NOW.isoformat(), **payload}
        assert post_signed(world, payload).status_code == 201
    rollups_refresh(organization=org)
    with world["tenant"].context():
        totals = rollup_totals(organization=org, campaign_ids=[campaign.pk])[None]
        assert (totals.leads, totals.conversions, totals.code_conversions) == (2, 1, 1)
        assert totals.revenue == Decimal("50.00")
        assert kpis(totals, objective=Objective.SALES).conversions == 1
        assert kpis(totals, objective=Objective.LEAD_GENERATION).conversions == 2
        entries = AttributionEntry.objects.order_by("id")
        assert [e.conversion_kind for e in entries] == ["lead", "lead", "sale"]
