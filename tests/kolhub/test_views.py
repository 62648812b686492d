"""Brand pages: roles per method, the members page's actions, settings, API keys, the
admin across tenants, and the dev outbox."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from kolhub.models import ApiKey, Invitation, Membership, OutboxEmail, Role, User

pytestmark = pytest.mark.django_db


def url(tenant, path: str = "") -> str:
    return f"/o/{tenant.organization.slug}/{path}"


def test_every_role_reads_every_section(tenant_a):
    for role in Role.values:
        client = tenant_a.client(role)
        for path in [
            "",
            "creators/",
            "campaigns/",
            "contracts/",
            "tracking/",
            "settings/",
            "settings/members/",
        ]:
            response = client.get(url(tenant_a, path))
            assert response.status_code == 200, (role, path)
            assert tenant_a.organization.name in response.content.decode()


def test_anonymous_is_sent_to_login_with_next(tenant_a):
    response = Client().get(url(tenant_a, "settings/members/"))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url(tenant_a, 'settings/members/')}"


def test_unknown_organization_is_404_like_a_foreign_one(tenant_a):
    client = tenant_a.client(Role.OWNER)
    assert client.get("/o/does-not-exist/").status_code == 404


def test_viewer_cannot_write_and_gets_403(tenant_a):
    viewer = tenant_a.client(Role.VIEWER)
    response = viewer.post(url(tenant_a, "settings/members/"), {"email": "x@y.test"})
    assert response.status_code == 403
    response = viewer.post(url(tenant_a, "settings/"), {"name": "Pwned"})
    assert response.status_code == 403


def test_member_cannot_manage_team_settings_or_keys(tenant_a):
    member = tenant_a.client(Role.MEMBER)
    assert member.get(url(tenant_a, "settings/api-keys/")).status_code == 403
    target = tenant_a.memberships[Role.VIEWER].pk
    response = member.post(url(tenant_a, f"settings/members/{target}/role/"), {"role": "admin"})
    assert response.status_code == 403
    with tenant_a.context():
        assert Membership.objects.get(pk=target).role == Role.VIEWER


def test_admin_changes_a_role_and_sees_a_message(tenant_a):
    admin = tenant_a.client(Role.ADMIN)
    target = tenant_a.memberships[Role.VIEWER].pk
    response = admin.post(
        url(tenant_a, f"settings/members/{target}/role/"), {"role": "member"}, follow=True
    )
    assert "is now member" in response.content.decode()
    with tenant_a.context():
        assert Membership.objects.get(pk=target).role == Role.MEMBER


def test_last_owner_cannot_be_demoted_through_the_page(tenant_a):
    owner = tenant_a.client(Role.OWNER)
    me = tenant_a.memberships[Role.OWNER].pk
    response = owner.post(
        url(tenant_a, f"settings/members/{me}/role/"), {"role": "viewer"}, follow=True
    )
    assert "keeps an owner" in response.content.decode()


def test_viewer_may_leave(tenant_a):
    viewer = tenant_a.client(Role.VIEWER)
    me = tenant_a.memberships[Role.VIEWER].pk
    response = viewer.post(url(tenant_a, f"settings/members/{me}/remove/"))
    assert response.status_code == 302 and response["Location"] == "/"
    assert viewer.get(url(tenant_a)).status_code == 404


def test_invite_form_shows_what_to_fix(tenant_a):
    admin = tenant_a.client(Role.ADMIN)
    response = admin.post(url(tenant_a, "settings/members/"), {"email": "not-an-email"})
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    response = admin.post(
        url(tenant_a, "settings/members/"), {"email": tenant_a.member.email, "role": "member"}
    )
    assert "already a member" in response.content.decode()


def test_withdraw_invitation(tenant_a):
    admin = tenant_a.client(Role.ADMIN)
    admin.post(url(tenant_a, "settings/members/"), {"email": "later@x.test", "role": "viewer"})
    with tenant_a.context():
        invitation = Invitation.objects.get(email="later@x.test")
    admin.post(url(tenant_a, f"settings/invitations/{invitation.pk}/revoke/"))
    with tenant_a.context():
        assert Invitation.objects.get(pk=invitation.pk).status == "revoked"


def test_api_key_is_shown_once_then_only_its_prefix(tenant_a):
    admin = tenant_a.client(Role.ADMIN)
    response = admin.post(
        url(tenant_a, "settings/api-keys/"), {"name": "BI export", "role": "viewer"}
    )
    raw = response.context["new_raw_key"]
    assert raw in response.content.decode()
    again = admin.get(url(tenant_a, "settings/api-keys/")).content.decode()
    assert raw not in again and raw.split("_")[1] in again
    with tenant_a.context():
        key = ApiKey.objects.get(name="BI export")
    admin.post(url(tenant_a, f"settings/api-keys/{key.pk}/revoke/"))
    assert (
        Client(HTTP_AUTHORIZATION=f"Api-Key {raw}")
        .get(f"/api/v1/o/{tenant_a.organization.slug}/")
        .status_code
        == 401
    )


def test_settings_update_by_admin(tenant_a):
    admin = tenant_a.client(Role.ADMIN)
    response = admin.post(
        url(tenant_a, "settings/"),
        {"name": "Zebracorn Renamed", "default_currency": "GBP", "timezone": "Europe/London"},
    )
    assert response.status_code == 302
    tenant_a.organization.refresh_from_db()
    assert tenant_a.organization.default_currency == "GBP"


def test_org_switcher_lists_each_membership(tenant_a, tenant_b):
    user = tenant_a.member
    with tenant_b.context():
        Membership.objects.create(organization=tenant_b.organization, user=user, role="viewer")
    client = Client()
    client.force_login(user)
    page = client.get(url(tenant_a)).content.decode()
    assert tenant_a.organization.name in page and tenant_b.organization.name in page
    # Switching: the other organization's dashboard, as that membership's role.
    response = client.get(url(tenant_b))
    assert response.status_code == 200 and response.context["current_role"] == "viewer"
    assert client.get("/")["Location"] == url(tenant_b)  # remembers the last one


def test_admin_works_across_tenants_for_staff_only(tenant_a, tenant_b):
    from kolhub.models import User

    staff = User.objects.create_superuser("staff@platform.test", "pw-for-tests-1")
    client = Client()
    client.force_login(staff)
    for model in ["organization", "membership", "invitation", "apikey", "user", "outboxemail"]:
        response = client.get(f"/admin/kolhub/{model}/")
        assert response.status_code == 200, model
    page = client.get("/admin/kolhub/membership/").content.decode()
    assert tenant_a.owner.email in page and tenant_b.owner.email in page
    filtered = client.get(
        f"/admin/kolhub/membership/?organization__id__exact={tenant_a.organization.pk}"
    ).content.decode()
    assert tenant_b.owner.email not in filtered
    searched = client.get("/admin/kolhub/membership/?q=quokka").content.decode()
    assert tenant_b.owner.email in searched and tenant_a.owner.email not in searched
    member = tenant_a.memberships[Role.MEMBER]
    assert client.get(f"/admin/kolhub/membership/{member.pk}/change/").status_code == 200
    assert tenant_a.client(Role.OWNER).get("/admin/kolhub/membership/").status_code == 302


def test_every_model_of_the_project_has_an_admin_page(db):
    # "Admin for every model": a new model without one fails here. Inline-only models are
    # edited on their parent's page.
    from django.apps import apps
    from django.contrib import admin

    inline_only = {"tracking.OrderImportRowError"}
    ours = ("kolhub", "creators", "campaigns", "contracts", "tracking", "portal")
    missing = [m._meta.label for m in apps.get_models()
               if m._meta.app_label in ours and not admin.site.is_registered(m)
               and m._meta.label not in inline_only]  # fmt: skip
    assert missing == []
    staff = User.objects.create_superuser("staff@platform.test", "pw-for-tests-1")
    client = Client()
    client.force_login(staff)
    for path in ("tracking/postfollowers", "tracking/orderimportcolumnmapping",
                 "tracking/rollupcostwatermark", "tracking/clickbatch"):  # fmt: skip
        assert client.get(f"/admin/{path}/").status_code == 200, path


def test_outbox_lists_sent_mail_and_is_off_in_production(tenant_a):
    OutboxEmail.objects.create(
        from_email="a@b.test",
        to="c@d.test",
        subject="Hello there",
        body_text="Open http://localhost/invitations/abc/ please",
    )
    email = OutboxEmail.objects.get(subject="Hello there")
    client = Client()
    assert "Hello there" in client.get("/dev/outbox/").content.decode()
    detail = client.get(f"/dev/outbox/{email.pk}/").content.decode()
    assert 'href="http://localhost/invitations/abc/"' in detail
    with override_settings(OUTBOX_ENABLED=False):
        assert client.get("/dev/outbox/").status_code == 404


def test_tenant_unique_constraints_include_the_organization():
    from django.db import models

    from kolhub.tenancy.rls import tenant_models

    for model in tenant_models():
        for field in model._meta.fields:
            assert not (field.unique and not field.primary_key), (
                f"{model.__name__}.{field.name} is unique on its own; include organization"
            )
        for constraint in model._meta.constraints:
            if isinstance(constraint, models.UniqueConstraint):
                # Fields, or expressions such as ("organization", Upper("code")).
                names = set(constraint.fields)
                names |= {getattr(e, "name", None) for e in constraint.expressions}
                assert "organization" in names, (model.__name__, constraint.name)
        for together in model._meta.unique_together:
            assert "organization" in together, model.__name__
