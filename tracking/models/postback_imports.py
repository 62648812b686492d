"""Conversions in from a brand's own systems (issue #6): the server-to-server postback's
credential, and CSV imports of orders.

- PostbackCredential: one per organization. The public key names the organization in a
  postback; the secret signs it (HMAC-SHA256). The secret is encrypted at rest
  (campaigns.shipping.secrets) because an HMAC needs the raw value; it is shown once,
  when created or rotated.
- OrderImport, OrderImportRowError, OrderImportColumnMapping: a CSV/XLSX file of orders,
  its per-row errors and the organization's remembered column mapping. The shape of
  creators' import (CreatorImport and friends), so the same reading, batching and
  error-CSV machinery serves both.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kolhub.models import TenantModel

POSTBACK_KEY_PREFIX = "pb_"


class PostbackCredential(TenantModel):
    # Not a secret: it only says which organization's secret to check the signature with.
    public_key = models.CharField(max_length=40)
    secret_encrypted = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rotated_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="postback_one_per_org"),
            models.UniqueConstraint(
                fields=["organization", "public_key"], name="postback_public_key_unique"
            ),
        ]
        indexes = [
            # A postback finds its organization by the key before it knows the tenant.
            models.Index(fields=["public_key"], name="postback_key_lookup")
        ]

    def __str__(self) -> str:
        return self.public_key


class OrderImport(TenantModel):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", "Waiting for column mapping"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Importing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    file = models.FileField(upload_to="order-imports/%Y/%m/")
    original_name = models.CharField(max_length=255)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED)
    mapping = models.JSONField(default=dict, help_text="column header -> field")
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    # Rows whose order was already recorded exactly so: a re-imported file is all these.
    unchanged_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    failure = models.TextField(blank=True, help_text="Why the whole import failed, if it did")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))


class OrderImportRowError(TenantModel):
    order_import = models.ForeignKey(
        OrderImport, on_delete=models.CASCADE, related_name="row_errors"
    )
    line = models.PositiveIntegerField(help_text="Line in the file; the header is line 1")
    column = models.CharField(max_length=200, blank=True)
    value = models.TextField(blank=True)
    reason = models.TextField()

    class Meta:
        ordering = ["line", "id"]


class OrderImportColumnMapping(TenantModel):
    """What this organization last mapped a header to (normalized header -> field)."""

    header = models.CharField(max_length=200)
    field = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "header"], name="order_import_mapping_unique"
            )
        ]
