"""The baseline site of bench/redirect.py: the least a Django redirect can do.

One view, one primary-key lookup, one 302; no middleware, no cache, no click recorded.
Served by the same gunicorn command as the app and reading the same database, so the
bench's ratio measures what the tracking fast path costs on top of Django itself."""
