"""Django settings for Repigment, read from the environment through strict helpers.

``REPIGMENT_ENV`` is ``development`` (default), ``test`` or ``production``.
Production refuses to start without an explicit secret key and allowed hosts.
"""

from __future__ import annotations

import ipaddress
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from repigment.env import env_bool, env_choice, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(env_str("REPIGMENT_VAR_DIR") or REPO_DIR / "var")

ENV = env_choice("REPIGMENT_ENV", ("development", "test", "production"), "development")
PRODUCTION = ENV == "production"
DEBUG = env_bool("REPIGMENT_DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("REPIGMENT_DEBUG cannot be switched on in production")


def _development_secret_key() -> str:
    """Read the generated development key from var/, creating it on first run."""
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(64), encoding="utf-8")
    return key_file.read_text(encoding="utf-8").strip()


_secret = env_secret("REPIGMENT_SECRET_KEY")
if PRODUCTION and not _secret:
    raise ImproperlyConfigured("REPIGMENT_SECRET_KEY (or REPIGMENT_SECRET_KEY_FILE) is required")
SECRET_KEY = _secret or _development_secret_key()

ALLOWED_HOSTS = env_list(
    "REPIGMENT_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("REPIGMENT_ALLOWED_HOSTS is required in production")
CSRF_TRUSTED_ORIGINS = env_list("REPIGMENT_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "django_tasks_rq",
    "axes",
    "repigment.core",
    "repigment.accounts",
    "repigment.patients",
    "repigment.assessments",
    "repigment.treatment",
    "repigment.safety",
    "repigment.reminders",
    "repigment.access",
    "repigment.authorisations",
    "repigment.knowledge",
    "repigment.supply",
    "repigment.worklist",
    "repigment.registry",
    "repigment.interop",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Refuses a body declared larger than REQUEST_MAX_BYTES before anything reads it.
    "repigment.core.limits.BodySizeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise, so static files pass untouched; both see every other answer last.
    "csp.middleware.CSPMiddleware",
    "repigment.core.headers.NoStoreMiddleware",
    # Pages go out compressed (slow mobile data); Django's gzip pads against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "repigment.accounts.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session passed its second factor (django-otp)?
    "django_otp.middleware.OTPMiddleware",
    # Sends whoever owes a second factor to it before any other page (accounts.twofactor).
    "repigment.accounts.twofactor.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "repigment.accounts.middleware.ActiveClinicMiddleware",
    # Turns a request that axes locked out (see AXES_* below) into the lockout answer.
    "axes.middleware.AxesMiddleware",
    # Last, so its transaction (unsafe methods) wraps the view alone: one audit entry per request.
    "repigment.accounts.audit.AuditMiddleware",
]

ROOT_URLCONF = "repigment.urls"
WSGI_APPLICATION = "repigment.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "repigment.accounts.context_processors.clinic_context",
                "repigment.patients.context_processors.navigation",
                "repigment.core.context_processors.language_status",
                "repigment.core.context_processors.public_pages",
            ],
            # {{ d|day }} / {{ dt|moment }}: the one way to show a date (issue 18).
            "builtins": ["repigment.core.templatetags.dates"],
        },
    },
]


def _database() -> dict[str, object]:
    """PostgreSQL from DATABASE_URL, else SQLite under var/ in WAL mode."""
    url = env_str("DATABASE_URL")
    if url:
        if not url.startswith(("postgres://", "postgresql://")):
            raise ImproperlyConfigured("DATABASE_URL must be a postgres:// URL")
        return dict(dj_database_url.parse(url, conn_max_age=env_int("REPIGMENT_DB_CONN_AGE", 60)))
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "repigment.sqlite3",
        "OPTIONS": {
            "timeout": 20,  # seconds to wait on a locked database (busy timeout)
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Axes first: it refuses a locked-out account or address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
# Two-factor log-in (TOTP with django-otp, one-time recovery codes): everyone with a clinic
# role, and staff of the site administration, must pass it when this is on, which is the
# default in production only. Anyone who turned it on (patients may) always passes it.
REQUIRE_2FA = env_bool("REPIGMENT_REQUIRE_2FA", PRODUCTION)
# The demo accounts (development only: production refuses them) may skip it, so that a
# developer trying REPIGMENT_REQUIRE_2FA=1 can still walk the demo.
TWO_FACTOR_DEMO_EXEMPT = not PRODUCTION
OTP_TOTP_ISSUER = "Repigment"
# The portal sends a patient to their own course and anyone else on to their dashboard.
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("pt", _("Portuguese")),
    ("ar", _("Arabic")),  # right to left: base.html sets dir from the language
    # For South African patients: the public pages and the portal (repigment.core.languages).
    ("af", _("Afrikaans")),
    ("zu", _("isiZulu")),
]
# Django knows Afrikaans but not isiZulu; the switcher names each language in itself.
LANG_INFO.setdefault("zu", {"bidi": False, "code": "zu", "name": "Zulu", "name_local": "isiZulu"})
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Day, month name, year in every language: Django's English and isiZulu defaults read US-style.
FORMAT_MODULE_PATH = ["repigment.core.formats"]
TIME_ZONE = env_str("REPIGMENT_TIME_ZONE", "Africa/Johannesburg")
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("REPIGMENT_MEDIA_ROOT") or VAR_DIR / "media")
MEDIA_URL = "/media-not-served/"  # media only leaves through access-checked views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if ENV == "test"
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = ENV == "test"
# Source maps only serve browser developer tools; compressing them dominated start-up.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (
    "jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br",
    "woff", "woff2", "mp4", "webm", "map",
)  # fmt: skip

# Development prints mail (password-reset links) to the console; production sends it by SMTP.
# `check --deploy` reports a backend that never delivers, and production refuses to serve with one.
EMAIL_BACKEND = env_str(
    "REPIGMENT_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("REPIGMENT_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("REPIGMENT_EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("REPIGMENT_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_secret("REPIGMENT_EMAIL_PASSWORD") or ""
EMAIL_USE_TLS = env_bool("REPIGMENT_EMAIL_TLS", True)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env_str("REPIGMENT_FROM_EMAIL", "Repigment <no-reply@localhost>")

# Log-in throttling (django-axes, wired in repigment.accounts.throttle): failed log-ins on the
# web and admin log-in pages, password-reset requests and bad API tokens are counted per account
# and per client address (the address the audit trail records) over the cool-off period; at the
# limit further attempts are refused, even with the right password, until the period has passed
# without failures or an administrator lifts the lock (`repigment unlock`, or the admin).
# Behind a reverse proxy, name it (its address as the server sees it) so the audit trail and
# throttling take the client's address from X-Forwarded-For instead of the proxy's.
try:
    TRUSTED_PROXIES = frozenset(
        str(ipaddress.ip_address(proxy)) for proxy in env_list("REPIGMENT_TRUSTED_PROXIES")
    )
except ValueError as error:
    raise ImproperlyConfigured(f"REPIGMENT_TRUSTED_PROXIES: {error}") from error
AXES_FAILURE_LIMIT = env_int("REPIGMENT_LOGIN_FAILURES_PER_ACCOUNT", 5)
LOGIN_FAILURES_PER_ADDRESS = env_int("REPIGMENT_LOGIN_FAILURES_PER_ADDRESS", 20)
if AXES_FAILURE_LIMIT < 1 or LOGIN_FAILURES_PER_ADDRESS < 1:
    raise ImproperlyConfigured("REPIGMENT_LOGIN_FAILURES_PER_* must be at least 1")
AXES_COOLOFF_TIME = timedelta(minutes=env_int("REPIGMENT_LOGIN_COOLOFF_MINUTES", 15))
AXES_HANDLER = "repigment.accounts.throttle.ThrottleHandler"
AXES_LOCKOUT_PARAMETERS = "repigment.accounts.throttle.lockout_parameters"
AXES_USERNAME_CALLABLE = "repigment.accounts.throttle.attempted_account"
AXES_CLIENT_IP_CALLABLE = "repigment.accounts.audit.client_address"
AXES_LOCKOUT_CALLABLE = "repigment.accounts.throttle.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["username", "email", "ip_address", "csrfmiddlewaretoken"]
# Successful log-ins are in the audit trail already; axes keeps only the failures.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# Personal API tokens expire: this many days after creation unless the holder chooses fewer or
# more, up to the maximum. A read-only token may only read (GET).
API_TOKEN_DAYS = env_int("REPIGMENT_API_TOKEN_DAYS", 90)
API_TOKEN_MAX_DAYS = env_int("REPIGMENT_API_TOKEN_MAX_DAYS", 365)
if not 1 <= API_TOKEN_DAYS <= API_TOKEN_MAX_DAYS:
    raise ImproperlyConfigured("REPIGMENT_API_TOKEN_DAYS must be 1 to REPIGMENT_API_TOKEN_MAX_DAYS")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("REPIGMENT_SESSION_SECONDS", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles and everything else from this site
# only, and nothing inline (no <script> blocks, no style="" attributes: tests/core/test_headers.py
# reads every template). HTMX is told not to inject its indicator <style> (base.html).
# Images may also be data: URLs (the API documentation's icons); forms post to this site only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Largest photo or signed form accepted (checked by the upload code, not by the web server).
UPLOAD_MAX_BYTES = env_int("REPIGMENT_UPLOAD_MAX_MB", 15) * 1024 * 1024
# The largest request body read at all (413 above it): ten photos of the largest size at once
# (the most one upload takes) and the form's fields.
REQUEST_MAX_BYTES = env_int("REPIGMENT_REQUEST_MAX_MB", 160) * 1024 * 1024

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("REPIGMENT_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("REPIGMENT_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("REPIGMENT_HSTS_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("REPIGMENT_HSTS_PRELOAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"refused_access": {"()": "repigment.core.logs.RefusedAccess"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("REPIGMENT_LOG_LEVEL", "INFO")},
    # Request logs carry URLs only; patient data never goes to logs.
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # A refused access is one warning line (user id, path, reason), not a traceback.
        "django.request": {"filters": ["refused_access"]},
        # WeasyPrint (safety report PDFs) logs every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Background jobs (repigment.core.jobs) on Django's Tasks API: the database backend by default
# (`repigment worker` runs it; `make run` starts one beside the server), or RQ on Redis for
# larger installations (REPIGMENT_TASKS=redis; `repigment worker` then runs an RQ worker).
TASKS_BACKEND = env_choice("REPIGMENT_TASKS", ("database", "redis"), "database")
REDIS_URL = env_str("REPIGMENT_REDIS_URL", "redis://127.0.0.1:6379/0")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "redis": "django_tasks_rq.RQBackend",
}
TASKS = {
    "default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND], "QUEUES": ["default"]},
}
RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 6 * 60 * 60}}
# A failed job is tried again after this many seconds, doubling each time (JOB_MAX_ATTEMPTS
# is per kind of job, in its @job_task).
JOB_RETRY_SECONDS = env_int("REPIGMENT_JOB_RETRY_SECONDS", 30)
# Report files a page can have made in the background (repigment.core.filejobs): a name and
# the dotted path of f(params: dict) -> (file name, bytes). The registry's PDF report joins here.
JOB_FILE_MAKERS: dict[str, str] = {"registry-report": "repigment.registry.pdf.report_job"}

# Each app that has demo data adds its builder here, in dependency order.
DEMO_BUILDERS = [
    "repigment.accounts.demo.build",
    "repigment.patients.demo.build",
    "repigment.registry.demo.build",  # a consenting cohort a year in: the next builders treat it
    "repigment.assessments.demo.build",
    "repigment.treatment.demo.build",
    "repigment.safety.demo.build",
    "repigment.access.demo.build",
    "repigment.authorisations.demo.build",
    "repigment.supply.demo.build",
    "repigment.reminders.demo.build",  # last: reminders read every app's data
]
# `repigment demo --scale N`: each app's builder of a chunk of the large synthetic world
# (repigment.core.scale), in order; the first makes the clinics, the second the patients.
SCALE_BUILDERS = [
    "repigment.accounts.scale.build",
    "repigment.patients.scale.build",
    "repigment.assessments.scale.build",
    "repigment.treatment.scale.build",
    "repigment.safety.scale.build",
    "repigment.authorisations.scale.build",
    "repigment.supply.scale.build",
    "repigment.registry.scale.build",
]

# Reminder sources, like DEMO_BUILDERS: each app lists the objects that find what falls due
# (see repigment.reminders.registry). `repigment remind` runs them all.
#: The public menu of every language-prefixed page: a function returning (url, label) pairs.
PUBLIC_MENU = "repigment.knowledge.services.public_menu"
#: The portal home's next visit (assessments sits below reminders, which own the review rule).
PORTAL_NEXT_VISIT = "repigment.reminders.course.next_review"

# Each staff role's work queue on the dashboard, in order (safety first): dotted paths to
# f(user, clinics, today) -> core.worklist.Group. The pharmacist's is supply.worklist's own.
WORKLISTS: dict[str, list[str]] = {
    "clinic_admin": [
        "repigment.accounts.worklist.invitations",
        "repigment.accounts.worklist.failed_jobs",
        "repigment.treatment.worklist.missing_prices",
        "repigment.accounts.worklist.without_two_factor",
    ],
    "auditor": ["repigment.accounts.worklist.sensitive_events"],
    "analyst": [
        "repigment.accounts.worklist.report_jobs",
        "repigment.registry.worklist.consent",
    ],
}
REMINDER_SOURCES = [
    "repigment.reminders.course.SOURCE",
    "repigment.reminders.monitoring.SOURCE",
    "repigment.safety.reminders.SOURCE",
    "repigment.authorisations.reminders.SOURCE",
]
# Packs dispensed against an authorisation: each entry is a dotted path to f(application) ->
# int; the supply app lists its own. None listed: nothing dispensed yet.
AUTHORISATION_DISPENSED_PROVIDERS: list[str] = ["repigment.supply.dispensing.packs_dispensed"]
# Reminders appear (and patients hear of them) this many days before they fall due.
REMINDER_LEAD_DAYS = env_int("REPIGMENT_REMINDER_LEAD_DAYS", 14)
# How patients are reached, in order of preference: "email", "sms".
REMINDER_PATIENT_CHANNELS = env_list("REPIGMENT_PATIENT_CHANNELS", ["email", "sms"])
if set(REMINDER_PATIENT_CHANNELS) - {"email", "sms"}:
    raise ImproperlyConfigured("REPIGMENT_PATIENT_CHANNELS may list only email and sms")
# The SMS gateway adapter (a class with send(to, text)); the console one prints messages.
SMS_GATEWAY = env_str("REPIGMENT_SMS_GATEWAY", "repigment.reminders.channels.ConsoleSmsGateway")
