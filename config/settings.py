"""Settings, read from the environment through the helpers in ``config.env``.

Defaults give a working demo on SQLite with in-process tasks; production sets DATABASE_URL,
CELERY_BROKER_URL, DJANGO_SECRET_KEY and the e-mail settings (see README).
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from corsheaders.defaults import default_headers as default_cors_headers
from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")) or BASE_DIR / "var")

DEBUG = env_bool("DJANGO_DEBUG", False)

_DEV_SECRET_KEY = "django-insecure-development-key-only-used-when-DJANGO_DEBUG-is-on"  # noqa: S105
SECRET_KEY = env_str("DJANGO_SECRET_KEY") or ""
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it (or DJANGO_SECRET_KEY_FILE), "
            "or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "sites.apps.PortfolioAdminConfig",  # django.contrib.admin with the 2FA admin site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_otp",
    "sites.apps.PortfolioTotpConfig",  # django_otp.plugins.otp_totp, named in Norwegian
    "sites.apps.PortfolioAxesConfig",  # axes, named in Norwegian
    "corsheaders",
    "sites",
    "trials",
    "trials.industry",
    "consents",
    "indicators.kbs",  # reads studies and enrolments; the indicators read its final reports
    "indicators",
    "trials.results",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "sites.operations.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sites.operations.middleware.NorwegianFirstLocaleMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "sites.operations.middleware.AdminLanguageMiddleware",
    "sites.security.middleware.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "sites.operations.replica.PublicReplicaMiddleware",
    # Last, so it stores what the view made (sites/operations/response_cache.py).
    "sites.operations.response_cache.PublicResponseCacheMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Overrides of Django's own admin templates (the header with the language choice).
        "DIRS": [BASE_DIR / "sites" / "admin_templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: DATABASE_URL, default an embedded SQLite file under var/.
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'portefolje.sqlite3'}"
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Short OLTP queries: JIT compilation costs far more than it saves (measured in bench/).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
# A read replica (PostgreSQL streaming replication) for the public side: anonymous reads of the
# public API, finder, FHIR and statistics go there; everything else uses the primary
# (sites/operations/replica.py). Tests mirror it onto the test database.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL") or ""
if DATABASE_REPLICA_URL:
    try:
        DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"DATABASE_REPLICA_URL is not a valid database URL: {exc}"
        ) from exc
    DATABASES["replica"]["OPTIONS"] = {**DATABASES["default"].get("OPTIONS", {})}
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["sites.operations.replica.PublicReadRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHE_URL = env_str("CACHE_URL")
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://")):
        raise ImproperlyConfigured(f"CACHE_URL={CACHE_URL!r} must be a redis:// URL.")
    CACHES = {
        "default": {
            # Redis down means "no cache" (throttling is lenient for a while), not failed requests.
            "BACKEND": "sites.operations.cache.TolerantRedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Whole public responses (API studies, finder, FHIR) are kept this long in that cache, keyed by the
# public change stamp (0: off). The stamp is read from the database per request, or kept for
# PUBLIC_CACHE_STAMP_SECONDS (forgotten at once on every save; see sites/operations/response_cache.py).
PUBLIC_RESPONSE_CACHE_SECONDS = env_int("PUBLIC_RESPONSE_CACHE_SECONDS", 600)
PUBLIC_CACHE_STAMP_SECONDS = env_int("PUBLIC_CACHE_STAMP_SECONDS", 0)
# Each web process also keeps the public responses it served last, up to this many bytes (0: off),
# served while the stamp is unchanged (sites/operations/near_cache.py).
PUBLIC_RESPONSE_NEAR_BYTES = env_int("PUBLIC_RESPONSE_NEAR_BYTES", 16 * 1024 * 1024)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Norwegian first: Bokmål by default, Nynorsk and English available.
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", "Norsk bokmål"), ("nn", "Norsk nynorsk"), ("en", "English")]
# Django's own admin strings it ships without Bokmål/Nynorsk (the apps' own catalogues are in
# <app>/locale; `make messages` updates them).
LOCALE_PATHS = [BASE_DIR / "sites" / "django_locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Oslo") or "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"

# E-mail over SMTP.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env_str("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("EMAIL_PORT", 1025)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "") or ""
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "portefolje@kliniskestudier.no")

# Industry collaboration (NorTrials): where secretariat copies go, the base of links in e-mails,
# and how many feasibility requests one address may submit.
NORTRIALS_EMAIL = env_str("NORTRIALS_EMAIL", "nortrials@kliniskestudier.no")
# Production must name the address people reach (a system check refuses to start without it).
PUBLIC_BASE_URL = (
    env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000" if DEBUG else "") or ""
).rstrip("/")
FEASIBILITY_INTAKE_RATE = env_str("FEASIBILITY_INTAKE_RATE", "20/hour")

# Celery: without a broker, tasks run in-process so the demo needs nothing else running.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or None
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or CELERY_BROKER_URL
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 25 * 60)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# The client's address: REMOTE_ADDR when nothing is in front (0), else the address the trusted
# proxies put in X-Forwarded-For, counted from the right (1: the right-most entry, written by the
# load balancer itself). One function reads it (sites.security.addresses.client_address), for the
# rate limits, the sign-in lockout and the security log. DJANGO_PROXY_COUNT is the former name.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", env_int("DJANGO_PROXY_COUNT", 0))
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(
        f"TRUSTED_PROXY_COUNT={TRUSTED_PROXY_COUNT} must be 0 (nothing in front) or the number "
        "of proxies in front of the app."
    )

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["sites.api.parsers.SafeJSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"anon": env_str("API_ANON_RATE", "600/min")},
    "UNAUTHENTICATED_USER": None,
    # The throttles key on sites.security.addresses.client_address; DRF gets the same count.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Kliniske studier i Norge – offentlig API",
    "DESCRIPTION": (
        "Les-API for publiserte kliniske studier i den norske helsetjenesten. De samme studiene "
        "finnes som FHIR R4B ResearchStudy under /fhir/ (CapabilityStatement: /fhir/metadata)."
    ),
    "EXTERNAL_DOCS": {"description": "FHIR R4B CapabilityStatement", "url": "/fhir/metadata"},
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per choice set, however many serializers use it.
    "ENUM_NAME_OVERRIDES": {
        "StudyCategoryEnum": "trials.models.Study.Category",
        "StudyPhaseEnum": "trials.models.Study.Phase",
        "StudyStatusEnum": "trials.models.Study.Status",
    },
}

# CORS: anyone may read the public API and FHIR from a browser; nothing else is cross-origin.
# A browser client may revalidate (If-None-Match), choose a language, and read the cache
# validators and how long to back off after a 429.
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/(api|fhir)/.*$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_HEADERS = [
    *default_cors_headers,
    "if-none-match",
    "if-modified-since",
    "accept-language",
    "prefer",
]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After", "Content-Language", "Location"]

# Synthetic national-ID test numbers (month + 40/+80) are accepted only when this is on.
ALLOW_SYNTHETIC_NATIONAL_IDS = env_bool("ALLOW_SYNTHETIC_NATIONAL_IDS", False)

# Monthly reports: SMTP failures are retried with exponential backoff (seconds × 2^attempt).
INDICATORS_REPORT_RETRY_SECONDS = env_int("INDICATORS_REPORT_RETRY_SECONDS", 60)
INDICATORS_REPORT_MAX_RETRIES = env_int("INDICATORS_REPORT_MAX_RETRIES", 5)
# A workbook larger than this is not attached (mail servers refuse large messages; base64 adds a
# third): the mail links to its download in the administration instead.
INDICATORS_REPORT_ATTACH_MAX_BYTES = env_int("INDICATORS_REPORT_ATTACH_MAX_BYTES", 10 * 1024 * 1024)

# No query string and no 11-digit number in any log line (sites/operations/log_scrub.py): every
# handler here has the "scrub" filter, and LOGGING_CONFIG adds it to every other handler and scrubs
# each message as it is made. gunicorn's own logs: gunicorn.conf.py.
LOGGING_CONFIG = "sites.operations.log_scrub.logging_configure"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub": {"()": "sites.operations.log_scrub.ScrubFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "sites.security.log_format.JsonFormatter"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["scrub"]},
        "security": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["scrub"]},
        # runserver's access lines ("GET /admin/?q=… HTTP/1.1" 200), as Django's default but scrubbed.
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["scrub"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Sign-ins, lockouts, role and permission changes, refused access: JSON lines.
        "security": {"handlers": ["security"], "level": "INFO", "propagate": False},
        "axes": {"handlers": ["security"], "level": "WARNING", "propagate": False},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}

# --- Production hardening (README: "Production") -------------------------------------------------
# Production is DJANGO_DEBUG off; `manage.py check --deploy --fail-level WARNING` passes with the
# variables in README, and config/wsgi.py refuses to start on a missing or default secret.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Behind a TLS-terminating load balancer that sets X-Forwarded-Proto.
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = False
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("DJANGO_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
ADMIN_URL_PREFIX = "/admin/"
# No inline scripts anywhere (the admin and the API docs load theirs from static files).
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_TIMEOUT", 8 * 60 * 60)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)

# Two-factor sign-in (TOTP) for all staff; only the demo may switch it off, by name.
REQUIRE_2FA = not env_bool("DEMO_WITHOUT_2FA", False)
OTP_TOTP_ISSUER = "Kliniske studier – portefølje"

# Sign-in lockout (django-axes): per account, whatever the address, for a cool-off period.
# LOGIN_FAILURE_LIMIT failed passwords within LOGIN_COOLOFF_MINUTES lock the username for that long
# (an administrator can unlock sooner); attempts from many addresses add up on the one account.
AUTHENTICATION_BACKENDS = [
    "sites.security.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_COOLOFF_MINUTES = env_int("LOGIN_COOLOFF_MINUTES", 15)
if AXES_FAILURE_LIMIT < 1 or LOGIN_COOLOFF_MINUTES < 1:
    raise ImproperlyConfigured("LOGIN_FAILURE_LIMIT and LOGIN_COOLOFF_MINUTES must be at least 1.")
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for the address in the lockout too. Not here: a hospital's staff share one NAT
# address, and a lock on it would shut out the whole hospital; every account has a second factor.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_COOLOFF_MINUTES)
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # trying while locked does not stretch it
AXES_LOCKOUT_CALLABLE = "sites.security.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# Axes asks the same function as everyone else; the django-ipware settings say the same thing, for
# axes' own reading (ipware counts the proxies listed in the header, so one less than ours).
AXES_CLIENT_IP_CALLABLE = "sites.security.addresses.axes_client_address"
AXES_IPWARE_PROXY_ORDER = "left-most"
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT - 1 if TRUSTED_PROXY_COUNT else None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if TRUSTED_PROXY_COUNT else ["REMOTE_ADDR"]
)
IPWARE_STRICT = False  # a client may send its own X-Forwarded-For; the proxies' entries are right
AXES_VERBOSE = False

# Fail fast when Redis is unreachable; work is then kept as sites.PendingTask (see sites.operations.services).
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_REDIS_SOCKET_TIMEOUT = 5

# Participation and consent (consents app). The HMAC keys turn national identity numbers into
# pseudonyms; without them in production the app refuses to start. The export key must differ.
_DEV_PSEUDONYM_KEY = "development-pseudonym-key-only-used-when-DJANGO_DEBUG-is-on"
_DEV_EXPORT_PSEUDONYM_KEY = "development-export-pseudonym-key-only-used-when-DJANGO_DEBUG-is-on"
PSEUDONYM_KEY = env_str("PSEUDONYM_KEY") or ("" if not DEBUG else _DEV_PSEUDONYM_KEY)
EXPORT_PSEUDONYM_KEY = env_str("EXPORT_PSEUDONYM_KEY") or (
    "" if not DEBUG else _DEV_EXPORT_PSEUDONYM_KEY
)
for _name, _value in (
    ("PSEUDONYM_KEY", PSEUDONYM_KEY),
    ("EXPORT_PSEUDONYM_KEY", EXPORT_PSEUDONYM_KEY),
):
    if len(_value) < 32:
        raise ImproperlyConfigured(
            f"{_name} must be set to a secret of at least 32 characters "
            "(or set DJANGO_DEBUG=1 for local development)."
        )
if PSEUDONYM_KEY == EXPORT_PSEUDONYM_KEY:
    raise ImproperlyConfigured("EXPORT_PSEUDONYM_KEY must differ from PSEUDONYM_KEY.")
CONSENT_ERASURE_DAYS = env_int("CONSENT_ERASURE_DAYS", 30)
PARTICIPATION_EXPORT_DIR = Path(
    env_str("PARTICIPATION_EXPORT_DIR", str(VAR_DIR / "exports" / "npr")) or VAR_DIR
)
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")) or VAR_DIR / "media")
MEDIA_URL = "media/"
# The public OpenAPI schema leaves out the integration API, which has its own schema.
SPECTACULAR_SETTINGS["PREPROCESSING_HOOKS"] = ["consents.api.schema.exclude_integration_endpoints"]

# Registry imports (trials.services.imports): files uploaded in the admin are kept under this
# folder; its "innboks" subfolder is imported every night (config/celery.py) and the files moved
# to "behandlet". The admin may also import any folder under it.
REGISTRY_IMPORT_DIR = Path(
    env_str("REGISTRY_IMPORT_DIR", str(VAR_DIR / "registry-import")) or VAR_DIR / "registry-import"
)
