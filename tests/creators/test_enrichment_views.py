"""Creators → Integrations: the admin-only key settings (never showing the key), the
failure list, "Refresh stale accounts now", and "Refresh now" on an account."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from creators.enrichment.adapters import adapter_for
from creators.models import Platform, PlatformCredential, SocialAccount
from creators.services import platform_credential_set
from kolhub.models import Role
from tests.creators.factories import make_creator
from tests.creators.test_enrichment import (
    API_KEY,
    QUOTA_EXCEEDED,
    FakeYouTube,
    account_of,
    channel,
    channel_id,
    refresh,
    set_key,
    youtube_creator,
)

pytestmark = pytest.mark.django_db

SECRET = "AIzaVerySecretKeyNobodyMaySeeInFull9876"


def url(tenant, path: str = "") -> str:
    return f"/o/{tenant.organization.slug}/creators/integrations/{path}"


def credential_of(tenant) -> PlatformCredential | None:
    with tenant.context():
        return PlatformCredential.objects.filter(platform=Platform.YOUTUBE).first()


def store_key(tenant, **options) -> None:
    with tenant.context():
        platform_credential_set(organization=tenant.organization, platform=Platform.YOUTUBE,
                                api_key=SECRET, **options)  # fmt: skip


@pytest.fixture
def youtube():
    with FakeYouTube() as server:
        yield server


# --- the settings page ----------------------------------------------------------------------


def test_every_role_reads_the_page_and_sees_only_the_last_four(tenant_a):
    store_key(tenant_a, stale_after_days=3)
    for role in Role.values:
        response = tenant_a.client(role).get(url(tenant_a))
        body = response.content.decode()
        assert response.status_code == 200, role
        assert "Connected" in body and SECRET[-4:] in body
        assert SECRET not in body and SECRET[:-4] not in body, role
        assert "3 days" in body
        can_admin = Role.at_least(role, Role.ADMIN)
        assert ("Only owners and admins can change the API key" in body) is not can_admin


def test_admin_sets_the_key_and_it_is_never_shown_back(tenant_a):
    admin = tenant_a.client(Role.ADMIN)
    response = admin.post(
        url(tenant_a),
        {"api_key": f"  {SECRET} ", "base_url": "https://yt-proxy.example/youtube/v3/",
         "stale_after_days": "14"},
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"] == url(tenant_a)
    credential = credential_of(tenant_a)
    assert credential.api_key == SECRET
    assert credential.base_url == "https://yt-proxy.example/youtube/v3"
    assert credential.stale_after_days == 14

    body = admin.get(url(tenant_a)).content.decode()
    assert SECRET not in body and SECRET[-4:] in body
    assert "https://yt-proxy.example/youtube/v3" in body


def test_a_blank_key_keeps_the_saved_one(tenant_a):
    admin = tenant_a.client(Role.ADMIN)
    admin.post(url(tenant_a), {"api_key": SECRET, "stale_after_days": "7"})
    admin.post(url(tenant_a), {"api_key": "", "stale_after_days": "30"})
    credential = credential_of(tenant_a)
    assert (credential.api_key, credential.stale_after_days) == (SECRET, 30)


def test_the_form_says_what_to_fix_and_does_not_echo_the_key(tenant_a):
    admin = tenant_a.client(Role.ADMIN)

    response = admin.post(url(tenant_a), {"api_key": SECRET, "stale_after_days": "0"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 1." in body
    assert SECRET not in body

    response = admin.post(url(tenant_a), {"api_key": "", "stale_after_days": "7"})
    assert "Paste the API key." in response.content.decode()

    response = admin.post(url(tenant_a), {"api_key": "AIza two words", "stale_after_days": "7"})
    assert "An API key has no spaces" in response.content.decode()

    response = admin.post(
        url(tenant_a), {"api_key": SECRET, "base_url": "not a url", "stale_after_days": "7"}
    )
    assert "Enter a valid URL." in response.content.decode()
    assert credential_of(tenant_a) is None


@pytest.mark.parametrize("role", [Role.MEMBER, Role.VIEWER])
def test_members_and_viewers_cannot_change_or_remove_the_key(tenant_a, role):
    store_key(tenant_a)
    client = tenant_a.client(role)
    response = client.post(url(tenant_a), {"api_key": "AIzaStolen", "stale_after_days": "1"})
    assert response.status_code == 403
    assert client.post(url(tenant_a, "youtube/remove/")).status_code == 403
    credential = credential_of(tenant_a)
    assert credential.api_key == SECRET and credential.stale_after_days == 7


def test_admin_removes_the_key(tenant_a):
    admin = tenant_a.client(Role.ADMIN)
    admin.post(url(tenant_a), {"api_key": SECRET, "stale_after_days": "7"})
    response = admin.post(url(tenant_a, "youtube/remove/"))
    assert response.status_code == 302
    assert credential_of(tenant_a) is None
    assert admin.post(url(tenant_a, "youtube/remove/")).status_code == 404
    assert "Not set up" in admin.get(url(tenant_a)).content.decode()


def test_another_organization_sees_none_of_it(tenant_a, tenant_b):
    tenant_a.client(Role.OWNER).post(url(tenant_a), {"api_key": SECRET, "stale_after_days": "7"})
    outsider = tenant_b.client(Role.OWNER)
    assert outsider.get(url(tenant_a)).status_code == 404
    assert outsider.post(url(tenant_a), {"api_key": "x", "stale_after_days": "1"}).status_code == (
        404
    )
    assert outsider.post(url(tenant_a, "youtube/remove/")).status_code == 404
    body = outsider.get(url(tenant_b)).content.decode()
    assert "Not set up" in body and SECRET[-4:] not in body
    assert credential_of(tenant_a).api_key == SECRET


# --- failures and refreshes -----------------------------------------------------------------


def test_the_failure_list_names_the_account_and_the_reason(tenant_a, youtube):
    youtube.errors[channel_id(1)] = QUOTA_EXCEEDED
    set_key(tenant_a, youtube)
    youtube_creator(tenant_a, {"handle": "failing", "external_id": channel_id(1)},
                    name="Dr Failing Channel")  # fmt: skip
    refresh(tenant_a, "failing")

    body = tenant_a.client(Role.VIEWER).get(url(tenant_a)).content.decode()
    assert "Dr Failing Channel" in body and "@failing" in body
    assert "quotaExceeded" in body
    assert API_KEY not in body
    # Viewers cannot retry; members can.
    assert "Retry" not in body
    assert "Retry" in tenant_a.client(Role.MEMBER).get(url(tenant_a)).content.decode()


def test_refresh_now_queues_the_account_and_returns_to_the_page(
    tenant_a, youtube, django_capture_on_commit_callbacks
):
    cid = channel_id(2)
    youtube.add(channel(cid, subscribers=64_000))
    set_key(tenant_a, youtube)
    youtube_creator(tenant_a, {"handle": "clickme", "external_id": cid, "followers": 1})
    account = account_of(tenant_a, "clickme")
    back = f"/o/{tenant_a.organization.slug}/creators/{account.creator_id}/"

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = tenant_a.client(Role.MEMBER).post(
            url(tenant_a, f"accounts/{account.pk}/refresh/"), {"next": back}
        )
    assert response.status_code == 302 and response["Location"] == back
    # Nothing is sent before the request's transaction commits.
    assert youtube.requests == [] and len(callbacks) == 1
    callbacks[0]()

    account = account_of(tenant_a, "clickme")
    assert account.followers == 64_000
    assert account.provenance["followers"]["source"] == "api"


def test_refresh_now_ignores_a_next_outside_the_organization(tenant_a, youtube):
    set_key(tenant_a, youtube)
    youtube_creator(tenant_a, {"handle": "redirected", "external_id": channel_id(3)})
    account = account_of(tenant_a, "redirected")
    client = tenant_a.client(Role.MEMBER)
    for target in ("https://evil.example/", "//evil.example/o/", "/o/quokka-beta/"):
        response = client.post(url(tenant_a, f"accounts/{account.pk}/refresh/"), {"next": target})
        assert response["Location"] == url(tenant_a), target


def test_refresh_now_explains_what_cannot_be_refreshed(tenant_a):
    youtube_creator(tenant_a, {"handle": "nokeyyet", "external_id": channel_id(4)})
    with tenant_a.context():
        make_creator(tenant_a.organization, accounts=[{"platform": "instagram", "handle": "gram"}])
    client = tenant_a.client(Role.MEMBER)

    response = client.post(
        url(tenant_a, f"accounts/{account_of(tenant_a, 'nokeyyet').pk}/refresh/"), follow=True
    )
    assert "No YouTube API key is set up" in response.content.decode()
    response = client.post(
        url(tenant_a, f"accounts/{account_of(tenant_a, 'gram').pk}/refresh/"), follow=True
    )
    assert "Instagram figures cannot be refreshed from an API yet" in response.content.decode()


def test_refresh_now_of_another_organizations_account_is_404(tenant_a, tenant_b, youtube):
    set_key(tenant_a, youtube)
    set_key(tenant_b, youtube)
    youtube_creator(tenant_a, {"handle": "a_account", "external_id": channel_id(5)})
    a_account = account_of(tenant_a, "a_account")

    # B's member, on B's own URL, with A's account id: not found, same as a missing id.
    b_member = tenant_b.client(Role.MEMBER)
    assert b_member.post(url(tenant_b, f"accounts/{a_account.pk}/refresh/")).status_code == 404
    assert b_member.post(url(tenant_b, "accounts/999999999/refresh/")).status_code == 404
    # And on A's URL: not a member of A.
    assert b_member.post(url(tenant_a, f"accounts/{a_account.pk}/refresh/")).status_code == 404
    assert youtube.requests == []


def test_viewers_cannot_refresh(tenant_a, youtube):
    set_key(tenant_a, youtube)
    youtube_creator(tenant_a, {"handle": "viewonly", "external_id": channel_id(6)})
    account = account_of(tenant_a, "viewonly")
    viewer = tenant_a.client(Role.VIEWER)
    assert viewer.post(url(tenant_a, f"accounts/{account.pk}/refresh/")).status_code == 403
    assert viewer.post(url(tenant_a, "refresh-stale/")).status_code == 403


def test_refresh_stale_now_queues_this_organizations_stale_accounts(
    tenant_a, tenant_b, youtube, django_capture_on_commit_callbacks
):
    youtube.add(channel(channel_id(7), subscribers=7_000))
    set_key(tenant_a, youtube)
    set_key(tenant_b, youtube)
    youtube_creator(tenant_a, {"handle": "stale_a", "external_id": channel_id(7)})
    youtube_creator(tenant_b, {"handle": "stale_b", "external_id": channel_id(8)})

    with django_capture_on_commit_callbacks(execute=True):
        response = tenant_a.client(Role.MEMBER).post(url(tenant_a, "refresh-stale/"), follow=True)

    assert "Refreshing 1 account" in response.content.decode()
    assert youtube.asked_ids() == [[channel_id(7)]]
    assert account_of(tenant_a, "stale_a").followers == 7_000
    with tenant_b.context():
        assert SocialAccount.objects.get(handle="stale_b").last_refreshed_at is None


def test_the_refresh_button_shows_for_exactly_the_platforms_with_an_adapter(tenant_a):
    request = RequestFactory().get("/somewhere/")
    for platform in Platform.values:
        account = SocialAccount(pk=1, platform=platform, handle="h")
        html = render_to_string(
            "creators/enrichment/_refresh_button.html",
            {"account": account, "can_write": True, "organization": tenant_a.organization,
             "request": request, "csrf_token": "t"},
        )  # fmt: skip
        assert ("Refresh now" in html) is (adapter_for(platform) is not None), platform
        if "Refresh now" in html:
            assert 'name="next" value="/somewhere/"' in html
    html = render_to_string(
        "creators/enrichment/_refresh_button.html",
        {"account": SocialAccount(pk=1, platform="youtube", handle="h"), "can_write": False,
         "organization": tenant_a.organization, "request": request},
    )  # fmt: skip
    assert "Refresh now" not in html
