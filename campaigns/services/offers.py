"""Negotiation: proposing, countering, accepting, declining and withdrawing offers.

One thread per collaboration: at most one version is open at a time, and a new version
(a counter, or the brand revising its own) supersedes it. Only the side that did not
propose a version may accept or decline it. Accepting makes the version the
collaboration's terms, moves the collaboration to agreed and generates the payment
ledger and the deliverables, all in one transaction under a row lock on the
collaboration; accepting an already-accepted version returns it unchanged (no second
ledger).

`terms` arrive as a mapping (from a form, the API or the portal) and are validated here,
field by field, into campaigns.terms.OfferTerms; see campaigns.models.offers for what
the fields mean and for the rule on a fee of 0."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from campaigns import pipeline
from campaigns.models import (
    CampaignProduct,
    CampaignStatus,
    Collaboration,
    Offer,
    OfferDeliverable,
    OfferGift,
    OfferInstallment,
    OfferStatus,
    PaymentTrigger,
    Side,
)
from campaigns.pipeline import Stage
from campaigns.selectors.payments import organization_today
from campaigns.services.collaborations import collaboration_transition
from campaigns.services.content import deliverables_create
from campaigns.services.guards import CURRENCY_CODES, amount, same_org
from campaigns.services.payments import ledger_generate
from campaigns.terms import (
    DeliverableTerm,
    GiftTerm,
    InstallmentTerm,
    OfferTerms,
    date_text,
    percent_text,
)
from creators.models import Deliverable, Platform
from kolhub.models import Organization

#: Stages from which the brand can put an offer on the table (it then moves to
#: negotiating). From agreed on, the terms are settled.
PROPOSABLE = frozenset({Stage.SHORTLISTED, Stage.INVITED, Stage.NEGOTIATING, Stage.DECLINED})
MAX_TEXT = 2000
MAX_ROWS = 30
HUNDRED = Decimal("100")


# --- validating terms ------------------------------------------------------------------


def _text(value, field: str, limit: int = MAX_TEXT) -> str:
    text = str(value or "").strip()
    if len(text) > limit:
        raise ValidationError({field: f"Keep it under {limit} characters."})
    return text


def _words(values, field: str) -> tuple[str, ...]:
    if isinstance(values, str):
        values = values.split(",")
    cleaned = [" ".join(str(v).split()) for v in values or ()]
    too_long = [v for v in cleaned if len(v) > 60]
    if too_long:
        raise ValidationError({field: f"Keep each entry under 60 characters: {too_long[0][:20]}…"})
    return tuple(dict.fromkeys(v for v in cleaned if v))


def _whole(value, field: str, *, where: str = "", minimum: int = 0, default: int = 0) -> int:
    if value in (None, ""):
        value = default
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError({field: f"{where}{value!r} is not a whole number."}) from None
    if number < minimum:
        raise ValidationError({field: f"{where}it must be at least {minimum}."})
    return number


def _date(value, field: str, where: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise ValidationError({field: f"{where}give a due date (YYYY-MM-DD)."}) from None


def _rows(rows: Iterable[Mapping[str, Any]] | None, field: str) -> list[Mapping[str, Any]]:
    rows = [row for row in rows or () if row]
    if len(rows) > MAX_ROWS:
        raise ValidationError({field: f"At most {MAX_ROWS} rows."})
    return rows


def terms_parse(
    *, organization: Organization, collaboration: Collaboration, data: Mapping[str, Any]
) -> OfferTerms:
    """Validate offer input against the collaboration's campaign; every refusal names
    its field (and its row) so a form or the API can show it where it belongs."""
    campaign = collaboration.campaign
    today = organization_today(organization)
    if data.get("fee") in (None, ""):
        raise ValidationError({"fee": "Give the fee (0 for a gift or commission-only deal)."})
    fee = amount(data.get("fee"), "fee")
    currency = str(data.get("currency") or campaign.currency).strip().upper()
    if currency not in CURRENCY_CODES:
        raise ValidationError({"currency": f"{currency!r} is not a supported currency."})
    rate = data.get("exchange_rate")
    if currency == campaign.currency:
        rate = None
    elif rate in (None, ""):
        raise ValidationError({"exchange_rate": (
            f"The offer is in {currency} and the campaign in {campaign.currency}: give the "
            f"exchange rate (what 1 {currency} is in {campaign.currency})."
        )})  # fmt: skip
    else:
        rate = amount(rate, "exchange_rate", positive=True)
    commission = amount(data.get("commission_percent") or 0, "commission_percent")
    if commission > HUNDRED:
        raise ValidationError({"commission_percent": "A commission is between 0 and 100 %."})

    products = {
        p.pk: p for p in CampaignProduct.objects.for_org(organization).filter(campaign=campaign)
    }
    gifts: list[GiftTerm] = []
    for n, row in enumerate(_rows(data.get("gifts"), "gifts"), start=1):
        where = f"Gift {n}: "
        product_id = row.get("product_id", row.get("product"))
        product_id = getattr(product_id, "pk", product_id)
        try:
            product = products[int(product_id)]
        except (KeyError, TypeError, ValueError):
            raise ValidationError(
                {"gifts": f"{where}choose one of {campaign.name}'s products."}
            ) from None
        if any(g.product_id == product.pk for g in gifts):
            raise ValidationError({"gifts": f"{where}{product.name} is listed twice."})
        quantity = _whole(row.get("quantity"), "gifts", where=where, minimum=1, default=1)
        gifts.append(GiftTerm(product.pk, product.name, product.sku, quantity))

    deliverables: list[DeliverableTerm] = []
    for n, row in enumerate(_rows(data.get("deliverables"), "deliverables"), start=1):
        where = f"Deliverable {n}: "
        platform, kind = row.get("platform"), row.get("kind")
        if platform not in Platform.values:
            raise ValidationError({"deliverables": f"{where}choose the platform."})
        if kind not in Deliverable.values:
            raise ValidationError(
                {"deliverables": f"{where}the type is one of {', '.join(Deliverable.values)}."}
            )
        quantity = _whole(row.get("quantity"), "deliverables", where=where, minimum=1, default=1)
        due = _date(row.get("due_date"), "deliverables", where)
        if due < today:
            raise ValidationError(
                {"deliverables": f"{where}the due date {date_text(due)} is in the past."}
            )
        deliverables.append(DeliverableTerm(platform, kind, quantity, due))
    if not deliverables:
        raise ValidationError(
            {"deliverables": "What is the creator asked to make? Add at least one deliverable."}
        )

    installments: list[InstallmentTerm] = []
    for n, row in enumerate(_rows(data.get("installments"), "installments"), start=1):
        where = f"Payment {n}: "
        percent = amount(row.get("percent"), "installments", positive=True,
                         where=f"{where}percent ")  # fmt: skip
        if percent > HUNDRED:
            raise ValidationError({"installments": f"{where}a share is at most 100 %."})
        trigger = row.get("trigger")
        if trigger not in PaymentTrigger.values:
            raise ValidationError({"installments": (
                f"{where}the trigger is one of {', '.join(PaymentTrigger.values)}."
            )})  # fmt: skip
        net_days = _whole(row.get("net_days"), "installments", where=f"{where}net days: ")
        installments.append(InstallmentTerm(percent, trigger, net_days))

    gift_note = _text(data.get("gift_note"), "gift_note")
    if fee > 0:
        total = sum((i.percent for i in installments), Decimal("0"))
        if not installments:
            raise ValidationError(
                {"installments": "Say when the fee is paid: add the payment schedule."}
            )
        if total != HUNDRED:
            raise ValidationError({"installments": (
                f"The payment schedule adds up to {percent_text(total)}; it must add up to 100%."
            )})  # fmt: skip
    else:
        if not (gifts or gift_note or commission > 0):
            raise ValidationError({"fee": (
                "The fee must be more than 0, unless the creator is paid in product (a gift) "
                "or by commission."
            )})  # fmt: skip
        if installments:
            raise ValidationError(
                {"installments": "With no fee there is nothing to schedule: leave it empty."}
            )

    usage_days = _whole(data.get("usage_rights_days"), "usage_rights_days")
    channels = _words(data.get("usage_channels"), "usage_channels")
    exclusivity_days = _whole(data.get("exclusivity_days"), "exclusivity_days")
    categories = _words(data.get("exclusivity_categories"), "exclusivity_categories")
    if categories and not exclusivity_days:
        raise ValidationError({"exclusivity_days": "Say how many days the exclusivity lasts."})
    if exclusivity_days and not categories:
        raise ValidationError(
            {"exclusivity_categories": "Name the categories the creator stays exclusive in."}
        )
    return OfferTerms(
        fee=fee.quantize(Decimal("0.01")), currency=currency, exchange_rate=rate,
        commission_percent=commission, gifts=tuple(gifts), gift_note=gift_note,
        deliverables=tuple(deliverables), usage_rights_days=usage_days,
        usage_channels=channels, paid_amplification=bool(data.get("paid_amplification")),
        exclusivity_categories=categories, exclusivity_days=exclusivity_days,
        installments=tuple(installments), note=_text(data.get("note"), "note"),
    )  # fmt: skip


# --- writing versions ------------------------------------------------------------------


def _lock(organization: Organization, collaboration_id: int) -> Collaboration:
    # Every negotiation step locks the collaboration first, then its offers: one order,
    # so two steps at once queue up instead of deadlocking or both succeeding.
    return (
        Collaboration.objects.for_org(organization)
        .select_for_update(of=("self",))
        .select_related("campaign", "creator")
        .get(pk=collaboration_id)
    )


def _locked_offer(organization: Organization, offer: Offer) -> tuple[Collaboration, Offer]:
    same_org(organization, offer)
    collaboration = _lock(organization, offer.collaboration_id)
    locked = Offer.objects.for_org(organization).select_for_update().get(pk=offer.pk)
    return collaboration, locked


def _close(offer: Offer, status: str, side: str, user, at: datetime.datetime) -> None:
    offer.status = status
    offer.decided_at = at
    offer.decided_by = side
    offer.decided_by_user = user
    offer.save(update_fields=["status", "decided_at", "decided_by", "decided_by_user",
                              "updated_at"])  # fmt: skip


def _supersede_open(
    organization: Organization, collaboration: Collaboration, side: str, user, at
) -> Offer | None:
    current = (
        Offer.objects.for_org(organization)
        .select_for_update()
        .filter(collaboration=collaboration, status=OfferStatus.OPEN)
        .first()
    )
    if current is not None:
        _close(current, OfferStatus.SUPERSEDED, side, user, at)
    return current


def _write_version(
    organization: Organization, collaboration: Collaboration, terms: OfferTerms, side: str,
    user, at: datetime.datetime,
) -> Offer:  # fmt: skip
    last = (
        Offer.objects.for_org(organization)
        .filter(collaboration=collaboration)
        .aggregate(n=Max("version"))["n"]
    )
    offer = Offer.objects.create(
        organization=organization, collaboration=collaboration, version=(last or 0) + 1,
        proposed_by=side, proposed_by_user=user, proposed_at=at, fee=terms.fee,
        currency=terms.currency, exchange_rate=terms.exchange_rate,
        commission_percent=terms.commission_percent, gift_note=terms.gift_note,
        usage_rights_days=terms.usage_rights_days, usage_channels=list(terms.usage_channels),
        paid_amplification=terms.paid_amplification,
        exclusivity_categories=list(terms.exclusivity_categories),
        exclusivity_days=terms.exclusivity_days, note=terms.note,
    )  # fmt: skip
    OfferDeliverable.objects.bulk_create(
        OfferDeliverable(organization=organization, offer=offer, position=n, platform=d.platform,
                         kind=d.kind, quantity=d.quantity, due_date=d.due_date)
        for n, d in enumerate(terms.deliverables, start=1)
    )  # fmt: skip
    OfferGift.objects.bulk_create(
        OfferGift(organization=organization, offer=offer, position=n, product_id=g.product_id,
                  product_name=g.product_name, sku=g.sku, quantity=g.quantity)
        for n, g in enumerate(terms.gifts, start=1)
    )  # fmt: skip
    OfferInstallment.objects.bulk_create(
        OfferInstallment(organization=organization, offer=offer, position=n, percent=i.percent,
                         trigger=i.trigger, net_days=i.net_days)
        for n, i in enumerate(terms.installments, start=1)
    )  # fmt: skip
    return offer


def _when(at: datetime.datetime | None) -> datetime.datetime:
    now = timezone.now()
    if at is not None and at > now:
        raise ValidationError({"at": "An offer cannot be recorded in the future."})
    return at or now


def _actor(side: str, user, actor: str) -> str:
    if user is not None:
        return ""
    return actor or ("creator via portal" if side == Side.CREATOR else "system")


def _check_side(side: str) -> None:
    if side not in Side.values:
        raise ValueError(f"side is one of {Side.values}, not {side!r}")


def _other(side: str) -> str:
    return Side.CREATOR if side == Side.BRAND else Side.BRAND


@transaction.atomic
def offer_propose(
    *, organization: Organization, collaboration: Collaboration, terms: Mapping[str, Any],
    by: AbstractBaseUser | None, actor: str = "", at: datetime.datetime | None = None,
    replacing_version: int | None = None,
) -> Offer:  # fmt: skip
    """The brand puts terms on the table: the first offer, a counter to the creator's
    open version, or a revision of its own (the open version is superseded either way).
    The collaboration moves to negotiating on the way (shortlisted via invited, since an
    offer reaching the creator is the pitch; declined reopens).

    `replacing_version` is the version the brand saw open (0: none): if another one is
    open now (the creator answered meanwhile), the offer is refused rather than crossing
    that answer unseen."""
    same_org(organization, collaboration)
    at = _when(at)
    locked = _lock(organization, collaboration.pk)
    if locked.campaign.status in (CampaignStatus.COMPLETED, CampaignStatus.ARCHIVED):
        raise ValidationError(
            f"{locked.campaign.name} is {locked.campaign.get_status_display().lower()}: "
            "reopen it before making offers."
        )
    if locked.stage not in PROPOSABLE:
        raise ValidationError(
            f"The collaboration is {pipeline.label(locked.stage)}: "
            + ("terms are already agreed." if pipeline.rank(locked.stage) >= pipeline.rank(
                Stage.AGREED) else "there is nothing left to negotiate.")
        )  # fmt: skip
    if replacing_version is not None:
        current = (
            Offer.objects.for_org(organization)
            .filter(collaboration=locked, status=OfferStatus.OPEN)
            .values_list("version", flat=True)
            .first()
        )
        if (current or 0) != replacing_version:
            raise ValidationError(
                f"Offer v{current} is on the table now (it arrived after you opened this "
                "page): read it before answering." if current else
                f"Offer v{replacing_version} is no longer open: reload to see where things are."
            )  # fmt: skip
    parsed = terms_parse(organization=organization, collaboration=locked, data=terms)
    _supersede_open(organization, locked, Side.BRAND, by, at)
    offer = _write_version(organization, locked, parsed, Side.BRAND, by, at)
    label = _actor(Side.BRAND, by, actor)
    reason = f"Offer v{offer.version} sent"
    if locked.stage == Stage.SHORTLISTED:
        collaboration_transition(organization=organization, collaboration=locked,
                                 to_stage=Stage.INVITED, by=by, actor=label, reason=reason,
                                 at=at)  # fmt: skip
    if locked.stage in (Stage.INVITED, Stage.DECLINED):
        collaboration_transition(organization=organization, collaboration=locked,
                                 to_stage=Stage.NEGOTIATING, by=by, actor=label, reason=reason,
                                 at=at)  # fmt: skip
    collaboration.stage = locked.stage
    return offer


@transaction.atomic
def offer_counter(
    *, organization: Organization, offer: Offer, side: str, terms: Mapping[str, Any],
    by: AbstractBaseUser | None = None, actor: str = "", at: datetime.datetime | None = None,
) -> Offer:  # fmt: skip
    """`side` answers the other side's open version with terms of its own: the creator
    from the portal, or the brand. The answered version is superseded."""
    _check_side(side)
    at = _when(at)
    collaboration, locked = _locked_offer(organization, offer)
    if locked.status != OfferStatus.OPEN:
        raise ValidationError(
            f"Offer v{locked.version} is {locked.get_status_display().lower()}: only the open "
            "version can be answered."
        )
    if locked.proposed_by == side:
        raise ValidationError(
            f"Offer v{locked.version} is your own; it is waiting for the {_other(side)}'s answer."
        )
    parsed = terms_parse(organization=organization, collaboration=collaboration, data=terms)
    _close(locked, OfferStatus.SUPERSEDED, side, by, at)
    return _write_version(organization, collaboration, parsed, side, by, at)


@transaction.atomic
def offer_accept(
    *, organization: Organization, offer: Offer, side: str,
    by: AbstractBaseUser | None = None, actor: str = "", at: datetime.datetime | None = None,
) -> Offer:  # fmt: skip
    """`side` accepts the other side's open version: it becomes the collaboration's terms,
    the collaboration moves to agreed and the payment ledger is generated. Idempotent:
    accepting the accepted version again returns it and writes nothing."""
    _check_side(side)
    at = _when(at)
    collaboration, locked = _locked_offer(organization, offer)
    if locked.status == OfferStatus.ACCEPTED:
        return locked
    if locked.status != OfferStatus.OPEN:
        raise ValidationError(
            f"Offer v{locked.version} is {locked.get_status_display().lower()}: only the open "
            "version can be accepted."
        )
    if locked.proposed_by == side:
        raise ValidationError(
            f"Offer v{locked.version} came from the {side}: only the {_other(side)} can accept it."
        )
    if collaboration.stage != Stage.NEGOTIATING:
        raise ValidationError(
            f"The collaboration is {pipeline.label(collaboration.stage)}, not negotiating."
        )
    today = organization_today(organization)
    late = locked.deliverables.filter(due_date__lt=today).order_by("position").first()
    if late is not None:
        raise ValidationError(
            f"Deliverable {late.position} was due {date_text(late.due_date)}, which has passed: "
            "counter with new dates instead."
        )
    _close(locked, OfferStatus.ACCEPTED, side, by, at)
    collaboration_transition(
        organization=organization, collaboration=collaboration, to_stage=Stage.AGREED, by=by,
        actor=_actor(side, by, actor), reason=f"Offer v{locked.version} accepted", at=at,
        terms=locked,
    )  # fmt: skip
    collaboration.terms = locked
    ledger_generate(organization=organization, collaboration=collaboration, offer=locked)
    # The content owed under the terms, one row per piece, for review and due dates.
    deliverables_create(organization=organization, collaboration=collaboration, offer=locked)
    return locked


@transaction.atomic
def offer_decline(
    *, organization: Organization, offer: Offer, side: str,
    by: AbstractBaseUser | None = None, actor: str = "", reason: str = "",
    at: datetime.datetime | None = None,
) -> Offer:  # fmt: skip
    """`side` turns down the other side's open version. The creator declining ends the
    collaboration (declined; the brand can reopen it with a new offer); the brand
    declining a counter leaves it negotiating, for the brand's next offer."""
    _check_side(side)
    at = _when(at)
    collaboration, locked = _locked_offer(organization, offer)
    if locked.status == OfferStatus.DECLINED:
        return locked
    if locked.status != OfferStatus.OPEN:
        raise ValidationError(
            f"Offer v{locked.version} is {locked.get_status_display().lower()}: only the open "
            "version can be declined."
        )
    if locked.proposed_by == side:
        raise ValidationError(
            f"Offer v{locked.version} is your own: withdraw it instead of declining it."
        )
    _close(locked, OfferStatus.DECLINED, side, by, at)
    if side == Side.CREATOR and pipeline.is_legal(collaboration.stage, Stage.DECLINED):
        collaboration_transition(
            organization=organization, collaboration=collaboration, to_stage=Stage.DECLINED,
            by=by, actor=_actor(side, by, actor),
            reason=_text(reason, "reason") or f"Offer v{locked.version} declined", at=at,
        )  # fmt: skip
    return locked


@transaction.atomic
def offer_withdraw(
    *, organization: Organization, offer: Offer, side: str,
    by: AbstractBaseUser | None = None, at: datetime.datetime | None = None,
) -> Offer:  # fmt: skip
    """The side that proposed the open version takes it back; nothing replaces it."""
    _check_side(side)
    at = _when(at)
    _collaboration, locked = _locked_offer(organization, offer)
    if locked.status == OfferStatus.WITHDRAWN:
        return locked
    if locked.status != OfferStatus.OPEN:
        raise ValidationError(
            f"Offer v{locked.version} is {locked.get_status_display().lower()}: only the open "
            "version can be withdrawn."
        )
    if locked.proposed_by != side:
        raise ValidationError(
            f"Offer v{locked.version} came from the {_other(side)}: decline it instead."
        )
    _close(locked, OfferStatus.WITHDRAWN, side, by, at)
    return locked
