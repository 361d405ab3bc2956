"""Settings of the convention intranet, driven by environment variables.

Every variable has a safe default: without any of them the site runs on a SQLite
file in ``var/`` with database search, French first.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "var"))
DATA_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """Use SECRET_KEY from the environment, or one generated once and kept in DATA_DIR."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "cms",
    "cms.contact",
    "cms.dossiers",
    "cms.editorial",
    "cms.followup",
    "cms.meetings",
    "cms.notifications",
    "cms.reglement",
    "members",
    "members.security",
    "search",
    "wagtail_modeladmin",
    "wagtail.contrib.table_block",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "guardian",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # One line per request (route, status, duration; LOG_FORMAT=json for JSON lines).
    "cms.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy (one for the site, one for /admin/) and Permissions-Policy.
    "members.security.headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before everything that reads the session or the user: a cookie-less reader of a
    # cached public page gets it without them (the headers they add are kept with it).
    "cms.cache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # After CommonMiddleware, which refuses host names outside ALLOWED_HOSTS.
    "cms.site_lookup.SiteLookupMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # user.is_verified(): whether this session gave a second factor.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Sends whoever owes a second factor to it (members/security/two_factor.py).
    "members.security.two_factor.TwoFactorMiddleware",
    # Turns a login refused by a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Caches. "pages" keeps public pages as anonymous readers get them (cms/cache.py).
# LocMem is per process: with several server processes, point PAGE_CACHE_BACKEND at a
# shared cache (e.g. django.core.cache.backends.filebased.FileBasedCache with
# PAGE_CACHE_LOCATION=/var/cache/convention, or a Redis/Memcached backend) so that a
# publication purges every process at once.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", True)
PAGE_CACHE_TIMEOUT = int(os.environ.get("PAGE_CACHE_TIMEOUT", "600"))
PAGE_CACHE_BACKEND = os.environ.get(
    "PAGE_CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"
)
CACHES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {
        "BACKEND": PAGE_CACHE_BACKEND,
        "LOCATION": os.environ.get("PAGE_CACHE_LOCATION", "pages"),
        "TIMEOUT": PAGE_CACHE_TIMEOUT,
    },
}
if PAGE_CACHE_BACKEND.endswith(("LocMemCache", "FileBasedCache")):
    CACHES["pages"]["OPTIONS"] = {
        "MAX_ENTRIES": int(os.environ.get("PAGE_CACHE_MAX_ENTRIES", "1000"))
    }
# REDIS_URL: one Redis shared by every process (gunicorn workers, db_worker) holds both
# aliases: the page cache and its purge generation, the rate limits and the search
# breaker (default), and the sessions' cache (cached_db: the database stays their record).
# Unset: each process keeps its own memory, which is right for one process only.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Django's Redis backend, reusing one client per pool (shared/redis_cache.py).
    _REDIS = {"BACKEND": "shared.redis_cache.RedisCache", "LOCATION": REDIS_URL}
    CACHES = {
        "default": {**_REDIS, "KEY_PREFIX": "intranet"},
        "pages": {**_REDIS, "KEY_PREFIX": "intranet-pages", "TIMEOUT": PAGE_CACHE_TIMEOUT},
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has a single write lock. In its default (deferred) transactions, a save that
    # reads then writes (a profile's expertise, a proposal's page) cannot wait for the lock and
    # fails at once with "database is locked" when another process writes. Immediate
    # transactions take the lock when they begin, and so can wait for it (up to `timeout`
    # seconds); WAL lets readers go on while someone writes, and synchronous=NORMAL is
    # safe in WAL mode and saves a disk flush per commit. Options in DATABASE_URL win.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses any login, right password or not, while a lockout lasts (see below).
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, with permissions read in one query (members/backends.py).
    "members.backends.OneQueryModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
WAGTAIL_FRONTEND_LOGIN_URL = "/connexion/"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
# One zone for everyone: the account page offers no list of the world's zones in English.
WAGTAIL_USER_TIME_ZONES = [TIME_ZONE]
USE_I18N = True
USE_TZ = True
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Wagtail
WAGTAIL_SITE_NAME = os.environ.get("SITE_NAME", "Convention des acteurs du travail social")
WAGTAILADMIN_BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8000")
# Documents always go through Django so that page visibility applies to them.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# MEDIA_ACCEL_REDIRECT=/_fichiers/ (behind nginx): once Django has checked who may read a
# document or image, nginx sends its bytes from that internal location (X-Accel-Redirect,
# cms/accel.py, deploy/nginx/intranet.conf). Unset: Django streams the file itself.
MEDIA_ACCEL_REDIRECT = os.environ.get("MEDIA_ACCEL_REDIRECT", "")
if MEDIA_ACCEL_REDIRECT:
    SENDFILE_BACKEND = "cms.accel"
WAGTAILDOCS_EXTENSIONS = ["pdf", "odt", "docx", "doc", "ods", "xlsx", "csv", "txt", "odp", "pptx"]
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp", "gif"]
# Search of the intranet (search/): Elasticsearch when configured, the database always.
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
SEARCH_INDEX_PREFIX = os.environ.get("SEARCH_INDEX_PREFIX", "intranet-contributions")
# Timeouts: an index write in a request waits at most ELASTICSEARCH_TIMEOUT, a search at most
# ELASTICSEARCH_SEARCH_TIMEOUT, and after one failure the breaker (search/breaker.py) skips
# the engine for SEARCH_BREAKER_OPEN_SECONDS while a background probe waits for it.
ELASTICSEARCH_TIMEOUT = float(os.environ.get("ELASTICSEARCH_TIMEOUT", "2"))
ELASTICSEARCH_SEARCH_TIMEOUT = float(os.environ.get("ELASTICSEARCH_SEARCH_TIMEOUT", "1"))
SEARCH_BREAKER_OPEN_SECONDS = int(os.environ.get("SEARCH_BREAKER_OPEN_SECONDS", "60"))
SEARCH_BREAKER_PROBE_INTERVAL = float(os.environ.get("SEARCH_BREAKER_PROBE_INTERVAL", "5"))
SEARCH_BREAKER_BACKGROUND_PROBE = True
# Wagtail's admin search stays on the database: kept up to date by Wagtail's own signals,
# it needs no separate index to build and keeps answering when Elasticsearch is down.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILADMIN_COMMENTS_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True

# Background tasks run at once by default; TASKS_BACKEND=database queues them for
# `manage.py db_worker` (production).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if os.environ.get("TASKS_BACKEND") == "database"
        else "django_tasks.backends.immediate.ImmediateBackend"
    }
}

# E-mail
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "convention@example.org")
# Every message goes to the outbox (cms/notifications/outbox.py) and leaves after the
# commit through the task queue; EMAIL_BACKEND (the environment variable) is the backend
# that really sends it, with EMAIL_TIMEOUT seconds at most per exchange with the server.
EMAIL_BACKEND = "cms.notifications.outbox.OutboxBackend"
EMAIL_DELIVERY_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))

# Security: HTTPS settings follow DEBUG unless HTTPS says otherwise.
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
# Supervisors probe health over plain HTTP on the machine itself (search/health.py).
SECURE_REDIRECT_EXEMPT = [r"^sante/"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Wagtail marks its preview views SAMEORIGIN itself.
X_FRAME_OPTIONS = "DENY"

# LOG_FORMAT=json: every line on standard error is one JSON object (cms/request_log.py).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "cms.request_log.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "loggers": {
        "intranet.requests": {"level": os.environ.get("REQUEST_LOG_LEVEL", "INFO")},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Content-Security-Policy (django-csp, members/security/headers.py). Nothing is loaded from
# another host. The site's pages have no inline script or style at all. Wagtail 8's admin
# still writes inline scripts (date pickers, panels: wagtail/wagtail#12940) and inline
# styles, so /admin/ allows those, and still nothing from another host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
ADMIN_URL_PREFIX = "/admin/"
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        # Image previews of uploads and the rich text editor's pasted images.
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "worker-src": [SELF, "blob:"],
        # Wagtail's live preview frames the site's pages.
        "frame-ancestors": [SELF],
    }
}
PERMISSIONS_POLICY_DENIED = [
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "usb",
    "browsing-topics",
]
# Gravatar would send a hash of each editor's e-mail address to another host.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Wagtail's own login form leaves the password field unlabelled (« Password »).
WAGTAILADMIN_USER_LOGIN_FORM = "cms.forms.AdminLoginForm"

# Login throttling (django-axes, members/security/lockout.py). A lockout refuses the right
# password too and shows when to retry; coordination lifts it in the admin (Paramètres ›
# Connexions suspendues). Attempts are kept in the database, shared by all processes.
LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURE_LIMIT_PER_ADDRESS", "20"))
AXES_FAILURE_LIMIT = LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_HANDLER = "members.security.lockout.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "members.security.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "members.security.lockout.client_ip"
# A success does not wipe the counters: it would wipe the address's counter too, and let
# someone with an account of their own reset it between guesses at another one.
AXES_RESET_ON_SUCCESS = False
AXES_HTTP_RESPONSE_CODE = 429
# There is no django.contrib.admin: the lockouts have a Wagtail admin screen instead.
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# Kept out of the attempts' stored POST data (passwords always are).
AXES_SENSITIVE_PARAMETERS = ["csrfmiddlewaretoken"]
# Password reset requests (members/security/throttle.py), counted in the default cache:
# with several server processes, set REDIS_URL so that every process counts in one place.
PASSWORD_RESET_LIMIT_PER_ADDRESS = 3
PASSWORD_RESET_LIMIT_PER_IP = 10
PASSWORD_RESET_WINDOW = timedelta(hours=1)
# The contact page (cms/contact/): messages per client address and per signed-in account
# in CONTACT_WINDOW, counted in the default cache like the password resets; messages are
# deleted CONTACT_MESSAGES_KEPT_FOR after they arrive (manage.py anonymise_former_members).
CONTACT_LIMIT_PER_IP = 5
CONTACT_LIMIT_PER_ACCOUNT = 10
CONTACT_WINDOW = timedelta(hours=1)
CONTACT_MESSAGES_KEPT_FOR = timedelta(days=365)
# Wagtail's own "forgotten password" under /admin/ would bypass that throttle and the
# site's rules for accounts without a password: the site's form at /mot-de-passe/ is the one.
WAGTAIL_PASSWORD_RESET_ENABLED = False

# Two-factor authentication (django-otp, members/security/): required of coordination and
# platform administrators, offered to everyone else from the admin's account page.
TWO_FACTOR_ENFORCED = True
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME
