"""Synthetic creators that look like a real roster, from one deterministic generator.

Two uses: the demo brands' rosters (`demo_roster_seed`, called by CreatorsConfig.seed_demo
through creators.services, so the data goes in the way a person's would) and the benchmark
loader (`synthetic_roster_load`, behind `manage.py seed_creators`), which writes a million
creators with COPY and so fills the derived columns itself. `creator_derived` is that
second implementation of creators/derived.py's AGGREGATE_SQL; the seeding tests compare
the two on every derived column, so they cannot drift apart unnoticed.
"""

from __future__ import annotations

import bisect
import contextlib
import itertools
import json
import math
import queue
import random
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from creators import scoring, services
from creators.derived import float_array_literal, search_vector_sql
from creators.models import AGE_BUCKETS, Creator, CredentialStatus, tier_of
from kolhub.models import Membership, Organization, Role
from kolhub.tenancy.context import tenant_context

SEED = 20260315


class Weighted:
    """A weighted choice with its cumulative weights worked out once: random.choices
    recomputes them on every call, which dominated generating a million creators."""

    __slots__ = ("keys", "cumulative", "total")

    def __init__(self, weights: dict[Any, float]) -> None:
        self.keys = list(weights)
        self.cumulative = list(itertools.accumulate(weights.values()))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> Any:
        return self.keys[bisect.bisect(self.cumulative, rng.random() * self.total)]

    def pick_other(self, rng: random.Random, taken) -> Any:
        """A key not in `taken` (which must leave some weight to draw from)."""
        while True:
            key = self.pick(rng)
            if key not in taken:
                return key


# --- vocabulary --------------------------------------------------------------------------


@dataclass(frozen=True)
class Country:
    code: str
    languages: tuple[str, ...]
    cities: tuple[str, ...]
    female: tuple[str, ...]
    male: tuple[str, ...]
    surnames: tuple[str, ...]


def _c(code, languages, cities, female, male, surnames) -> Country:
    return Country(code, tuple(languages.split()), tuple(cities.split("|")),
                   tuple(female.split("|")), tuple(male.split("|")),
                   tuple(surnames.split("|")))  # fmt: skip


COUNTRIES = {
    c.code: c
    for c in [
        _c("US", "en", "New York|Los Angeles|Miami|Austin|Chicago|Seattle|Atlanta|San Francisco|"
           "Denver|Nashville|Houston|Boston",
           "Emily|Olivia|Madison|Ashley|Jessica|Sophia|Hannah|Chloe|Brianna|Lauren|Taylor|"
           "Megan|Kayla|Natalie|Jasmine|Alicia",
           "Michael|Ethan|Jacob|Tyler|Brandon|Jordan|Marcus|Daniel|Ryan|Justin|Kevin|Andre",
           "Johnson|Williams|Brown|Miller|Davis|Garcia|Rodriguez|Martinez|Anderson|Thompson|"
           "Walker|Robinson|Carter|Nguyen|Patel|Kim|Rivera|Brooks|Hayes|Coleman"),
        _c("GB", "en", "London|Manchester|Bristol|Edinburgh|Leeds|Brighton|Birmingham|Glasgow|"
           "Cardiff|Liverpool",
           "Amelia|Isla|Freya|Poppy|Charlotte|Grace|Imogen|Eleanor|Zara|Priya|Niamh|Holly",
           "Oliver|Harry|George|Alfie|Callum|Jack|Rhys|Samir|Theo|Jamie|Owen",
           "Smith|Jones|Taylor|Wilson|Evans|Hughes|Wright|Clarke|Patel|Khan|Murphy|Walsh|Ahmed|"
           "Campbell|Bennett|Fletcher"),
        _c("FR", "fr en", "Paris|Lyon|Marseille|Bordeaux|Nice|Lille|Toulouse|Nantes",
           "Camille|Léa|Chloé|Manon|Inès|Juliette|Louise|Margaux|Anaïs",
           "Lucas|Hugo|Théo|Antoine|Julien|Mathis|Maxime|Karim",
           "Martin|Bernard|Dubois|Lefèvre|Moreau|Laurent|Girard|Roux|Fontaine|Benali|Mercier"),
        _c("DE", "de en", "Berlin|Munich|Hamburg|Cologne|Frankfurt|Stuttgart|Leipzig|Düsseldorf",
           "Lena|Hannah|Mia|Laura|Sophie|Lea|Johanna|Katharina|Marie",
           "Lukas|Leon|Felix|Jonas|Maximilian|Tobias|Niklas|Jan",
           "Müller|Schmidt|Schneider|Fischer|Weber|Wagner|Becker|Hoffmann|Schulz|Koch|Richter|"
           "Yilmaz"),
        _c("KR", "ko", "Seoul|Busan|Incheon|Daegu|Seongnam",
           "Ji-woo|Seo-yeon|Min-ji|Ha-eun|Soo-ah|Ye-jin|Yuna|Da-eun",
           "Min-jun|Ji-ho|Hyun-woo|Seung-min|Do-yun|Jae-won",
           "Kim|Lee|Park|Choi|Jung|Kang|Cho|Yoon|Jang|Lim"),
        _c("JP", "ja", "Tokyo|Osaka|Yokohama|Fukuoka|Kyoto|Sapporo|Nagoya",
           "Yui|Sakura|Aoi|Haruka|Misaki|Rin|Nanami|Emi",
           "Haruto|Ren|Sota|Yuto|Kenta|Daiki|Takumi",
           "Sato|Suzuki|Takahashi|Tanaka|Watanabe|Ito|Yamamoto|Nakamura|Kobayashi|Kato"),
        _c("SG", "en zh", "Singapore",
           "Jia Hui|Wei Ling|Nur Aisyah|Priya|Rachel|Shu Fen|Clara",
           "Wei Jie|Jun Hao|Arjun|Darren|Hafiz|Marcus",
           "Tan|Lim|Lee|Ng|Ong|Wong|Goh|Chua|Rahman|Nair"),
        _c("AU", "en", "Sydney|Melbourne|Brisbane|Perth|Adelaide|Gold Coast",
           "Charlotte|Matilda|Ruby|Mia|Isla|Chloe|Sienna|Georgia",
           "Oliver|Jack|Noah|Lachlan|Cooper|Riley|Mitchell",
           "Smith|Jones|Williams|Brown|Wilson|Taylor|Nguyen|Kelly|Ryan|O'Brien"),
        _c("BR", "pt", "São Paulo|Rio de Janeiro|Belo Horizonte|Curitiba|Porto Alegre|Recife",
           "Ana|Beatriz|Larissa|Mariana|Juliana|Camila|Letícia|Gabriela",
           "Lucas|Gabriel|Rafael|Pedro|Thiago|Matheus|Felipe",
           "Silva|Santos|Oliveira|Souza|Lima|Pereira|Costa|Ferreira|Almeida|Ribeiro"),
        _c("IN", "en hi", "Mumbai|Bengaluru|Delhi|Pune|Hyderabad|Chennai|Kolkata",
           "Ananya|Priya|Diya|Kavya|Ishita|Sneha|Meera|Aditi|Riya",
           "Arjun|Rohan|Aditya|Vikram|Karan|Siddharth|Rahul",
           "Sharma|Patel|Gupta|Iyer|Reddy|Singh|Mehta|Nair|Kapoor|Banerjee|Rao"),
        _c("CN", "zh", "Shanghai|Beijing|Shenzhen|Hangzhou|Chengdu|Guangzhou",
           "Xiaoyu|Yiting|Jiayi|Meilin|Zihan|Ruoxi|Yutong",
           "Hao|Wei|Zhiyuan|Junjie|Yichen|Haoran",
           "Wang|Li|Zhang|Liu|Chen|Yang|Zhao|Huang|Zhou|Wu"),
        _c("CA", "en fr", "Toronto|Vancouver|Montreal|Calgary|Ottawa",
           "Emma|Olivia|Ava|Léa|Maya|Zoe", "Liam|Noah|Ethan|Félix|Owen",
           "Tremblay|Roy|Gagnon|MacDonald|Wilson|Campbell|Singh|Chen"),
        _c("ES", "es", "Madrid|Barcelona|Valencia|Seville|Málaga",
           "Lucía|Martina|Paula|Carmen|Alba|Sofía", "Hugo|Pablo|Alejandro|Javier|Diego",
           "García|Fernández|López|Martínez|Sánchez|Pérez|Gómez|Ruiz"),
        _c("IT", "it", "Milan|Rome|Turin|Florence|Naples|Bologna",
           "Giulia|Sofia|Aurora|Chiara|Francesca|Alessia",
           "Leonardo|Francesco|Lorenzo|Matteo|Andrea",
           "Rossi|Russo|Ferrari|Esposito|Bianchi|Romano|Colombo|Ricci"),
    ]
}  # fmt: skip
# Where the rest of an audience tends to live, after the creator's own country.
SPILLOVER = {"US": 30, "GB": 12, "CA": 8, "AU": 7, "IN": 6, "DE": 5, "FR": 5, "BR": 4,
             "SG": 3, "KR": 3, "JP": 3, "ES": 3, "IT": 3, "MX": 3, "AE": 2, "PH": 3,
             "IE": 2, "NL": 2}  # fmt: skip

# Fictional brands, single words whose order is the same byte-wise and case-insensitively,
# so `array_agg(DISTINCT b ORDER BY b)` sorts them like Python under any collation (a
# test holds this). The first three of each are the competitor-like names campaigns use.
BRANDS = {
    "beauty": ["DermaPure", "SkinFirst", "CeraGlow", "LumiSkin", "HydraBloom", "Purebiome",
               "Velvetlab", "NovaDerm", "Aquamist", "Solenne", "Kindred", "Bareroots",
               "Rosewater", "Glowly", "Oakhaven", "Tinted", "Lashbar", "Mireille"],
    "fitness": ["IronFuel", "PulseWhey", "EnduraFit", "Macromax", "StrideLabs", "Vitacore",
                "Recoverix", "Trailhead", "Kinetiq", "Fuelwell", "Sprintly", "Northpeak",
                "Brawnbar", "Oatbox", "Zestora"],
}  # fmt: skip
MARKET_COUNTRIES = {
    "beauty": {"US": 30, "GB": 10, "FR": 7, "DE": 5, "KR": 9, "JP": 6, "SG": 4, "AU": 6,
               "BR": 6, "IN": 6, "CN": 7, "CA": 4, "ES": 2, "IT": 2},
    "fitness": {"GB": 34, "US": 18, "AU": 10, "DE": 6, "FR": 4, "CA": 5, "IN": 5, "BR": 4,
                "ES": 4, "IT": 3, "SG": 3, "JP": 2, "KR": 2},
}  # fmt: skip
NICHES = {
    "beauty": ["skincare", "acne", "anti-aging", "clean beauty", "haircare", "makeup",
               "sensitive skin", "sun care", "k-beauty", "body care", "wellness", "rosacea",
               "fragrance", "nails"],
    "fitness": ["fitness", "nutrition", "running", "strength training", "wellness",
                "sports nutrition", "endurance", "yoga", "recovery", "plant-based",
                "weight management", "cycling", "mobility"],
}  # fmt: skip
LIFESTYLE_NICHES = ["lifestyle", "fashion", "travel", "food", "parenting", "home"]
INTERESTS = {
    "beauty": ["skincare", "beauty", "makeup", "fashion", "wellness", "haircare", "lifestyle",
               "travel", "fitness", "food", "parenting"],
    "fitness": ["fitness", "nutrition", "running", "strength training", "health", "wellness",
                "sports", "outdoors", "cooking", "cycling", "lifestyle"],
}  # fmt: skip
# How old each platform's audience tends to be, over AGE_BUCKETS.
AGE_PROFILE = {
    "tiktok": (12, 38, 30, 12, 5, 3), "instagram": (5, 30, 35, 17, 8, 5),
    "youtube": (6, 26, 32, 19, 10, 7), "linkedin": (0, 8, 38, 30, 16, 8),
    "xiaohongshu": (4, 40, 38, 12, 4, 2), "podcast": (0, 15, 35, 28, 14, 8),
    "blog": (2, 18, 32, 24, 14, 10), "x": (3, 24, 33, 20, 12, 8),
    "other": (8, 34, 32, 15, 7, 4),
}  # fmt: skip
URLS = {
    "instagram": "https://www.instagram.com/{}/", "tiktok": "https://www.tiktok.com/@{}",
    "youtube": "https://www.youtube.com/@{}", "linkedin": "https://www.linkedin.com/in/{}",
    "xiaohongshu": "https://www.xiaohongshu.com/user/profile/{}", "x": "https://x.com/{}",
    "podcast": "https://podcasts.example.org/{}", "blog": "https://{}.example.net/",
    "other": "https://www.douyin.com/user/{}",
}  # fmt: skip
VIEW_RATIO = {"instagram": 0.3, "tiktok": 0.8, "youtube": 0.25, "linkedin": 0.1,
              "xiaohongshu": 0.2, "x": 0.05, "podcast": 0.15, "blog": 0.05,
              "other": 0.5}  # fmt: skip
DELIVERABLES = {"instagram": ("post", "reel", "story"), "tiktok": ("video",),
                "youtube": ("video", "short"), "linkedin": ("post",),
                "xiaohongshu": ("post", "video"), "x": ("post",), "podcast": ("podcast",),
                "blog": ("article",), "other": ("video",)}  # fmt: skip
PRICE_FACTOR = {"post": 1.0, "reel": 1.35, "story": 0.4, "video": 1.6, "short": 0.8,
                "podcast": 1.2, "article": 0.9}  # fmt: skip
# Rough USD exchange rates, for rate cards in the organization's currency.
USD_TO = {"USD": 1, "EUR": 0.92, "GBP": 0.79, "CAD": 1.36, "AUD": 1.52, "SGD": 1.34,
          "HKD": 7.8, "CNY": 7.2, "JPY": 150, "KRW": 1350, "INR": 83, "CHF": 0.88,
          "SEK": 10.5, "BRL": 5.0, "MXN": 17, "AED": 3.67}  # fmt: skip


@dataclass(frozen=True)
class Profession:
    key: str
    title: str
    market: str
    credentials: dict[str, tuple[str, ...]]  # by country; "*" for everywhere else
    registry: str  # where a licence is looked up, for the evidence URL
    niches: tuple[str, ...]
    platforms: dict[str, int]
    bios: tuple[str, ...]


PROFESSIONS = [
    Profession(
        "dermatologist", "Dermatologist", "beauty",
        {"US": ("MD, board-certified dermatologist", "MD, FAAD",
                "MD, FAAD, board-certified dermatologist", "DO, board-certified dermatologist"),
         "GB": ("MBBS, MRCP, consultant dermatologist", "MBChB, MRCP (Dermatology)"),
         "AU": ("MBBS, FACD",), "IN": ("MBBS, MD (Dermatology)",),
         "FR": ("MD, dermatologue-vénéréologue",), "DE": ("Dr. med., Facharzt für Dermatologie",),
         "KR": ("MD, board-certified dermatologist (KDA)",),
         "JP": ("MD, JDA board-certified dermatologist",),
         "*": ("MD, dermatologist", "MD, board-certified dermatologist")},
        "medical-board",
        ("skincare", "acne", "anti-aging", "rosacea", "sensitive skin", "sun care"),
        {"instagram": 40, "tiktok": 30, "youtube": 20},
        ("Board-certified dermatologist in {city}. Acne, rosacea and sensitive skin: evidence "
         "first, no hype.", "Dermatologist. I read the ingredient list so you don't have to. "
         "Clinic in {city}.", "Skin doctor, {years} years in practice. Sunscreen is not "
         "optional."),
    ),
    Profession(
        "cosmetic_chemist", "Cosmetic chemist", "beauty",
        {"*": ("MSc, cosmetic science", "PhD, chemistry; SCC member",
               "BSc chemistry, cosmetic formulator (IFSCC)")},
        "society-of-cosmetic-chemists", ("skincare", "clean beauty", "anti-aging", "haircare"),
        {"youtube": 35, "instagram": 35, "tiktok": 25},
        ("Cosmetic chemist. I formulate serums for a living and explain what's in yours.",
         "Formulator from {city}: how skincare actually works, one ingredient at a time."),
    ),
    Profession(
        "esthetician", "Esthetician", "beauty",
        {"US": ("Licensed esthetician", "Licensed master esthetician"),
         "GB": ("Level 4 skin therapist (VTCT)",), "*": ("CIDESCO-certified aesthetician",)},
        "cosmetology-board", ("skincare", "acne", "body care", "k-beauty", "sensitive skin"),
        {"instagram": 45, "tiktok": 45, "youtube": 10},
        ("Licensed esthetician in {city}. Facials, barrier repair and honest reviews.",
         "Esthetician, {years} years behind the treatment bed. Your skin, explained."),
    ),
    Profession(
        "nutritionist", "Registered dietitian", "fitness",
        {"US": ("RDN, MS nutrition", "RD, CSSD"), "GB": ("RD (HCPC), MSc dietetics", "RNutr (AfN)"),
         "AU": ("APD, MNutrDiet",), "*": ("RD, MSc nutrition",)},
        "dietetics-register", ("nutrition", "sports nutrition", "plant-based", "weight management",
                               "wellness"),
        {"instagram": 45, "tiktok": 20, "youtube": 15, "podcast": 10, "blog": 10},
        ("Registered dietitian in {city}. Food first, supplements when they earn it.",
         "Dietitian for athletes. Fuel, recovery and the science behind both."),
    ),
    Profession(
        "sports_scientist", "Sports scientist", "fitness",
        {"GB": ("PhD, exercise physiology; BASES accredited", "PhD, sports science"),
         "*": ("PhD, exercise physiology", "PhD, exercise physiology; ACSM-EP",
               "MSc sports science, CSCS")},
        "university-staff", ("endurance", "strength training", "running", "recovery",
                             "sports nutrition"),
        {"youtube": 40, "instagram": 30, "x": 10, "podcast": 20},
        ("Sports scientist. Training studies, explained without the jargon.",
         "Exercise physiologist in {city}: what the research says about getting fitter."),
    ),
    Profession(
        "physiotherapist", "Physiotherapist", "fitness",
        {"US": ("DPT, licensed physical therapist",),
         "GB": ("MCSP, HCPC-registered physiotherapist",),
         "AU": ("BPhty, APA sports physiotherapist",),
         "*": ("BSc physiotherapy, licensed physiotherapist",)},
        "health-professions-register", ("mobility", "recovery", "running", "strength training"),
        {"instagram": 45, "youtube": 30, "tiktok": 25},
        ("Physio in {city}. Injury prevention for runners and lifters.",
         "Sports physiotherapist, {years} years in clinic. Move well, then move more."),
    ),
]  # fmt: skip
PROFESSIONS_BY_MARKET = {m: [p for p in PROFESSIONS if p.market == m] for m in BRANDS}
PLATFORM_CHOICE = {p.key: Weighted(p.platforms) for p in PROFESSIONS}
DOCTORATES = ("MD", "DO,", "PhD", "MBBS", "MBChB", "Dr. med.")  # who goes by "Dr."
# Professions without credentials: expertise 30 rather than 0.
TRADES = {
    "beauty": ["Makeup artist", "Hairstylist", "Beauty editor", "Nail artist"],
    "fitness": ["Personal trainer", "Yoga teacher", "Running coach", "Chef"],
}  # fmt: skip
HANDLE_WORDS = {
    "beauty": ["skin", "glow", "beauty", "makeup", "skincare", "glam", "hair"],
    "fitness": ["fit", "lifts", "runs", "eats", "strong", "moves", "training"],
}  # fmt: skip
LIFESTYLE_BIOS = [
    "Coffee, skincare and slow mornings in {city}.",
    "{city} based. Outfits, routines and the odd holiday.",
    "Parent of two in {city}. Real life, real routines.",
    "Living well in {city}: food, fitness, family.",
    "Everyday looks and honest reviews from {city}.",
]
FITNESS_BIOS = [
    "Runner, lifter, coffee drinker. Training log from {city}.",
    "Home workouts that fit a busy week. {city}.",
    "Marathon #{years} loading. Fuel, miles and recovery.",
    "Strength training for real people, from {city}.",
]
UGC_BIOS = [
    "UGC creator: product demos, unboxings and ads that don't feel like ads.",
    "I make short-form content for {niche} brands. Portfolio on request.",
    "UGC for {niche}: hooks, demos, testimonials. Based in {city}.",
]
NOTES = [
    "",
    "",
    "",
    "",
    "Met at the trade show booth; interested in a long-term partnership.",
    "Prefers email over DMs. Agent handles rates.",
    "Asked for a product sample before committing.",
    "Worked with a competitor last quarter; check exclusivity.",
    "Great content, slow to reply.",
]
ROLE_WEIGHTS = {"kol": 18, "influencer": 52, "ambassador": 12, "ugc": 18}
TIER_WEIGHTS = {
    # nano, micro, mid, macro, mega
    "kol": (50, 38, 10, 1.6, 0.4),
    "influencer": (52, 32, 12, 3, 1),
    "ambassador": (30, 48, 18, 3, 1),
    "ugc": (72, 26, 2, 0, 0),
}
TIER_RANGES = ((800, 10_000), (10_000, 100_000), (100_000, 500_000), (500_000, 1_000_000),
               (1_000_000, 8_000_000))  # fmt: skip
ROLE_ER = {"kol": 1.25, "influencer": 1.0, "ambassador": 1.05, "ugc": 0.9}
ROLE_SPONSORED = {"kol": (2, 18), "influencer": (8, 38), "ambassador": (15, 42), "ugc": (5, 25)}
CONSUMER_PLATFORMS = {"instagram": 45, "tiktok": 35, "youtube": 20}
EXPERT_EXTRAS = {"linkedin": 40, "youtube": 25, "podcast": 20, "blog": 15}


# --- what the generator produces ---------------------------------------------------------


@dataclass(slots=True)
class AccountSpec:
    platform: str
    # The handle is `stem + suffix + tail`: the stem holds no digit, so a numeric suffix
    # (the creator's id in the bulk loader) makes it unique on its platform.
    stem: str
    tail: str
    followers: int | None
    avg_views: int | None
    engagement_rate: Decimal | None
    credibility: Decimal | None
    sponsored_ratio: Decimal | None
    audience_ages: dict[str, float]
    audience_gender: dict[str, float]
    audience_countries: dict[str, float]
    audience_interests: dict[str, float]
    brands_mentioned: list[str]

    def handle(self, suffix: str = "") -> str:
        return f"{self.stem}{suffix}{self.tail}"

    def url(self, handle: str) -> str:
        return URLS[self.platform].format(handle)

    def figures(self) -> dict[str, Any]:
        """The account as creators.services.account_upsert takes it (handle aside)."""
        return {
            "platform": self.platform, "followers": self.followers, "avg_views": self.avg_views,
            "engagement_rate": self.engagement_rate, "credibility": self.credibility,
            "sponsored_ratio": self.sponsored_ratio, "audience_ages": self.audience_ages,
            "audience_gender": self.audience_gender,
            "audience_countries": self.audience_countries,
            "audience_interests": self.audience_interests,
            "brands_mentioned": self.brands_mentioned,
        }  # fmt: skip


@dataclass(slots=True)
class CreatorSpec:
    data: dict[str, Any]  # creators.services.CREATOR_FIELDS, as creator_create takes them
    credential_status: str  # a CredentialStatus value, kept a plain str for COPY
    accounts: list[AccountSpec]  # largest first
    rates: dict[str, Decimal] = field(default_factory=dict)


# --- the generator -----------------------------------------------------------------------


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalpha())


def _floor1(value: float) -> float:
    return math.floor(value * 10) / 10


def _shares(weights: dict[str, float], total: float) -> dict[str, float]:
    """Percent shares proportional to `weights`, summing to at most `total` (≤ 100):
    floored to one decimal, so rounding never pushes the sum over."""
    weight_sum = sum(weights.values())
    out = {}
    for key, weight in weights.items():
        share = _floor1(weight / weight_sum * total)
        if share > 0:
            out[key] = share
    return out


def _money(usd: float, currency: str) -> Decimal:
    amount = usd * USD_TO.get(currency, 1)
    step = 500 if amount >= 10_000 else 50 if amount >= 1_000 else 5
    if currency in ("JPY", "KRW", "INR"):
        step *= 100
    return Decimal(max(step, round(amount / step) * step)).quantize(Decimal("0.01"))


MARKET_COUNTRY_CHOICE = {m: Weighted(w) for m, w in MARKET_COUNTRIES.items()}
ROLE_CHOICE = Weighted(ROLE_WEIGHTS)
TIER_CHOICE = {role: Weighted(dict(enumerate(w))) for role, w in TIER_WEIGHTS.items()}
STATUS_CHOICE = Weighted({"prospect": 75, "active": 20, "do_not_contact": 5})
SPILLOVER_CHOICE = Weighted(SPILLOVER)
EXPERT_EXTRAS_CHOICE = Weighted(EXPERT_EXTRAS)
CONSUMER_CHOICE = {
    "beauty": Weighted(CONSUMER_PLATFORMS),
    "fitness": Weighted({**CONSUMER_PLATFORMS, "podcast": 5}),
}


@dataclass(slots=True)
class Persona:
    """Who a generated creator is, as their accounts need it."""

    market: str
    country: Country
    role: str
    expert: Profession | None
    doctor: bool
    first: str  # ASCII, lower-case: for handles
    last: str
    niches: list[str]
    female: bool


class CreatorGenerator:
    """Deterministic: the same seed, market and currency give the same creators.

    `market` is "beauty", "fitness" or "mixed" (both, 60/40)."""

    def __init__(self, *, seed: int = SEED, market: str = "mixed", currency: str = "USD",
                 accounts_per_creator: float = 1.5) -> None:  # fmt: skip
        if market not in ("beauty", "fitness", "mixed"):
            raise ValueError(f"Unknown market {market!r}")
        if not 1 <= accounts_per_creator <= 3:
            raise ValueError("accounts_per_creator must be between 1 and 3")
        self.rng = random.Random(seed)
        self.market = market
        self.currency = currency
        # P(1, 2, 3 accounts) with the requested mean: 1.5 gives 55/40/5 %.
        extra = accounts_per_creator - 1
        if extra <= 1:
            weights = (1 - 0.9 * extra, 0.8 * extra, 0.1 * extra)
        else:
            t = extra - 1
            weights = (0.1 * (1 - t), 0.8 * (1 - t), 0.1 + 0.9 * t)
        self.account_count = Weighted(dict(zip((1, 2, 3), weights, strict=True)))

    def creators(self, count: int) -> Iterator[CreatorSpec]:
        for _ in range(count):
            yield self.creator()

    def creator(self) -> CreatorSpec:
        rng = self.rng
        market = self.market
        if market == "mixed":
            market = "beauty" if rng.random() < 0.6 else "fitness"
        country = COUNTRIES[MARKET_COUNTRY_CHOICE[market].pick(rng)]
        role = ROLE_CHOICE.pick(rng)
        female = rng.random() < (0.82 if market == "beauty" else 0.5)
        first = rng.choice(country.female if female else country.male)
        last = rng.choice(country.surnames)
        city = rng.choice(country.cities)
        years = rng.randint(3, 28)
        profession = credentials = evidence = ""
        status = "none"
        years_experience = None
        expert = None
        if role == "kol" or (role == "influencer" and rng.random() < 0.05):
            expert = rng.choice(PROFESSIONS_BY_MARKET[market])
            profession = expert.title
            options = expert.credentials.get(country.code) or expert.credentials["*"]
            credentials = rng.choice(options)
            years_experience = years
            roll = rng.random()
            if roll < 0.55:
                status = "verified"
                evidence = (f"https://example.org/licence-registry/{country.code.lower()}/"
                            f"{expert.registry}/{rng.randint(100000, 999999)}")  # fmt: skip
            elif roll < 0.93:
                status = "unverified"
            else:
                status = "rejected"
        elif role != "ugc" and rng.random() < 0.15:
            profession = rng.choice(TRADES[market])
        doctor = credentials.startswith(DOCTORATES) and rng.random() < 0.8
        name = f"Dr. {first} {last}" if doctor else f"{first} {last}"

        niches = self._niches(market, expert, role)
        languages = list(country.languages[: rng.choice((1, len(country.languages)))])
        if country.code != "US" and "en" not in languages and rng.random() < 0.35:
            languages.append("en")
        if expert:
            bio = rng.choice(expert.bios)
        elif role == "ugc":
            bio = rng.choice(UGC_BIOS)
        elif market == "fitness":
            bio = rng.choice(FITNESS_BIOS)
        else:
            bio = rng.choice(LIFESTYLE_BIOS)
        bio = bio.format(city=city, years=years, niche=niches[0])
        fa, la = _ascii(first), _ascii(last)
        email = ""
        if rng.random() < 0.6:
            email = f"{fa}.{la}@{rng.choice(('example.com', 'mail.example', 'studio.example'))}"
        data = {
            "name": name, "email": email, "bio": bio, "role": role, "profession": profession,
            "credentials": credentials, "years_experience": years_experience,
            "credential_evidence_url": evidence, "niches": niches, "languages": languages,
            "country": country.code, "city": city, "rate_currency": self.currency,
            "status": STATUS_CHOICE.pick(rng),
            "notes": rng.choice(NOTES),
        }  # fmt: skip
        persona = Persona(market=market, country=country, role=role, expert=expert,
                          doctor=doctor, first=fa, last=la, niches=niches,
                          female=female)  # fmt: skip
        accounts = self._accounts(persona)
        rates = self._rates(role, status, accounts) if rng.random() < 0.85 else {}
        return CreatorSpec(data=data, credential_status=status, accounts=accounts, rates=rates)

    def _niches(self, market: str, expert: Profession | None, role: str) -> list[str]:
        rng = self.rng
        pool = NICHES[market]
        if expert:
            first = list(rng.sample(expert.niches, k=rng.randint(1, 2)))
        elif role in ("influencer", "ambassador") and rng.random() < 0.3:
            first = [rng.choice(LIFESTYLE_NICHES)]
        else:
            first = [rng.choice(pool)]
        extra = [n for n in rng.sample(pool, k=3) if n not in first]
        return (first + extra)[: rng.randint(2, 4)]

    def _accounts(self, p: Persona) -> list[AccountSpec]:
        rng = self.rng
        market, expert, fa, la = p.market, p.expert, p.first, p.last
        count = self.account_count.pick(rng)
        if p.country.code == "CN":
            platforms = ["xiaohongshu", "other", "youtube"][:count]
        else:
            primary = (PLATFORM_CHOICE[expert.key] if expert else CONSUMER_CHOICE[market]).pick(rng)
            extras = EXPERT_EXTRAS_CHOICE if expert else CONSUMER_CHOICE[market]
            platforms = [primary]
            while len(platforms) < count:
                platforms.append(extras.pick_other(rng, platforms))

        tier = TIER_CHOICE[p.role].pick(rng)
        low, high = TIER_RANGES[tier]
        u = rng.random()
        if tier == 4:
            u = u * u  # a mega account is far more often 1.5M than 7M
        top = int(math.exp(math.log(low) + u * (math.log(high) - math.log(low))))

        word = rng.choice(HANDLE_WORDS[market])
        if p.doctor:
            stem = rng.choice((f"dr{la}", f"dr.{fa}{la}", f"dr{fa}{word}", f"dr{fa}.{la}"))
        else:
            stem = rng.choice((f"{fa}{la}", f"{fa}.{la}", f"{fa}_{la}", f"{fa}{word}",
                               f"{fa}.{word}", f"the{fa}{word}", f"{la}{word}"))  # fmt: skip
        accounts = []
        followers = top
        for i, platform in enumerate(platforms):
            if i:
                # Strictly smaller than the account before: with no two equal, the account
                # order (followers DESC, id) never depends on which id an account gets.
                smaller = int(followers * math.exp(rng.uniform(-3.5, -0.4)))
                followers = min(followers - 1, max(50 - i, smaller))
            accounts.append(self._account(p, platform, followers, stem))
        return accounts

    def _account(self, p: Persona, platform: str, followers: int, stem: str) -> AccountSpec:
        rng = self.rng
        tail = ""
        if platform == "linkedin":
            stem, tail = f"{p.first}-{p.last}", ("-md" if p.doctor else "")
        elif platform == "podcast":
            stem, tail = stem.replace(".", ""), "-podcast"
        elif platform == "blog":
            stem = stem.replace(".", "").replace("_", "")
        tier = tier_of(followers)
        if platform in ("podcast", "blog"):
            er = credibility = None  # no platform metrics for these
        else:
            factor = math.exp(rng.gauss(0, 0.3)) * ROLE_ER[p.role]
            roll = rng.random()
            if roll < 0.02:
                factor = rng.uniform(4.3, 7.0)  # bought engagement
            elif roll < 0.035:
                factor = rng.uniform(0.08, 0.2)  # a dead audience
            er_value = max(0.05, scoring.benchmark(platform, tier) * factor)
            er = Decimal(str(round(er_value, 2)))
            cred = rng.uniform(72, 96) - (8 if tier == "mega" else 0) - (15 if roll < 0.035 else 0)
            credibility = Decimal(str(round(min(98.0, max(55.0, cred)), 1)))
        low, high = ROLE_SPONSORED[p.role]
        sponsored = round(rng.uniform(low, high), 1)
        pool = BRANDS[p.market]
        n_brands = 0 if sponsored < 4 else rng.randint(0, min(5, 1 + int(sponsored // 8)))
        brands = rng.sample(pool, k=n_brands)
        views = int(followers * VIEW_RATIO[platform] * rng.uniform(0.5, 1.5))
        return AccountSpec(
            platform=platform, stem=stem, tail=tail, followers=followers, avg_views=views,
            engagement_rate=er, credibility=credibility,
            sponsored_ratio=Decimal(str(sponsored)),
            audience_ages=self._ages(platform, p.niches),
            audience_gender=self._gender(p.market, p.female),
            audience_countries=self._countries(p.country),
            audience_interests=self._interests(p.market, p.niches),
            brands_mentioned=brands,
        )  # fmt: skip

    def _ages(self, platform: str, niches: list[str]) -> dict[str, float]:
        rng = self.rng
        profile = list(AGE_PROFILE[platform])
        if "anti-aging" in niches:
            profile = [w * (1.7 if i >= 3 else 1) for i, w in enumerate(profile)]
        weights = {b: w * math.exp(rng.gauss(0, 0.25)) for b, w in
                   zip(AGE_BUCKETS, profile, strict=True) if w}  # fmt: skip
        return _shares(weights, 100)

    def _gender(self, market: str, female: bool) -> dict[str, float]:
        rng = self.rng
        if market == "beauty":
            share = rng.uniform(70, 93)
        else:
            share = rng.uniform(40, 62) if female else rng.uniform(25, 45)
        other = rng.uniform(0.3, 2.0)
        return _shares({"female": share, "male": 100 - share - other, "other": other}, 100)

    def _countries(self, country: Country) -> dict[str, float]:
        rng = self.rng
        covered = rng.uniform(80, 97)  # the rest is spread too thin to list
        home = rng.uniform(55, 85) if country.code == "US" else rng.uniform(35, 75)
        taken = [country.code]
        for _ in range(rng.randint(2, 4)):
            taken.append(SPILLOVER_CHOICE.pick_other(rng, taken))
        others = taken[1:]
        weights = {code: (0.55**i) * rng.uniform(0.8, 1.2) for i, code in enumerate(others)}
        rest = max(covered - home, 3.0)
        scale = rest / sum(weights.values())
        return _shares({country.code: home, **{k: w * scale for k, w in weights.items()}},
                       min(99.5, home + rest))  # fmt: skip

    def _interests(self, market: str, niches: list[str]) -> dict[str, float]:
        rng = self.rng
        pool = INTERESTS[market]
        chosen = [n for n in niches if n in pool][:2]
        for interest in rng.sample(pool, k=5):
            if interest not in chosen:
                chosen.append(interest)
        chosen = chosen[: rng.randint(3, 5)]
        weights = {k: (0.6**i) * rng.uniform(0.8, 1.2) for i, k in enumerate(chosen)}
        return _shares(weights, rng.uniform(60, 95))

    def _rates(self, role: str, status: str, accounts: list[AccountSpec]) -> dict[str, Decimal]:
        rng = self.rng
        best: dict[str, tuple[int, str]] = {}
        for account in accounts:
            for deliverable in DELIVERABLES[account.platform]:
                if deliverable not in best or (account.followers or 0) > best[deliverable][0]:
                    best[deliverable] = (account.followers or 0, account.platform)
        cpm = rng.uniform(8, 16)
        floor = rng.uniform(50, 150)  # nobody posts for $3, however small the account
        mult = {"kol": 2.2 if status == "verified" else 1.7,
                "ambassador": 0.9, "influencer": 1.0, "ugc": 1.0}[role]  # fmt: skip
        rates = {}
        for deliverable, (followers, platform) in best.items():
            if role == "ugc":
                usd = rng.uniform(120, 450) * PRICE_FACTOR[deliverable]
            else:
                usd = followers / 1000 * cpm * mult * PRICE_FACTOR[deliverable]
                if platform == "youtube" and deliverable == "video":
                    usd *= 1.8
                usd = max(floor, usd)
            rates[deliverable] = _money(usd, self.currency)
        return rates


# --- the example: a small, devoted expert next to a big lifestyle account --------


def _anchors(currency: str) -> dict[str, list[CreatorSpec]]:
    def account(platform, stem, followers, er, cred, sponsored, countries, ages, gender,
                interests, brands=(), tail=""):  # fmt: skip
        return AccountSpec(
            platform=platform, stem=stem, tail=tail, followers=followers,
            avg_views=int(followers * VIEW_RATIO[platform]),
            engagement_rate=Decimal(er), credibility=Decimal(cred),
            sponsored_ratio=Decimal(sponsored), audience_ages=ages, audience_gender=gender,
            audience_countries=countries, audience_interests=interests,
            brands_mentioned=list(brands),
        )  # fmt: skip

    derm = CreatorSpec(
        data={
            "name": "Dr. Alicia Hayes", "email": "alicia.hayes@example.com",
            "bio": "Board-certified dermatologist in Boston. Acne, rosacea and barrier repair, "
                   "explained by the person who treats them every day.",
            "role": "kol", "profession": "Dermatologist",
            "credentials": "MD, FAAD, board-certified dermatologist", "years_experience": 14,
            "credential_evidence_url":
                "https://example.org/licence-registry/us/medical-board/482913",
            "niches": ["skincare", "acne", "rosacea"], "languages": ["en"], "country": "US",
            "city": "Boston", "rate_currency": currency, "status": "prospect",
            "notes": "Small but devoted audience; answers every comment.",
        },
        credential_status="verified",
        accounts=[
            account("instagram", "dr.aliciahayes", 13_900, "6.80", "96.5", "6.0",
                    {"US": 78.4, "CA": 7.1, "GB": 4.2},
                    {"18-24": 21.5, "25-34": 41.2, "35-44": 24.8, "45-54": 8.9, "55+": 3.1},
                    {"female": 84.6, "male": 14.2, "other": 1.1},
                    {"skincare": 62.0, "beauty": 18.5, "wellness": 9.0}),
            account("linkedin", "alicia-hayes", 1_150, "4.10", "97.0", "0.0",
                    {"US": 81.0, "CA": 5.0}, {"25-34": 38.0, "35-44": 34.0, "45-54": 20.0},
                    {"female": 61.0, "male": 38.0}, {"skincare": 40.0, "health": 30.0},
                    tail="-md"),
        ],
        rates={"post": Decimal("450.00"), "reel": Decimal("600.00"),
               "story": Decimal("175.00")},
    )  # fmt: skip
    lifestyle = CreatorSpec(
        data={
            "name": "Sienna Brooks", "email": "team@siennabrooks.example",
            "bio": "Coffee, outfits and slow mornings in Los Angeles. Collabs: email below.",
            "role": "influencer", "profession": "", "credentials": "",
            "years_experience": None, "credential_evidence_url": "",
            "niches": ["lifestyle", "fashion", "makeup"], "languages": ["en"], "country": "US",
            "city": "Los Angeles", "rate_currency": currency, "status": "prospect", "notes": "",
        },
        credential_status="none",
        accounts=[
            account("instagram", "siennabrooks", 985_000, "0.90", "71.0", "38.5",
                    {"US": 41.3, "GB": 9.8, "BR": 7.2, "IN": 6.5, "PH": 5.1},
                    {"13-17": 9.5, "18-24": 38.0, "25-34": 33.1, "35-44": 13.0, "45-54": 4.4},
                    {"female": 71.2, "male": 27.5, "other": 1.2},
                    {"fashion": 34.0, "lifestyle": 26.0, "travel": 14.0, "skincare": 8.0},
                    ["DermaPure", "CeraGlow", "Glowly", "Tinted"]),
            account("youtube", "siennabrooks", 42_000, "1.70", "80.0", "30.0",
                    {"US": 52.0, "GB": 10.0, "CA": 6.0},
                    {"18-24": 35.0, "25-34": 37.0, "35-44": 18.0},
                    {"female": 77.0, "male": 22.0}, {"lifestyle": 40.0, "fashion": 30.0},
                    ["SkinFirst"]),
        ],
        rates={"post": _money(11_500, currency), "reel": _money(15_000, currency),
               "story": _money(4_000, currency), "video": _money(3_500, currency)},
    )  # fmt: skip
    coach = CreatorSpec(
        data={
            "name": "Dr. Tom Ashworth", "email": "tom.ashworth@example.com",
            "bio": "Sports scientist in Leeds. Endurance training research, without the jargon.",
            "role": "kol", "profession": "Sports scientist",
            "credentials": "PhD, exercise physiology; BASES accredited", "years_experience": 11,
            "credential_evidence_url":
                "https://example.org/licence-registry/gb/university-staff/210577",
            "niches": ["endurance", "running", "sports nutrition"], "languages": ["en"],
            "country": "GB", "city": "Leeds", "rate_currency": currency, "status": "active",
            "notes": "",
        },
        credential_status="verified",
        accounts=[
            account("youtube", "drtomashworth", 38_500, "3.90", "94.0", "8.0",
                    {"GB": 58.0, "US": 14.0, "IE": 6.0, "AU": 5.0},
                    {"18-24": 18.0, "25-34": 39.0, "35-44": 27.0, "45-54": 11.0, "55+": 4.0},
                    {"female": 36.0, "male": 63.0, "other": 0.8},
                    {"running": 48.0, "fitness": 22.0, "nutrition": 12.0}, ["EnduraFit"]),
        ],
        rates={"video": _money(1_900, currency), "short": _money(700, currency)},
    )  # fmt: skip
    return {"beauty": [derm, lifestyle], "fitness": [coach]}


# --- the demo brands' rosters, through the services --------------------------------------

DEMO_ROSTERS = {"glow-lab": ("beauty", 500), "peakform": ("fitness", 120)}


def demo_roster_seed(*, organization: Organization, stdout=None) -> int:
    """Give a demo brand its roster through creators.services; returns how many creators
    were added. Runs once: an organization that has any creator is left alone."""
    plan = DEMO_ROSTERS.get(organization.slug)
    if plan is None:
        return 0
    market, count = plan
    currency = organization.default_currency
    with tenant_context(organization):
        if Creator.objects.exists():
            return 0
        owner_membership = (
            Membership.objects.filter(role=Role.OWNER).select_related("user")
            .order_by("created_at").first()
        )  # fmt: skip
        owner = owner_membership.user if owner_membership else None
        anchors = _anchors(currency)[market]
        # The seed depends on the slug, so the two brands do not share a single person.
        generator = CreatorGenerator(seed=SEED + sum(map(ord, organization.slug)),
                                     market=market, currency=currency)  # fmt: skip
        specs = anchors + list(generator.creators(count - len(anchors)))
        used: set[tuple[str, str]] = set()
        for spec in specs:
            accounts = []
            for account in spec.accounts:
                handle, n = account.handle(), 1
                while (account.platform, handle) in used:
                    n += 1
                    handle = account.handle(str(n))
                used.add((account.platform, handle))
                accounts.append({**account.figures(), "handle": handle,
                                 "url": account.url(handle)})  # fmt: skip
            creator = services.creator_create(organization=organization, data=spec.data,
                                              accounts=accounts, rates=spec.rates,
                                              source="import")  # fmt: skip
            if spec.credential_status in (CredentialStatus.VERIFIED, CredentialStatus.REJECTED):
                if owner is None:
                    continue  # nobody to have checked it: leave it "not verified"
                services.credential_set_status(
                    organization=organization, creator=creator, status=spec.credential_status,
                    evidence_url=spec.data["credential_evidence_url"], verified_by=owner,
                )  # fmt: skip
    if stdout is not None:
        stdout.write(f"added {len(specs)} demo creators to {organization.name}")
    return len(specs)


# --- the derived columns, computed in Python (creators/derived.py AGGREGATE_SQL) ----------


class ScoreInput(NamedTuple):
    """What creators.scoring.base_score reads from a creator."""

    followers: int
    platforms: list[str]
    engagement_rate: Decimal | None
    credibility: Decimal | None
    sponsored_ratio: Decimal | None
    credentials: str
    credential_status: str
    profession: str
    years_experience: int | None


_CENT = Decimal("0.01")


def _weighted(accounts: list[AccountSpec], attribute: str) -> Decimal | None:
    # sum(x * followers) FILTER (x IS NOT NULL) / nullif(sum(followers) FILTER (...), 0):
    # an account without followers counts in neither sum.
    total = Decimal(0)
    weight = 0
    seen = False
    for account in accounts:
        value = getattr(account, attribute)
        if value is not None and account.followers is not None:
            total += value * account.followers
            weight += account.followers
            seen = True
    if not seen or weight == 0:
        return None
    return (total / weight).quantize(_CENT, ROUND_HALF_UP)


def account_order(accounts: list[AccountSpec]) -> list[int]:
    """Indexes of `accounts` as AGGREGATE_SQL orders them, `followers DESC NULLS LAST, id`,
    taking the list order for id order among equals (the generator makes none)."""
    return sorted(range(len(accounts)),
                  key=lambda i: (accounts[i].followers is None,
                                 -(accounts[i].followers or 0)))  # fmt: skip


def creator_derived(spec: CreatorSpec, handles: list[str],
                    order: list[int] | None = None) -> dict[str, Any]:  # fmt: skip
    """The derived columns refresh_derived would write for this creator; `handles` are the
    accounts' final handles, in spec.accounts order."""
    if order is None:
        order = account_order(spec.accounts)
    accounts = [spec.accounts[i] for i in order]
    primary = accounts[0] if accounts else None
    out = {
        "followers": sum(a.followers or 0 for a in accounts),
        "engagement_rate": _weighted(accounts, "engagement_rate"),
        "credibility": _weighted(accounts, "credibility"),
        "sponsored_ratio": _weighted(accounts, "sponsored_ratio"),
        "platforms": [a.platform for a in accounts],
        "handles": [handles[i] for i in order],
        "audience_countries": primary.audience_countries if primary else {},
        "audience_ages": primary.audience_ages if primary else {},
        "audience_gender": primary.audience_gender if primary else {},
        "audience_interests": primary.audience_interests if primary else {},
        "brands_mentioned": sorted({b for a in accounts for b in a.brands_mentioned}),
        "min_rate": min(spec.rates.values()) if spec.rates else None,
    }
    data = spec.data
    out["base_score"] = scoring.base_score(ScoreInput(
        followers=out["followers"], platforms=out["platforms"],
        engagement_rate=out["engagement_rate"], credibility=out["credibility"],
        sponsored_ratio=out["sponsored_ratio"], credentials=data["credentials"],
        credential_status=spec.credential_status, profession=data["profession"],
        years_experience=data["years_experience"],
    ))  # fmt: skip
    out["audience_peaks"] = scoring.audience_peaks(
        out["audience_countries"], out["audience_ages"], out["audience_gender"],
        out["audience_interests"],
    )  # fmt: skip
    return out


# --- the benchmark loader: COPY through staging tables ----------------------------------

# The same search vector as creators/derived.py, over the staged row (whose handles are
# already the derived ones).
SEARCH_VECTOR_SQL = search_vector_sql("coalesce(c.handles, '{}')")
CREATOR_COLUMNS = (
    "id", "organization_id", "created_at", "updated_at", "name", "email", "photo_url", "bio",
    "role", "profession", "credentials", "years_experience", "credential_status",
    "credential_evidence_url", "credential_verified_by_id", "credential_verified_at",
    "niches", "languages", "country", "city", "rate_currency", "status", "notes", "owner_id",
    "followers", "engagement_rate", "platforms", "handles", "audience_countries",
    "audience_ages", "audience_gender", "audience_interests", "credibility",
    "sponsored_ratio", "brands_mentioned", "min_rate", "base_score", "audience_peaks",
)  # fmt: skip
# No id: accounts take theirs from the identity column (see _accounts on why that is safe).
ACCOUNT_COLUMNS = (
    "organization_id", "created_at", "updated_at", "creator_id", "platform", "handle",
    "url", "external_id", "followers", "avg_views", "engagement_rate", "audience_ages",
    "audience_gender", "audience_countries", "audience_interests", "credibility",
    "sponsored_ratio", "brands_mentioned", "last_refreshed_at", "provenance",
    "refresh_error", "refresh_failed_at",
)  # fmt: skip
RATE_COLUMNS = ("organization_id", "created_at", "updated_at", "creator_id", "deliverable",
                "amount")  # fmt: skip
ACCOUNT_FIGURES = ("followers", "avg_views", "engagement_rate", "audience_ages",
                   "audience_gender", "audience_countries", "audience_interests",
                   "credibility", "sponsored_ratio", "brands_mentioned")  # fmt: skip


def bench_organization_get_or_create(*, slug: str) -> Organization:
    """Platform-level: the organization a benchmark loads into, created without people."""
    organization = Organization.objects.filter(slug=slug).first()
    if organization is None:
        organization = Organization(name=slug.replace("-", " ").title(), slug=slug)
        try:
            organization.full_clean()
        except ValidationError as error:
            raise ValueError(f"Cannot create organization {slug!r}: {error}") from None
        organization.save()
    return organization


def _reserve_ids(cursor, table: str, count: int) -> list[int]:
    # Ids up front, so the generator can build whole rows (the id is in every handle)
    # without a round trip; nextval() from the identity sequence is safe next to other
    # writers, and ids of an interrupted run are only a gap.
    cursor.execute(
        f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)",  # noqa: S608
        [count],
    )
    return sorted(row[0] for row in cursor.fetchall())


def _copy_via_staging(cursor, table: str, columns: tuple[str, ...], data: bytes,
                      extra: str = "", extra_column: str = "") -> None:  # fmt: skip
    """COPY rows into `table` through a temporary table: PostgreSQL refuses COPY FROM into a
    table with row-level security, and the INSERT … SELECT that moves the rows is checked by
    the policy like any insert."""
    staging = f"seed_{table}"
    names = ", ".join(columns)
    cursor.execute(
        f"CREATE TEMP TABLE {staging} ON COMMIT DROP AS SELECT {names} FROM {table} WITH NO DATA"  # noqa: S608
    )
    with cursor.copy(f"COPY {staging} ({names}) FROM STDIN") as copy:
        copy.write(data)
    target = names + (f", {extra_column}" if extra_column else "")
    select = names + (f", {extra}" if extra else "")
    cursor.execute(f"INSERT INTO {table} ({target}) SELECT {select} FROM {staging} c")  # noqa: S608
    cursor.execute(f"DROP TABLE {staging}")


def _array(values: list[str]) -> str:
    """A text[] literal, every element quoted (so spaces and commas are safe)."""
    quoted = (v.replace("\\", "\\\\").replace('"', '\\"') for v in values)
    return "{" + ",".join(f'"{v}"' for v in quoted) + "}"


# COPY's text format: tab-separated, \N for NULL, backslash escapes.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_field(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, str):
        # translate() is slow and almost nothing needs it: look before escaping.
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.translate(_COPY_ESCAPES)
        return value
    return str(value)  # int, Decimal


def _copy_data(rows: list[tuple]) -> bytes:
    """Rows in COPY text format. Formatted in the generating thread, so the loading thread
    hands PostgreSQL one buffer per table instead of holding the GIL for write_row()."""
    return "".join("\t".join(map(_copy_field, row)) + "\n" for row in rows).encode()


@dataclass(slots=True)
class ChunkRows:
    creators: int
    accounts: int
    creator_data: bytes
    account_data: bytes
    rate_data: bytes


def _chunk_rows(org_id: int, creator_ids, specs: list[CreatorSpec], provenance: str) -> ChunkRows:
    """COPY data for a chunk, derived columns included. Pure Python: it runs in the
    generating thread while the loading thread waits on the database."""
    now = timezone.now().isoformat()
    dumps = json.dumps
    creator_rows: list[tuple] = []
    account_rows: list[tuple] = []
    rate_rows: list[tuple] = []
    for creator_id, spec in zip(creator_ids, specs, strict=True):
        suffix = f"_{creator_id}"
        accounts = spec.accounts
        handles = [a.handle(suffix) for a in accounts]
        audiences = [(dumps(a.audience_countries), dumps(a.audience_ages),
                      dumps(a.audience_gender), dumps(a.audience_interests))
                     for a in accounts]  # fmt: skip
        order = account_order(accounts)
        derived = creator_derived(spec, handles, order)
        countries, ages, gender, interests = audiences[order[0]] if accounts else ("{}",) * 4
        data = spec.data
        verified_at = now if spec.credential_status in ("verified", "rejected") else None
        creator_rows.append((
            creator_id, org_id, now, now, data["name"], data["email"], "", data["bio"],
            data["role"], data["profession"], data["credentials"], data["years_experience"],
            spec.credential_status, data["credential_evidence_url"], None, verified_at,
            _array(data["niches"]), _array(data["languages"]), data["country"],
            data["city"], data["rate_currency"], data["status"], data["notes"], None,
            derived["followers"], derived["engagement_rate"], _array(derived["platforms"]),
            _array(derived["handles"]), countries, ages, gender, interests,
            derived["credibility"], derived["sponsored_ratio"],
            _array(derived["brands_mentioned"]), derived["min_rate"], derived["base_score"],
            float_array_literal(derived["audience_peaks"]),
        ))  # fmt: skip
        for account, handle, audience in zip(accounts, handles, audiences, strict=True):
            account_rows.append((
                org_id, now, now, creator_id, account.platform, handle, account.url(handle),
                "", account.followers, account.avg_views, account.engagement_rate,
                audience[1], audience[2], audience[0], audience[3], account.credibility,
                account.sponsored_ratio, _array(account.brands_mentioned), None, provenance,
                "", None,
            ))  # fmt: skip
        for deliverable, amount in spec.rates.items():
            rate_rows.append((org_id, now, now, creator_id, deliverable, amount))
    return ChunkRows(creators=len(creator_rows), accounts=len(account_rows),
                     creator_data=_copy_data(creator_rows),
                     account_data=_copy_data(account_rows),
                     rate_data=_copy_data(rate_rows))  # fmt: skip


def _chunk_write(organization: Organization, rows: ChunkRows) -> None:
    """One transaction, as the tenant: the three tables, parents first."""
    with tenant_context(organization), connection.cursor() as cursor:
        # Commit without waiting for the WAL flush: a crash may lose the last chunks of a
        # benchmark load, never corrupt anything, and each commit waited ~0.5 s here.
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        _copy_via_staging(cursor, "creators_creator", CREATOR_COLUMNS, rows.creator_data,
                          extra=SEARCH_VECTOR_SQL, extra_column="search_vector")  # fmt: skip
        _copy_via_staging(cursor, "creators_socialaccount", ACCOUNT_COLUMNS, rows.account_data)
        _copy_via_staging(cursor, "creators_ratecarditem", RATE_COLUMNS, rows.rate_data)


@dataclass
class LoadProgress:
    creators: int
    accounts: int
    total: int
    elapsed: float


def synthetic_roster_load(
    *, organization: Organization, count: int, accounts_per_creator: float = 1.5,
    seed: int = SEED, chunk_size: int = 10_000,
    progress: Callable[[LoadProgress], None] | None = None,
) -> LoadProgress:  # fmt: skip
    """Add `count` generated creators to `organization`, fast: COPY in chunks of
    `chunk_size`, one transaction each, derived columns computed on the way in.

    A thread generates each chunk's rows while this one streams the previous chunk into
    the database, so the Python and the PostgreSQL work overlap on two cores."""
    started = time.perf_counter()
    generator = CreatorGenerator(seed=seed, market="mixed",
                                 currency=organization.default_currency,
                                 accounts_per_creator=accounts_per_creator)  # fmt: skip
    with tenant_context(organization), connection.cursor() as cursor:
        creator_ids = _reserve_ids(cursor, "creators_creator", count)
    stamp = {"source": "import", "at": timezone.now().isoformat()}
    provenance = json.dumps(dict.fromkeys(ACCOUNT_FIGURES, stamp))
    chunks: queue.Queue = queue.Queue(maxsize=2)
    stop = threading.Event()

    def produce() -> None:
        try:
            for first in range(0, count, chunk_size):
                if stop.is_set():
                    return
                ids = creator_ids[first : first + chunk_size]
                specs = list(generator.creators(len(ids)))
                chunks.put(_chunk_rows(organization.pk, ids, specs, provenance))
            chunks.put(None)
        except BaseException as error:  # handed to the loading thread, which re-raises
            chunks.put(error)

    producer = threading.Thread(target=produce, name="seed-creators-generator", daemon=True)
    producer.start()
    done = LoadProgress(creators=0, accounts=0, total=count, elapsed=0.0)
    try:
        while True:
            rows = chunks.get()
            if rows is None:
                break
            if isinstance(rows, BaseException):
                raise rows
            _chunk_write(organization, rows)
            done.creators += rows.creators
            done.accounts += rows.accounts
            done.elapsed = time.perf_counter() - started
            if progress is not None:
                progress(done)
    finally:
        stop.set()
        while producer.is_alive():  # unblock a producer waiting on a full queue
            with contextlib.suppress(queue.Empty):
                chunks.get(timeout=0.1)
        producer.join()
    return done


def tables_analyze() -> None:
    """Fresh planner statistics after a bulk load (as the owner: outside tenant_context)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE creators_creator, creators_socialaccount, creators_ratecarditem")
