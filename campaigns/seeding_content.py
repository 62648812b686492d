"""Demo data for the creative brief and content review (called by campaigns.seeding): a
published brief with "#ad" and the brand's handle required, acknowledged by the creators
past the contract; and content that moves the pipeline the way it does for real: drafts
move a collaboration to content in review (one first draft forgets "#ad", the brand asks
for a change, the creator fixes it), approvals move it to approved, live posts with
figures and a screenshot move it to published. Everything goes through the services."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns import pipeline, services
from campaigns.models import Campaign, Collaboration, ContentDeliverable, DeliverableStatus
from campaigns.pipeline import Stage

HANDLES = {"glow-lab": "@glowlab", "peakform": "@peakform"}
CODES = {"glow-lab": "GLOW15", "peakform": "PEAK10"}


def brief_seed(*, organization, campaign: Campaign, owner) -> None:
    handle = HANDLES.get(organization.slug, "@brand")
    services.brief_save(organization=organization, campaign=campaign, by=owner, data={
        "goals": f"Explain why {campaign.name.split(' —')[0]} works, in your own words, and "
                 "send viewers to the launch page with your code.",
        "talking_points": "What the product does and who it is for\nHow you use it day to day\n"
                          "One result you noticed after two weeks",
        "disclosures": ["#ad"], "paid_partnership_label": True, "mentions": [handle],
        "promo_codes": [CODES.get(organization.slug, "CODE10")],
        "dos": "Film in daylight\nShow the packaging once",
        "donts": "No medical claims\nNo competitor products in frame",
        "deliverable_specs": "Reels and shorts 30–60 s, 9:16; stories with a link sticker.",
        "reference_urls": ["https://example.com/brand-guidelines"],
    })  # fmt: skip
    services.brief_publish(organization=organization, campaign=campaign, by=owner,
                           note="First version")  # fmt: skip


def acknowledge(*, organization, collaboration: Collaboration) -> None:
    from campaigns.services.briefs import ACKNOWLEDGEABLE

    if collaboration.stage in ACKNOWLEDGEABLE and pipeline.reached({collaboration.stage},
                                                                   Stage.CONTRACTED):  # fmt: skip
        version = campaign_latest(organization, collaboration.campaign)
        if version is not None:
            services.brief_acknowledge(organization=organization, collaboration=collaboration,
                                       version=version)  # fmt: skip


def campaign_latest(organization, campaign):
    from campaigns import selectors

    return selectors.brief_latest(organization=organization, campaign_id=campaign.pk)


def _screenshot() -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (90, 160), (236, 240, 245)).save(buffer, format="PNG")
    return SimpleUploadedFile("insights.png", buffer.getvalue(), content_type="image/png")


def _caption(organization, *, disclose: bool = True) -> str:
    handle = HANDLES.get(organization.slug, "@brand")
    code = CODES.get(organization.slug, "CODE10")
    tag = "#ad " if disclose else ""
    return (f"{tag}Two weeks in with {handle}: here is what changed. Use {code} for 15% off "
            "your first order. #skincare #routine")  # fmt: skip


def _deliverables(organization, collaboration) -> list[ContentDeliverable]:
    return list(ContentDeliverable.objects.for_org(organization).filter(collaboration=collaboration)
                .order_by("position", "piece"))  # fmt: skip


ACTOR = "creator via portal"


class _Steps:
    """Times for the events of one content step: one tick of the demo's clock, then half
    an hour apart, so a step with many deliverables does not run into the future."""

    def __init__(self, clock):
        self.clock, self.at = clock, clock.tick()

    def tick(self):
        from datetime import timedelta

        self.at += timedelta(minutes=30)
        self.clock.now = max(self.clock.now, self.at)
        return self.at


def content_step(*, organization, collaboration: Collaboration, step: str, owner, clock,
                 nth: int) -> bool:  # fmt: skip
    """Take the content-driven `step` through the content services (which move the
    collaboration); False when the step is not one of them or there is nothing to do."""
    deliverables = _deliverables(organization, collaboration)
    if not deliverables or step not in (Stage.CONTENT_IN_REVIEW, Stage.APPROVED,
                                        Stage.PUBLISHED):  # fmt: skip
        return False
    clock = _Steps(clock)
    if step == Stage.CONTENT_IN_REVIEW:
        first = deliverables[0]
        submission = services.submission_create(
            organization=organization, deliverable=first, actor=ACTOR, at=clock.tick(),
            url=f"https://drive.example.com/drafts/{collaboration.pk}-1",
            caption=_caption(organization, disclose=nth != 1), paid_partnership_label=True,
        )  # fmt: skip
        if nth == 1:
            services.submission_review(
                organization=organization, submission=submission, decision="request_changes",
                comment="Lovely edit! The disclosure is missing: add #ad at the start.",
                by=owner, at=clock.tick(),
            )  # fmt: skip
            services.submission_create(
                organization=organization, deliverable=first, actor=ACTOR, at=clock.tick(),
                url=f"https://drive.example.com/drafts/{collaboration.pk}-2",
                caption=_caption(organization), paid_partnership_label=True,
            )  # fmt: skip
        return True
    if step == Stage.APPROVED:
        for deliverable in deliverables:
            deliverable.refresh_from_db()
            if deliverable.status == DeliverableStatus.PENDING:
                services.submission_create(
                    organization=organization, deliverable=deliverable, actor=ACTOR,
                    at=clock.tick(), caption=_caption(organization), paid_partnership_label=True,
                    url=f"https://drive.example.com/drafts/{collaboration.pk}-{deliverable.pk}",
                )  # fmt: skip
            latest = deliverable.submissions.order_by("-round").first()
            services.submission_review(organization=organization, submission=latest,
                                       decision="approve", by=owner, at=clock.tick())  # fmt: skip
        return True
    for n, deliverable in enumerate(deliverables, start=1):
        services.live_post_submit(
            organization=organization, deliverable=deliverable, actor=ACTOR, at=clock.tick(),
            url=f"https://www.instagram.com/p/demo{collaboration.pk}x{n}/",
            figures={"reach": 18000 + 1500 * n, "impressions": 26000 + 2000 * n,
                     "likes": 1400 + 90 * n, "comments": 85 + n, "shares": 40 + n,
                     "saves": 210 + 7 * n, "views": 31000 + 2500 * n},
            screenshot=_screenshot(),
        )  # fmt: skip
    return True
