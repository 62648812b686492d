"""Settings shared by every environment; everything deployment-specific comes from env vars."""

from pathlib import Path
from urllib.parse import unquote

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
SITE_URL = env("SITE_URL", default="http://localhost:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "kolhub",
    "creators",
    "campaigns",
    "contracts",
    "tracking",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that everything the view and the templates do runs inside the tenant's
    # transaction, scope and database role.
    "kolhub.tenancy.middleware.TenantMiddleware",
]

ROOT_URLCONF = "kolhub.urls"
WSGI_APPLICATION = "kolhub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kolhub.context_processors.navigation",
            ],
        },
    },
]


def database_from_env() -> dict:
    config = env.db_url("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/kolhub")
    # A unix-socket directory arrives percent-encoded in the host part.
    config["HOST"] = unquote(config.get("HOST") or "")
    config["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "kolhub.User"

# The role that tenant queries run as (NOSUPERUSER NOBYPASSRLS); see kolhub/tenancy/rls.py.
KOLHUB_APP_DB_ROLE = env("KOLHUB_APP_DB_ROLE", default="kolhub_app")
# PostgreSQL work_mem inside tenant transactions (searches over large rosters).
KOLHUB_TENANT_WORK_MEM = env("KOLHUB_TENANT_WORK_MEM", default="32MB")
# The planner's price of a random page read inside tenant transactions (1.1: SSD storage).
KOLHUB_TENANT_RANDOM_PAGE_COST = env("KOLHUB_TENANT_RANDOM_PAGE_COST", default="1.1")
# How long a creator portal link (/p/<token>/) works after it is issued.
PORTAL_TOKEN_LIFETIME_DAYS = env.int("PORTAL_TOKEN_LIFETIME_DAYS", default=60)


def redis_urls(url: str) -> tuple[str, str]:
    """(url for redis-py / Django's cache, url for Celery's broker) from one REDIS_URL.

    A unix socket is `unix:///path` to redis-py and `redis+socket:///path` to kombu."""
    if url.startswith("unix://"):
        return url, "redis+socket://" + url.removeprefix("unix://")
    return url, url


REDIS_URL, CELERY_BROKER_URL = redis_urls(env("REDIS_URL", default="redis://127.0.0.1:6379/0"))
CELERY_RESULT_BACKEND = CELERY_BROKER_URL

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="kolhub"),
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / ".data" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# --- allauth: email accounts, verification, MFA, rate limits -------------------------
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "kolhub.accounts.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[KOL Hub] "
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "KOL Hub"

# --- email: SMTP from the environment; the dev outbox stores every message -----------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="kolhub.outbox.OutboxEmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
# Implicit TLS (port 465); EMAIL_USE_TLS is STARTTLS (port 587). Set one, not both.
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
# Seconds before a stuck SMTP server fails the send (the worker retries it).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="KOL Hub <no-reply@kolhub.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
OUTBOX_ENABLED = env.bool("OUTBOX_ENABLED", default=False)

# --- API ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "kolhub.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "kolhub.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "KOL Hub API",
    "DESCRIPTION": (
        "Every organization route lives under /api/v1/o/{org_slug}/. Authenticate with a "
        "session, or with an organization API key: `Authorization: Api-Key <key>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI's files come from the installed sidecar package, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "CurrencyEnum": "kolhub.models.CURRENCIES",
        "MemberRoleEnum": "kolhub.models.Role.choices",
        "CreatorRoleEnum": "creators.models.CreatorRole.choices",
        "CreatorStatusEnum": "creators.models.CreatorStatus.choices",
        "CampaignStatusEnum": "campaigns.models.CampaignStatus.choices",
        "StageEnum": "campaigns.pipeline.Stage.choices",
        "ContractStateEnum": "contracts.models.ContractState.choices",
        "ContractPartyEnum": "contracts.models.Party.choices",
        "SigningOrderEnum": "contracts.models.SigningOrder.choices",
        "ContractPdfStatusEnum": "contracts.models.PdfStatus.choices",
        "ContractEventKindEnum": "contracts.models.EventKind.choices",
        "OfferStatusEnum": "campaigns.models.OfferStatus.choices",
        "PaymentTriggerEnum": "campaigns.models.PaymentTrigger.choices",
        "PaymentKindEnum": "campaigns.models.PaymentKind.choices",
        "PaymentStatusEnum": "campaigns.models.PaymentStatus.choices",
        "DeliverableKindEnum": "creators.models.Deliverable.choices",
        "ShipmentStatusEnum": "campaigns.models.ShipmentStatus.choices",
        "CarrierEnum": "campaigns.models.Carrier.choices",
        "ShipmentEventSourceEnum": "campaigns.models.EventSource.choices",
        "ExpenseCategoryEnum": "campaigns.models.expenses.EXPENSE_CATEGORY_CHOICES",
        "ExpenseStatusEnum": "campaigns.models.ExpenseStatus.choices",
        "MetricSourceEnum": "tracking.models.MetricSource.choices",
    },
    # Webhooks KOL Hub receives from outside services (documented, not under /api/).
    "WEBHOOKS": ["campaigns.api.shipping.TRACKING_WEBHOOK"],
    "OAS_VERSION": "3.1.0",
}

# --- Celery ---------------------------------------------------------------------------
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
# With acks_late, a task not acknowledged within the visibility timeout is redelivered:
# it must exceed the longest time limit, and the result backend uses the same figure.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT * 4}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = CELERY_BROKER_TRANSPORT_OPTIONS
CELERY_RESULT_EXPIRES = 3600
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "UTC"
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="kolhub")

# --- contracts (README "Contracts") --------------------------------------------------
# The seal on signed PDFs: a PKCS#12 file and its passphrase. With no path set, development
# and tests use a self-signed development seal at CONTRACTS_DEV_SEAL_PATH (created on first
# use or by `manage.py contracts_dev_certificate`); production settings never fall back to
# it and refuse to seal until a real one is configured.
CONTRACTS_SEAL_PKCS12_PATH = env("CONTRACTS_SEAL_PKCS12_PATH", default="")
CONTRACTS_SEAL_PKCS12_PASSPHRASE = env("CONTRACTS_SEAL_PKCS12_PASSPHRASE", default="")
CONTRACTS_DEV_SEAL_PATH = env(
    "CONTRACTS_DEV_SEAL_PATH", default=str(BASE_DIR / ".data" / "contracts" / "dev-seal.p12")
)
CONTRACTS_ALLOW_DEV_SEAL = env.bool(
    "CONTRACTS_ALLOW_DEV_SEAL",
    default=not env("DJANGO_SETTINGS_MODULE", default="").endswith(".production"),
)
# Earlier seal certificates (PEM files) that /verify/ still trusts after a key rotation.
CONTRACTS_SEAL_EXTRA_TRUST = env.list("CONTRACTS_SEAL_EXTRA_TRUST", default=[])
# A timestamp authority (RFC 3161) turns the PAdES B-B seal into B-T.
CONTRACTS_TSA_URL = env("CONTRACTS_TSA_URL", default="")
CONTRACTS_SIGN_LINK_DAYS = env.int("CONTRACTS_SIGN_LINK_DAYS", default=30)
CONTRACTS_USAGE_WARNING_DAYS = env.int("CONTRACTS_USAGE_WARNING_DAYS", default=30)
# /verify/ refuses larger uploads before reading them (a sealed contract is ~100 KB).
CONTRACTS_VERIFY_MAX_BYTES = env.int("CONTRACTS_VERIFY_MAX_BYTES", default=20 * 1024 * 1024)
CONTRACTS_VERIFY_PER_MINUTE = env.int("CONTRACTS_VERIFY_PER_MINUTE", default=30)
# Lead forms one visitor (salted hash of the address) may post per hour on landing pages.
TRACKING_LEADS_PER_HOUR = env.int("TRACKING_LEADS_PER_HOUR", default=10)
# Shopify Admin API: where a shop's API lives ("{shop}" is its myshopify.com domain). Tests
# point it at a local server that speaks Shopify's wire format.
SHOPIFY_ADMIN_URL = env("SHOPIFY_ADMIN_URL", default="https://{shop}")
SHOPIFY_TIMEOUT_SECONDS = env.float("SHOPIFY_TIMEOUT_SECONDS", default=20.0)
SHOPIFY_PAGE_SIZE = env.int("SHOPIFY_PAGE_SIZE", default=50)
# Automatic pull retries after a transient error (exponential backoff), then FAILED.
SHOPIFY_MAX_FAILURES = env.int("SHOPIFY_MAX_FAILURES", default=6)
# Postbacks (/t/conversion) one organization key may send per minute.
TRACKING_POSTBACKS_PER_MINUTE = env.int("TRACKING_POSTBACKS_PER_MINUTE", default=600)
# Content metrics pulled from YouTube (videos.list): where requests go when the
# organization's key does not say (tests point it at a local server).
TRACKING_YOUTUBE_API_BASE_URL = env("TRACKING_YOUTUBE_API_BASE_URL", default="")
# The client's address (signers' evidence, rate limits of /verify/, the lead form and the
# postback): with N trusted proxies in front of the app, the Nth address from the right
# of X-Forwarded-For; 0 uses the connection's address. CONTRACTS_PROXY_HOPS is its
# earlier name, still read.
PROXY_HOPS = env.int("PROXY_HOPS", default=env.int("CONTRACTS_PROXY_HOPS", default=0))
# Content review uploads (campaigns.uploads): checked by content, refused above these.
CONTENT_MAX_IMAGE_BYTES = env.int("CONTENT_MAX_IMAGE_BYTES", default=20 * 1024 * 1024)
CONTENT_MAX_VIDEO_BYTES = env.int("CONTENT_MAX_VIDEO_BYTES", default=200 * 1024 * 1024)
CONTENT_MAX_PDF_BYTES = env.int("CONTENT_MAX_PDF_BYTES", default=50 * 1024 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint logs every rendering step at INFO; keep its warnings only.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
