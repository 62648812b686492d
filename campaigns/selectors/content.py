"""Reads for the creative brief and content review, shared by the campaign and
collaboration pages, the portal and the API: a campaign's draft and published versions
with their files and acknowledgements, what a creator sees of the brief, and each
collaboration's deliverables with their rounds, disclosure checks and live posts."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from campaigns.models import (
    Brief,
    BriefAcknowledgement,
    BriefAsset,
    BriefVersion,
    Campaign,
    Collaboration,
    ContentDeliverable,
    ContentSubmission,
    LivePost,
)
from campaigns.models.content import brief_content
from campaigns.selectors.payments import organization_today
from campaigns.selectors.portal import HIDDEN_FROM_CREATOR
from kolhub.models import Organization

# --- the brief -------------------------------------------------------------------------


def brief_queryset(*, organization: Organization) -> QuerySet[Brief]:
    return Brief.objects.for_org(organization).select_related("campaign", "updated_by")


def brief_get(*, organization: Organization, campaign: Campaign) -> Brief | None:
    return brief_queryset(organization=organization).filter(campaign=campaign).first()


def brief_unpublished(
    *, organization: Organization, brief: Brief | None, latest: BriefVersion | None
) -> bool:
    """Whether the draft differs from the latest published version (its text or its
    files): what "Publish" would change for creators."""
    if brief is None:
        return False
    if latest is None:
        return True
    files = sorted(a.pk for a in brief_assets(organization=organization, brief=brief))
    return brief_content(brief) != brief_content(latest) or files != sorted(latest.asset_ids)


def brief_version_queryset(*, organization: Organization) -> QuerySet[BriefVersion]:
    return BriefVersion.objects.for_org(organization).select_related("published_by")


def brief_versions(*, organization: Organization, campaign: Campaign) -> list[BriefVersion]:
    """Newest first."""
    return list(
        brief_version_queryset(organization=organization)
        .filter(campaign=campaign)
        .order_by("-number")
    )


def brief_latest(*, organization: Organization, campaign_id: int) -> BriefVersion | None:
    return (
        brief_version_queryset(organization=organization)
        .filter(campaign_id=campaign_id)
        .order_by("-number")
        .first()
    )


def brief_version_get(
    *, organization: Organization, version_id: int, campaign: Campaign | None = None
) -> BriefVersion:
    queryset = brief_version_queryset(organization=organization)
    if campaign is not None:
        queryset = queryset.filter(campaign=campaign)
    return queryset.get(pk=version_id)


def brief_assets(
    *, organization: Organization, brief: Brief | None = None, ids: list[int] | None = None
) -> list[BriefAsset]:
    """The draft's current files (`brief`), or a published version's (`ids`)."""
    queryset = BriefAsset.objects.for_org(organization)
    if ids is not None:
        return list(queryset.filter(pk__in=ids))
    if brief is None:
        return []
    return list(queryset.filter(brief=brief, removed_at__isnull=True))


def brief_asset_queryset(*, organization: Organization) -> QuerySet[BriefAsset]:
    return BriefAsset.objects.for_org(organization).select_related("brief", "uploaded_by")


def brief_asset_get(
    *, organization: Organization, asset_id: int, campaign: Campaign | None = None
) -> BriefAsset:
    queryset = BriefAsset.objects.for_org(organization)
    if campaign is not None:
        queryset = queryset.filter(brief__campaign=campaign)
    return queryset.get(pk=asset_id)


def brief_acknowledgement_queryset(*, organization: Organization) -> QuerySet[BriefAcknowledgement]:
    return BriefAcknowledgement.objects.for_org(organization).select_related(
        "version", "collaboration__creator", "by"
    )


@dataclass
class BriefStatus:
    """A collaboration's standing with the brief: the version it has read last."""

    collaboration: Collaboration
    acknowledged: BriefAcknowledgement | None = None

    @property
    def version_number(self) -> int | None:
        return self.acknowledged.version.number if self.acknowledged else None


def brief_readers(*, organization: Organization, campaign: Campaign) -> list[BriefStatus]:
    """Every collaboration the creator can see (not shortlisted), with the newest version
    its creator acknowledged."""
    acks = brief_acknowledgement_queryset(organization=organization).filter(
        collaboration__campaign=campaign
    )
    newest: dict[int, BriefAcknowledgement] = {}
    for ack in acks:
        seen = newest.get(ack.collaboration_id)
        if seen is None or ack.version.number > seen.version.number:
            newest[ack.collaboration_id] = ack
    collaborations = (
        Collaboration.objects.for_org(organization)
        .filter(campaign=campaign)
        .exclude(stage__in=HIDDEN_FROM_CREATOR)
        .select_related("creator")
        .order_by("creator__name", "id")
    )
    return [BriefStatus(c, newest.get(c.pk)) for c in collaborations]


@dataclass
class CreatorBrief:
    """What the portal shows of the brief: the latest version, its files, and whether
    this creator acknowledged it (or only an older one)."""

    version: BriefVersion
    assets: list[BriefAsset]
    acknowledgement: BriefAcknowledgement | None
    older_acknowledged: BriefAcknowledgement | None

    @property
    def needs_acknowledgement(self) -> bool:
        return self.acknowledgement is None


def creator_brief(
    *, organization: Organization, collaboration: Collaboration
) -> CreatorBrief | None:
    version = brief_latest(organization=organization, campaign_id=collaboration.campaign_id)
    if version is None:
        return None
    acks = list(
        brief_acknowledgement_queryset(organization=organization)
        .filter(collaboration=collaboration)
        .order_by("-version__number")
    )
    current = next((a for a in acks if a.version_id == version.pk), None)
    return CreatorBrief(
        version=version,
        assets=brief_assets(organization=organization, ids=list(version.asset_ids)),
        acknowledgement=current,
        older_acknowledged=None if current else (acks[0] if acks else None),
    )


# --- deliverables, rounds and live posts -----------------------------------------------


def deliverable_queryset(*, organization: Organization) -> QuerySet[ContentDeliverable]:
    return ContentDeliverable.objects.for_org(organization).select_related(
        "collaboration", "collaboration__creator"
    )


def submission_queryset(*, organization: Organization) -> QuerySet[ContentSubmission]:
    return ContentSubmission.objects.for_org(organization).select_related(
        "deliverable", "deliverable__collaboration", "submitted_by", "reviewed_by",
        "brief_version",
    )  # fmt: skip


def live_post_queryset(*, organization: Organization) -> QuerySet[LivePost]:
    return LivePost.objects.for_org(organization).select_related(
        "deliverable", "deliverable__collaboration", "reported_by", "verified_by"
    )


def deliverable_get(
    *, organization: Organization, deliverable_id: int, collaboration: Collaboration | None = None
) -> ContentDeliverable:
    queryset = deliverable_queryset(organization=organization)
    if collaboration is not None:
        queryset = queryset.filter(collaboration=collaboration)
    return queryset.get(pk=deliverable_id)


def submission_get(
    *, organization: Organization, submission_id: int, collaboration: Collaboration | None = None
) -> ContentSubmission:
    queryset = submission_queryset(organization=organization)
    if collaboration is not None:
        queryset = queryset.filter(deliverable__collaboration=collaboration)
    return queryset.get(pk=submission_id)


def live_post_get(
    *, organization: Organization, live_post_id: int, collaboration: Collaboration | None = None
) -> LivePost:
    queryset = live_post_queryset(organization=organization)
    if collaboration is not None:
        queryset = queryset.filter(deliverable__collaboration=collaboration)
    return queryset.get(pk=live_post_id)


@dataclass
class DeliverableView:
    deliverable: ContentDeliverable
    overdue: bool
    submissions: list[ContentSubmission] = field(default_factory=list)  # newest round first
    live_post: LivePost | None = None

    @property
    def latest(self) -> ContentSubmission | None:
        return self.submissions[0] if self.submissions else None


def collaboration_content(
    *, organization: Organization, collaboration: Collaboration
) -> list[DeliverableView]:
    """The collaboration's deliverables by due date, each with its rounds (newest first),
    its live post and whether it is overdue (past due and not live, in the
    organization's today). Three queries whatever the number of rounds."""
    today = organization_today(organization)
    deliverables = (
        ContentDeliverable.objects.for_org(organization)
        .filter(collaboration=collaboration)
        .prefetch_related(
            Prefetch(
                "submissions",
                queryset=ContentSubmission.objects.for_org(organization)
                .select_related("submitted_by", "reviewed_by", "brief_version")
                .order_by("-round"),
            ),
            Prefetch(
                "live_posts",
                queryset=LivePost.objects.for_org(organization).select_related("verified_by"),
            ),
        )  # fmt: skip
    )
    return [
        DeliverableView(
            deliverable=d,
            overdue=d.overdue_on(today),
            submissions=list(d.submissions.all()),
            live_post=next(iter(d.live_posts.all()), None),
        )  # fmt: skip
        for d in deliverables
    ]
