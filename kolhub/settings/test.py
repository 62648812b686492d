"""pytest: the same real PostgreSQL and Redis as dev; tasks run eagerly unless a test
starts a real worker (tests/kolhub/test_worker.py does)."""

import os

from .base import *  # noqa: F403
from .base import env

DEBUG = False
OUTBOX_ENABLED = True
ALLOWED_HOSTS = ["*"]
EMAIL_BACKEND = "kolhub.outbox.OutboxEmailBackend"
# A test database of this run's own: two runs on one server (two terminals, two engineers
# sharing the embedded PostgreSQL) must not drop each other's database.
DATABASES["default"]["TEST"] = {"NAME": f"test_kolhub_{os.getpid()}"}  # noqa: F405
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,  # noqa: F405
        # Per run, so counters (allauth's rate limits) never carry over between runs; a
        # worker started by a test is given its run's prefix (the click buffer lives here).
        "KEY_PREFIX": env("KOLHUB_TEST_CACHE_KEY_PREFIX", default=f"kolhub-test-{os.getpid()}"),
    }
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# A queue of this run's own, so a dev worker on the same Redis never takes test tasks.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default=f"kolhub-test-{os.getpid()}")
