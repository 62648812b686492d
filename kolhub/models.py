"""The tenant (Organization), who belongs to it (Membership, Invitation), how machines
reach it (ApiKey), and the abstract base every tenant-owned model derives from."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django_scopes import ScopedManager

CURRENCIES = [
    ("USD", "USD — US dollar"),
    ("EUR", "EUR — Euro"),
    ("GBP", "GBP — Pound sterling"),
    ("CAD", "CAD — Canadian dollar"),
    ("AUD", "AUD — Australian dollar"),
    ("SGD", "SGD — Singapore dollar"),
    ("HKD", "HKD — Hong Kong dollar"),
    ("CNY", "CNY — Chinese yuan"),
    ("JPY", "JPY — Japanese yen"),
    ("KRW", "KRW — South Korean won"),
    ("INR", "INR — Indian rupee"),
    ("CHF", "CHF — Swiss franc"),
    ("SEK", "SEK — Swedish krona"),
    ("BRL", "BRL — Brazilian real"),
    ("MXN", "MXN — Mexican peso"),
    ("AED", "AED — UAE dirham"),
]
TIMEZONES = [(tz, tz.replace("_", " ")) for tz in sorted(zoneinfo.available_timezones())]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """A person who logs in: brand marketers and platform staff. Identified by email."""

    username = None
    email = models.EmailField("email address", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email


class Organization(models.Model):
    """The tenant: a brand. Not itself tenant-owned (it *is* the tenant)."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    default_currency = models.CharField(max_length=3, choices=CURRENCIES, default="USD")
    timezone = models.CharField(max_length=64, choices=TIMEZONES, default="UTC")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class _TenantManagerBase(models.Manager):
    def for_org(self, organization: Organization) -> models.QuerySet:
        # Inside a scope the manager already filters by the scope's organization; the
        # explicit filter also makes a mismatch (scope A, asked for B) return nothing.
        return self.get_queryset().filter(organization=organization)


_ScopedManager = type(ScopedManager(_manager_class=_TenantManagerBase, organization="organization"))


class TenantManager(_ScopedManager):
    """django-scopes' manager, failing closed outside a scope.

    One change: outside a scope, `.all()` returns the disabled queryset instead of raising
    at once. It still raises on every evaluation, filter, count or update; what it allows
    is building a query object, which django-filter does while generating the API schema.
    """

    def all(self):
        return self.get_queryset()


class TenantModel(models.Model):
    """Base of every tenant-owned table.

    The default manager fails closed: a query outside `tenant_context(org)` (or
    `dangerously_unscoped()`) raises django_scopes.ScopeError. The table also gets a
    PostgreSQL row-level-security policy on every migrate (kolhub/tenancy/rls.py)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        abstract = True


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    MEMBER = "member", "Member"
    VIEWER = "viewer", "Viewer"

    @classmethod
    def rank(cls, role: str) -> int:
        return {cls.VIEWER: 0, cls.MEMBER: 1, cls.ADMIN: 2, cls.OWNER: 3}[role]

    @classmethod
    def at_least(cls, role: str, required: str) -> bool:
        return cls.rank(role) >= cls.rank(required)


ROLE_HELP = {
    Role.OWNER: "Everything, including billing, deleting the organization and other owners.",
    Role.ADMIN: "Manages members, API keys and settings, and does all the work.",
    Role.MEMBER: "Runs creators, campaigns, contracts and tracking.",
    Role.VIEWER: "Sees everything, changes nothing.",
}


class Membership(TenantModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="membership_unique")
        ]
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.user} in {self.organization_id} as {self.role}"


class Invitation(TenantModel):
    """An email invitation to join an organization. The link's token is stored hashed."""

    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    token_hash = models.CharField(max_length=64)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "token_hash"], name="invitation_token"),
            # One open invitation per address per organization; re-inviting resends it.
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
        ]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email}"

    @property
    def status(self) -> str:
        from django.utils import timezone

        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


API_KEY_PREFIX = "kh_"


class ApiKey(TenantModel):
    """A per-organization API key. Only the prefix and a SHA-256 of the key are stored:
    keys are 256-bit random, so a fast hash is enough (no dictionary to attack)."""

    class Access(models.TextChoices):
        READ_WRITE = "member", "Read and write"
        READ_ONLY = "viewer", "Read only"

    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64)
    role = models.CharField(max_length=10, choices=Access.choices, default=Access.READ_ONLY)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "prefix"], name="apikey_prefix"),
            models.UniqueConstraint(fields=["organization", "key_hash"], name="apikey_hash"),
        ]
        indexes = [models.Index(fields=["prefix"], name="apikey_prefix_lookup")]
        ordering = ["-created_at"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.name} ({self.display_prefix})"

    @property
    def display_prefix(self) -> str:
        """How the key starts, for telling keys apart; the rest is never shown again."""
        return f"{API_KEY_PREFIX}{self.prefix}_…"


class OutboxEmail(models.Model):
    """Every email the app sent, when the dev outbox backend is on. Platform-level: it
    holds mail to people who may not belong to any organization yet."""

    from_email = models.CharField(max_length=254)
    to = models.TextField(help_text="Recipients, comma separated")
    subject = models.CharField(max_length=998)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = "outbox email"

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"
