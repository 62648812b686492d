"""Tracking links end to end: UTM building, the /r/<code> redirect, the click buffer and
its flush (idempotent, crash-safe), Redis down, the brand's section, cross-tenant."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from tests.tracking.world import PHONE, linked
from tracking import clicks, links, selectors, services
from tracking.models import Click, ClickFallback, LinkCode, TrackingLink

pytestmark = pytest.mark.django_db

DESKTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0"
DEAD_REDIS = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": "unix:///nonexistent/redis.sock", "KEY_PREFIX": "dead"}}  # fmt: skip


@pytest.fixture(autouse=True)
def empty_buffer():
    client = clicks._redis()
    for key in client.keys(clicks._key("*")):
        client.delete(key)
    yield


def visit(code: str, agent: str = PHONE, ip: str = "203.0.113.7", **headers):
    return Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=ip, **headers).get(f"/r/{code}")


def query(url: str) -> dict:
    return parse_qs(urlsplit(url).query)


# --- UTM building ------------------------------------------------------------------


def test_utms_keep_other_params_and_override_ours():
    url = links.tracked_url("https://shop.example/p?ref=x&utm_source=old#top", platform="tiktok",
                            role="kol", campaign_slug="spring-launch", handle="anna & co")  # fmt: skip
    parts = urlsplit(url)
    assert parts.fragment == "top"
    assert parts.query == ("ref=x&utm_source=tiktok&utm_medium=kol&utm_campaign=spring-launch"
                           "&utm_content=anna+%26+co")  # fmt: skip


def test_utm_medium_influencer_and_no_content_without_handle():
    q = query(links.tracked_url("http://a.example/", platform="youtube", role="ambassador",
                                campaign_slug="c"))  # fmt: skip
    assert q == {"utm_source": ["youtube"], "utm_medium": ["influencer"], "utm_campaign": ["c"]}


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "ftp://x.example/f", "shop.example", ""])
def test_destination_must_be_http(tenant_a, bad):
    with tenant_a.context(), pytest.raises(ValidationError):
        linked(tenant_a.organization, destination=bad)
    with tenant_a.context():
        assert not TrackingLink.objects.exists()
    assert not LinkCode.objects.exists()


def test_link_created_with_handle_and_register(tenant_a):
    with tenant_a.context():
        collaboration, link = linked(tenant_a.organization)
        q = query(link.tracked_url)
        assert q["ref"] == ["x"] and q["utm_source"] == ["instagram"]
        assert q["utm_content"] == ["zebra_handle"] and q["utm_medium"] == ["influencer"]
        assert q["utm_campaign"] == [collaboration.campaign.slug]
        with pytest.raises(ValidationError):
            services.tracking_link_create(organization=tenant_a.organization, collaboration=collaboration,
                                          platform="instagram", destination_url="https://a.example")  # fmt: skip
    assert LinkCode.objects.get(code=link.code).link_id == link.pk
    assert len(link.code) == 8


# --- redirect, buffer, flush ------------------------------------------------------


def test_redirect_appends_click_id_and_flush_records(tenant_a):
    with tenant_a.context():
        _c, link = linked(tenant_a.organization)
    response = visit(link.code, HTTP_REFERER="https://www.instagram.com/p/abc")
    assert response.status_code == 302
    target = response["Location"]
    assert target.startswith(link.tracked_url + "&kh_click=")
    click_id = query(target)["kh_click"][0]
    with tenant_a.context():
        assert not Click.objects.exists()  # nothing written on the request path
    assert clicks.flush_clicks() == 1
    with tenant_a.context():
        click = Click.objects.get()
        assert click.click_id.hex == click_id and click.is_unique
        assert click.referrer_host == "www.instagram.com" and click.user_agent_class == "mobile"
        assert "203.0.113.7" not in click.visitor_hash and len(click.visitor_hash) == 64


def test_unknown_code_is_a_friendly_404():
    response = visit("nope1234")
    assert response.status_code == 404
    assert b"This link does not work" in response.content


@pytest.mark.parametrize("how", [
    {"method": "head"}, {"agent": "facebookexternalhit/1.1"}, {"agent": "Slackbot-LinkExpanding 1.0"},
    {"agent": "Twitterbot/1.0"}, {"headers": {"HTTP_SEC_PURPOSE": "prefetch"}},
    {"headers": {"HTTP_PURPOSE": "prefetch"}},
])  # fmt: skip
def test_bots_and_prefetch_redirected_not_counted(tenant_a, how):
    with tenant_a.context():
        _c, link = linked(tenant_a.organization)
    client = Client(HTTP_USER_AGENT=how.get("agent", PHONE), **how.get("headers", {}))
    response = getattr(client, how.get("method", "get"))(f"/r/{link.code}")
    assert response.status_code == 302
    assert clicks.flush_clicks() == 0


def test_repeat_within_30_minutes_counts_once(tenant_a):
    with tenant_a.context():
        _c, link = linked(tenant_a.organization)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        visit(link.code)
        visit(link.code)
        visit(link.code, ip="198.51.100.1")
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        visit(link.code)
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        visit(link.code)
    assert clicks.flush_clicks() == 5
    with tenant_a.context():
        row = selectors.tracking_link_get(organization=tenant_a.organization, link_id=link.pk)
        assert (row.clicks_recorded, row.clicks_unique) == (5, 3)


def test_behind_a_proxy_visitors_are_told_apart_by_forwarded_address(tenant_a, settings):
    settings.PROXY_HOPS = 1
    with tenant_a.context():
        _c, link = linked(tenant_a.organization)
    proxy = "10.0.0.2"  # every request reaches the app from the TLS proxy
    visit(link.code, ip=proxy, HTTP_X_FORWARDED_FOR="203.0.113.7")
    visit(link.code, ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.1")
    visit(link.code, ip=proxy, HTTP_X_FORWARDED_FOR="192.0.2.9, 198.51.100.1")  # a repeat
    assert clicks.flush_clicks() == 3
    with tenant_a.context():
        row = selectors.tracking_link_get(organization=tenant_a.organization, link_id=link.pk)
        assert (row.clicks_recorded, row.clicks_unique) == (3, 2)


def test_flush_twice_and_crash_before_ack_neither_loses_nor_duplicates(tenant_a):
    with tenant_a.context():
        _c, link = linked(tenant_a.organization)
    for n in range(7):
        visit(link.code, ip=f"192.0.2.{n}")
    redis = clicks._redis()
    # A worker takes a batch, commits the insert, and dies before acknowledging it.
    batch_id, lines = clicks.take_batch(redis, batch_size=4)
    assert redis.lrange(clicks._key(f"clicks:processing:{batch_id}"), 0, -1) == lines
    assert clicks.copy_lines(lines, batch_id) == 4
    # Another takes a batch and dies before the insert.
    clicks.take_batch(redis, batch_size=2)
    assert clicks.flush_clicks() == 3  # the 2 never inserted + 1 left in the buffer
    assert clicks.flush_clicks() == 0
    with tenant_a.context():
        assert Click.objects.count() == 7
        assert Click.objects.filter(batch_id=batch_id).count() == 4
    assert not redis.smembers(clicks._key(clicks.PENDING))


def test_redis_down_redirect_works_and_click_goes_to_fallback(tenant_a):
    with tenant_a.context():
        _c, link = linked(tenant_a.organization)
    visit(link.code)  # cached while Redis is up
    assert clicks.flush_clicks() == 1
    with override_settings(CACHES=DEAD_REDIS):
        first = visit(link.code)
        second = visit(link.code)
        assert first.status_code == second.status_code == 302
        assert first["Location"].startswith(link.tracked_url + "&kh_click=")
        assert ClickFallback.objects.count() == 2
        assert visit("nope1234").status_code == 404
        assert clicks.flush_clicks() == 2  # the fallback only; Redis is unreachable
    assert not ClickFallback.objects.exists()
    assert clicks.flush_clicks() == 0
    with tenant_a.context():
        # The click taken with Redis up came first; the flush finds the two later ones
        # are repeats of the same visitor within 30 minutes.
        assert sorted(Click.objects.values_list("is_unique", flat=True)) == [False, False, True]


def test_deleted_link_stops_redirecting(tenant_a, django_capture_on_commit_callbacks):
    with tenant_a.context():
        _c, link = linked(tenant_a.organization)
    assert visit(link.code).status_code == 302
    with tenant_a.context(), django_capture_on_commit_callbacks(execute=True):
        services.tracking_link_delete(organization=tenant_a.organization, link=link)
    assert visit(link.code).status_code == 404


def test_link_deleted_with_its_collaboration_stops_redirecting(
    tenant_a, django_capture_on_commit_callbacks
):
    from campaigns.services import collaboration_remove

    with tenant_a.context():
        collaboration, link = linked(tenant_a.organization)
    assert visit(link.code).status_code == 302  # the code is now cached in Redis
    with tenant_a.context(), django_capture_on_commit_callbacks(execute=True):
        collaboration_remove(organization=tenant_a.organization, collaboration=collaboration)
    assert not LinkCode.objects.filter(code=link.code).exists()
    assert not clicks._redis().exists(clicks._key(f"target:{link.code}"))
    assert visit(link.code).status_code == 404


def test_admin_cannot_add_or_edit_links_and_its_delete_releases_the_code(
    tenant_a, django_capture_on_commit_callbacks
):
    from kolhub.models import User

    with tenant_a.context():
        _c, link = linked(tenant_a.organization)
    assert visit(link.code).status_code == 302
    staff = User.objects.create_superuser("staff@platform.test", "pw-for-tests-1")
    client = Client()
    client.force_login(staff)
    assert client.get("/admin/tracking/trackinglink/add/").status_code == 403
    change = f"/admin/tracking/trackinglink/{link.pk}/change/"
    page = client.get(change)
    assert page.status_code == 200 and 'name="destination_url"' not in page.content.decode()
    assert 'name="collaboration"' not in page.content.decode()
    client.post(change, {"destination_url": "https://evil.example/", "platform": "tiktok"})
    with tenant_a.context():
        link.refresh_from_db()
        assert link.destination_url.startswith("https://shop.example/")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/tracking/trackinglink/{link.pk}/delete/", {"post": "yes"})
    assert not LinkCode.objects.filter(code=link.code).exists()
    assert visit(link.code).status_code == 404


def test_beat_flushes_by_a_registered_task():
    from kolhub.celery import app
    from tracking.tasks import flush_clicks_task

    entry = app.conf.beat_schedule["flush-tracking-clicks"]
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks and entry["schedule"] <= 30
    assert flush_clicks_task.name == entry["task"]


def test_flush_task_runs_the_flush(tenant_a):
    from tracking.tasks import flush_clicks_task

    with tenant_a.context():
        _c, link = linked(tenant_a.organization)
    visit(link.code)
    assert flush_clicks_task.apply().get() == 1
    with tenant_a.context():
        assert Click.objects.count() == 1


# --- brand pages ------------------------------------------------------------------


def test_brand_creates_link_sees_counts_and_downloads_qr(tenant_a):
    with tenant_a.context():
        collaboration, link = linked(tenant_a.organization)
    visit(link.code)
    clicks.flush_clicks()
    client, slug = tenant_a.client(), tenant_a.organization.slug
    page = client.get(reverse("collaboration_detail",
                              args=[slug, collaboration.campaign_id, collaboration.pk]))  # fmt: skip
    assert b"1 click recorded" in page.content and link.code.encode() in page.content
    response = client.post(
        reverse("tracking_link_create", args=[slug, collaboration.campaign_id, collaboration.pk]),
        {"platform": "tiktok", "destination_url": "https://shop.example/<script>"},
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert b"<script>" not in page.content
    svg = client.get(reverse("tracking_link_qr", args=[slug, link.pk, "svg"]))
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    png = client.get(reverse("tracking_link_qr", args=[slug, link.pk, "png"]))
    assert png.content.startswith(b"\x89PNG")
    bad = client.post(
        reverse("tracking_link_create", args=[slug, collaboration.campaign_id, collaboration.pk]),
        {"platform": "youtube", "destination_url": "javascript:alert(1)"},
        follow=True,
    )
    assert b"Enter a full http" in bad.content
    with tenant_a.context():
        assert TrackingLink.objects.count() == 2


def test_other_orgs_links_not_accessible(tenant_a, tenant_b):
    with tenant_a.context():
        collaboration, link = linked(tenant_a.organization)
    outsider, slug_b = tenant_b.client(), tenant_b.organization.slug
    assert (
        outsider.get(reverse("tracking_link_qr", args=[slug_b, link.pk, "svg"])).status_code == 404
    )
    assert outsider.post(reverse("tracking_link_delete", args=[slug_b, link.pk])).status_code == 404
    assert (
        outsider.post(
            reverse(
                "tracking_link_create", args=[slug_b, collaboration.campaign_id, collaboration.pk]
            ),
            {"platform": "tiktok", "destination_url": "https://evil.example"},
        ).status_code
        == 404
    )
    with tenant_a.context():
        assert TrackingLink.objects.count() == 1


def test_public_redirect_leaks_nothing_of_the_tenant(tenant_a):
    with tenant_a.context():
        _c, link = linked(tenant_a.organization)
    response = visit(link.code)
    assert tenant_a.organization.slug.encode() not in response.content
    assert response.content == b""
    assert visit(link.code.lower() + "x").status_code == 404
    assert visit("x" * 500).status_code == 404
    assert visit("abc%2F..%2Fdef").status_code == 404
