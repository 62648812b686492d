"""The collaboration pipeline: its stages and the one table of legal moves.

    shortlisted → invited → negotiating → agreed → contracted → product_shipped
      → content_in_review → approved → published → paid

Rules, and why:
- Forward one step at a time. Each step stands for something that happened (a pitch
  sent, terms agreed, a contract signed, a parcel shipped…); skipping one would leave the
  checklist and the budget believing in work that was never done.
- `declined` from shortlisted, invited or negotiating: the creator says no before any
  terms are agreed. After `agreed` the creator is bound by terms, so leaving is a
  cancellation, not a decline.
- `cancelled` from any stage from shortlisted to published: either side can end a
  collaboration at any point before it is paid; what was already committed stays visible
  in the budget. A declined collaboration is already over, so it is not cancelled.
- Reopening: declined → negotiating. Creators often decline and come back with a counter
  offer; reopening keeps the history in one collaboration instead of a second one (a
  campaign holds each creator once). `cancelled` and `paid` are final: a cancellation
  may already have consequences (a contract voided, a payment settled) that a silent
  "undo" would hide.

Nothing here touches the database; campaigns.services.collaboration_transition applies
the table (and records every move)."""

from __future__ import annotations

from django.db import models


class Stage(models.TextChoices):
    SHORTLISTED = "shortlisted", "Shortlisted"
    INVITED = "invited", "Invited"
    NEGOTIATING = "negotiating", "Negotiating"
    AGREED = "agreed", "Agreed"
    CONTRACTED = "contracted", "Contracted"
    PRODUCT_SHIPPED = "product_shipped", "Product shipped"
    CONTENT_IN_REVIEW = "content_in_review", "Content in review"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"
    PAID = "paid", "Paid"
    DECLINED = "declined", "Declined"
    CANCELLED = "cancelled", "Cancelled"


FORWARD: tuple[str, ...] = (
    Stage.SHORTLISTED, Stage.INVITED, Stage.NEGOTIATING, Stage.AGREED, Stage.CONTRACTED,
    Stage.PRODUCT_SHIPPED, Stage.CONTENT_IN_REVIEW, Stage.APPROVED, Stage.PUBLISHED, Stage.PAID,
)  # fmt: skip
FINAL: frozenset[str] = frozenset({Stage.PAID, Stage.CANCELLED})
DECLINABLE: frozenset[str] = frozenset({Stage.SHORTLISTED, Stage.INVITED, Stage.NEGOTIATING})
# Board columns: the forward stages, then the two ways out.
ORDER: tuple[str, ...] = (*FORWARD, Stage.DECLINED, Stage.CANCELLED)


def _table() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {stage: [] for stage in ORDER}
    for here, after in zip(FORWARD, FORWARD[1:], strict=False):
        table[here].append(after)
    for stage in DECLINABLE:
        table[stage].append(Stage.DECLINED)
    table[Stage.DECLINED].append(Stage.NEGOTIATING)
    for stage in FORWARD:
        if stage not in FINAL:
            table[stage].append(Stage.CANCELLED)
    return {stage: tuple(nexts) for stage, nexts in table.items()}


#: stage -> the stages it may move to next, in the order the UI offers them.
TRANSITIONS: dict[str, tuple[str, ...]] = _table()


def label(stage: str) -> str:
    return Stage(stage).label if stage in Stage.values else stage


def next_stages(stage: str) -> tuple[str, ...]:
    return TRANSITIONS.get(stage, ())


def is_legal(from_stage: str, to_stage: str) -> bool:
    return to_stage in next_stages(from_stage)


def refusal(from_stage: str, to_stage: str) -> str | None:
    """Why from_stage → to_stage is not allowed (naming both stages and what is allowed
    next), or None when it is."""
    if to_stage not in Stage.values:
        return f"{to_stage!r} is not a stage. Stages: {', '.join(Stage.values)}."
    if is_legal(from_stage, to_stage):
        return None
    allowed = next_stages(from_stage)
    then = (
        f"From {label(from_stage)} it can move to {', '.join(label(s) for s in allowed)}."
        if allowed
        else f"{label(from_stage)} is final: it cannot move any more."
    )
    if from_stage == to_stage:
        return f"The collaboration is already {label(from_stage)}. {then}"
    return f"Cannot move from {label(from_stage)} to {label(to_stage)}. {then}"


def rank(stage: str) -> int:
    """Position in the forward order (-1 for declined / cancelled)."""
    return FORWARD.index(stage) if stage in FORWARD else -1


def reached(stages: set[str] | frozenset[str], stage: str) -> bool:
    """Whether any of `stages` (stages a campaign's collaborations have been in) is
    `stage` or beyond it in the forward order."""
    goal = rank(stage)
    return any(rank(s) >= goal for s in stages)
