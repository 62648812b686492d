"""The collaboration pipeline's writes: shortlisting creators, moving a collaboration
through campaigns.pipeline (with the payment triggers and the offers that depend on its
stage), assigning an owner and removing a shortlisted creator."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from campaigns import pipeline
from campaigns.models import (
    Campaign,
    CampaignStatus,
    Collaboration,
    Offer,
    OfferStatus,
    StageChange,
)
from campaigns.pipeline import Stage
from campaigns.services.guards import check_member, same_org
from campaigns.services.payments import payments_trigger
from creators.models import Creator, CreatorStatus
from kolhub.models import Organization


@dataclass(frozen=True)
class AddResult:
    added: int
    skipped: int  # already in the campaign
    do_not_contact: int  # refused: the creator asked not to be contacted
    not_found: int  # not a creator of this organization

    def summary(self) -> str:
        parts = [f"Added {self.added} creator{'s' if self.added != 1 else ''}"]
        if self.skipped:
            parts.append(f"{self.skipped} already in the campaign")
        if self.do_not_contact:
            parts.append(f"{self.do_not_contact} marked do-not-contact, not added")
        if self.not_found:
            parts.append(f"{self.not_found} not found")
        return "; ".join(parts) + "."


def _check_open(campaign: Campaign, doing: str) -> None:
    if campaign.status in (CampaignStatus.COMPLETED, CampaignStatus.ARCHIVED):
        raise ValidationError(
            f"{campaign.name} is {campaign.get_status_display().lower()}: reopen it before {doing}."
        )


@transaction.atomic
def collaborations_add(
    *, organization: Organization, campaign: Campaign, creator_ids: Iterable[int],
    added_by: AbstractBaseUser | None, owner: AbstractBaseUser | None = None,
    at: datetime.datetime | None = None,
) -> AddResult:  # fmt: skip
    """Shortlist creators (ids of this organization's roster) in the campaign. Idempotent:
    creators already in it are skipped, so the same selection can be sent twice. `at`
    records an addition made earlier (demo data, history entered after the fact)."""
    same_org(organization, campaign)
    _check_open(campaign, "adding creators")
    owner = owner or added_by
    check_member(organization, owner, "owner")
    # Lock the campaign: two people adding the same creator at once queue up here instead
    # of one of them failing on the unique constraint.
    Campaign.objects.for_org(organization).select_for_update().filter(pk=campaign.pk).first()
    wanted = {int(i) for i in creator_ids}
    found = dict(
        Creator.objects.for_org(organization).filter(id__in=wanted).values_list("id", "status")
    )
    present = set(
        Collaboration.objects.for_org(organization)
        .filter(campaign=campaign, creator_id__in=list(found))
        .values_list("creator_id", flat=True)
    )
    refused = {i for i, status in found.items() if status == CreatorStatus.DO_NOT_CONTACT}
    new = sorted(set(found) - present - refused)
    now = timezone.now()
    if at is not None and at > now:
        raise ValidationError({"at": "An addition cannot be recorded in the future."})
    now = at or now
    created = Collaboration.objects.bulk_create(
        Collaboration(organization=organization, campaign=campaign, creator_id=creator_id,
                      stage=Stage.SHORTLISTED, stage_changed_at=now, owner=owner,
                      added_by=added_by)
        for creator_id in new
    )  # fmt: skip
    StageChange.objects.bulk_create(
        StageChange(organization=organization, collaboration=c, from_stage="",
                    to_stage=Stage.SHORTLISTED, by=added_by, actor="" if added_by else "system",
                    reason="Added to the campaign", at=now)
        for c in created
    )  # fmt: skip
    return AddResult(
        added=len(new), skipped=len(present),
        do_not_contact=len(refused - present), not_found=len(wanted - set(found)),
    )  # fmt: skip


@transaction.atomic
def collaboration_transition(
    *, organization: Organization, collaboration: Collaboration, to_stage: str,
    by: AbstractBaseUser | None, reason: str = "", actor: str = "",
    at: datetime.datetime | None = None, terms: Offer | None = None,
) -> Collaboration:  # fmt: skip
    """Move a collaboration to `to_stage` if campaigns.pipeline allows it from the stage
    it is in now (read under a row lock, so two people moving it at once cannot both
    succeed from the same stage); record who, when and why.

    In the same transaction: installments whose trigger this stage is become due
    (campaigns.services.payments), and open offers close when the collaboration is
    declined or cancelled. `at` records a move that happened earlier (demo data,
    history entered after the fact); it cannot be in the future or before the previous
    move. `terms` is the accepted offer, passed by offer_accept only."""
    same_org(organization, collaboration)
    locked = (
        Collaboration.objects.for_org(organization)
        .select_for_update(of=("self",))
        .select_related("campaign")
        .get(pk=collaboration.pk)
    )
    if locked.campaign.status == CampaignStatus.ARCHIVED:
        raise ValidationError(f"{locked.campaign.name} is archived: reopen it first.")
    why_not = pipeline.refusal(locked.stage, to_stage)
    if why_not:
        raise ValidationError({"to_stage": why_not})
    now = timezone.now()
    at = at or now
    if at > now or at < locked.stage_changed_at:
        raise ValidationError(
            {"at": "A move is recorded between the previous move and now, not outside it."}
        )
    open_offer = Offer.objects.for_org(organization).filter(
        collaboration=locked, status=OfferStatus.OPEN
    )
    if terms is not None:
        same_org(organization, terms)
        if to_stage != Stage.AGREED or terms.collaboration_id != locked.pk:
            raise ValidationError("Terms are recorded when the collaboration becomes agreed.")
    elif to_stage == Stage.AGREED and (offer := open_offer.first()) is not None:
        # Agreeing by hand while an offer is open would leave the terms unrecorded and
        # the offer dangling: the offer's accept is the way to agreed.
        raise ValidationError({"to_stage": (
            f"Offer v{offer.version} is open: accept it (its terms become the agreement) or "
            "withdraw it before marking the collaboration agreed."
        )})  # fmt: skip
    if by is None and not actor.strip():
        actor = "system"
    StageChange.objects.create(
        organization=organization, collaboration=locked, from_stage=locked.stage,
        to_stage=to_stage, by=by, actor=actor.strip()[:80], reason=(reason or "").strip(),
        at=at,
    )  # fmt: skip
    locked.stage, locked.stage_changed_at = to_stage, at
    fields = ["stage", "stage_changed_at", "updated_at"]
    if terms is not None:
        locked.terms = terms
        fields.append("terms")
    locked.save(update_fields=fields)
    if to_stage in (Stage.DECLINED, Stage.CANCELLED):
        # A declined or cancelled collaboration has nothing left to negotiate.
        open_offer.update(
            status=OfferStatus.DECLINED if to_stage == Stage.DECLINED else OfferStatus.WITHDRAWN,
            decided_at=at, updated_at=now,
        )  # fmt: skip
    payments_trigger(organization=organization, collaboration=locked, stage=to_stage, at=at)
    collaboration.stage, collaboration.stage_changed_at = locked.stage, at
    collaboration.terms_id = locked.terms_id
    return locked


@transaction.atomic
def collaboration_assign(
    *, organization: Organization, collaboration: Collaboration, owner: AbstractBaseUser | None
) -> Collaboration:
    same_org(organization, collaboration)
    check_member(organization, owner, "owner")
    collaboration.owner = owner
    collaboration.save(update_fields=["owner", "updated_at"])
    return collaboration


@transaction.atomic
def collaboration_remove(*, organization: Organization, collaboration: Collaboration) -> None:
    """Take a creator off the shortlist. Once a collaboration has moved on (a pitch went
    out), it is cancelled or declined instead, so the history stays."""
    same_org(organization, collaboration)
    locked = (
        Collaboration.objects.for_org(organization).select_for_update().get(pk=collaboration.pk)
    )
    if locked.stage != Stage.SHORTLISTED:
        raise ValidationError(
            f"This collaboration is {pipeline.label(locked.stage)}; only shortlisted creators "
            "can be removed. Cancel it instead, so its history is kept."
        )
    locked.delete()
