"""Writes for promo codes, landing pages and leads. Each function is one transaction,
takes the organization first, and refuses bad input with a ValidationError naming the
field, writing nothing.

Seam for the store connector: `promo_code_create` and `promo_code_active_set` are the
only writers of PromoCode; the Shopify discount sync (create, deactivate, activate) and
code-leak detection hook in after them (enqueue on commit), reading the code by id.
Nothing here talks to a store.

Writes for tracking links: one transaction each, organization first."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from campaigns.models import Campaign, CampaignProduct, Collaboration
from creators.models import Platform, SocialAccount
from kolhub.models import Organization
from tracking import links
from tracking.clicks import forget_code
from tracking.codes import code_stem, normalize_code
from tracking.models import (
    DiscountKind,
    LandingPage,
    LandingPageSlug,
    Lead,
    LinkCode,
    PromoCode,
    TrackingLink,
)
from tracking.services.lead_conversions import lead_conversion_record
from tracking.services.rollups import rollups_mark_dirty

UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term")


def _same_org(organization: Organization, *objects) -> None:
    # Foreign keys bypass RLS: a row of another organization must never be linked.
    for obj in objects:
        if obj is not None and obj.organization_id != organization.pk:
            raise ValidationError("Not found.")


def _code_taken(organization: Organization, code: str) -> bool:
    return PromoCode.objects.for_org(organization).filter(code__iexact=code).exists()


def _check_discount(kind: str, value: Decimal | None) -> None:
    if kind not in DiscountKind.values:
        raise ValidationError({"discount_kind": "Choose percent, amount or no discount."})
    if kind == DiscountKind.NONE:
        if value is not None:
            raise ValidationError(
                {"discount_kind": "Say whether the discount is a percent or an amount."}
            )
        return
    if value is None or value <= 0:
        raise ValidationError({"discount_value": "Enter a discount greater than 0."})
    if kind == DiscountKind.PERCENT and value > 100:
        raise ValidationError({"discount_value": "A percent discount is at most 100."})


def promo_code_suggest(
    organization: Organization,
    *,
    collaboration: Collaboration,
    discount_kind: str = "",
    discount_value: Decimal | None = None,
) -> str:
    """The creator's name and a number, free in the organization: DRANA15 (a 15 %
    discount), else DRANA10, DRANA11, ..."""
    stem = code_stem(collaboration.creator.name)
    start = 10
    if discount_kind == DiscountKind.PERCENT and discount_value is not None:
        start = int(discount_value)
    for number in range(start, start + 1000):
        candidate = f"{stem}{number}"
        if not _code_taken(organization, candidate):
            return candidate
    raise ValidationError({"code": "No free code left for this creator; choose one."})


@transaction.atomic
def promo_code_create(
    organization: Organization,
    *,
    collaboration: Collaboration,
    code: str = "",
    discount_kind: str = "",
    discount_value: Decimal | None = None,
) -> PromoCode:
    """Attach a code to a collaboration: the marketer's (checked against the format and
    the organization's other codes, whatever their case) or, when blank, a generated one."""
    _same_org(organization, collaboration)
    _check_discount(discount_kind or "", discount_value)
    if code and code.strip():
        code = normalize_code(code)
        if _code_taken(organization, code):
            raise ValidationError({"code": f"{code} is already used in this organization."})
    else:
        code = promo_code_suggest(
            organization,
            collaboration=collaboration,
            discount_kind=discount_kind,
            discount_value=discount_value,
        )
    promo = PromoCode(
        organization=organization,
        collaboration=collaboration,
        code=code,
        discount_kind=discount_kind or "",
        discount_value=discount_value,
    )
    promo.full_clean(exclude=["collaboration", "organization"], validate_constraints=False)
    try:
        with transaction.atomic():
            promo.save()
            # Connected stores that sync codes get it as a discount code (after commit).
            from tracking.services.stores import store_discounts_schedule

            store_discounts_schedule(organization=organization, promo_code=promo)
    except IntegrityError:
        # Two marketers racing for the same code: the unique index decides.
        raise ValidationError({"code": f"{code} is already used in this organization."}) from None
    return promo


@transaction.atomic
def promo_code_active_set(
    organization: Organization, *, promo_code: PromoCode, active: bool
) -> PromoCode:
    _same_org(organization, promo_code)
    promo_code.is_active = active
    promo_code.save(update_fields=["is_active", "updated_at"])
    # A code switched off here must stop working at the stores' checkouts too (and come
    # back when switched on): their discounts follow after the commit.
    from tracking.services.stores import store_discounts_follow

    store_discounts_follow(organization=organization, promo_code=promo_code)
    return promo_code


def _free_slug(base: str) -> str:
    base = (slugify(base) or "page")[:70].strip("-")
    candidate, n = base, 2
    while LandingPageSlug.objects.filter(slug=candidate).exists():
        candidate, n = f"{base}-{n}", n + 1
    return candidate


DEFAULT_CONSENT = (
    "I agree that {brand} may email me about {campaign}. I can unsubscribe at any time."
)


@transaction.atomic
def landing_page_create(
    organization: Organization,
    *,
    collaboration: Collaboration,
    headline: str,
    quote: str = "",
    consent_text: str = "",
    product: CampaignProduct | None = None,
    promo_code: PromoCode | None = None,
    slug: str = "",
) -> LandingPage:
    """One page per collaboration. The slug is the public URL, unique across the
    deployment: a chosen slug that is taken is refused, a generated one is made free."""
    _same_org(organization, collaboration, product, promo_code)
    campaign = collaboration.campaign
    if product is not None and product.campaign_id != campaign.pk:
        raise ValidationError({"product": "Choose a product of this campaign."})
    if promo_code is not None and promo_code.collaboration_id != collaboration.pk:
        raise ValidationError({"promo_code": "Choose a code of this creator."})
    if LandingPage.objects.for_org(organization).filter(collaboration=collaboration).exists():
        raise ValidationError("This collaboration already has a landing page.")
    headline = (headline or "").strip()
    if not headline:
        raise ValidationError({"headline": "Enter a headline."})
    if slug and slug.strip():
        slug = slugify(slug.strip())
        if not slug or len(slug) > 80:
            raise ValidationError({"slug": "Use 1 to 80 letters, digits and dashes."})
        if LandingPageSlug.objects.filter(slug=slug).exists():
            raise ValidationError({"slug": f"/l/{slug}/ is taken; choose another."})
    else:
        slug = _free_slug(f"{collaboration.creator.name} {campaign.slug}")
    consent = (consent_text or "").strip() or DEFAULT_CONSENT.format(
        brand=organization.name, campaign=campaign.name
    )
    page = LandingPage(
        organization=organization,
        collaboration=collaboration,
        slug=slug,
        headline=headline,
        quote=(quote or "").strip(),
        product=product,
        promo_code=promo_code,
        consent_text=consent,
    )
    page.full_clean(
        exclude=["collaboration", "organization", "product", "promo_code"],
        validate_constraints=False,
    )
    page.save()
    try:
        with transaction.atomic():
            LandingPageSlug.objects.create(
                slug=slug, organization=organization, landing_page_id=page.pk
            )
    except IntegrityError:
        raise ValidationError({"slug": f"/l/{slug}/ is taken; choose another."}) from None
    return page


@dataclass
class LeadInput:
    name: str
    email: str
    consent: bool
    platform: str = ""
    click_id: str = ""
    utms: dict[str, str] = field(default_factory=dict)


@transaction.atomic
def lead_submit(organization: Organization, *, landing_page: LandingPage, data: LeadInput) -> Lead:
    """Record a lead from a landing page. One lead per email and campaign: a second
    submission (same campaign, any of its pages) refreshes the existing lead — its name,
    consent text, collaboration, UTMs and click id become the latest, `submissions`
    counts up and `first_submitted_at` stays — so the list shows each person once and a
    lead counts once toward the campaign's conversions, credited to the latest touch."""
    _same_org(organization, landing_page)
    name = " ".join((data.name or "").split())[:120]
    email = (data.email or "").strip().lower()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Enter your name."
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = "Enter a valid email address."
    if not data.consent:
        errors["consent"] = "Tick the box to agree, or we cannot contact you."
    if errors:
        raise ValidationError(errors)
    collaboration = landing_page.collaboration
    now = timezone.now()
    values = {
        "name": name,
        "collaboration": collaboration,
        "landing_page": landing_page,
        "consent_text": landing_page.consent_text,
        # A link without an explicit platform still names it in utm_source (tracking
        # links set utm_source to the platform).
        "platform": (data.platform or data.utms.get("utm_source") or "")[:12],
        "click_id": (data.click_id or "")[:64],
        "submitted_at": now,
        **{key: (data.utms.get(key) or "")[:200] for key in UTM_FIELDS},
    }
    campaign: Campaign = collaboration.campaign
    leads = Lead.objects.for_org(organization).select_for_update()
    lead = leads.filter(campaign=campaign, email=email).first()
    if lead is None:
        try:
            with transaction.atomic():
                lead = Lead.objects.create(
                    organization=organization,
                    campaign=campaign,
                    email=email,
                    first_submitted_at=now,
                    **values,
                )
                rollups_mark_dirty(organization=organization, touches=[(collaboration.pk, now)])
                lead_conversion_record(organization=organization, lead=lead)
                return lead
        except IntegrityError:
            # The same person submitted twice at once: the other request created it.
            lead = leads.get(campaign=campaign, email=email)
    # The lead counts on its first day, for its latest collaboration: a move takes it
    # from the old collaboration's day to the new one's.
    rollups_mark_dirty(organization=organization, touches=[
        (lead.collaboration_id, lead.first_submitted_at),
        (collaboration.pk, lead.first_submitted_at)])  # fmt: skip
    for key, value in values.items():
        setattr(lead, key, value)
    lead.submissions += 1
    lead.save()
    return lead


@transaction.atomic
def tracking_link_create(*, organization: Organization, collaboration: Collaboration,
                         platform: str, destination_url: str, by=None) -> TrackingLink:  # fmt: skip
    if collaboration.organization_id != organization.pk:
        # FK checks bypass RLS (TENANCY.md): refuse another organization's row here.
        raise ValidationError("Collaboration not found.")
    if platform not in Platform.values:
        raise ValidationError({"platform": "Choose one of the platforms."})
    destination = links.validate_destination(destination_url)
    if TrackingLink.objects.filter(collaboration=collaboration, platform=platform).exists():
        raise ValidationError(
            {"platform": "This collaboration already has a link for that platform."}
        )
    creator = collaboration.creator
    account = SocialAccount.objects.filter(creator=creator, platform=platform).first()
    target = links.tracked_url(
        destination, platform=platform, role=creator.role,
        campaign_slug=collaboration.campaign.slug, handle=account.handle if account else "",
    )  # fmt: skip
    for _attempt in range(5):
        code = links.new_code()
        try:
            with transaction.atomic():
                link = TrackingLink(
                    organization=organization, collaboration=collaboration, platform=platform,
                    destination_url=destination, tracked_url=target, code=code, created_by=by,
                )  # fmt: skip
                link.full_clean()
                link.save()
                LinkCode.objects.create(code=code, organization=organization, link_id=link.pk,
                                        target_url=target)  # fmt: skip
            return link
        except IntegrityError:
            continue  # a code collision: draw again
    raise ValidationError("Could not allocate a short code; try again.")


@transaction.atomic
def tracking_link_delete(*, organization: Organization, link: TrackingLink) -> None:
    if link.organization_id != organization.pk:
        raise ValidationError("Link not found.")
    # Locked before the collector deletes the link's clicks (tracking_click has no
    # database foreign key, tracking.clicks): a click flush holding the link FOR KEY SHARE
    # commits first and its clicks go with the link, or it waits and finds the link gone.
    TrackingLink.objects.select_for_update().filter(pk=link.pk).values_list("pk").first()
    tracking_link_code_release(link=link)
    # (The post_delete receiver releases the code again: a no-op by then.)
    link.delete()


@transaction.atomic
def tracking_link_code_release(*, link: TrackingLink) -> None:
    """Free a deleted (or deleting) link's short code: its LinkCode row now, its cached
    code → URL map on commit, so /r/<code> stops redirecting to a link whose clicks the
    flush would drop. Also run by tracking.receivers for links deleted by a cascade (their
    collaboration, campaign or organization deleted), which tracking_link_delete never sees."""
    code = link.code
    LinkCode.objects.filter(organization_id=link.organization_id, link_id=link.pk,
                            code=code).delete()  # fmt: skip
    transaction.on_commit(lambda: forget_code(code))
