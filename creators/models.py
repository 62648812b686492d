"""A brand's roster: creators, their social accounts with audience figures and where each
figure came from, rate cards, shortlists, saved searches, imports and platform keys.

Creator carries denormalized search fields (followers, engagement, platforms, the
primary account's audience, the search vector and the target-independent part of the fit
score). They are derived from the accounts by creators.derived.refresh_derived() after
every write, so discovery never aggregates accounts at query time."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower

from creators import scoring
from kolhub.models import CURRENCIES, TenantModel


class CreatorRole(models.TextChoices):
    KOL = "kol", "KOL"
    INFLUENCER = "influencer", "Influencer"
    AMBASSADOR = "ambassador", "Brand ambassador"
    UGC = "ugc", "UGC creator"


ROLE_HELP = {
    CreatorRole.KOL: "Key Opinion Leader: a credentialed expert (a dermatologist, a sports "
    "scientist, a financial planner) whose authority comes from their qualifications.",
    CreatorRole.INFLUENCER: "A creator whose reach and community carry the message.",
    CreatorRole.AMBASSADOR: "A long-term partner who represents the brand across campaigns.",
    CreatorRole.UGC: "Makes content for the brand to publish on its own channels and ads.",
}


class CreatorStatus(models.TextChoices):
    PROSPECT = "prospect", "Prospect"
    ACTIVE = "active", "Active"
    DO_NOT_CONTACT = "do_not_contact", "Do not contact"


class CredentialStatus(models.TextChoices):
    NONE = "none", "No credentials"
    UNVERIFIED = "unverified", "Not verified"
    VERIFIED = "verified", "Verified"
    REJECTED = "rejected", "Could not verify"


class Platform(models.TextChoices):
    TIKTOK = "tiktok", "TikTok"
    INSTAGRAM = "instagram", "Instagram"
    YOUTUBE = "youtube", "YouTube"
    X = "x", "X"
    LINKEDIN = "linkedin", "LinkedIn"
    XIAOHONGSHU = "xiaohongshu", "Xiaohongshu"
    PODCAST = "podcast", "Podcast"
    BLOG = "blog", "Blog"
    OTHER = "other", "Other"


class Deliverable(models.TextChoices):
    POST = "post", "Post"
    REEL = "reel", "Reel"
    SHORT = "short", "Short"
    VIDEO = "video", "Video"
    STORY = "story", "Story"
    LIVE = "live", "Live"
    ARTICLE = "article", "Article"
    PODCAST = "podcast", "Podcast"
    WEBINAR = "webinar", "Webinar"


class Source(models.TextChoices):
    API = "api", "Platform API"
    IMPORT = "import", "Import"
    MANUAL = "manual", "Entered by hand"


# Follower tiers, by the creator's total followers across accounts (lower bound inclusive).
TIERS = [
    ("nano", "Nano", 0, 10_000),
    ("micro", "Micro", 10_000, 100_000),
    ("mid", "Mid-tier", 100_000, 500_000),
    ("macro", "Macro", 500_000, 1_000_000),
    ("mega", "Mega", 1_000_000, None),
]
AGE_BUCKETS = ["13-17", "18-24", "25-34", "35-44", "45-54", "55+"]
GENDERS = ["female", "male", "other"]


def tier_of(followers: int | None) -> str:
    followers = followers or 0
    for key, _label, low, high in TIERS:
        if followers >= low and (high is None or followers < high):
            return key
    return "nano"


def peak_key(dimension: str, depth: int) -> models.GeneratedField:
    return models.GeneratedField(
        # Constants and column positions only (scoring.peak_key_sql).
        expression=RawSQL(scoring.peak_key_sql(dimension, depth), []),  # noqa: S611
        output_field=models.FloatField(), db_persist=True,
    )  # fmt: skip


class Creator(TenantModel):
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    photo_url = models.URLField(blank=True, max_length=500)
    bio = models.TextField(blank=True)
    role = models.CharField(
        max_length=12, choices=CreatorRole.choices, default=CreatorRole.INFLUENCER
    )
    # Expertise, for KOLs.
    profession = models.CharField(max_length=120, blank=True)
    credentials = models.CharField(
        max_length=255, blank=True, help_text='e.g. "MD, board-certified dermatologist"'
    )
    years_experience = models.PositiveSmallIntegerField(null=True, blank=True)
    credential_status = models.CharField(
        max_length=12, choices=CredentialStatus.choices, default=CredentialStatus.NONE
    )
    credential_evidence_url = models.URLField(blank=True, max_length=500)
    credential_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    credential_verified_at = models.DateTimeField(null=True, blank=True)
    niches = ArrayField(models.CharField(max_length=60), default=list, blank=True)
    languages = ArrayField(models.CharField(max_length=8), default=list, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    city = models.CharField(max_length=120, blank=True)
    rate_currency = models.CharField(max_length=3, choices=CURRENCIES, default="USD")
    status = models.CharField(
        max_length=16, choices=CreatorStatus.choices, default=CreatorStatus.PROSPECT
    )
    notes = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # --- derived from accounts and rates (creators.derived); never edited by hand ---------
    followers = models.BigIntegerField(default=0)
    engagement_rate = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    platforms = ArrayField(models.CharField(max_length=12), default=list, blank=True)
    handles = ArrayField(models.CharField(max_length=120), default=list, blank=True)
    audience_countries = models.JSONField(default=dict, blank=True)
    audience_ages = models.JSONField(default=dict, blank=True)
    audience_gender = models.JSONField(default=dict, blank=True)
    audience_interests = models.JSONField(default=dict, blank=True)
    credibility = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    sponsored_ratio = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    brands_mentioned = ArrayField(models.CharField(max_length=120), default=list, blank=True)
    min_rate = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    base_score = models.DecimalField(
        max_digits=5, decimal_places=2, default=0,
        help_text="The part of the fit score that does not depend on a target audience.",
    )  # fmt: skip
    # The largest audience shares per dimension (creators.scoring.audience_peaks): a ceiling
    # on any target's audience match, so the fit sort can skip rows without reading them.
    audience_peaks = ArrayField(models.FloatField(), default=list, blank=True)
    # base_score plus the most a target could add through one dimension's peaks
    # (scoring.peak_key_sql). Stored columns rather than expression indexes: comparing a
    # column is leakproof, so the indexes work under row-level security for any role.
    peak_key_countries_1 = peak_key("countries", 1)
    peak_key_countries_3 = peak_key("countries", 3)
    peak_key_ages_1 = peak_key("ages", 1)
    peak_key_ages_3 = peak_key("ages", 3)
    peak_key_gender_1 = peak_key("gender", 1)
    peak_key_interests_1 = peak_key("interests", 1)
    peak_key_interests_3 = peak_key("interests", 3)
    search_vector = SearchVectorField(null=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            GinIndex(fields=["search_vector"], name="creator_search"),
            GinIndex(fields=["niches"], name="creator_niches"),
            GinIndex(fields=["platforms"], name="creator_platforms"),
            GinIndex(fields=["languages"], name="creator_languages"),
            models.Index(fields=["organization", "-followers"], name="creator_org_followers"),
            # NULLS LAST, as discovery sorts: a plain DESC index (NULLS FIRST) cannot serve it.
            models.Index(
                F("organization"), F("engagement_rate").desc(nulls_last=True), name="creator_org_er"
            ),
            # Selective equality filters, for bitmap-AND with the GIN indexes.
            models.Index(fields=["organization", "credential_status"], name="creator_org_cred"),
            models.Index(fields=["organization", "country"], name="creator_org_country"),
            models.Index(fields=["organization", "role"], name="creator_org_role"),
            # The importer matches rows to existing creators by email, case-insensitively.
            models.Index(F("organization"), Lower("email"), name="creator_org_email"),
            models.Index(fields=["organization", "-base_score"], name="creator_org_base"),
            # The fit sort walks these to the few rows whose fit can reach the top
            # (scoring.peak_walk, creators/pagination.py).
            *(
                models.Index(fields=["organization", name], name=f"creator_{name[:24]}")
                for name in scoring.PEAK_KEY_COLUMNS
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def tier(self) -> str:
        return tier_of(self.followers)

    @property
    def role_help(self) -> str:
        return ROLE_HELP.get(self.role, "")


class SocialAccount(TenantModel):
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="accounts")
    platform = models.CharField(max_length=12, choices=Platform.choices)
    handle = models.CharField(max_length=120, help_text="Without the @; stored lower-case")
    url = models.URLField(blank=True, max_length=500)
    external_id = models.CharField(
        max_length=120, blank=True, help_text="The platform's id, e.g. a YouTube channel id"
    )
    followers = models.BigIntegerField(null=True, blank=True)
    avg_views = models.BigIntegerField(null=True, blank=True)
    engagement_rate = models.DecimalField(
        max_digits=6, decimal_places=2, null=True, blank=True, help_text="Percent"
    )
    audience_ages = models.JSONField(default=dict, blank=True)
    audience_gender = models.JSONField(default=dict, blank=True)
    audience_countries = models.JSONField(default=dict, blank=True)
    audience_interests = models.JSONField(default=dict, blank=True)
    credibility = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, help_text="% real followers"
    )
    sponsored_ratio = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, help_text="% sponsored posts"
    )
    brands_mentioned = ArrayField(models.CharField(max_length=120), default=list, blank=True)
    last_refreshed_at = models.DateTimeField(null=True, blank=True)
    # {"followers": {"source": "api", "at": "2026-11-25T10:00:00Z"}, ...}, one per figure.
    provenance = models.JSONField(default=dict, blank=True)
    refresh_error = models.TextField(blank=True)
    refresh_failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-followers"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "platform", "handle"], name="account_unique_handle"
            )
        ]
        indexes = [models.Index(fields=["organization", "creator"], name="account_org_creator")]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} @{self.handle}"


class RateCardItem(TenantModel):
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="rates")
    deliverable = models.CharField(max_length=10, choices=Deliverable.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["amount"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "creator", "deliverable"], name="rate_unique_deliverable"
            )
        ]


class CreatorList(TenantModel):
    """A shortlist, shared with everyone in the organization."""

    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    creators = models.ManyToManyField(Creator, through="CreatorListEntry", related_name="lists")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="list_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class CreatorListEntry(TenantModel):
    creator_list = models.ForeignKey(CreatorList, on_delete=models.CASCADE, related_name="entries")
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="list_entries")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "creator_list", "creator"], name="list_entry_unique"
            )
        ]


class SavedSearch(TenantModel):
    name = models.CharField(max_length=120)
    query = models.JSONField(default=dict, help_text="The discovery filters, as submitted")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="saved_search_unique")
        ]

    def __str__(self) -> str:
        return self.name


class CreatorNote(TenantModel):
    """A dated note on a creator's timeline (the `notes` field is the standing summary)."""

    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="timeline_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()

    class Meta:
        ordering = ["-created_at"]


class ImportColumnMapping(TenantModel):
    """How a column header maps to a creator field, remembered for the next import."""

    header = models.CharField(max_length=200, help_text="Normalized: trimmed, lower-case")
    field = models.CharField(max_length=60)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "header"], name="mapping_unique_header")
        ]


class CreatorImport(TenantModel):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", "Waiting for column mapping"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Importing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    class OnDuplicate(models.TextChoices):
        UPDATE = "update", "Update the existing creator"
        SKIP = "skip", "Skip the row"

    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=255)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED)
    on_duplicate = models.CharField(
        max_length=6, choices=OnDuplicate.choices, default=OnDuplicate.UPDATE
    )
    mapping = models.JSONField(default=dict, help_text="column header -> field")
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
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


class ImportRowError(TenantModel):
    creator_import = models.ForeignKey(
        CreatorImport, on_delete=models.CASCADE, related_name="row_errors"
    )
    line = models.PositiveIntegerField(help_text="Line in the file; the header is line 1")
    column = models.CharField(max_length=200, blank=True)
    value = models.TextField(blank=True)
    reason = models.TextField()

    class Meta:
        ordering = ["line", "id"]


class PlatformCredential(TenantModel):
    """An organization's key for a platform API (YouTube Data API v3 first)."""

    platform = models.CharField(max_length=12, choices=Platform.choices)
    api_key = models.CharField(max_length=255)
    # Where the adapter sends requests; the default is the platform's public endpoint.
    base_url = models.URLField(blank=True)
    stale_after_days = models.PositiveSmallIntegerField(default=7)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "platform"], name="credential_unique_platform"
            )
        ]
