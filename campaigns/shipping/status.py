"""The shipment status machine: label created → in transit → delivered / exception.

- A label can go straight to delivered (a courier that scans only on delivery) or to an
  exception (refused at pickup).
- An exception (failed attempt, customs hold) can recover: back in transit, or
  delivered.
- Delivered is final: a carrier that reports "in transit" after "delivered" is late,
  not right, so such an event is kept in the history but does not change the status."""

from __future__ import annotations

from campaigns.models import ShipmentStatus

S = ShipmentStatus
MOVES: dict[str, frozenset[str]] = {
    S.LABEL_CREATED: frozenset({S.IN_TRANSIT, S.DELIVERED, S.EXCEPTION}),
    S.IN_TRANSIT: frozenset({S.DELIVERED, S.EXCEPTION}),
    S.EXCEPTION: frozenset({S.IN_TRANSIT, S.DELIVERED}),
    S.DELIVERED: frozenset(),
}
SHIPPED = frozenset({S.IN_TRANSIT, S.DELIVERED, S.EXCEPTION})


def can_move(from_status: str, to_status: str) -> bool:
    return to_status in MOVES.get(from_status, frozenset())


def refusal(from_status: str, to_status: str) -> str | None:
    if to_status not in S.values:
        return f"{to_status!r} is not a shipment status."
    if can_move(from_status, to_status):
        return None
    if from_status == to_status:
        return f"The shipment is already {S(from_status).label.lower()}."
    allowed = ", ".join(S(s).label.lower() for s in sorted(MOVES.get(from_status, ())))
    then = f"From {S(from_status).label.lower()} it can become {allowed}." if allowed else \
        f"{S(from_status).label} is final."  # fmt: skip
    return f"Cannot go from {S(from_status).label.lower()} to {S(to_status).label.lower()}. {then}"
