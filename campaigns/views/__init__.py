"""Campaign pages, one module per concern: campaigns, the board and collaborations
(campaigns.py), offers and portal links on the collaboration page (offers.py), the
payment ledger (payments.py). Mounted by campaigns/urls.py."""
