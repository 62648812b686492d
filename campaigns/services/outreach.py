"""Outreach's writes: pitch templates, sending a pitch (portal link, message row, stage
move and the email, in one transaction), the follow-up schedule and the follow-ups beat
sends, the message thread from either side, and the emails all of these send.

Email goes out from a worker after the transaction commits (`delay_on_commit`): a
rollback never sends, and the worker reads the row the transaction wrote. The raw
portal token travels in the task's arguments (as the team invitation's does) because
only its hash is stored; the stored text keeps the {{ portal_link }} placeholder."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from campaigns import merge_fields, pipeline
from campaigns.models import (
    Campaign,
    Collaboration,
    FollowUpPlan,
    MessageKind,
    Offer,
    OutreachMessage,
    PitchTemplate,
    PortalClaim,
    PortalToken,
    Side,
    TemplateKind,
)
from campaigns.pipeline import Stage
from campaigns.selectors import outreach as read
from campaigns.services.collaborations import collaboration_transition
from campaigns.services.guards import check_member, same_org
from campaigns.services.portal import portal_token_issue
from creators.models import CreatorStatus
from kolhub.models import Membership, Organization, Role
from kolhub.selectors import hash_token

logger = logging.getLogger("campaigns.outreach")

MAX_MESSAGE = 10_000
# Follow-ups chase an invitation nobody answered; once terms are agreed (or the
# collaboration ended) there is nothing to chase.
FOLLOW_UP_STAGES = (Stage.INVITED, Stage.NEGOTIATING)
MAX_FOLLOW_UP_DAYS = 60
CREATOR_ACTOR = "creator via portal"


# --- templates -------------------------------------------------------------------------


def _one_line(text: str | None) -> str:
    """A subject line on one line: a line break in a header is refused by the mail library
    (BadHeaderError) at send time, in the worker, where nobody would see it."""
    return " ".join((text or "").split())


def _clean_template(name: str, subject: str, body: str, kind: str) -> tuple[str, str, str]:
    name, subject, body = (name or "").strip(), (subject or "").strip(), (body or "").strip()
    errors = {}
    if not name:
        errors["name"] = "Give the template a name."
    if not subject:
        errors["subject"] = "A pitch needs a subject line."
    if not body:
        errors["body"] = "A pitch needs a body."
    if kind not in TemplateKind.values:
        errors["kind"] = f"{kind!r} is not a kind of template."
    if errors:
        raise ValidationError(errors)
    merge_fields.check_template(subject=subject, body=body)
    return name, subject, body


def _set_default(organization: Organization, template: PitchTemplate) -> None:
    # One default per kind (a partial unique constraint): clear the old one first.
    PitchTemplate.objects.for_org(organization).filter(kind=template.kind, is_default=True).exclude(
        pk=template.pk
    ).update(is_default=False)


def _unique_name(organization: Organization, name: str, exclude: int | None = None) -> None:
    clash = PitchTemplate.objects.for_org(organization).filter(name__iexact=name)
    if exclude:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise ValidationError({"name": f"There is already a template called {name!r}."})


@transaction.atomic
def pitch_template_create(
    *, organization: Organization, name: str, subject: str, body: str,
    kind: str = TemplateKind.PITCH, is_default: bool = False,
    created_by: AbstractBaseUser | None = None,
) -> PitchTemplate:  # fmt: skip
    """A template; an unknown merge field or a template tag is refused by name."""
    name, subject, body = _clean_template(name, subject, body, kind)
    _unique_name(organization, name)
    template = PitchTemplate(organization=organization, name=name, kind=kind, subject=subject,
                             body=body, is_default=is_default, created_by=created_by)  # fmt: skip
    if is_default:
        _set_default(organization, template)
    template.save()
    return template


@transaction.atomic
def pitch_template_update(
    *, organization: Organization, template: PitchTemplate, name: str, subject: str,
    body: str, is_default: bool,
) -> PitchTemplate:  # fmt: skip
    same_org(organization, template)
    name, subject, body = _clean_template(name, subject, body, template.kind)
    _unique_name(organization, name, exclude=template.pk)
    template.name, template.subject, template.body = name, subject, body
    template.is_default = is_default
    if is_default:
        _set_default(organization, template)
    template.save()
    return template


@transaction.atomic
def pitch_template_delete(*, organization: Organization, template: PitchTemplate) -> None:
    """Messages sent from it keep their text (their link to it is cleared)."""
    same_org(organization, template)
    template.delete()


@transaction.atomic
def pitch_templates_ensure_defaults(*, organization: Organization) -> list[PitchTemplate]:
    """The built-in pitch and follow-up, for an organization that has no template of that
    kind yet (a new one, or the demo). Idempotent; returns what it created."""
    created = []
    for kind, default in ((TemplateKind.PITCH, merge_fields.DEFAULT_PITCH),
                          (TemplateKind.FOLLOW_UP, merge_fields.DEFAULT_FOLLOW_UP)):  # fmt: skip
        if PitchTemplate.objects.for_org(organization).filter(kind=kind).exists():
            continue
        template, made = PitchTemplate.objects.get_or_create(
            organization=organization, name=default["name"],
            defaults={"kind": kind, "subject": default["subject"], "body": default["body"],
                      "is_default": True},
        )  # fmt: skip
        if made:
            created.append(template)
    return created


# --- links for the creator -------------------------------------------------------------


def creator_link(
    *, organization: Organization, collaboration: Collaboration, raw_token: str = ""
) -> str:
    """The absolute URL of the collaboration in the creator's portal: through the link's
    token when there is one, else through the account that claimed the creator."""
    base = settings.SITE_URL.rstrip("/")
    if raw_token:
        kwargs = {"token": raw_token, "collaboration_id": collaboration.pk}
        path = reverse("portal_token_collaboration", kwargs=kwargs)
    else:
        kwargs = {"brand": organization.slug, "collaboration_id": collaboration.pk}
        path = reverse("portal_account_collaboration", kwargs=kwargs)
    return base + path


def _link_for(
    organization: Organization, collaboration: Collaboration, by: AbstractBaseUser | None,
    *, fresh: bool,
) -> tuple[PortalToken | None, str]:  # fmt: skip
    """(token, raw) for an email to the creator. Only a hash of a token is stored, so an
    earlier link cannot be put in a new email: a creator who claimed the portal with an
    account gets their account's address (no new link); anyone else a new link. A pitch
    is the invitation itself and always carries a new link."""
    if (
        not fresh
        and PortalClaim.objects.for_org(organization)
        .filter(creator_id=collaboration.creator_id)
        .exists()
    ):
        return None, ""
    return portal_token_issue(organization=organization, creator=collaboration.creator,
                              issued_by=by)  # fmt: skip


def _enqueue_email(organization: Organization, message: OutreachMessage, raw: str = "") -> None:
    from campaigns.tasks import send_outreach_email_task

    send_outreach_email_task.delay_on_commit(organization.pk, message.pk, raw)


# --- pitches ---------------------------------------------------------------------------


def _lock(organization: Organization, collaboration: Collaboration) -> Collaboration:
    return (
        Collaboration.objects.for_org(organization)
        .select_for_update(of=("self",))
        .select_related("creator", "campaign")
        .get(pk=collaboration.pk)
    )


@transaction.atomic
def pitch_send(
    *, organization: Organization, collaboration: Collaboration, subject: str, body: str,
    by: AbstractBaseUser | None, template: PitchTemplate | None = None, actor: str = "",
) -> OutreachMessage:  # fmt: skip
    """Send one personalised pitch: a new portal link for the creator, the message as
    written (with the link's placeholder), the collaboration moved shortlisted →
    invited, and the email, sent by a worker once this commits. Refused, with the
    creator's name, for a creator without email or marked do-not-contact, a
    collaboration that is not shortlisted, or an empty pitch."""
    same_org(organization, collaboration)
    check_member(organization, by, "by")
    if template is not None:
        same_org(organization, template)
    locked = _lock(organization, collaboration)
    creator = locked.creator
    who = creator.name
    if locked.stage not in read.PITCHABLE:
        raise ValidationError(
            f"{who}: the collaboration is {pipeline.label(locked.stage).lower()}; a pitch goes "
            "to a shortlisted creator."
        )
    if not creator.email:
        raise ValidationError(f"{who} has no email address: add one on their creator page.")
    if creator.status == CreatorStatus.DO_NOT_CONTACT:
        raise ValidationError(f"{who} asked not to be contacted.")
    subject, body = _one_line(subject), (body or "").strip()
    if not body:
        raise ValidationError({"body": f"{who}: the pitch is empty."})
    if not subject:
        raise ValidationError({"subject": f"{who}: the pitch needs a subject line."})
    if len(body) > MAX_MESSAGE:
        raise ValidationError({"body": f"{who}: keep the pitch under {MAX_MESSAGE} characters."})
    token, raw = portal_token_issue(organization=organization, creator=creator, issued_by=by)
    message = OutreachMessage.objects.create(
        organization=organization, collaboration=locked, kind=MessageKind.PITCH,
        side=Side.BRAND, author=by, actor="" if by else (actor or "system")[:80],
        subject=subject[:300], body=body, template=template, portal_token=token,
        email_to=creator.email,
    )  # fmt: skip
    collaboration_transition(
        organization=organization, collaboration=locked, to_stage=Stage.INVITED, by=by,
        actor=actor, reason="Personalised pitch sent by email",
    )  # fmt: skip
    collaboration.stage, collaboration.stage_changed_at = locked.stage, locked.stage_changed_at
    _enqueue_email(organization, message, raw)
    return message


@transaction.atomic
def pitch_record(
    *, organization: Organization, collaboration: Collaboration, subject: str, body: str,
    by: AbstractBaseUser | None, at: datetime.datetime,
) -> OutreachMessage:  # fmt: skip
    """Put a pitch that went out earlier, outside KOL Hub, into the thread (history entered
    after the fact, demo data): no email, no link, no stage move. The collaboration must
    be past the shortlist already (it was moved to invited by hand) and have no pitch."""
    same_org(organization, collaboration)
    check_member(organization, by, "by")
    locked = _lock(organization, collaboration)
    if locked.stage in read.PITCHABLE:
        raise ValidationError("Send the pitch instead: this creator has not been contacted.")
    if at > timezone.now():
        raise ValidationError({"at": "A pitch cannot be recorded in the future."})
    if (
        OutreachMessage.objects.for_org(organization)
        .filter(collaboration=locked, kind=MessageKind.PITCH)
        .exists()
    ):
        raise ValidationError("This collaboration's pitch is already in the thread.")
    body = _clean_body(body)
    return OutreachMessage.objects.create(
        organization=organization, collaboration=locked, kind=MessageKind.PITCH,
        side=Side.BRAND, author=by, actor="" if by else "system",
        subject=(subject or "").strip()[:300], body=body, email_to=locked.creator.email,
        sent_at=at, email_sent_at=at,
    )  # fmt: skip


# --- follow-ups ------------------------------------------------------------------------


@transaction.atomic
def follow_up_plan_set(
    *, organization: Organization, campaign: Campaign, days: list[int], enabled: bool,
    template: PitchTemplate | None = None,
) -> FollowUpPlan:  # fmt: skip
    same_org(organization, campaign)
    if template is not None:
        same_org(organization, template)
        if template.kind != TemplateKind.FOLLOW_UP:
            raise ValidationError({"template": f"{template.name} is not a follow-up template."})
    cleaned = sorted({int(d) for d in days})
    if enabled and not cleaned:
        raise ValidationError({"days": "Give at least one day, or turn follow-ups off."})
    if any(d < 1 or d > MAX_FOLLOW_UP_DAYS for d in cleaned):
        raise ValidationError(
            {"days": f"Follow-ups go out between 1 and {MAX_FOLLOW_UP_DAYS} days after a pitch."}
        )
    if len(cleaned) > 5:
        raise ValidationError({"days": "Five follow-ups at most: more reads as spam."})
    plan, _ = FollowUpPlan.objects.update_or_create(
        organization=organization, campaign=campaign,
        defaults={"days": cleaned, "enabled": enabled, "template": template},
    )  # fmt: skip
    return plan


def _answered(organization: Organization, collaboration: Collaboration) -> bool:
    """The creator replied in the thread or answered an offer (a counter-offer)."""
    replied = OutreachMessage.objects.for_org(organization).filter(
        collaboration=collaboration, side=Side.CREATOR
    )
    countered = Offer.objects.for_org(organization).filter(
        collaboration=collaboration, proposed_by=Side.CREATOR
    )
    return replied.exists() or countered.exists()


def follow_up_due_step(
    plan_days: list[int], pitched_at: datetime.datetime, sent_steps: set[int],
    now: datetime.datetime,
) -> int | None:  # fmt: skip
    """The follow-up step (1-based) to send now, if any: the latest one whose day has
    come, unless it or a later one went out already. A worker that was down for a week
    sends one follow-up, not two in a row."""
    due = [i for i, days in enumerate(sorted(plan_days), start=1)
           if now >= pitched_at + datetime.timedelta(days=days)]  # fmt: skip
    if not due:
        return None
    step = due[-1]
    if any(s >= step for s in sent_steps):
        return None
    return step


def follow_ups_send_due(
    *, organization: Organization, now: datetime.datetime | None = None
) -> list[OutreachMessage]:
    """Send every follow-up that is due in the organization (run by beat). A follow-up
    goes to a pitched collaboration still invited or negotiating whose creator has not
    replied (in the thread or with a counter-offer). Each is written in its own
    savepoint and guarded by a unique constraint on (collaboration, step): a rerun, or
    two workers at once, never send one twice."""
    now = now or timezone.now()
    pitches = list(
        OutreachMessage.objects.for_org(organization)
        .filter(kind=MessageKind.PITCH, collaboration__stage__in=FOLLOW_UP_STAGES)
        .select_related("collaboration__creator", "collaboration__campaign", "author")
    )
    plans: dict[int, FollowUpPlan] = {}
    sent = []
    for pitch in pitches:
        collaboration = pitch.collaboration
        campaign = collaboration.campaign
        if campaign.pk not in plans:
            plans[campaign.pk] = read.follow_up_plan_get(organization=organization,
                                                         campaign=campaign)  # fmt: skip
        plan = plans[campaign.pk]
        if not plan.enabled or not plan.days:
            continue
        steps = set(
            OutreachMessage.objects.for_org(organization)
            .filter(collaboration=collaboration, kind=MessageKind.FOLLOW_UP)
            .values_list("follow_up_step", flat=True)
        )
        step = follow_up_due_step(plan.days, pitch.sent_at, steps, now)
        if step is None or _answered(organization, collaboration):
            continue
        message = _follow_up_send(organization, pitch, plan, step, now)
        if message is not None:
            sent.append(message)
    return sent


def _follow_up_send(
    organization: Organization, pitch: OutreachMessage, plan: FollowUpPlan, step: int,
    now: datetime.datetime,
) -> OutreachMessage | None:  # fmt: skip
    collaboration = pitch.collaboration
    creator = collaboration.creator
    if not creator.email or creator.status == CreatorStatus.DO_NOT_CONTACT:
        return None
    template = read.follow_up_template(organization=organization, plan=plan)
    sender = pitch.author
    if (
        sender is not None
        and not Membership.objects.for_org(organization).filter(user=sender).exists()
    ):
        sender = None  # left the organization since the pitch
    values = read.merge_values(organization=organization, collaboration=collaboration,
                               sender=sender)  # fmt: skip
    keep = (merge_fields.PORTAL_LINK,)
    if template is not None:
        subject = merge_fields.fill(template.subject, values, keep=keep)
        body = merge_fields.fill(template.body, values, keep=keep)
    else:
        subject = f"Re: {pitch.subject}"
        body = merge_fields.fill(merge_fields.DEFAULT_FOLLOW_UP["body"], values, keep=keep)
    try:
        with transaction.atomic():
            token, raw = _link_for(organization, collaboration, sender, fresh=False)
            message = OutreachMessage.objects.create(
                organization=organization, collaboration=collaboration,
                kind=MessageKind.FOLLOW_UP, side=Side.BRAND, author=sender,
                actor="" if sender else "system", subject=subject[:300], body=body,
                template=template, follow_up_step=step, portal_token=token,
                email_to=creator.email, sent_at=now,
            )  # fmt: skip
            _enqueue_email(organization, message, raw)
    except IntegrityError:
        # Another run sent this step a moment ago: the constraint is the guarantee.
        return None
    return message


# --- the thread ------------------------------------------------------------------------


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write something first."})
    if len(body) > MAX_MESSAGE:
        raise ValidationError({"body": f"Keep a message under {MAX_MESSAGE} characters."})
    return body


@transaction.atomic
def message_post_brand(
    *, organization: Organization, collaboration: Collaboration, body: str,
    by: AbstractBaseUser | None, actor: str = "",
) -> OutreachMessage:  # fmt: skip
    """The brand writes in the thread; the creator is emailed with their portal link.
    Writing also marks the creator's messages read."""
    same_org(organization, collaboration)
    check_member(organization, by, "by")
    body = _clean_body(body)
    locked = _lock(organization, collaboration)
    if locked.stage in read.PITCHABLE:
        raise ValidationError(
            f"{locked.creator.name} has not been contacted yet: send a pitch first (it "
            "carries their portal link)."
        )
    if not locked.creator.email:
        raise ValidationError(f"{locked.creator.name} has no email address to notify.")
    token, raw = _link_for(organization, locked, by, fresh=False)
    message = OutreachMessage.objects.create(
        organization=organization, collaboration=locked, kind=MessageKind.MESSAGE,
        side=Side.BRAND, author=by, actor="" if by else (actor or "system")[:80],
        body=body, portal_token=token, email_to=locked.creator.email,
    )  # fmt: skip
    messages_mark_read(organization=organization, collaboration=locked)
    _enqueue_email(organization, message, raw)
    return message


@transaction.atomic
def message_post_creator(
    *, organization: Organization, collaboration: Collaboration, body: str
) -> OutreachMessage:
    """The creator writes in the portal; the brand is emailed. Stops the follow-ups (the
    creator answered). The portal only reaches collaborations the creator may see."""
    same_org(organization, collaboration)
    body = _clean_body(body)
    locked = _lock(organization, collaboration)
    if locked.stage in read.PITCHABLE:
        raise ValidationError("This collaboration is not open to messages yet.")
    message = OutreachMessage.objects.create(
        organization=organization, collaboration=locked, kind=MessageKind.MESSAGE,
        side=Side.CREATOR, actor=CREATOR_ACTOR, body=body,
    )  # fmt: skip
    _enqueue_email(organization, message)
    return message


@transaction.atomic
def messages_mark_read(
    *, organization: Organization, collaboration: Collaboration,
    at: datetime.datetime | None = None,
) -> int:  # fmt: skip
    """The brand has seen the creator's messages: they stop counting as unread."""
    same_org(organization, collaboration)
    return (
        OutreachMessage.objects.for_org(organization)
        .filter(collaboration=collaboration, side=Side.CREATOR, read_at__isnull=True)
        .update(read_at=at or timezone.now())
    )


# --- email (run by the worker) ---------------------------------------------------------


def _brand_recipients(organization: Organization, message: OutreachMessage) -> list[str]:
    """Who hears about a creator's message: whoever sent the pitch, if still a member;
    else the organization's owners and admins."""
    members = Membership.objects.for_org(organization).select_related("user")
    pitch = (
        OutreachMessage.objects.for_org(organization)
        .filter(collaboration=message.collaboration_id, kind=MessageKind.PITCH)
        .first()
    )
    if pitch is not None and pitch.author_id:
        sender = members.filter(user_id=pitch.author_id).first()
        if sender is not None:
            return [sender.user.email]
    return [m.user.email for m in members.filter(role__in=[Role.OWNER, Role.ADMIN])
            .order_by("user__email")]  # fmt: skip


@transaction.atomic
def outreach_email_send(
    *, organization: Organization, message_id: int, raw_token: str = ""
) -> bool:
    """Email one message: to the creator (pitch, follow-up, the brand's message) with
    their portal link, or to the brand (the creator's message) with a link to the
    collaboration. Sent once: a redelivered task finds `email_sent_at` set. Returns
    whether it sent."""
    message = (
        OutreachMessage.objects.for_org(organization)
        .select_for_update(of=("self",))
        .select_related(
            "collaboration__creator", "collaboration__campaign", "author", "portal_token"
        )  # fmt: skip
        .get(pk=message_id)
    )
    if message.email_sent_at is not None:
        return False
    collaboration = message.collaboration
    if message.side == Side.CREATOR:
        to = _brand_recipients(organization, message)
        url = settings.SITE_URL.rstrip("/") + reverse(
            "collaboration_detail",
            args=[organization.slug, collaboration.campaign_id, collaboration.pk],
        ) + "#messages"  # fmt: skip
        name, campaign = collaboration.creator.name, collaboration.campaign.name
        subject = f"{name} replied about {campaign}"
        body = f"{name} wrote about {campaign}:\n\n{message.body}\n\nReply on KOL Hub: {url}\n"
        reply_to: list[str] = []
    else:
        if message.portal_token_id and (
            not raw_token or hash_token(raw_token) != message.portal_token.token_hash
        ):
            logger.warning("outreach email %s: the link's token does not match; not sent",
                           message.pk)  # fmt: skip
            return False
        link = creator_link(organization=organization, collaboration=collaboration,
                            raw_token=raw_token if message.portal_token_id else "")  # fmt: skip
        to = [message.email_to or collaboration.creator.email]
        if message.kind == MessageKind.MESSAGE:
            subject = f"New message from {organization.name} about {collaboration.campaign.name}"
            body = f"{message.body}\n\n—\nReply in your portal: {link}\n"
        else:
            subject = message.subject
            body = merge_fields.with_portal_link(message.body, link) + "\n"
        reply_to = [message.author.email] if message.author_id else []
    if not [t for t in to if t]:
        logger.warning("outreach email %s: nobody to send it to", message.pk)
        return False
    EmailMessage(subject=_one_line(subject), body=body, to=to, reply_to=reply_to).send()
    message.email_sent_at = timezone.now()
    message.save(update_fields=["email_sent_at", "updated_at"])
    return True
