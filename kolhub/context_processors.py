from __future__ import annotations

from kolhub.models import Role


def navigation(request) -> dict:
    """The organization switcher and the current role, for the base layout."""
    user = getattr(request, "user", None)
    # An API-key principal (on the API docs page) is authenticated but is not a person.
    if user is None or not user.is_authenticated or user.pk is None:
        return {"outbox_enabled": _outbox_enabled()}
    organization = getattr(request, "organization", None)
    memberships = getattr(request, "user_memberships", None)
    if memberships is None:
        # Outside a tenant context (account pages, onboarding) the lookup is cheap and
        # runs as the owner role, which is allowed to see the user's own memberships.
        from kolhub.selectors import membership_list_for_user

        memberships = membership_list_for_user(user)
    role = getattr(request, "org_role", None)
    return {
        "nav_memberships": memberships,
        "current_org": organization,
        "current_role": role,
        "can_write": bool(role) and Role.at_least(role, Role.MEMBER),
        "can_admin": bool(role) and Role.at_least(role, Role.ADMIN),
        "outbox_enabled": _outbox_enabled(),
    }


def _outbox_enabled() -> bool:
    from django.conf import settings

    return settings.OUTBOX_ENABLED
