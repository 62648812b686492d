"""Creator records, social accounts, audiences, credentials, lists (issue #3)."""
