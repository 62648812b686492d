"""Content review's writes: deliverables made from the agreed terms, their due dates,
drafts submitted in numbered rounds (with the disclosure check), the brand's review, the
live post with its figures, and the brand verifying them.

The pipeline moves with the content, through collaboration_transition (so every move is
legal, recorded, and fires its payment triggers in the same transaction):
- the first draft of a collaboration whose product has shipped → content in review;
- the last deliverable approved → approved;
- the last deliverable live → published (which makes "on publication" payments due).
A collaboration elsewhere in the pipeline is not moved: drafts are accepted once the
product has shipped (product_shipped, content_in_review), live posts once a deliverable
is approved.

Files are checked by content (campaigns.uploads) before anything is written, and written
last, under tenants/<organization id>/, so a refusal stores nothing."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from campaigns import disclosure
from campaigns.models import (
    FIGURES,
    BriefVersion,
    Collaboration,
    ContentDeliverable,
    ContentSubmission,
    DeliverableStatus,
    LivePost,
    Offer,
    SubmissionStatus,
)
from campaigns.pipeline import Stage
from campaigns.selectors.payments import organization_today
from campaigns.services.collaborations import collaboration_transition
from campaigns.services.guards import same_org
from campaigns.terms import date_text
from campaigns.uploads import IMAGE, PDF, VIDEO, check_upload, tenant_path
from kolhub.models import Organization

#: Stages in which drafts are submitted: after the product shipped, until all is approved.
SUBMITTABLE = frozenset({Stage.PRODUCT_SHIPPED, Stage.CONTENT_IN_REVIEW})
#: Stages in which an approved deliverable's live post is reported.
PUBLISHABLE = frozenset({Stage.CONTENT_IN_REVIEW, Stage.APPROVED, Stage.PUBLISHED})
MAX_CAPTION = 5000
MAX_COMMENT = 5000
MAX_FIGURE = 10**15
DONE = (DeliverableStatus.APPROVED, DeliverableStatus.LIVE)
_url = URLValidator(schemes=["http", "https"])


def must_haves(version: BriefVersion | None) -> disclosure.MustHaves:
    if version is None:
        return disclosure.MustHaves()
    return disclosure.MustHaves(
        disclosures=tuple(version.disclosures),
        paid_partnership_label=version.paid_partnership_label,
        mentions=tuple(version.mentions), links=tuple(version.links),
        promo_codes=tuple(version.promo_codes),
    )  # fmt: skip


def _latest_brief(organization: Organization, campaign_id: int) -> BriefVersion | None:
    return (
        BriefVersion.objects.for_org(organization)
        .filter(campaign_id=campaign_id)
        .order_by("-number")
        .first()
    )


def _web_address(value: str, field: str) -> str:
    value = (value or "").strip()
    if len(value) > 500:
        raise ValidationError({field: "Keep the address under 500 characters."})
    try:
        _url(value)
    except ValidationError:
        raise ValidationError(
            {field: f"{value[:60]!r} is not a web address (https://…)."}
        ) from None
    return value


def _locked_deliverable(organization: Organization, deliverable: ContentDeliverable):
    same_org(organization, deliverable)
    locked = (
        ContentDeliverable.objects.for_org(organization)
        .select_for_update(of=("self",))
        .select_related("collaboration", "collaboration__campaign")
        .get(pk=deliverable.pk)
    )
    return locked.collaboration, locked


def _move(organization, collaboration, to_stage, by, actor, reason, at) -> None:
    collaboration_transition(
        organization=organization, collaboration=collaboration, to_stage=to_stage, by=by,
        actor=actor, reason=reason, at=at,
    )  # fmt: skip


def _when(at: datetime.datetime | None) -> datetime.datetime:
    """`at` records something done earlier (demo data); never in the future."""
    now = timezone.now()
    if at is not None and at > now:
        raise ValidationError("This cannot be recorded in the future.")
    return at or now


def _store(name: str, upload) -> str:
    stored = default_storage.save(name, upload)
    if stored != name:  # a random name never collides; if storage renamed it, say so loudly
        raise RuntimeError(f"storage renamed {name} to {stored}")
    return stored


# --- deliverables ----------------------------------------------------------------------


@transaction.atomic
def deliverables_create(
    *, organization: Organization, collaboration: Collaboration, offer: Offer
) -> list[ContentDeliverable]:
    """One deliverable per piece of the accepted offer's deliverable rows (a row of
    quantity 3 makes pieces 1, 2 and 3). Idempotent: the rows of an offer that already
    has them are returned; the unique (offer, position, piece) holds that under
    concurrency too."""
    same_org(organization, collaboration, offer)
    if offer.collaboration_id != collaboration.pk:
        raise ValidationError("That offer belongs to another collaboration.")
    existing = ContentDeliverable.objects.for_org(organization).filter(offer=offer)
    if existing.exists():
        return list(existing)
    ContentDeliverable.objects.bulk_create(
        ContentDeliverable(
            organization=organization, collaboration=collaboration, offer=offer,
            position=row.position, piece=piece, platform=row.platform, kind=row.kind,
            due_date=row.due_date,
        )
        for row in offer.deliverables.order_by("position")
        for piece in range(1, row.quantity + 1)
    )  # fmt: skip
    return list(existing.all())


@transaction.atomic
def deliverable_due_date_set(
    *, organization: Organization, deliverable: ContentDeliverable, due_date: datetime.date,
    by: AbstractBaseUser | None = None,
) -> ContentDeliverable:  # fmt: skip
    """Move a deliverable's due date (by hand, or from a contract's dates). A date in the
    past is refused; a live deliverable's date is history and stays."""
    _collaboration, locked = _locked_deliverable(organization, deliverable)
    if not isinstance(due_date, datetime.date):
        raise ValidationError({"due_date": "Give a due date (YYYY-MM-DD)."})
    if locked.status == DeliverableStatus.LIVE:
        raise ValidationError({"due_date": f"{locked.title} is already live."})
    if due_date < organization_today(organization) and due_date != locked.due_date:
        raise ValidationError({"due_date": f"{date_text(due_date)} is in the past."})
    locked.due_date = due_date
    locked.save(update_fields=["due_date", "updated_at"])
    deliverable.due_date = due_date
    return locked


# --- drafts and review -----------------------------------------------------------------


@transaction.atomic
def submission_create(
    *, organization: Organization, deliverable: ContentDeliverable, caption: str = "",
    upload=None, url: str = "", paid_partnership_label: bool = False,
    by: AbstractBaseUser | None = None, actor: str = "", at: datetime.datetime | None = None,
) -> ContentSubmission:  # fmt: skip
    """The next round of a deliverable's draft: a file (image, video or PDF, checked by
    its content) or a URL, and the caption, checked against the brief in force."""
    at = _when(at)
    collaboration, locked = _locked_deliverable(organization, deliverable)
    if collaboration.stage not in SUBMITTABLE:
        raise ValidationError(
            f"The collaboration is {collaboration.get_stage_display().lower()}: drafts are "
            "submitted once the product has shipped, until the content is approved."
        )
    if locked.status == DeliverableStatus.IN_REVIEW:
        raise ValidationError(f"The draft of {locked.title} is waiting for review; resubmit "
                              "once the brand asks for changes.")  # fmt: skip
    if locked.status in DONE:
        raise ValidationError(f"{locked.title} is already approved.")
    caption = (caption or "").strip()
    if len(caption) > MAX_CAPTION:
        raise ValidationError({"caption": f"Keep the caption under {MAX_CAPTION} characters."})
    url = (url or "").strip()
    if upload and url:
        raise ValidationError({"file": "Upload a file or give a link, not both."})
    if not upload and not url:
        raise ValidationError({"file": "Upload the draft, or give a link to it."})
    checked = check_upload(upload, field="file", families=(IMAGE, VIDEO, PDF)) if upload else None
    if url:
        url = _web_address(url, "url")
    version = _latest_brief(organization, collaboration.campaign_id)
    items = disclosure.check_caption(
        caption, must_haves(version), paid_partnership_label=bool(paid_partnership_label)
    )
    number = (locked.submissions.aggregate(n=Max("round"))["n"] or 0) + 1
    name = tenant_path(organization.pk, "content", checked.extension) if checked else ""
    submission = ContentSubmission.objects.create(
        organization=organization, deliverable=locked, round=number, file=name,
        file_name=checked.name if checked else "", content_type=checked.content_type if checked
        else "", size=checked.size if checked else 0, url=url, caption=caption,
        paid_partnership_label=bool(paid_partnership_label), brief_version=version,
        disclosure_check=[i.as_dict() for i in items], disclosure_passed=disclosure.passed(items),
        submitted_at=at, submitted_by=by, actor=(actor or "")[:80],
    )  # fmt: skip
    locked.status = DeliverableStatus.IN_REVIEW
    locked.save(update_fields=["status", "updated_at"])
    if collaboration.stage == Stage.PRODUCT_SHIPPED:
        _move(organization, collaboration, Stage.CONTENT_IN_REVIEW, by, actor,
              f"Draft of {locked.title} submitted (round {number})", at)  # fmt: skip
    if checked:
        _store(name, checked.upload)
    return submission


REVIEW_DECISIONS = ("approve", "request_changes")


@transaction.atomic
def submission_review(
    *, organization: Organization, submission: ContentSubmission, decision: str,
    comment: str = "", by: AbstractBaseUser | None = None, actor: str = "",
    at: datetime.datetime | None = None,
) -> ContentSubmission:  # fmt: skip
    """The brand approves the round or asks for changes (with a comment saying what).
    Approving the last deliverable still in review moves the collaboration to approved.
    Repeating the decision already taken changes nothing (a retried request)."""
    if decision not in REVIEW_DECISIONS:
        raise ValidationError({"decision": f"Decide {' or '.join(REVIEW_DECISIONS)}."})
    same_org(organization, submission)
    at = _when(at)
    collaboration, deliverable = _locked_deliverable(organization, submission.deliverable)
    locked = (
        ContentSubmission.objects.for_org(organization).select_for_update().get(pk=submission.pk)
    )
    wanted = (SubmissionStatus.APPROVED if decision == "approve"
              else SubmissionStatus.CHANGES_REQUESTED)  # fmt: skip
    if locked.status == wanted:
        return locked
    if locked.status != SubmissionStatus.IN_REVIEW:
        raise ValidationError(
            f"Round {locked.round} was already {locked.get_status_display().lower()}."
        )
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationError({"comment": f"Keep the comment under {MAX_COMMENT} characters."})
    if decision == "request_changes" and not comment:
        raise ValidationError({"comment": "Say what to change, so the creator can fix it."})
    locked.status, locked.review_comment = wanted, comment
    locked.reviewed_at, locked.reviewed_by = at, by
    locked.save(update_fields=["status", "review_comment", "reviewed_at", "reviewed_by",
                               "updated_at"])  # fmt: skip
    deliverable.status = (DeliverableStatus.APPROVED if decision == "approve"
                          else DeliverableStatus.CHANGES_REQUESTED)  # fmt: skip
    deliverable.save(update_fields=["status", "updated_at"])
    if decision == "approve" and collaboration.stage == Stage.CONTENT_IN_REVIEW:
        siblings = ContentDeliverable.objects.for_org(organization).filter(
            collaboration=collaboration
        )
        if not siblings.exclude(status__in=DONE).exists():
            _move(organization, collaboration, Stage.APPROVED, by, actor,
                  "All content approved", at)  # fmt: skip
    return locked


# --- live posts ------------------------------------------------------------------------


def figures_parse(data: Mapping[str, Any]) -> dict[str, int]:
    """Whole numbers ≥ 0 for every figure (an empty one is 0); each refusal names it."""
    figures: dict[str, int] = {}
    for name in FIGURES:
        raw = data.get(name)
        if raw in (None, ""):
            figures[name] = 0
            continue
        text = str(raw).strip().replace(",", "")
        if isinstance(raw, bool) or not text.isdigit():
            raise ValidationError({name: f"{raw!r} is not a whole number of 0 or more."})
        value = int(text)
        if value >= MAX_FIGURE:
            raise ValidationError({name: f"{raw} is not a believable figure."})
        figures[name] = value
    return figures


@transaction.atomic
def live_post_submit(
    *, organization: Organization, deliverable: ContentDeliverable, url: str,
    figures: Mapping[str, Any], screenshot, by: AbstractBaseUser | None = None,
    actor: str = "", at: datetime.datetime | None = None,
) -> LivePost:  # fmt: skip
    """The creator reports the approved deliverable's live post, its figures and a
    screenshot that shows them (an image, checked by content). Reporting again replaces
    the report until the brand verifies it. The last deliverable live moves an approved
    collaboration to published."""
    at = _when(at)
    collaboration, locked = _locked_deliverable(organization, deliverable)
    if locked.status not in DONE:
        raise ValidationError(f"{locked.title} is not approved yet: publish it once the brand "
                              "approves the draft.")  # fmt: skip
    if collaboration.stage not in PUBLISHABLE:
        raise ValidationError(f"The collaboration is {collaboration.get_stage_display().lower()}.")
    url = _web_address(url, "url")
    parsed = figures_parse(figures)
    if not screenshot:
        raise ValidationError({"screenshot": "Add a screenshot of the post's figures as proof."})
    checked = check_upload(screenshot, field="screenshot", families=(IMAGE,))
    post = (
        LivePost.objects.for_org(organization)
        .select_for_update()
        .filter(deliverable=locked)
        .first()
    )
    if post is not None and post.verified:
        raise ValidationError("These figures were verified by the brand; ask them to change them.")
    old_file = post.screenshot.name if post is not None else ""
    post = post or LivePost(organization=organization, deliverable=locked)
    name = tenant_path(organization.pk, "live", checked.extension)
    post.url = url
    for field, value in parsed.items():
        setattr(post, field, value)
    post.screenshot = name
    post.screenshot_name = checked.name
    post.screenshot_content_type = checked.content_type
    post.reported_at, post.reported_by, post.actor = at, by, (actor or "")[:80]
    post.save()
    locked.status = DeliverableStatus.LIVE
    locked.save(update_fields=["status", "updated_at"])
    if collaboration.stage == Stage.APPROVED:
        siblings = ContentDeliverable.objects.for_org(organization).filter(
            collaboration=collaboration
        )
        if not siblings.exclude(status=DeliverableStatus.LIVE).exists():
            _move(organization, collaboration, Stage.PUBLISHED, by, actor,
                  "All content is live", at)  # fmt: skip
    _store(name, checked.upload)
    if old_file:
        # The replaced screenshot goes once the new report is committed.
        transaction.on_commit(lambda: default_storage.delete(old_file))
    return post


@transaction.atomic
def live_post_verify(
    *, organization: Organization, live_post: LivePost, by: AbstractBaseUser | None
) -> LivePost:
    """The brand checked the figures against the screenshot (or the platform). Verifying
    again changes nothing."""
    same_org(organization, live_post)
    locked = LivePost.objects.for_org(organization).select_for_update().get(pk=live_post.pk)
    if locked.verified_at is None:
        locked.verified_at, locked.verified_by = timezone.now(), by
        locked.save(update_fields=["verified_at", "verified_by", "updated_at"])
    return locked
