"""The vetting scorecard and the fit score: one module, documented in docs/fit-score.md.

fit = Σ weight × component, each component 0–100, weights summing to 100, so the fit score
is 0–100. Deterministic: the same creator and target always give the same score.

Three components do not depend on the target (engagement quality, authenticity,
expertise); their weighted sum is stored on the creator as `base_score` so discovery can
sort a million creators by fit. The other two (audience match, brand conflicts) are
computed at query time from the target; `fit_sql()` gives the same arithmetic in SQL,
and tests hold the two to the same answers.

To sort by fit without computing it for every match, each creator also stores its
`audience_peaks` (the largest shares of its audience in each dimension) and
`fit_bound_sql()` turns them into a ceiling on the fit for a given target, cheap enough to
test from an index alone (creators/pagination.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

WEIGHTS = {
    "audience_match": 35,
    "expertise": 20,
    "engagement_quality": 20,
    "authenticity": 15,
    "brand_conflicts": 10,
}
BASE_COMPONENTS = ("engagement_quality", "authenticity", "expertise")
TARGET_COMPONENTS = ("audience_match", "brand_conflicts")

# Typical engagement rate (%) by platform and follower tier: the benchmark an account is
# measured against. Smaller accounts engage more; long-form video engages less per view.
ER_BENCHMARK = {
    "instagram": {"nano": 4.0, "micro": 2.4, "mid": 1.6, "macro": 1.2, "mega": 1.0},
    "tiktok": {"nano": 8.0, "micro": 6.0, "mid": 5.0, "macro": 4.5, "mega": 4.0},
    "youtube": {"nano": 3.5, "micro": 2.5, "mid": 2.0, "macro": 1.8, "mega": 1.5},
    "x": {"nano": 1.5, "micro": 1.0, "mid": 0.7, "macro": 0.5, "mega": 0.4},
    "linkedin": {"nano": 4.0, "micro": 3.0, "mid": 2.0, "macro": 1.5, "mega": 1.2},
    "xiaohongshu": {"nano": 5.0, "micro": 3.5, "mid": 2.5, "macro": 2.0, "mega": 1.5},
}
DEFAULT_BENCHMARK = {"nano": 3.0, "micro": 2.0, "mid": 1.5, "macro": 1.2, "mega": 1.0}
# Engagement outside [LOW, HIGH] × benchmark is implausible: bought engagement or a dead
# audience. Either costs authenticity points and raises a flag.
IMPLAUSIBLY_LOW, IMPLAUSIBLY_HIGH = 0.25, 4.0
SPONSORED_OK = 30.0  # % of posts sponsored before it starts to cost authenticity


def rounded(value: float, places: int) -> float:
    """Round half away from zero, as PostgreSQL's round(numeric) does, so the Python
    scorecard and the SQL sort agree to the last digit."""
    return float(Decimal(str(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


@dataclass(frozen=True)
class Target:
    """Who a campaign wants to reach; every part optional."""

    countries: tuple[str, ...] = ()
    ages: tuple[str, ...] = ()
    gender: str = ""
    interests: tuple[str, ...] = ()
    competitors: tuple[str, ...] = ()

    @property
    def dimensions(self) -> int:
        return sum(bool(x) for x in (self.countries, self.ages, self.gender, self.interests))

    def is_empty(self) -> bool:
        return not self.dimensions and not self.competitors


@dataclass
class Component:
    key: str
    label: str
    value: float  # 0–100
    weight: int
    why: str
    flags: list[str] = field(default_factory=list)

    @property
    def points(self) -> float:
        return rounded(self.value * self.weight / 100, 2)


@dataclass
class Scorecard:
    components: list[Component]

    @property
    def fit(self) -> float:
        # Summed as decimals: float addition could land a hair under a rounding boundary.
        return rounded(float(sum(Decimal(str(c.points)) for c in self.components)), 1)

    @property
    def flags(self) -> list[str]:
        return [f for c in self.components for f in c.flags]


def benchmark(platform: str, tier: str) -> float:
    return ER_BENCHMARK.get(platform, DEFAULT_BENCHMARK)[tier]


def _f(value) -> float | None:
    return None if value is None else float(value)


def engagement_quality(er, platform: str, tier: str) -> Component:
    """50 at the benchmark for the platform and tier, 100 at twice it; 0 with no data.
    Implausibly high engagement scores like the benchmark (it is not to be rewarded)."""
    er = _f(er)
    weight = WEIGHTS["engagement_quality"]
    if er is None:
        return Component("engagement_quality", "Engagement quality", 0, weight,
                         "No engagement rate recorded.")  # fmt: skip
    bench = benchmark(platform, tier)
    ratio = er / bench
    value = 50.0 if ratio > IMPLAUSIBLY_HIGH else min(100.0, 50.0 * ratio)
    why = f"{er:.2f}% against a {bench:.1f}% benchmark for {tier} {platform} ({ratio:.1f}×)."
    return Component("engagement_quality", "Engagement quality", rounded(value, 1), weight, why)


def authenticity(credibility, sponsored_ratio, er, platform: str, tier: str) -> Component:
    """Starts from the share of real followers (70 when unknown); loses 1 point per
    sponsored-post percentage point above 30 %, and 25 when engagement is implausible."""
    weight = WEIGHTS["authenticity"]
    cred, sponsored, er = _f(credibility), _f(sponsored_ratio), _f(er)
    value = cred if cred is not None else 70.0
    parts = [f"{cred:.0f}% real followers" if cred is not None else "credibility unknown (70)"]
    flags = []
    if sponsored is not None and sponsored > SPONSORED_OK:
        value -= sponsored - SPONSORED_OK
        parts.append(f"{sponsored:.0f}% of posts sponsored (−{sponsored - SPONSORED_OK:.0f})")
    if er is not None:
        ratio = er / benchmark(platform, tier)
        if ratio > IMPLAUSIBLY_HIGH or ratio < IMPLAUSIBLY_LOW:
            value -= 25
            word = "high" if ratio > IMPLAUSIBLY_HIGH else "low"
            flags.append(f"Engagement is implausibly {word} for a {tier} {platform} account "
                         f"({ratio:.1f}× benchmark).")  # fmt: skip
            parts.append(f"implausibly {word} engagement (−25)")
    return Component("authenticity", "Authenticity", rounded(max(0.0, min(100.0, value)), 1),
                     weight, "; ".join(parts) + ".", flags)  # fmt: skip


def expertise(credentials: str, credential_status: str, profession: str, years) -> Component:
    """Verified credentials 90, stated but unverified 55, a profession only 30, nothing 0;
    plus 1 point per year of experience, up to 10."""
    weight = WEIGHTS["expertise"]
    if credentials and credential_status == "verified":
        value, why = 90.0, f"Verified: {credentials}."
    elif credentials and credential_status != "rejected":
        value, why = 55.0, f"Stated, not yet verified: {credentials}."
    elif profession:
        value, why = 30.0, f"Profession {profession}, no credentials on file."
    else:
        value, why = 0.0, "No profession or credentials on file."
    if value and years:
        bonus = min(10, int(years))
        value += bonus
        why += f" {int(years)} years of experience (+{bonus})."
    return Component("expertise", "Expertise", min(100.0, value), weight, why)


def _share(distribution: dict, keys) -> float:
    return min(100.0, sum(float(distribution.get(k) or 0) for k in keys))


def audience_match(countries: dict, ages: dict, gender: dict, interests: dict,
                   target: Target) -> Component:  # fmt: skip
    """Mean, over the dimensions the target sets, of the audience share inside the target
    (each share capped at 100). With no target audience, a neutral 50."""
    weight = WEIGHTS["audience_match"]
    parts, shares = [], []
    for label, dist, keys in (
        ("in " + ", ".join(target.countries), countries, target.countries),
        ("aged " + ", ".join(target.ages), ages, target.ages),
        (target.gender, gender, (target.gender,) if target.gender else ()),
        ("into " + ", ".join(target.interests), interests, target.interests),
    ):
        if keys:
            share = _share(dist or {}, keys)
            shares.append(share)
            parts.append(f"{share:.0f}% {label}")
    if not shares:
        return Component("audience_match", "Audience match", 50.0, weight,
                         "No target audience set: neutral 50.")  # fmt: skip
    value = sum(shares) / len(shares)
    return Component("audience_match", "Audience match", rounded(value, 1), weight,
                     "Audience " + "; ".join(parts) + ".")  # fmt: skip


def brand_conflicts(brands_mentioned, target: Target) -> Component:
    weight = WEIGHTS["brand_conflicts"]
    mentioned = {b.lower(): b for b in brands_mentioned or []}
    hits = [mentioned[c.lower()] for c in target.competitors if c.lower() in mentioned]
    if not target.competitors:
        return Component("brand_conflicts", "Brand conflicts", 100.0, weight,
                         "No competitors set for this target.")  # fmt: skip
    if hits:
        return Component("brand_conflicts", "Brand conflicts", 0.0, weight,
                         f"Sponsored posts for {', '.join(hits)}.",
                         [f"Worked with competitor {h}." for h in hits])  # fmt: skip
    return Component("brand_conflicts", "Brand conflicts", 100.0, weight,
                     "No competitor in past sponsored posts.")  # fmt: skip


def primary_platform(creator) -> str:
    platforms = list(creator.platforms or [])
    return platforms[0] if platforms else "other"


def base_components(creator) -> list[Component]:
    from creators.models import tier_of

    platform, tier = primary_platform(creator), tier_of(creator.followers)
    return [
        expertise(creator.credentials, creator.credential_status, creator.profession,
                  creator.years_experience),
        engagement_quality(creator.engagement_rate, platform, tier),
        authenticity(creator.credibility, creator.sponsored_ratio, creator.engagement_rate,
                     platform, tier),
    ]  # fmt: skip


def base_score(creator) -> Decimal:
    """The stored, target-independent part of the fit score (0–55)."""
    return sum((Decimal(str(c.points)) for c in base_components(creator)), Decimal("0"))


def scorecard(creator, target: Target) -> Scorecard:
    components = [
        audience_match(creator.audience_countries, creator.audience_ages,
                       creator.audience_gender, creator.audience_interests, target),
        *base_components(creator),
        brand_conflicts(creator.brands_mentioned, target),
    ]  # fmt: skip
    return Scorecard(components)


def fit_sql(target: Target) -> tuple[str, list]:
    """The fit score as an SQL expression over creators_creator columns, with params.

    Same arithmetic as scorecard(): base_score + 35 % of the audience match + 10 % of
    the brand-conflict component."""
    params: list = []
    shares = []

    def share(column: str, keys) -> str:
        terms = []
        for key in keys:
            params.append(key)
            terms.append(f"coalesce(({column} ->> %s)::numeric, 0)")
        return f"least(100, {' + '.join(terms)})"

    if target.countries:
        shares.append(share("audience_countries", target.countries))
    if target.ages:
        shares.append(share("audience_ages", target.ages))
    if target.gender:
        shares.append(share("audience_gender", (target.gender,)))
    if target.interests:
        shares.append(share("audience_interests", target.interests))
    match = f"round(({' + '.join(shares)}) / {len(shares)}.0, 1)" if shares else "50"
    w_match, w_conflict = WEIGHTS["audience_match"], WEIGHTS["brand_conflicts"]
    if target.competitors:
        params.append([c.lower() for c in target.competitors])
        conflict = (
            "(CASE WHEN EXISTS (SELECT 1 FROM unnest(brands_mentioned) b "
            "WHERE lower(b) = ANY(%s)) THEN 0 ELSE 100 END)"
        )
    else:
        conflict = "100"
    expression = (
        f"round(base_score + round({match} * {w_match} / 100.0, 2) "
        f"+ {conflict} * {w_conflict} / 100.0, 1)"
    )
    return expression, params


# --- the fit ceiling, for sorting by fit at scale ---------------------------------------

# audience_peaks holds, for each dimension in this order, the sum of its 1, 2, … PEAK_DEPTH
# largest shares (each capped at 100): 12 numbers. A target naming n keys in a dimension
# cannot find more of the audience there than the n largest shares.
PEAK_DIMENSIONS = ("countries", "ages", "gender", "interests")
PEAK_DEPTH = 3
# The (dimension, depth) pairs stored as indexed peak_key_<dimension>_<depth> columns of
# creators.models.Creator. Depth 1 serves one-key targets tightly; depth 3 two or three.
PEAK_INDEXES = (("countries", 1), ("countries", 3), ("ages", 1), ("ages", 3), ("gender", 1),
                ("interests", 1), ("interests", 3))  # fmt: skip
PEAK_KEY_COLUMNS = tuple(f"peak_key_{dim}_{depth}" for dim, depth in PEAK_INDEXES)
# Headroom for the roundings in the fit (to 0.1 and 0.01) and for float error.
BOUND_SLACK = 0.1
W_MATCH = WEIGHTS["audience_match"] / 100
MOST_CONFLICT_POINTS = WEIGHTS["brand_conflicts"] + BOUND_SLACK
NEUTRAL_MATCH = 50.0
BEST_FIT = 100.0


def audience_peaks(countries: dict, ages: dict, gender: dict, interests: dict) -> list[float]:
    peaks: list[float] = []
    for distribution in (countries, ages, gender, interests):
        shares = sorted((float(v) for v in (distribution or {}).values() if v is not None),
                        reverse=True)  # fmt: skip
        running = 0.0
        for depth in range(PEAK_DEPTH):
            running += shares[depth] if depth < len(shares) else 0.0
            peaks.append(min(100.0, round(running, 4)))
    return peaks


def target_keys(target: Target) -> list[tuple[str, tuple[str, ...]]]:
    """The target's audience dimensions, as (dimension, keys), in PEAK_DIMENSIONS order."""
    keys = {
        "countries": target.countries,
        "ages": target.ages,
        "gender": (target.gender,) if target.gender else (),
        "interests": target.interests,
    }
    return [(d, tuple(keys[d])) for d in PEAK_DIMENSIONS if keys[d]]  # fmt: skip


def _peak_sql(dimension: str, depth: int) -> str:
    # A row whose peaks are missing gets 100: never wrongly left out.
    position = PEAK_DIMENSIONS.index(dimension) * PEAK_DEPTH + depth
    return f"coalesce(audience_peaks[{position}], 100::float8)"


def peak_key_sql(dimension: str, depth: int) -> str:
    """base_score plus the audience-match points the `depth` largest shares of `dimension`
    could bring: the expression of one stored peak_key column."""
    return f"(base_score::float8 + {W_MATCH}::float8 * {_peak_sql(dimension, depth)})"


def fit_bound_sql(target: Target) -> str:
    """SQL over base_score and audience_peaks that is ≥ the fit (fit_sql) of every row for
    this target. No parameters: only column positions and constants."""
    caps = [_peak_sql(d, len(keys)) if len(keys) <= PEAK_DEPTH else "100::float8"
            for d, keys in target_keys(target)]  # fmt: skip
    match = f"({' + '.join(caps)}) / {len(caps)}" if caps else str(NEUTRAL_MATCH)
    return f"(base_score::float8 + {W_MATCH}::float8 * {match} + {MOST_CONFLICT_POINTS}::float8)"


def peak_walk(target: Target) -> list[str] | None:
    """The stored peak key columns (one per target dimension) whose mean, plus
    MOST_CONFLICT_POINTS, is ≥ the fit ceiling of every row; None when a dimension names
    more keys than the columns cover."""
    keys = []
    for dimension, names in target_keys(target):
        depth = min((d for dim, d in PEAK_INDEXES if dim == dimension and d >= len(names)),
                    default=None)  # fmt: skip
        if depth is None:
            return None
        keys.append(f"peak_key_{dimension}_{depth}")
    return keys
