"""Accounts through django-allauth, end to end over HTTP: sign-up with email
verification, onboarding, invitations, password reset, TOTP two-factor, rate limits."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.test import Client

from kolhub import selectors
from kolhub.models import OutboxEmail, Role, User

pytestmark = pytest.mark.django_db
PASSWORD = "a-Long-pass-phrase-42"


def last_link(to: str, pattern: str) -> str:
    body = OutboxEmail.objects.filter(to=to).latest("id").body_text
    match = re.search(pattern, body)
    assert match, f"no link matching {pattern!r} in the email to {to}:\n{body}"
    return match.group(0)


def signup(client: Client, email: str, next_url: str = ""):
    url = "/accounts/signup/" + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"email": email, "password1": PASSWORD, "password2": PASSWORD})


def current_totp(secret: str) -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def test_signup_verifies_email_then_onboarding_creates_the_organization():
    client = Client()
    response = signup(client, "founder@newbrand.test")
    assert response.status_code == 302 and "confirm-email" in response["Location"]
    # Not logged in until the address is verified.
    assert client.get("/").status_code == 200 and "_auth_user_id" not in client.session

    confirm = last_link("founder@newbrand.test", r"/accounts/confirm-email/[^/\s]+/")
    response = client.post(confirm)
    assert response.status_code == 302
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/onboarding/"

    response = client.post(
        "/onboarding/",
        {"name": "Aurora Derm Lab", "default_currency": "EUR", "timezone": "Europe/Paris"},
    )
    assert response.status_code == 302 and response["Location"] == "/o/aurora-derm-lab/"
    user = User.objects.get(email="founder@newbrand.test")
    [membership] = selectors.membership_list_for_user(user)
    assert (membership.organization.default_currency, membership.role) == ("EUR", Role.OWNER)
    assert client.get("/o/aurora-derm-lab/").status_code == 200


def test_onboarding_form_shows_what_to_fix(tenant_a):
    client = tenant_a.client(Role.MEMBER)
    response = client.post("/onboarding/", {"name": "", "default_currency": "ZZZ"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "name" in errors and "default_currency" in errors


def test_invited_person_signs_up_without_second_verification_and_joins(
    tenant_a, django_capture_on_commit_callbacks
):
    owner = tenant_a.client(Role.OWNER)
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(
            f"/o/{tenant_a.organization.slug}/settings/members/",
            {"email": "teammate@example.test", "role": Role.MEMBER},
        )
    assert response.status_code == 302
    invite_path = last_link("teammate@example.test", r"/invitations/[^/\s]+/")

    guest = Client()
    page = guest.get(invite_path)
    assert page.status_code == 200 and tenant_a.organization.name in page.content.decode()
    response = signup(guest, "teammate@example.test", next_url=invite_path)
    assert response.status_code == 302 and response["Location"] == invite_path
    response = guest.post(invite_path)
    assert response["Location"] == f"/o/{tenant_a.organization.slug}/"
    assert guest.get(response["Location"]).status_code == 200
    members = owner.get(f"/o/{tenant_a.organization.slug}/settings/members/").content.decode()
    assert "teammate@example.test" in members


def test_invitation_for_someone_else_is_refused_with_a_reason(
    tenant_a, tenant_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        tenant_a.client(Role.OWNER).post(
            f"/o/{tenant_a.organization.slug}/settings/members/",
            {"email": "intended@example.test", "role": Role.MEMBER},
        )
    invite_path = last_link("intended@example.test", r"/invitations/[^/\s]+/")
    response = tenant_b.client(Role.OWNER).post(invite_path)
    assert response.status_code == 400
    assert "sent to intended@example.test" in response.content.decode()
    assert Client().get("/invitations/not-a-real-token/").status_code == 404


def test_password_reset_email_and_new_password_work(tenant_a):
    client = Client()
    client.post("/accounts/password/reset/", {"email": tenant_a.member.email})
    link = last_link(tenant_a.member.email, r"/accounts/password/reset/key/[^\s]+/")
    response = client.get(link)  # allauth swaps the key for a session and redirects
    form_url = response["Location"] if response.status_code == 302 else link
    response = client.post(form_url, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    assert Client().login(email=tenant_a.member.email, password=PASSWORD)


def test_totp_two_factor_can_be_turned_on_and_is_then_required(tenant_a):
    client = Client()
    email = tenant_a.viewer.email
    response = client.post("/accounts/login/", {"login": email, "password": "pw-for-tests-1"})
    assert response.status_code == 302
    # allauth asks for the password again before changing two-factor settings.
    assert client.get("/accounts/2fa/totp/activate/").status_code == 302
    response = client.post("/accounts/reauthenticate/", {"password": "pw-for-tests-1"})
    assert response.status_code == 302
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post("/accounts/2fa/totp/activate/", {"code": current_totp(secret)})
    assert response.status_code == 302, response.content.decode()[:500]

    fresh = Client()
    response = fresh.post("/accounts/login/", {"login": email, "password": "pw-for-tests-1"})
    assert response.status_code == 302 and "/2fa/authenticate/" in response["Location"]
    assert "_auth_user_id" not in fresh.session
    bad = fresh.post(response["Location"], {"code": "000000"})
    assert bad.status_code == 200 and "_auth_user_id" not in fresh.session


def test_failed_logins_are_rate_limited(tenant_a):
    client = Client()
    bodies = [
        client.post(
            "/accounts/login/", {"login": tenant_a.admin.email, "password": "wrong"}
        ).content.decode()
        for _ in range(6)
    ]
    assert "Too many failed login attempts" not in bodies[0]
    assert "Too many failed login attempts" in bodies[-1]
    # Even the right password is refused while the limit holds.
    response = client.post(
        "/accounts/login/", {"login": tenant_a.admin.email, "password": "pw-for-tests-1"}
    )
    assert "_auth_user_id" not in client.session and response.status_code == 200
