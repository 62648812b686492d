"""A creator of an organization with a portal link, and what they see through it."""

from __future__ import annotations

from dataclasses import dataclass

from django.test import Client

from campaigns import services
from campaigns.models import Collaboration, PortalToken
from creators.models import Creator


@dataclass
class Portal:
    creator: Creator
    token: PortalToken
    raw: str

    @property
    def url(self) -> str:
        return f"/p/{self.raw}/"

    def collaboration(self, collaboration: Collaboration, suffix: str = "") -> str:
        return f"{self.url}c/{collaboration.pk}/{suffix}"


def portal_for(tenant, creator: Creator, **kwargs) -> Portal:
    with tenant.context():
        token, raw = services.portal_token_issue(
            organization=tenant.organization, creator=creator, issued_by=tenant.owner, **kwargs
        )
    return Portal(creator, token, raw)


def visitor() -> Client:
    return Client()
