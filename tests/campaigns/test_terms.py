"""campaigns.terms: how terms read, and the field-by-field (and row-by-row) diff both UIs
and the API show."""

from __future__ import annotations

import datetime
from decimal import Decimal

from campaigns.terms import (
    DeliverableTerm,
    GiftTerm,
    InstallmentTerm,
    OfferTerms,
    diff,
    money_text,
    percent_text,
)

DUE = datetime.date(2031, 3, 4)


def base(**changes) -> OfferTerms:
    values = {
        "fee": Decimal("1000.00"), "currency": "USD",
        "deliverables": (DeliverableTerm("instagram", "reel", 1, DUE),),
        "installments": (InstallmentTerm(Decimal("50"), "on_signature", 14),
                         InstallmentTerm(Decimal("50"), "on_publication", 30)),
        "usage_rights_days": 90, "usage_channels": ("website",),
    }  # fmt: skip
    values.update(changes)
    return OfferTerms(**values)


def test_texts():
    assert money_text(Decimal("1234.5"), "EUR") == "EUR 1,234.50"
    assert money_text(None, "EUR") == "—"
    assert percent_text(Decimal("50.00")) == "50%" and percent_text("12.50") == "12.5%"
    assert DeliverableTerm("tiktok", "short", 2, DUE).text() == "2 × TikTok short, due Mar 4, 2031"
    assert InstallmentTerm(Decimal("30.00"), "on_delivery", 1).text() == (
        "30% on delivery, net 1 day"
    )
    assert GiftTerm(3, "Serum", "S-1", 2).text() == "2 × Serum (S-1)"
    terms = base(paid_amplification=True, exclusivity_categories=("skincare",),
                 exclusivity_days=30)  # fmt: skip
    assert terms.usage_text() == "90 days on website; paid amplification allowed"
    assert terms.exclusivity_text() == "skincare for 30 days"
    assert base(usage_rights_days=0).usage_text() == "No reuse by the brand"


def test_same_terms_have_no_differences():
    assert diff(base(), base()) == []
    # The note is commentary, not a term.
    assert diff(base(), base(note="Please consider")) == []


def test_fields_and_rows_that_changed():
    new = base(
        fee=Decimal("1200"), currency="EUR", exchange_rate=Decimal("1.08"),
        commission_percent=Decimal("5"), usage_rights_days=30, paid_amplification=True,
        deliverables=(DeliverableTerm("instagram", "reel", 2, DUE),
                      DeliverableTerm("instagram", "story", 3, DUE)),
        installments=(InstallmentTerm(Decimal("100"), "on_publication", 30),),
        gifts=(GiftTerm(1, "Serum", "S-1", 1),),
    )  # fmt: skip
    changes = {c.label: (c.before, c.after) for c in diff(base(), new)}
    assert changes == {
        "Fee": ("USD 1,000.00", "EUR 1,200.00"),
        "Exchange rate": ("—", "1.08"),
        "Commission": ("0%", "5%"),
        "Usage rights": ("90 days", "30 days"),
        "Paid amplification": ("Not allowed", "Allowed"),
        "Deliverable 1": ("1 × Instagram reel, due Mar 4, 2031",
                          "2 × Instagram reel, due Mar 4, 2031"),
        "Deliverable 2": ("—", "3 × Instagram story, due Mar 4, 2031"),
        "Gift 1": ("—", "1 × Serum (S-1)"),
        "Payment 1": ("50% on signature, net 14 days", "100% on publication, net 30 days"),
        "Payment 2": ("50% on publication, net 30 days", "—"),
    }  # fmt: skip
    assert [c.field for c in diff(base(), new)][:2] == ["fee", "exchange_rate"]


def test_html_in_texts_stays_text():
    # The diff carries what people typed; templates escape it (tested in the views).
    change = diff(base(), base(gift_note="<script>alert(1)</script>"))[0]
    assert change.after == "<script>alert(1)</script>"
