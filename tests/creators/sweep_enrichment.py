"""Organization A's platform key for the cross-tenant sweep and the RLS test (see
tests/tenant_world.py). The key must never appear in any response, A's own pages
included (they show only its last four characters)."""

from __future__ import annotations

from creators import services
from creators.models import Platform

SECRET_API_KEY = "AIzaZebracornSecretYouTubeKey0123456789"


def values(tenant) -> dict:
    with tenant.context():
        services.platform_credential_set(
            organization=tenant.organization, platform=Platform.YOUTUBE, api_key=SECRET_API_KEY
        )
    # account_id comes from sweep_creators.py.
    return {"platform": Platform.YOUTUBE.value, "secrets": [SECRET_API_KEY]}
