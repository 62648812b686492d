"""Campaigns, budgets, the collaboration pipeline, outreach, offers (issue #4)."""
