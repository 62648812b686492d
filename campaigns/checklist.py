"""The seed's 12-step checklist, across the four phases, and how each step is decided.

A step with a `derive` function ticks itself from the campaign's data (CampaignFacts,
gathered in a couple of queries by campaigns.selectors.campaign_checklist); a step
without one is ticked by hand (a ChecklistTick row). When a later slice can decide a
manual step from data (the briefs slice for "creative brief", tracking for "track KPIs"),
it gives the step a `derive`: the data then wins and old hand ticks are ignored, so a
step can never be both "ticked by hand" and "contradicted by the data"."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from campaigns.pipeline import Stage, reached


@dataclass(frozen=True)
class CampaignFacts:
    """What the data says about a campaign, for deciding checklist steps."""

    kpi_targets: int = 0
    budget_lines: int = 0
    collaborations: int = 0
    # Every stage any collaboration of the campaign has ever been in (from the history).
    stages_reached: frozenset[str] = field(default_factory=frozenset)
    has_learnings: bool = False
    # Shipments recorded for the campaign, and how many of them were delivered.
    shipments: int = 0
    shipments_delivered: int = 0
    # Pitches sent through KOL Hub's outreach (campaigns.services.outreach.pitch_send).
    pitches_sent: int = 0
    # A version of the creative brief has been published (campaigns.services.briefs).
    brief_published: bool = False


@dataclass(frozen=True)
class Step:
    key: str
    phase: str
    title: str
    done_when: str  # shown next to the step: what ticks it
    derive: Callable[[CampaignFacts], bool] | None = None

    @property
    def manual(self) -> bool:
        return self.derive is None


def _reached(stage: str) -> Callable[[CampaignFacts], bool]:
    return lambda facts: reached(facts.stages_reached, stage)


def _shipped(facts: CampaignFacts) -> bool:
    # With shipments in KOL Hub, a delivered one decides; a campaign that ships outside
    # it (no shipment rows) still ticks when a collaboration is marked product shipped.
    if facts.shipments:
        return facts.shipments_delivered > 0
    return reached(facts.stages_reached, Stage.PRODUCT_SHIPPED)


PHASES = ("Planning", "Outreach", "Execution", "Measurement")

STEPS: tuple[Step, ...] = (
    Step("goals", "Planning", "Set goals and KPIs", "KPI targets are set",
         lambda f: f.kpi_targets > 0),
    Step("identify", "Planning", "Identify and vet creators",
         "at least one creator is in the pipeline", lambda f: f.collaborations > 0),
    Step("budget", "Planning", "Set the budget", "budget lines are set",
         lambda f: f.budget_lines > 0),
    # A pitch sent from KOL Hub, or a creator moved to invited by hand (pitched elsewhere).
    Step("pitch", "Outreach", "Send personalised pitches",
         "a pitch has been sent (or a creator invited)",
         lambda f: f.pitches_sent > 0 or reached(f.stages_reached, Stage.INVITED)),
    Step("negotiate", "Outreach", "Negotiate terms",
         "terms are agreed with at least one creator", _reached(Stage.AGREED)),
    Step("contract", "Outreach", "Finalise contracts",
         "at least one collaboration is contracted", _reached(Stage.CONTRACTED)),
    Step("brief", "Execution", "Write the creative brief", "a version of the brief is published",
         lambda f: f.brief_published),
    Step("ship", "Execution", "Ship products",
         "a shipment has been delivered to at least one creator", _shipped),
    Step("review", "Execution", "Review and approve content",
         "content from at least one creator is approved", _reached(Stage.APPROVED)),
    Step("track_kpis", "Measurement", "Track KPIs", "ticked by hand"),
    Step("analyse", "Measurement", "Analyse results", "ticked by hand"),
    Step("learnings", "Measurement", "Gather learnings", "learnings are written down",
         lambda f: f.has_learnings),
)  # fmt: skip

STEP_KEYS: tuple[str, ...] = tuple(step.key for step in STEPS)
_BY_KEY = {step.key: step for step in STEPS}


def step_get(key: str) -> Step | None:
    return _BY_KEY.get(key)
