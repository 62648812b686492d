"""Links, promo codes, landing pages, conversions and attribution (issue #6).

This module holds promo codes, landing pages and the leads they capture:

- PromoCode: a creator's offer code for one collaboration, unique per organization
  whatever its case (stored upper case).
- LandingPage: the hosted public page of one collaboration at /l/<slug>/, with a
  platform-level register (LandingPageSlug) so the public URL finds its tenant.
- Lead: a person who left their name and email on a landing page, one per email and
  campaign (a second submission refreshes the first; see tracking.services.lead_submit).

Links, promo codes, landing pages, conversions and attribution (issue #6).

Tracking links: a TrackingLink per collaboration and platform (tenant table); LinkCode, a
platform-level register of short codes, because /r/<code> is public and carries no
tenant; Click, written only by the flush (tracking.clicks), never on the request path;
ClickBatch, the flush's register of stored batches; ClickFallback, the queue a redirect
writes to when Redis is down."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Now, Upper

from campaigns.models import Collaboration
from creators.models import Platform
from kolhub.models import Organization, TenantModel
from tracking.click_ids import new_click_id


class DiscountKind(models.TextChoices):
    NONE = "", "No discount stated"
    PERCENT = "percent", "Percent off"
    AMOUNT = "amount", "Amount off"


class PromoCode(TenantModel):
    """An offer code given to one creator. The Shopify discount sync and code-leak
    detection attach here later (through the store connector): this model keeps only
    what the brand decided, the connector will keep its own sync state."""

    collaboration = models.ForeignKey(
        "campaigns.Collaboration", on_delete=models.CASCADE, related_name="promo_codes"
    )
    # Upper case A-Z, 0-9, "-" and "_", 3 to 32 characters (tracking.codes).
    code = models.CharField(max_length=32)
    discount_kind = models.CharField(
        max_length=8, choices=DiscountKind.choices, blank=True, default=DiscountKind.NONE
    )
    discount_value = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Percent (1-100) or an amount in the campaign's currency",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            # Codes are stored upper case already; the functional index also holds the rule
            # against a row written around the service (admin, a later import).
            models.UniqueConstraint(
                "organization", Upper("code"), name="promo_code_unique_ci_per_org"
            )
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def discount_display(self) -> str:
        if self.discount_kind == DiscountKind.PERCENT and self.discount_value is not None:
            return f"{self.discount_value.normalize():f}% off"
        if self.discount_kind == DiscountKind.AMOUNT and self.discount_value is not None:
            return f"{self.discount_value:f} {self.collaboration.campaign.currency} off"
        return ""


class LandingPage(TenantModel):
    """The public page of one collaboration. Shows only its own fields and the creator's
    public face (name, photo, credentials) — nothing else of the tenant."""

    # One per collaboration: a constraint with the organization (TENANCY.md: no tenant
    # table is unique on its own), not a one-to-one field.
    collaboration = models.ForeignKey(
        "campaigns.Collaboration", on_delete=models.CASCADE, related_name="landing_pages"
    )
    # Unique across the deployment (LandingPageSlug holds the rule): it is the public URL.
    slug = models.SlugField(max_length=80)
    headline = models.CharField(max_length=200)
    quote = models.TextField(blank=True, help_text="The creator's words or expert statement")
    product = models.ForeignKey(
        "campaigns.CampaignProduct",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    promo_code = models.ForeignKey(
        PromoCode, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    consent_text = models.TextField(
        help_text="Shown next to the checkbox and stored, word for word, with every lead"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "collaboration"], name="landing_page_per_collaboration"
            )
        ]

    def __str__(self) -> str:
        return self.slug


class LandingPageSlug(models.Model):
    """Platform-level register: public slug → organization and landing page id. The
    /l/<slug>/ view looks it up before it knows the tenant, then enters that tenant. It
    holds no tenant data beyond what the public URL itself shows."""

    slug = models.SlugField(max_length=80, unique=True)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    landing_page_id = models.BigIntegerField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return f"{self.slug} → {self.organization_id}/{self.landing_page_id}"


class Lead(TenantModel):
    """One person per campaign and email. The collaboration, consent and UTMs are those
    of the latest submission (the freshest touch), `first_submitted_at` keeps the first
    and `submissions` counts them."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    collaboration = models.ForeignKey(
        "campaigns.Collaboration", on_delete=models.CASCADE, related_name="leads"
    )
    landing_page = models.ForeignKey(
        LandingPage, null=True, blank=True, on_delete=models.SET_NULL, related_name="leads"
    )
    name = models.CharField(max_length=120)
    # Stored lower case: the dedupe key with the campaign.
    email = models.EmailField()
    consent_text = models.TextField()
    platform = models.CharField(max_length=12, blank=True)
    utm_source = models.CharField(max_length=200, blank=True)
    utm_medium = models.CharField(max_length=200, blank=True)
    utm_campaign = models.CharField(max_length=200, blank=True)
    utm_content = models.CharField(max_length=200, blank=True)
    utm_term = models.CharField(max_length=200, blank=True)
    click_id = models.CharField(max_length=64, blank=True)
    first_submitted_at = models.DateTimeField()
    submitted_at = models.DateTimeField()
    submissions = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "campaign", "email"], name="lead_unique_email_per_campaign"
            )
        ]
        indexes = [models.Index(fields=["organization", "collaboration"], name="lead_org_collab")]

    def __str__(self) -> str:
        return f"{self.email} ({self.campaign_id})"


class TrackingLink(TenantModel):
    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="tracking_links"
    )
    platform = models.CharField(max_length=12, choices=Platform.choices)
    destination_url = models.URLField(max_length=1000, help_text="http or https only")
    # The destination with our UTM tags, built once by tracking.links.tracked_url so the
    # redirect does no work beyond appending the click id.
    tracked_url = models.URLField(max_length=2000)
    # Unique across the deployment through LinkCode (the public register); here, like
    # every tenant table's rule, with the organization.
    code = models.CharField(max_length=16)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["platform", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "collaboration", "platform"],
                name="tracking_link_one_per_platform",
            ),
            models.UniqueConstraint(fields=["organization", "code"], name="tracking_link_code"),
        ]

    def __str__(self) -> str:
        return f"/r/{self.code} ({self.platform})"


class LinkCode(models.Model):
    """Platform-level register: short code → organization and link. Holds no tenant data
    beyond ids and the tracked URL the code already makes public."""

    code = models.CharField(max_length=16, unique=True)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    link_id = models.BigIntegerField(unique=True)
    target_url = models.URLField(max_length=2000)

    def __str__(self) -> str:
        return self.code


class UserAgentClass(models.TextChoices):
    MOBILE = "mobile", "Mobile"
    TABLET = "tablet", "Tablet"
    DESKTOP = "desktop", "Desktop"
    OTHER = "other", "Other"


class Click(TenantModel):
    """One click on a tracking link, written only by the flush (tracking.clicks).

    No database foreign keys on this one event table: organization and link are
    `db_constraint=False`, and neither gets an index of its own (the composite indexes
    below lead with organization_id and hold (organization_id, link_id)). A foreign key
    would check every click against its link, one index probe per row at commit; the
    flush instead locks the batch's distinct links FOR KEY SHARE and drops clicks whose
    (organization, link) pair does not exist, which is what the foreign keys checked, once
    per link instead of once per click. Django's collector still deletes a link's clicks
    with it (on_delete=CASCADE is Django's, not the database's), and
    tracking.services.tracking_link_delete locks the link before that delete so a flush
    cannot slip clicks in behind it."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", db_index=False,
        db_constraint=False,
    )  # fmt: skip
    link = models.ForeignKey(
        TrackingLink, on_delete=models.CASCADE, related_name="clicks", db_index=False,
        db_constraint=False,
    )  # fmt: skip
    # The id appended to the destination as kh_click: time-ordered (tracking.click_ids).
    # Unique per organization; a retried batch is recognised by its ClickBatch row.
    click_id = models.UUIDField(default=new_click_id)
    clicked_at = models.DateTimeField()
    # HMAC-SHA256 of IP + user agent with a server-side key: raw IPs are never stored.
    visitor_hash = models.CharField(max_length=64)
    user_agent_class = models.CharField(max_length=8, choices=UserAgentClass.choices)
    referrer_host = models.CharField(max_length=255, blank=True)
    # False for a repeat of the same visitor on the same link within 30 minutes.
    is_unique = models.BooleanField(default=True)
    batch_id = models.CharField(max_length=40)
    # Defaults in the database too: the flush's COPY leaves both columns out and
    # PostgreSQL fills in the transaction's time: the COPY takes about a fifth less
    # time than when it parsed two timestamps per row (docs/benchmarks.md).
    created_at = models.DateTimeField(auto_now_add=True, db_default=Now())
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())

    class Meta:
        ordering = ["-clicked_at"]
        indexes = [
            models.Index(fields=["organization", "link", "clicked_at"], name="click_org_link_at"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["organization", "click_id"], name="click_unique_id"),
        ]

    def __str__(self) -> str:
        return str(self.click_id)


class ClickBatch(models.Model):
    """Platform-level register of the click batches already stored: the flush writes a
    batch's row in the transaction that stores its clicks, so a batch run again (a worker
    killed after the commit, before it acknowledged the batch in Redis) finds its id and
    stores nothing. Holds no tenant data: a batch mixes organizations."""

    batch_id = models.CharField(max_length=40, unique=True)
    rows = models.PositiveIntegerField()
    stored_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-stored_at"]

    def __str__(self) -> str:
        return f"click batch {self.batch_id} ({self.rows} rows)"


class ClickFallback(models.Model):
    """Clicks taken while Redis was down, as the JSON the buffer would have held. The
    flush drains this table too."""

    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"fallback click {self.pk}"
