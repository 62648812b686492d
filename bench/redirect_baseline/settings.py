"""Bare settings: the app's database configuration (same DATABASE_URL, same persistent
connections), nothing else."""

from kolhub.settings.base import database_from_env

SECRET_KEY = "bench-redirect-baseline"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "redirect_baseline.urls"
INSTALLED_APPS = ["redirect_baseline"]
MIDDLEWARE: list[str] = []
DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
