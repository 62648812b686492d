"""Links, promo codes, landing pages, conversions and attribution (issue #6)."""
