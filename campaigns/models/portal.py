"""Creator portal access: invite-link tokens, and accounts that claimed a creator.

A PortalToken opens /p/<token>/ for one creator of one organization. Only a SHA-256 of
the token is stored: tokens are 256-bit random, so a fast hash is enough (there is no
dictionary to attack) and a database leak does not hand out working links. Tokens expire
and can be revoked.

A creator may *claim* the portal with an account (PortalClaim, a tenant row: which user
is this organization's creator). Listing a user's collaborations across brands must not
query tenant tables across organizations, so PortalAccountLink, a platform-level index
with nothing but (user, organization), says which organizations to enter; inside each,
its PortalClaim says which creator. No tenant data lives in the index."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from creators.models import Creator
from kolhub.models import Organization, TenantModel


class PortalToken(TenantModel):
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "token_hash"], name="portal_token_unique_hash"
            )
        ]
        indexes = [
            # The portal finds a token by its hash before it knows the organization.
            models.Index(fields=["token_hash"], name="portal_token_hash"),
            models.Index(fields=["organization", "creator"], name="portal_token_creator"),
        ]

    def __str__(self) -> str:
        return f"Portal link for creator {self.creator_id}"

    def state_at(self, now) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "active"


class PortalClaim(TenantModel):
    """An account that speaks for one of this organization's creators in the portal."""

    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.ForeignKey(
        PortalToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The link the creator opened when they claimed it",
    )  # fmt: skip

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One account per creator, one creator per account, in each organization: the
            # account's portal then always knows whose collaborations to show.
            models.UniqueConstraint(fields=["organization", "creator"], name="claim_one_account"),
            models.UniqueConstraint(fields=["organization", "user"], name="claim_one_creator"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} claims creator {self.creator_id}"


class PortalAccountLink(models.Model):
    """Platform-level index: `user` has claimed a creator in `organization`. Holds no
    tenant data; written and deleted together with the PortalClaim it mirrors."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_links"
    )
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="portal_link_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.organization_id}"
