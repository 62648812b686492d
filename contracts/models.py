"""Contract templates, contracts, signatures and their evidence (issue #5)."""
