"""The creative brief and content review: a campaign's brief (a working draft and its
immutable published versions, with reference files and the creators' acknowledgements),
the deliverables of each collaboration (one row per piece of content, made from the
agreed terms), the drafts submitted for each in numbered rounds with the brand's review
and the automatic disclosure check, and the live post with its figures.

Invariants kept here (one row) and in the database (across rows): a published version
is never edited (campaigns.services.briefs writes a new one); one acknowledgement per
collaboration and version; one deliverable per (offer, row, piece), so accepting an offer
twice makes no duplicates; one submission per (deliverable, round); one live post per
deliverable; figures are whole numbers ≥ 0. The flow between them lives in
campaigns.services.content. Files live under tenants/<organization id>/ and are served
only by views that check who is asking (campaigns.uploads)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from creators.models import Deliverable, Platform
from kolhub.models import TenantModel

MAX_LIST = 20


def _list(length: int = 120, **kwargs) -> ArrayField:
    return ArrayField(models.CharField(max_length=length), default=list, blank=True, **kwargs)


class BriefContent(models.Model):
    """What a brief says: the same fields in the draft and in every published version."""

    goals = models.TextField(blank=True, help_text="What the content should achieve")
    talking_points = models.TextField(blank=True, help_text="Key messages, one per line")
    disclosures = _list(60, help_text='Required disclosure tags, e.g. "#ad"; each must appear '
                        "within the first 125 characters of the caption")  # fmt: skip
    paid_partnership_label = models.BooleanField(
        default=False, help_text="The platform's paid-partnership label must be switched on"
    )
    mentions = _list(60, help_text="Required @handles")
    links = _list(500, help_text="Required links")
    promo_codes = _list(60, help_text="Required promo codes")
    dos = models.TextField(blank=True, help_text="Do's, one per line")
    donts = models.TextField(blank=True, help_text="Don'ts, one per line")
    deliverable_specs = models.TextField(
        blank=True, help_text="Formats, lengths, aspect ratios, posting windows"
    )
    reference_urls = _list(500, help_text="Reference links (mood boards, earlier posts)")

    class Meta:
        abstract = True


#: The fields a published version copies from the draft.
BRIEF_FIELDS = (
    "goals", "talking_points", "disclosures", "paid_partnership_label", "mentions", "links",
    "promo_codes", "dos", "donts", "deliverable_specs", "reference_urls",
)  # fmt: skip


def brief_content(obj) -> dict:
    return {field: getattr(obj, field) for field in BRIEF_FIELDS}


class Brief(BriefContent, TenantModel):
    """A campaign's working draft. Editing it changes nothing the creators saw; publishing
    copies it into a new BriefVersion."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE,
                                 related_name="briefs")  # fmt: skip
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "campaign"], name="brief_one_per_campaign"
            )
        ]

    def __str__(self) -> str:
        return f"Brief of campaign {self.campaign_id}"


class BriefAsset(TenantModel):
    """A reference file of the brief. Never changed; taking it off the draft sets
    `removed_at`, so published versions that list it (BriefVersion.asset_ids) still
    show it."""

    brief = models.ForeignKey(Brief, on_delete=models.CASCADE, related_name="assets")
    file = models.FileField(max_length=300)
    name = models.CharField(max_length=200, help_text="The name it was uploaded with")
    content_type = models.CharField(max_length=60)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name


class BriefVersion(BriefContent, TenantModel):
    """A published brief, immutable: what the creators read and acknowledge."""

    brief = models.ForeignKey(Brief, on_delete=models.CASCADE, related_name="versions")
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE,
                                 related_name="brief_versions")  # fmt: skip
    number = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    asset_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    note = models.CharField(max_length=500, blank=True, help_text="What changed, for creators")
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["campaign_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "campaign", "number"],
                                    name="brief_version_unique_number"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"Brief v{self.number}"


class BriefAcknowledgement(TenantModel):
    """The creator of `collaboration` read `version`: who, when, which version."""

    version = models.ForeignKey(BriefVersion, on_delete=models.CASCADE,
                                related_name="acknowledgements")  # fmt: skip
    collaboration = models.ForeignKey("campaigns.Collaboration", on_delete=models.CASCADE,
                                      related_name="brief_acknowledgements")  # fmt: skip
    acknowledged_at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text="The creator's account, when they acknowledged logged in",
    )  # fmt: skip
    actor = models.CharField(max_length=80, default="creator via portal")

    class Meta:
        ordering = ["-acknowledged_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "version", "collaboration"],
                                    name="brief_ack_once"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"Collaboration {self.collaboration_id} read brief v{self.version_id}"


class DeliverableStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a draft"
    IN_REVIEW = "in_review", "In review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"
    LIVE = "live", "Live"


class ContentDeliverable(TenantModel):
    """One piece of content owed under the agreed terms: an offer row of quantity 3 makes
    three, so each is submitted, reviewed and published on its own."""

    collaboration = models.ForeignKey("campaigns.Collaboration", on_delete=models.CASCADE,
                                      related_name="deliverables")  # fmt: skip
    # RESTRICT: the terms that asked for it cannot vanish while it exists.
    offer = models.ForeignKey("campaigns.Offer", on_delete=models.RESTRICT, related_name="+")
    position = models.PositiveSmallIntegerField(help_text="The offer's deliverable row")
    piece = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1)], help_text="1 … quantity of that row"
    )
    platform = models.CharField(max_length=12, choices=Platform.choices)
    kind = models.CharField(max_length=10, choices=Deliverable.choices)
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=DeliverableStatus.choices,
                              default=DeliverableStatus.PENDING)  # fmt: skip

    class Meta:
        ordering = ["collaboration_id", "due_date", "position", "piece"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "offer", "position", "piece"],
                                    name="content_deliverable_unique_piece"),
            models.CheckConstraint(condition=Q(piece__gte=1), name="content_deliverable_piece"),
        ]  # fmt: skip
        indexes = [
            models.Index(fields=["organization", "collaboration"], name="deliverable_org_collab"),
            models.Index(fields=["organization", "status", "due_date"], name="deliverable_org_due"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return f"{self.get_platform_display()} {self.get_kind_display().lower()} {self.piece}"

    def overdue_on(self, today: datetime.date) -> bool:
        return self.status != DeliverableStatus.LIVE and self.due_date < today


class SubmissionStatus(models.TextChoices):
    IN_REVIEW = "in_review", "In review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"


class ContentSubmission(TenantModel):
    """Round N of a deliverable's draft: a file or a URL, the caption, the disclosure
    check run on it, and the brand's review."""

    deliverable = models.ForeignKey(ContentDeliverable, on_delete=models.CASCADE,
                                    related_name="submissions")  # fmt: skip
    round = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    file = models.FileField(max_length=300, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=60, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    url = models.URLField(max_length=500, blank=True)
    caption = models.TextField(blank=True)
    paid_partnership_label = models.BooleanField(
        default=False, help_text="The creator confirmed the platform's label is on"
    )
    brief_version = models.ForeignKey(BriefVersion, null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    # [{"kind", "required", "passed", "detail"}] from campaigns.disclosure.check_caption.
    disclosure_check = models.JSONField(default=list, blank=True)
    disclosure_passed = models.BooleanField(default=True)
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.CharField(max_length=80, blank=True)
    status = models.CharField(max_length=20, choices=SubmissionStatus.choices,
                              default=SubmissionStatus.IN_REVIEW)  # fmt: skip
    review_comment = models.TextField(blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["deliverable_id", "-round"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "deliverable", "round"],
                                    name="submission_unique_round"),
            models.CheckConstraint(condition=~Q(file="") | ~Q(url=""),
                                   name="submission_file_or_url"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"Round {self.round} of deliverable {self.deliverable_id}"

    @property
    def who(self) -> str:
        if self.submitted_by_id:
            return self.submitted_by.display_name
        return self.actor or "creator"


class FigureSource(models.TextChoices):
    CREATOR_REPORTED = "creator_reported", "Reported by the creator"


FIGURES = ("reach", "impressions", "likes", "comments", "shares", "saves", "views")


class LivePost(TenantModel):
    """The published post of an approved deliverable and its figures, with provenance:
    who reported them, when, from where (source) and the screenshot that shows them. The
    tracking app reads these; the brand can mark them verified."""

    deliverable = models.ForeignKey(ContentDeliverable, on_delete=models.CASCADE,
                                    related_name="live_posts")  # fmt: skip
    url = models.URLField(max_length=500)
    reach = models.PositiveBigIntegerField(default=0)
    impressions = models.PositiveBigIntegerField(default=0)
    likes = models.PositiveBigIntegerField(default=0)
    comments = models.PositiveBigIntegerField(default=0)
    shares = models.PositiveBigIntegerField(default=0)
    saves = models.PositiveBigIntegerField(default=0)
    views = models.PositiveBigIntegerField(default=0)
    screenshot = models.FileField(max_length=300)
    screenshot_name = models.CharField(max_length=200, blank=True)
    screenshot_content_type = models.CharField(max_length=60)
    source = models.CharField(max_length=20, choices=FigureSource.choices,
                              default=FigureSource.CREATOR_REPORTED)  # fmt: skip
    reported_at = models.DateTimeField()
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.CharField(max_length=80, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-reported_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "deliverable"],
                                    name="live_post_one_per_deliverable"),
            *[models.CheckConstraint(condition=Q(**{f"{f}__gte": 0}), name=f"live_post_{f}")
              for f in FIGURES],
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.url

    @property
    def verified(self) -> bool:
        return self.verified_at is not None

    @property
    def figures(self) -> list[tuple[str, int]]:
        return [(name, getattr(self, name)) for name in FIGURES]
