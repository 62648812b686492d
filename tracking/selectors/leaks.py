"""Code-leak detection (issue #6, "Promo codes"): a creator's promo code that turns up
where the creator's audience is not. Per code, its redemptions (sales whose discount
codes include it, cancelled orders left out) are checked three ways:

- countries: with at least COUNTRY_MIN redemptions whose shipping country is known,
  more than half ship outside the creator's top TOP_COUNTRIES audience countries
  (creators' audience data). A creator without audience data cannot be checked this way.
- burst: BURST_MIN or more redemptions within BURST_WINDOW: a code posted on a deal site
  is redeemed in a rush, a creator's audience trickles in.
- one source: at least SOURCE_MIN redemptions with a known referring source, SOURCE_SHARE
  or more of them from one source that is not a creator platform (the creator's own
  tracking links tag utm_source with their platform, so that is the expected source).

A redemption's source is the referring site the store reported (Shopify's referral code,
its host when it is a URL), else the landing URL's utm_source. A flag says why, in words a
person can check; it never blocks anything."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlsplit

from django.contrib.postgres.fields import ArrayField
from django.db.models import CharField, Func

from campaigns.models import Campaign
from creators.models import Platform
from kolhub.models import Organization
from tracking.models import Conversion, ConversionKind, PromoCode
from tracking.selectors.ledger import day_bounds

TOP_COUNTRIES = 3
COUNTRY_MIN = 5
BURST_MIN = 5
BURST_WINDOW = datetime.timedelta(hours=1)
SOURCE_MIN = 5
SOURCE_SHARE = Decimal("0.8")


class _UpperArray(Func):
    # Codes are stored upper case and unique whatever their case; an order's codes are as
    # the shopper typed them.
    template = "ARRAY(SELECT upper(c) FROM unnest(%(expressions)s) AS c)::varchar[]"
    output_field = ArrayField(CharField())


@dataclass(frozen=True)
class LeakReason:
    kind: str  # "countries", "burst" or "source"
    message: str


@dataclass(frozen=True)
class LeakFlag:
    code: PromoCode
    redemptions: int
    reasons: list[LeakReason] = field(default_factory=list)
    top_countries: tuple[str, ...] = ()

    @property
    def creator(self):
        return self.code.collaboration.creator

    @property
    def campaign(self):
        return self.code.collaboration.campaign


def redemption_source(conversion: Conversion) -> str:
    referral = (conversion.referral_code or "").strip().lower()
    if referral:
        host = urlsplit(referral if "//" in referral else f"//{referral}").hostname or ""
        return host.removeprefix("www.") if "." in host else referral
    return (conversion.utm_source or "").strip().lower()


def top_countries(audience: dict, n: int = TOP_COUNTRIES) -> tuple[str, ...]:
    shares = []
    for country, share in (audience or {}).items():
        try:
            shares.append((float(share), str(country).upper()))
        except (TypeError, ValueError):
            continue
    return tuple(country for _, country in sorted(shares, key=lambda s: (-s[0], s[1]))[:n])


def _countries(redemptions: list[Conversion], top: tuple[str, ...]) -> LeakReason | None:
    known = [c.shipping_country.upper() for c in redemptions if c.shipping_country]
    if not top or len(known) < COUNTRY_MIN:
        return None
    outside = [c for c in known if c not in top]
    if len(outside) * 2 <= len(known):
        return None
    most = ", ".join(f"{country} ({n})" for country, n in Counter(outside).most_common(3))
    return LeakReason("countries", (
        f"{len(outside)} of {len(known)} redemptions shipped outside the creator's top "
        f"audience countries ({', '.join(top)}); most to {most}."
    ))  # fmt: skip


def _burst(redemptions: list[Conversion]) -> LeakReason | None:
    times = sorted(redemptions, key=lambda c: c.occurred_at)
    best, best_at = 0, 0
    start = 0
    for end in range(len(times)):
        while times[end].occurred_at - times[start].occurred_at > BURST_WINDOW:
            start += 1
        if end - start + 1 > best:
            best, best_at = end - start + 1, start
    if best < BURST_MIN:
        return None
    rush = times[best_at : best_at + best]
    minutes = int((rush[-1].occurred_at - rush[0].occurred_at).total_seconds() // 60)
    sources = Counter(s for s in (redemption_source(c) for c in rush) if s)
    source = ""
    if sources:
        name, n = sources.most_common(1)[0]
        if n * 2 > len(rush):
            source = f", {n} of them from {name}"
    return LeakReason("burst", (
        f"{best} redemptions within {minutes} minutes, from "
        f"{rush[0].occurred_at:%Y-%m-%d %H:%M} UTC{source}."
    ))  # fmt: skip


def _one_source(redemptions: list[Conversion]) -> LeakReason | None:
    sources = [s for s in (redemption_source(c) for c in redemptions) if s]
    if len(sources) < SOURCE_MIN:
        return None
    name, n = Counter(sources).most_common(1)[0]
    if name in Platform.values or Decimal(n) / Decimal(len(sources)) < SOURCE_SHARE:
        return None
    return LeakReason(
        "source", f"{n} of {len(sources)} redemptions with a known source came from {name}."
    )


def _codes(organization: Organization, campaign: Campaign | None) -> dict[str, PromoCode]:
    codes = PromoCode.objects.for_org(organization).select_related(
        "collaboration__creator", "collaboration__campaign"
    )
    if campaign is not None:
        codes = codes.filter(collaboration__campaign=campaign)
    return {code.code.upper(): code for code in codes}


def _redeemed(organization: Organization, by_code: dict[str, PromoCode], date_from,
              date_to) -> dict[str, list[Conversion]]:  # fmt: skip
    """Each code's redemptions: sales whose discount codes include it (any case),
    cancelled ones left out. One query."""
    if not by_code:
        return {}
    sales = (
        Conversion.objects.for_org(organization)
        .filter(kind=ConversionKind.SALE, cancelled_at__isnull=True)
        .annotate(codes_upper=_UpperArray("discount_codes"))
        .filter(codes_upper__overlap=list(by_code))
        .only(
            "id", "occurred_at", "shipping_country", "referral_code", "utm_source", "discount_codes"
        )  # fmt: skip
    )
    start, end = day_bounds(organization, date_from, date_to)
    if start:
        sales = sales.filter(occurred_at__gte=start)
    if end:
        sales = sales.filter(occurred_at__lt=end)
    redeemed: dict[str, list[Conversion]] = defaultdict(list)
    for sale in sales:
        for code in {c for c in sale.codes_upper if c in by_code}:
            redeemed[code].append(sale)
    return redeemed


@dataclass(frozen=True)
class Redemptions:
    code: PromoCode
    redemptions: int
    last_redeemed_at: datetime.datetime | None


def promo_code_redemption_list(
    *,
    organization: Organization,
    campaign: Campaign | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> list[Redemptions]:
    """Every code with its redemptions in the range (as leak_flags counts them), by
    creator then code. Two queries."""
    by_code = _codes(organization, campaign)
    redeemed = _redeemed(organization, by_code, date_from, date_to)
    rows = [
        Redemptions(code=code, redemptions=len(redeemed.get(key, [])),
                    last_redeemed_at=max((s.occurred_at for s in redeemed.get(key, [])),
                                         default=None))
        for key, code in by_code.items()
    ]  # fmt: skip
    rows.sort(key=lambda r: (r.code.collaboration.creator.name, r.code.code))
    return rows


def leak_flags(
    *,
    organization: Organization,
    campaign: Campaign | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> list[LeakFlag]:
    """Flagged codes only, most redemptions first. Two queries."""
    by_code = _codes(organization, campaign)
    redeemed = _redeemed(organization, by_code, date_from, date_to)
    flags = []
    for key, redemptions in redeemed.items():
        code = by_code[key]
        top = top_countries(code.collaboration.creator.audience_countries)
        reasons = [
            r
            for r in (_countries(redemptions, top), _burst(redemptions), _one_source(redemptions))
            if r
        ]
        if reasons:
            flags.append(LeakFlag(code=code, redemptions=len(redemptions), reasons=reasons,
                                  top_countries=top))  # fmt: skip
    flags.sort(key=lambda f: (-f.redemptions, f.code.code))
    return flags
