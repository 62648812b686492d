"""The campaigns REST API, one module per concern: campaigns and collaborations
(campaigns.py), offers (offers.py), payments (payments.py), portal links (portal.py).
Mounted by campaigns/api_urls.py at /api/v1/o/<org_slug>/."""
