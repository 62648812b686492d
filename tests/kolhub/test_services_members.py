"""Organizations, memberships, invitations: the rules a team lives by."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kolhub import selectors, services
from kolhub.models import Invitation, Membership, OutboxEmail, Role
from tests.kolhub.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_organization_create_makes_owner_and_unique_slug(db):
    user = UserFactory()
    first = services.organization_create(name="Glow Lab", owner=user)
    second = services.organization_create(name="Glow Lab", owner=user)
    assert (first.slug, second.slug) == ("glow-lab", "glow-lab-2")
    memberships = selectors.membership_list_for_user(user)
    assert [(m.organization, m.role) for m in memberships] == [
        (first, Role.OWNER),
        (second, Role.OWNER),
    ]


def test_organization_needs_a_name(db):
    with pytest.raises(ValidationError, match="name"):
        services.organization_create(name="   ", owner=UserFactory())


def test_invite_sends_an_email_with_a_working_link(tenant_a, django_capture_on_commit_callbacks):
    with tenant_a.context(), django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            organization=tenant_a.organization,
            actor=tenant_a.memberships[Role.ADMIN],
            email="New.Person@Example.test",
            role=Role.MEMBER,
        )
    assert invitation.email == "new.person@example.test"
    email = OutboxEmail.objects.get(to="new.person@example.test")
    token = email.body_text.split("/invitations/")[1].split("/")[0]
    assert selectors.invitation_get_by_token(token).pk == invitation.pk
    with tenant_a.context():
        assert Invitation.objects.get(pk=invitation.pk).sent_at is not None


def test_reinvite_replaces_the_link_and_old_link_stops_working(
    tenant_a, django_capture_on_commit_callbacks
):
    actor = tenant_a.memberships[Role.OWNER]
    tokens = []
    for role in ("member", "viewer"):
        with tenant_a.context(), django_capture_on_commit_callbacks(execute=True):
            invitation = services.invitation_create(
                organization=tenant_a.organization, actor=actor, email="x@example.test", role=role
            )
        body = OutboxEmail.objects.filter(to="x@example.test").latest("id").body_text
        tokens.append((invitation.pk, body.split("/invitations/")[1].split("/")[0]))
    (first_pk, old_token), (second_pk, new_token) = tokens
    assert first_pk == second_pk  # one open invitation per address
    assert selectors.invitation_get_by_token(new_token).role == "viewer"
    assert selectors.invitation_get_by_token(old_token) is None


def test_cannot_invite_an_existing_member(tenant_a):
    with tenant_a.context(), pytest.raises(ValidationError, match="already a member"):
        services.invitation_create(
            organization=tenant_a.organization,
            actor=tenant_a.memberships[Role.OWNER],
            email=tenant_a.member.email.upper(),
            role=Role.MEMBER,
        )


@pytest.mark.parametrize("actor_role", [Role.MEMBER, Role.VIEWER])
def test_members_and_viewers_cannot_invite(tenant_a, actor_role):
    with tenant_a.context(), pytest.raises(PermissionDenied):
        services.invitation_create(
            organization=tenant_a.organization,
            actor=tenant_a.memberships[actor_role],
            email="y@example.test",
            role=Role.VIEWER,
        )


def test_only_owner_can_invite_an_owner(tenant_a):
    with tenant_a.context(), pytest.raises(PermissionDenied, match="owner"):
        services.invitation_create(
            organization=tenant_a.organization,
            actor=tenant_a.memberships[Role.ADMIN],
            email="boss@example.test",
            role=Role.OWNER,
        )


def _invite(tenant, email, role=Role.MEMBER) -> str:
    """Invite through the service and return the token from the email that was sent."""
    from django.test import TestCase

    with tenant.context(), TestCase.captureOnCommitCallbacks(execute=True):
        services.invitation_create(
            organization=tenant.organization,
            actor=tenant.memberships[Role.OWNER],
            email=email,
            role=role,
        )
    body = OutboxEmail.objects.filter(to=email).latest("id").body_text
    return body.split("/invitations/")[1].split("/")[0]


def test_accept_creates_membership_once(tenant_a):
    token = _invite(tenant_a, "joiner@example.test", Role.VIEWER)
    user = UserFactory(email="joiner@example.test")
    membership = services.invitation_accept(token=token, user=user)
    assert membership.role == Role.VIEWER
    assert membership.organization == tenant_a.organization
    # Clicking the link again is harmless for the same person…
    assert services.invitation_accept(token=token, user=user).pk == membership.pk
    # …and refused for anyone else.
    with pytest.raises(services.InvitationError, match="already been used"):
        services.invitation_accept(token=token, user=UserFactory())


def test_accept_refuses_wrong_email_expired_and_revoked(tenant_a):
    token = _invite(tenant_a, "right@example.test")
    with pytest.raises(services.InvitationError, match="sent to right@example.test"):
        services.invitation_accept(token=token, user=UserFactory(email="wrong@example.test"))
    with tenant_a.context():
        Invitation.objects.filter(email="right@example.test").update(
            expires_at=Invitation.objects.get(email="right@example.test").created_at
            - timedelta(days=1)
        )
    with pytest.raises(services.InvitationError, match="expired"):
        services.invitation_accept(token=token, user=UserFactory(email="right@example.test"))

    token = _invite(tenant_a, "gone@example.test")
    with tenant_a.context():
        invitation = Invitation.objects.get(email="gone@example.test")
        services.invitation_revoke(
            organization=tenant_a.organization,
            actor=tenant_a.memberships[Role.ADMIN],
            invitation_id=invitation.pk,
        )
    with pytest.raises(services.InvitationError, match="withdrawn"):
        services.invitation_accept(token=token, user=UserFactory(email="gone@example.test"))
    with pytest.raises(services.InvitationError, match="not valid"):
        services.invitation_accept(token="made-up", user=UserFactory())


def test_organization_always_keeps_an_owner(tenant_a):
    owner = tenant_a.memberships[Role.OWNER]
    org = tenant_a.organization
    with tenant_a.context():
        with pytest.raises(ValidationError, match="keeps an owner"):
            services.membership_change_role(
                organization=org, actor=owner, membership_id=owner.pk, role=Role.ADMIN
            )
        with pytest.raises(ValidationError, match="keeps an owner"):
            services.membership_remove(organization=org, actor=owner, membership_id=owner.pk)
        # With a second owner, the first may step down.
        services.membership_change_role(
            organization=org,
            actor=owner,
            membership_id=tenant_a.memberships[Role.ADMIN].pk,
            role=Role.OWNER,
        )
        services.membership_change_role(
            organization=org, actor=owner, membership_id=owner.pk, role=Role.ADMIN
        )
        assert Membership.objects.get(pk=owner.pk).role == Role.ADMIN


def test_admin_cannot_touch_owners_and_members_cannot_manage(tenant_a):
    org, m = tenant_a.organization, tenant_a.memberships
    with tenant_a.context():
        with pytest.raises(PermissionDenied):
            services.membership_change_role(
                organization=org,
                actor=m[Role.ADMIN],
                membership_id=m[Role.OWNER].pk,
                role=Role.VIEWER,
            )
        with pytest.raises(PermissionDenied):
            services.membership_remove(
                organization=org, actor=m[Role.ADMIN], membership_id=m[Role.OWNER].pk
            )
        with pytest.raises(PermissionDenied):
            services.membership_remove(
                organization=org, actor=m[Role.MEMBER], membership_id=m[Role.VIEWER].pk
            )
        # Anyone may leave.
        services.membership_remove(
            organization=org, actor=m[Role.VIEWER], membership_id=m[Role.VIEWER].pk
        )
        assert not Membership.objects.filter(pk=m[Role.VIEWER].pk).exists()


def test_services_cannot_reach_another_organizations_rows(tenant_a, tenant_b):
    with tenant_b.context(), pytest.raises(Membership.DoesNotExist):
        services.membership_remove(
            organization=tenant_b.organization,
            actor=tenant_b.memberships[Role.OWNER],
            membership_id=tenant_a.memberships[Role.MEMBER].pk,
        )
