"""Reads for outreach: pitch templates, the values their merge fields take for one
collaboration, per-creator pitch drafts for the preview, the message thread of a
collaboration (both sides read the same one), unread replies, and a campaign's
follow-up plan."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, F, Q, QuerySet

from campaigns import merge_fields, pipeline
from campaigns.models import (
    Campaign,
    Collaboration,
    FollowUpPlan,
    MessageKind,
    OutreachMessage,
    PitchTemplate,
    Side,
    TemplateKind,
)
from campaigns.models.outreach import DEFAULT_FOLLOW_UP_DAYS
from campaigns.pipeline import Stage
from campaigns.selectors.offers import offer_history, offer_on_table
from campaigns.terms import money_text, percent_text
from creators.models import CreatorStatus, SocialAccount
from kolhub.models import Organization

# A pitch invites a shortlisted creator (it moves the collaboration to invited).
PITCHABLE = (Stage.SHORTLISTED,)


def pitch_template_list(
    *, organization: Organization, kind: str | None = None
) -> QuerySet[PitchTemplate]:
    queryset = PitchTemplate.objects.for_org(organization).select_related("created_by")
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("kind", "-is_default", "name", "id")


def pitch_template_get(*, organization: Organization, template_id: int) -> PitchTemplate:
    return PitchTemplate.objects.for_org(organization).get(pk=template_id)


def pitch_template_default(*, organization: Organization, kind: str) -> PitchTemplate | None:
    """The template preselected for `kind`: the one marked default, else the first."""
    return pitch_template_list(organization=organization, kind=kind).first()


def recent_work(organization: Organization, creator) -> str:
    """What the creator makes, as precisely as the roster knows it. The creators app keeps
    their channels (platform, handle, profile URL, followers), not single posts: the
    biggest channel with its link is the best real reference, and the preview is where
    the marketer names the post itself."""
    account = (
        SocialAccount.objects.for_org(organization)
        .filter(creator=creator)
        # Unknown follower counts last: PostgreSQL sorts NULL first in descending order.
        .order_by(F("followers").desc(nulls_last=True), "id")
        .only("platform", "handle", "url")
        .first()
    )
    if account is not None:
        where = f"your {account.get_platform_display()} @{account.handle}"
        return f"{where} ({account.url})" if account.url else where
    if creator.profession:
        return f"your work as a {creator.profession.lower()}"
    return "your work"


def offer_summary(organization: Organization, collaboration: Collaboration) -> str:
    on_table = offer_on_table(offer_history(organization=organization,
                                            collaboration=collaboration))  # fmt: skip
    if on_table is None:
        return ""
    terms = on_table.terms
    parts = []
    if terms.fee:
        parts.append(money_text(terms.fee, terms.currency))
    if terms.commission_percent:
        parts.append(f"{percent_text(terms.commission_percent)} commission")
    if terms.gifts:
        parts.append(", ".join(f"{g.quantity} × {g.product_name}" for g in terms.gifts))
    what = ", ".join(d.text() for d in terms.deliverables)
    offer = " + ".join(parts) or "product and terms"
    return f"Our offer: {offer}{f' for {what}' if what else ''}."


def merge_values(
    *, organization: Organization, collaboration: Collaboration,
    sender: AbstractBaseUser | None,
) -> dict[str, str]:  # fmt: skip
    """Every merge field's value for this collaboration, as plain strings. The portal link
    is filled in only when the email is sent (its token exists only then)."""
    creator = collaboration.creator
    campaign = collaboration.campaign
    products = [p.name for p in campaign.products.all()]
    name = creator.name.strip()
    return {
        "creator_name": name,
        "creator_first_name": _first_name(name),
        "recent_work": recent_work(organization, creator),
        "campaign_name": campaign.name,
        "products": ", ".join(products) or campaign.name,
        "offer_summary": offer_summary(organization, collaboration),
        "brand_name": organization.name,
        "sender_name": getattr(sender, "display_name", "") or organization.name,
        merge_fields.PORTAL_LINK: merge_fields.PORTAL_LINK_PLACEHOLDER,
    }


def _first_name(name: str) -> str:
    words = name.split()
    # "Dr Ana Ruiz" reads better whole than as "Dr".
    if words and words[0].rstrip(".").lower() in {"dr", "prof", "mr", "ms", "mrs"}:
        return name
    return words[0] if words else name


@dataclass
class PitchDraft:
    collaboration: Collaboration
    subject: str
    body: str
    problems: list[str] = field(default_factory=list)

    @property
    def sendable(self) -> bool:
        return not self.problems


def pitch_problems(collaboration: Collaboration) -> list[str]:
    """Why this collaboration cannot be pitched now, in words for the marketer (the
    service refuses the same things)."""
    creator = collaboration.creator
    problems = []
    if collaboration.stage not in PITCHABLE:
        problems.append(
            f"{pipeline.label(collaboration.stage)}: a pitch goes to shortlisted creators only."
        )
    if not creator.email:
        problems.append("No email address: add one on the creator's page first.")
    if creator.status == CreatorStatus.DO_NOT_CONTACT:
        problems.append("Marked do-not-contact.")
    return problems


def pitch_candidates(
    *, organization: Organization, campaign: Campaign, collaboration_ids: Iterable[int]
) -> list[Collaboration]:
    """The campaign's collaborations among those ids (others are not found), by name."""
    ids = {int(i) for i in collaboration_ids}
    return list(
        Collaboration.objects.for_org(organization)
        .filter(campaign=campaign, pk__in=ids)
        .select_related("creator", "campaign")
        .order_by("creator__name", "id")
    )


def pitch_drafts(
    *, organization: Organization, collaborations: list[Collaboration],
    template: PitchTemplate | None, sender: AbstractBaseUser | None,
) -> list[PitchDraft]:  # fmt: skip
    drafts = []
    for collaboration in collaborations:
        subject = body = ""
        problems = pitch_problems(collaboration)
        # Nothing to edit for a creator who cannot be pitched now.
        if template is not None and not problems:
            values = merge_values(organization=organization, collaboration=collaboration,
                                  sender=sender)  # fmt: skip
            keep = (merge_fields.PORTAL_LINK,)
            subject = merge_fields.fill(template.subject, values, keep=keep)
            body = merge_fields.fill(template.body, values, keep=keep)
        drafts.append(PitchDraft(collaboration, subject, body, problems))
    return drafts


def message_queryset(*, organization: Organization) -> QuerySet[OutreachMessage]:
    return OutreachMessage.objects.for_org(organization).select_related("author")


def outreach_thread(
    *, organization: Organization, collaboration: Collaboration
) -> list[OutreachMessage]:
    """The collaboration's messages, oldest first; both sides see the same thread."""
    return list(
        message_queryset(organization=organization)
        .filter(collaboration=collaboration)
        .order_by("sent_at", "id")
    )


def unread_count(*, organization: Organization, collaboration: Collaboration) -> int:
    return (
        OutreachMessage.objects.for_org(organization)
        .filter(collaboration=collaboration, side=Side.CREATOR, read_at__isnull=True)
        .count()
    )


@dataclass
class OutreachSummary:
    pitched: int
    replied: int
    unread: list[Collaboration]

    @property
    def unread_total(self) -> int:
        return sum(c.unread for c in self.unread)


def outreach_summary(*, organization: Organization, campaign: Campaign) -> OutreachSummary:
    """Pitches sent, collaborations with a reply, and those with unread replies (each
    with `.unread`), for the campaign page."""
    rows = (
        Collaboration.objects.for_org(organization)
        .filter(campaign=campaign)
        .annotate(
            pitches=Count("messages", filter=Q(messages__kind=MessageKind.PITCH)),
            replies=Count("messages", filter=Q(messages__side=Side.CREATOR)),
            unread=Count(
                "messages", filter=Q(messages__side=Side.CREATOR, messages__read_at__isnull=True)
            ),
        )  # fmt: skip
        .filter(Q(pitches__gt=0) | Q(replies__gt=0))
        .select_related("creator")
        .order_by("creator__name", "id")
    )
    rows = list(rows)
    return OutreachSummary(
        pitched=sum(1 for r in rows if r.pitches),
        replied=sum(1 for r in rows if r.replies),
        unread=[r for r in rows if r.unread],
    )


def follow_up_plan_get(*, organization: Organization, campaign: Campaign) -> FollowUpPlan:
    """The campaign's plan, or the default one (3 and 7 days, unsaved) when it has none."""
    plan = (
        FollowUpPlan.objects.for_org(organization)
        .filter(campaign=campaign)
        .select_related("template")
        .first()
    )
    if plan is None:
        plan = FollowUpPlan(organization=organization, campaign=campaign, enabled=True,
                            days=list(DEFAULT_FOLLOW_UP_DAYS))  # fmt: skip
    return plan


def follow_up_template(*, organization: Organization, plan: FollowUpPlan) -> PitchTemplate | None:
    if plan.template_id:
        return plan.template
    return pitch_template_default(organization=organization, kind=TemplateKind.FOLLOW_UP)
