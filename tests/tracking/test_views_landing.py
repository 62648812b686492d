"""The public landing page (/l/<slug>/) and the brand's pages for codes, landing pages
and leads, over HTTP with the real middleware, database and Redis cache."""

from __future__ import annotations

import csv
import io
import itertools

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from creators import services as creator_services
from kolhub.models import Role
from tests.campaigns.factories import full_campaign, make_collaboration
from tests.tracking.test_links import DEAD_REDIS
from tracking import services
from tracking.models import Lead, PromoCode

pytestmark = pytest.mark.django_db
_ip = itertools.count(1)


def visitor() -> Client:
    # A fresh address per visitor, so the per-address rate limit of one test never
    # carries into another (the counters live in Redis for the run).
    n = next(_ip)
    return Client(REMOTE_ADDR=f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}")


def make_page(tenant, *, name="Dr. Ana López", headline="Glow with Ana", code="DRANA15"):
    org = tenant.organization
    with tenant.context():
        creator = creator_services.creator_create(
            organization=org,
            data={"name": name, "role": "kol", "credentials": "MD, dermatologist",
                  "photo_url": "https://img.example.com/ana.jpg"},
        )  # fmt: skip
        campaign = full_campaign(org)
        collaboration = make_collaboration(org, campaign, creator=creator)
        promo = services.promo_code_create(org, collaboration=collaboration, code=code,
                                           discount_kind="percent", discount_value=15)  # fmt: skip
        return services.landing_page_create(
            org, collaboration=collaboration, headline=headline, quote="I trust it.",
            product=campaign.products.first(), promo_code=promo,
            consent_text="Yes, email me about Glow — exactly this text.",
        )  # fmt: skip


def lead_post(page, client=None, **data):
    body = {"name": "Lee", "email": "lee@example.com", "consent": "1", **data}
    return (client or visitor()).post(reverse("landing_page", args=[page.slug]), body)


def test_landing_page_renders_its_own_data_only(tenant_a, tenant_b):
    page = make_page(tenant_a)
    make_page(tenant_b, name="Bea Secret", headline="B secret headline", code="BSECRET1")
    response = visitor().get(f"/l/{page.slug}/?utm_source=ig&utm_campaign=spring&kh_click=c42")
    body = response.content.decode()
    assert response.status_code == 200
    for text in ("Glow with Ana", "Dr. Ana López", "MD, dermatologist", "I trust it.", "Serum",
                 "DRANA15", "15% off", "Yes, email me about Glow — exactly this text.",
                 'name="utm_source" value="ig"', 'name="kh_click" value="c42"'):  # fmt: skip
        assert text in body, text
    for text in ("Bea Secret", "B secret headline", "BSECRET1", tenant_b.organization.name):
        assert text not in body
    assert 'name="viewport"' in body  # phone-friendly


def test_unknown_or_inactive_slug_is_404(tenant_a):
    assert visitor().get("/l/no-such-page/").status_code == 404
    page = make_page(tenant_a)
    with tenant_a.context():
        page.is_active = False
        page.save()
    assert visitor().get(f"/l/{page.slug}/").status_code == 404


def test_lead_submitted_with_utms_click_and_consent(tenant_a):
    page = make_page(tenant_a)
    response = lead_post(page, utm_source="instagram", utm_medium="kol", utm_campaign="spring",
                         kh_click="click-9", platform="instagram", email="Lee@Example.com")  # fmt: skip
    assert response.status_code == 200 and b"data-thanks" in response.content
    with tenant_a.context():
        lead = Lead.objects.get()
    assert lead.email == "lee@example.com"
    assert lead.consent_text == "Yes, email me about Glow — exactly this text."
    assert (lead.utm_source, lead.utm_medium, lead.utm_campaign, lead.click_id) == (
        "instagram", "kol", "spring", "click-9")  # fmt: skip
    assert lead.collaboration_id == page.collaboration_id


def test_lead_without_consent_is_refused(tenant_a):
    page = make_page(tenant_a)
    response = lead_post(page, consent="")
    assert response.status_code == 400
    assert b"Tick the box" in response.content
    with tenant_a.context():
        assert not Lead.objects.exists()


def test_second_submission_refreshes_the_lead(tenant_a):
    page = make_page(tenant_a)
    client = visitor()
    lead_post(page, client, utm_source="instagram")
    lead_post(page, client, name="Lee B", email="LEE@example.com", utm_source="tiktok")
    with tenant_a.context():
        lead = Lead.objects.get()
    assert (lead.name, lead.utm_source, lead.submissions) == ("Lee B", "tiktok", 2)


def test_honeypot_gets_a_thank_you_and_stores_nothing(tenant_a):
    page = make_page(tenant_a)
    response = lead_post(page, website="http://spam.example")
    assert response.status_code == 200 and b"data-thanks" in response.content
    with tenant_a.context():
        assert not Lead.objects.exists()


def test_rate_limit_per_address(tenant_a, settings):
    settings.TRACKING_LEADS_PER_HOUR = 3
    page = make_page(tenant_a)
    client = visitor()
    for n in range(3):
        assert lead_post(page, client, email=f"p{n}@example.com").status_code == 200
    response = lead_post(page, client, email="p9@example.com")
    assert response.status_code == 429
    assert lead_post(page, visitor(), email="other@example.com").status_code == 200
    with tenant_a.context():
        assert Lead.objects.count() == 4


def test_redis_down_page_renders_and_lead_is_stored(tenant_a, caplog):
    page = make_page(tenant_a)
    with override_settings(CACHES=DEAD_REDIS):
        client = visitor()
        assert client.get(f"/l/{page.slug}/").status_code == 200
        response = lead_post(page, client)
    # The rate limit fails open: a Redis outage must not cost the brand its leads.
    assert response.status_code == 200 and b"data-thanks" in response.content
    assert "rate limit not applied" in caplog.text
    with tenant_a.context():
        assert Lead.objects.get().email == "lee@example.com"


def test_brand_lead_list_escapes_html_and_counts(tenant_a):
    page = make_page(tenant_a)
    lead_post(page, name="<script>alert('x')</script>")
    campaign_id = page.collaboration.campaign_id
    client = tenant_a.client(Role.VIEWER)
    slug = tenant_a.organization.slug
    body = client.get(reverse("campaign_leads", args=[slug, campaign_id])).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body
    detail = client.get(
        reverse("collaboration_detail", args=[slug, campaign_id, page.collaboration_id])
    ).content.decode()
    assert "data-lead-count>1<" in detail and "DRANA15" in detail
    tracking = client.get(reverse("campaign_tracking", args=[slug, campaign_id]))
    assert tracking.status_code == 200 and f"/l/{page.slug}/" in tracking.content.decode()


def test_csv_export_is_formula_safe(tenant_a):
    page = make_page(tenant_a)
    lead_post(page, name='=HYPERLINK("http://evil","x")', utm_source="+cmd")
    response = tenant_a.client(Role.VIEWER).get(
        reverse(
            "campaign_leads_export",
            args=[tenant_a.organization.slug, page.collaboration.campaign_id],
        )  # fmt: skip
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["name"] == '\'=HYPERLINK("http://evil","x")'
    assert rows[0]["utm_source"] == "'+cmd"
    assert rows[0]["creator"] == "Dr. Ana López"


def test_brand_creates_code_and_page_from_the_web(tenant_a):
    org = tenant_a.organization
    with tenant_a.context():
        campaign = full_campaign(org)
        collaboration = make_collaboration(org, campaign)
    client = tenant_a.client(Role.MEMBER)
    url = reverse("promo_code_create", args=[org.slug, campaign.pk])
    client.post(url, {"collaboration": collaboration.pk, "code": "bad code!"})
    response = client.post(url, {"collaboration": collaboration.pk, "code": "glow-20"})
    assert response.status_code == 302
    with tenant_a.context():
        assert list(PromoCode.objects.values_list("code", flat=True)) == ["GLOW-20"]
        code = PromoCode.objects.get()
    response = client.post(
        reverse("landing_page_create", args=[org.slug, campaign.pk]),
        {"collaboration": collaboration.pk, "headline": "Hello", "promo_code": code.pk,
         "slug": "glow-page"},
    )  # fmt: skip
    assert response.status_code == 302
    assert b"GLOW-20" in visitor().get("/l/glow-page/").content


def test_api_codes_pages_leads_and_csv(tenant_a, tenant_b):
    page = make_page(tenant_a)
    lead_post(page, name="=1+1")
    client = tenant_a.client(Role.MEMBER)
    base = f"/api/v1/o/{tenant_a.organization.slug}"
    response = client.post(f"{base}/promo-codes/", {"collaboration": page.collaboration_id,
                                                     "code": "drana15"},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 400 and "already used" in str(response.json())
    response = client.post(f"{base}/promo-codes/", {"collaboration": page.collaboration_id,
                                                     "code": "ana-20"},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 201 and response.json()["code"] == "ANA-20"
    leads = client.get(f"{base}/leads/").json()
    results = leads["results"] if isinstance(leads, dict) else leads
    assert [r["name"] for r in results] == ["=1+1"]
    pages = client.get(f"{base}/landing-pages/").json()
    pages = pages["results"] if isinstance(pages, dict) else pages
    assert pages[0]["url_path"] == f"/l/{page.slug}/"
    csv_body = client.get(f"{base}/campaigns/{page.collaboration.campaign_id}/leads.csv")
    assert "'=1+1" in csv_body.content.decode()
    with tenant_b.context():
        b_collab = make_collaboration(tenant_b.organization, full_campaign(tenant_b.organization))
    response = client.post(f"{base}/promo-codes/", {"collaboration": b_collab.pk},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 400 and "Not found" in str(response.json())
