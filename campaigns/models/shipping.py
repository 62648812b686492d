"""Shipping and the seeding funnel: the creator's shipping address, shipments of campaign
products with their carrier tracking and status history, the per-organization carrier
tracking webhook (endpoint, secret, log), and the nudge sent when a delivered product
has produced no content.

Status of a shipment: label created → in transit → delivered / exception (an exception
can recover to in transit or delivered; delivered is final). Every change is a
ShipmentEvent with its time and source (manual / webhook), so the portal and the brand
read the same history. The rules live in campaigns.shipping.status; the writes in
campaigns.services.shipping."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from creators.models import Creator
from kolhub.models import CURRENCIES, TenantModel


class Carrier(models.TextChoices):
    UPS = "ups", "UPS"
    USPS = "usps", "USPS"
    FEDEX = "fedex", "FedEx"
    DHL = "dhl", "DHL"
    OTHER = "other", "Other"


class ShipmentStatus(models.TextChoices):
    LABEL_CREATED = "label_created", "Label created"
    IN_TRANSIT = "in_transit", "In transit"
    DELIVERED = "delivered", "Delivered"
    EXCEPTION = "exception", "Exception"


class EventSource(models.TextChoices):
    MANUAL = "manual", "By hand"
    WEBHOOK = "webhook", "Carrier webhook"


class ShippingAddress(TenantModel):
    """Where a creator wants this organization's products sent. Personal data: only the
    organization that owns the row sees it (the portal shows it to its creator)."""

    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=120, help_text="Who signs for the parcel")
    street_address = models.CharField(max_length=300, help_text="Street and number; two lines")
    city = models.CharField(max_length=120, blank=True)
    city_area = models.CharField(max_length=120, blank=True)
    country_area = models.CharField(
        max_length=120, blank=True, help_text="State, province or prefecture, as the post uses it"
    )
    postal_code = models.CharField(max_length=20, blank=True)
    sorting_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            # One current address per creator and organization: the portal form edits it.
            models.UniqueConstraint(
                fields=["organization", "creator"], name="address_one_per_creator"
            )
        ]

    def __str__(self) -> str:
        return f"Address of creator {self.creator_id} ({self.country})"

    def as_snapshot(self) -> dict[str, str]:
        return {f: getattr(self, f) for f in ADDRESS_FIELDS}

    def lines(self) -> list[str]:
        return address_lines(self.as_snapshot())


ADDRESS_FIELDS = (
    "name", "street_address", "city_area", "city", "country_area", "postal_code",
    "sorting_code", "country", "phone",
)  # fmt: skip


def address_lines(snapshot: dict) -> list[str]:
    """An address as lines for a label (street lines, then city with area and code)."""
    lines = [snapshot.get("name", "")]
    lines += [line for line in (snapshot.get("street_address") or "").splitlines() if line.strip()]
    if snapshot.get("city_area"):
        lines.append(snapshot["city_area"])
    locality = " ".join(
        part for part in (snapshot.get("city"), snapshot.get("country_area"),
                          snapshot.get("postal_code"), snapshot.get("sorting_code")) if part
    )  # fmt: skip
    if locality:
        lines.append(locality)
    lines.append(snapshot.get("country", ""))
    return [line for line in lines if line]


class Shipment(TenantModel):
    collaboration = models.ForeignKey(
        "campaigns.Collaboration", on_delete=models.CASCADE, related_name="shipments"
    )
    carrier = models.CharField(max_length=8, choices=Carrier.choices)
    carrier_name = models.CharField(max_length=80, blank=True, help_text='When carrier is "other"')
    # Stored normalised (upper case, no spaces) so a webhook finds it whatever the spacing.
    tracking_number = models.CharField(max_length=40, blank=True)
    cost = models.DecimalField(
        max_digits=12, decimal_places=2, help_text="What the carrier charged, in the currency"
    )
    currency = models.CharField(max_length=3, choices=CURRENCIES)
    status = models.CharField(
        max_length=16, choices=ShipmentStatus.choices, default=ShipmentStatus.LABEL_CREATED
    )
    status_changed_at = models.DateTimeField(default=timezone.now)
    shipped_at = models.DateTimeField(null=True, blank=True, help_text="First in transit")
    delivered_at = models.DateTimeField(null=True, blank=True)
    # The address as it was when the label was made: a later edit in the portal does not
    # rewrite where an earlier parcel went.
    ship_to = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "carrier", "tracking_number"],
                condition=~Q(tracking_number=""), name="shipment_unique_tracking",
            ),
            models.CheckConstraint(condition=Q(cost__gte=0), name="shipment_cost_not_negative"),
            models.CheckConstraint(
                condition=~Q(status="delivered") | Q(delivered_at__isnull=False),
                name="shipment_delivered_has_date",
            ),
        ]  # fmt: skip
        indexes = [
            models.Index(fields=["organization", "collaboration"], name="shipment_org_collab"),
            models.Index(fields=["organization", "status", "delivered_at"],
                         name="shipment_org_delivered"),
            # The webhook finds a shipment by its tracking number.
            models.Index(fields=["organization", "tracking_number"], name="shipment_org_tracking"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.get_carrier_display()} {self.tracking_number or '(no tracking)'}"

    @property
    def carrier_label(self) -> str:
        if self.carrier == Carrier.OTHER and self.carrier_name:
            return self.carrier_name
        return self.get_carrier_display()

    @property
    def ship_to_lines(self) -> list[str]:
        return address_lines(self.ship_to or {})


class ShipmentItem(TenantModel):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="items")
    # PROTECT: a product that went out in a parcel keeps its cost in the budget.
    product = models.ForeignKey(
        "campaigns.CampaignProduct", on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField()
    # The unit cost when it shipped: product cost in the budget does not move when the
    # product's cost is edited later.
    unit_cost = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "shipment", "product"], name="shipment_item_unique"
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="shipment_item_quantity"),
            models.CheckConstraint(condition=Q(unit_cost__gte=0), name="shipment_item_cost"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_id}"

    @property
    def total_cost(self):
        return self.unit_cost * self.quantity


class ShipmentEvent(TenantModel):
    """One status change (or a carrier checkpoint that did not change the status), with
    when it happened and where it came from."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=16, choices=ShipmentStatus.choices)
    previous_status = models.CharField(max_length=16, choices=ShipmentStatus.choices, blank=True)
    applied = models.BooleanField(
        default=True, help_text="False: recorded, but it did not change the status (out of order)"
    )
    source = models.CharField(max_length=8, choices=EventSource.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.CharField(max_length=500, blank=True)
    location = models.CharField(max_length=200, blank=True)
    # The provider's id for the event (AfterShip's event_id): a redelivered webhook finds
    # its row and changes nothing.
    external_id = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "shipment", "external_id"],
                condition=~Q(external_id=""), name="shipment_event_unique_external",
            )
        ]  # fmt: skip
        indexes = [
            models.Index(fields=["organization", "shipment", "at"], name="shipment_event_org_at")
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id}: {self.status} ({self.source})"


class TrackingWebhookEndpoint(TenantModel):
    """Where a tracking provider posts this organization's updates
    (/hooks/tracking/<provider>/<public_id>/) and the secret its signature uses.

    HMAC needs the raw secret, so it cannot be stored as a hash like an API key; it is
    stored encrypted (Fernet, key derived from SECRET_KEY, campaigns.shipping.secrets) and
    shown once when it is made. The public id in the URL is not a secret: the signature
    is what authenticates a delivery."""

    provider = models.CharField(max_length=20)
    public_id = models.CharField(max_length=32)
    secret_encrypted = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["provider"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "provider"], name="tracking_endpoint_one_per_provider"
            ),
            models.UniqueConstraint(
                fields=["organization", "public_id"], name="tracking_endpoint_public_id"
            ),
        ]
        indexes = [
            # The webhook finds its endpoint before it knows the organization.
            models.Index(fields=["public_id"], name="tracking_endpoint_lookup")
        ]

    def __str__(self) -> str:
        return f"{self.provider} webhook {self.public_id}"


class WebhookOutcome(models.TextChoices):
    APPLIED = "applied", "Applied"
    DUPLICATE = "duplicate", "Duplicate (already recorded)"
    UNKNOWN_TRACKING = "unknown_tracking", "Unknown tracking number"
    IGNORED = "ignored", "Ignored event"


class TrackingWebhookLog(TenantModel):
    """Every verified delivery and what became of it. Refused deliveries (bad signature)
    are logged by the logger only: nothing is written for them."""

    endpoint = models.ForeignKey(
        TrackingWebhookEndpoint, on_delete=models.CASCADE, related_name="log"
    )
    received_at = models.DateTimeField(default=timezone.now)
    event_id = models.CharField(max_length=80, blank=True)
    tracking_number = models.CharField(max_length=40, blank=True)
    outcome = models.CharField(max_length=20, choices=WebhookOutcome.choices)
    shipment = models.ForeignKey(
        Shipment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "endpoint", "received_at"], name="webhook_log_at")
        ]

    def __str__(self) -> str:
        return f"{self.event_id or '?'}: {self.outcome}"


class ShipmentNudge(TenantModel):
    """The reminder sent to a creator whose delivered product has produced no content
    yet. At most one per shipment: the unique constraint holds it, not the scheduler."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="nudges")
    sent_at = models.DateTimeField(default=timezone.now)
    to_email = models.EmailField()

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "shipment"], name="nudge_once_per_shipment"
            )
        ]

    def __str__(self) -> str:
        return f"Nudge for shipment {self.shipment_id}"
