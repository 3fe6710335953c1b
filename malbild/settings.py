"""The one settings module.

Every setting comes from an environment variable prefixed ``MALBILD_`` (all of them are listed in
docs/configuration.md). With none set, Målbild runs in *local mode*: data in the checkout's
``var/`` (whatever the working directory), SQLite, a secret key created once, DEBUG off.
``MALBILD_PRODUCTION=1`` is *production mode*, which refuses to start without a secret key and
allowed hosts, and turns on HTTPS-only behaviour.
"""

import ipaddress
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(f"MALBILD_{name}", default)


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name, "1" if default else "0").strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"MALBILD_{name} must be 1 or 0, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = env(name, str(default))
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"MALBILD_{name} must be a whole number, not {value!r}."
        ) from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


PRODUCTION = env_bool("PRODUCTION")


def default_data_dir(package_dir: Path) -> Path:
    """`var/` in the source checkout that holds `package_dir`, wherever a command is started
    from (a working directory never decides where the database and the secret key live). An
    installed package has no checkout: it needs MALBILD_DATA_DIR."""
    root = package_dir.parent
    pyproject = root / "pyproject.toml"
    if pyproject.is_file() and 'name = "malbild"' in pyproject.read_text(encoding="utf-8"):
        return root / "var"
    raise ImproperlyConfigured(
        "MALBILD_DATA_DIR is needed when Målbild runs as an installed package rather than from "
        "its source checkout: the folder for its data, for example /var/lib/malbild."
    )


def _data_dir() -> Path:
    given = env("DATA_DIR")
    if not given:
        return default_data_dir(BASE_DIR)
    path = Path(given).expanduser()
    if not path.is_absolute():
        raise ImproperlyConfigured(
            f"MALBILD_DATA_DIR must be an absolute path, not {given!r}: a relative one would "
            "depend on the folder each command is started from."
        )
    return path


DATA_DIR = _data_dir()


def _local_secret_key() -> str:
    """Read the local-mode secret key, creating it (mode 0600) on first use."""
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


if PRODUCTION:
    SECRET_KEY = env("SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "Production mode needs MALBILD_SECRET_KEY: a random string of at least 50 characters."
        )
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "Production mode needs MALBILD_ALLOWED_HOSTS: the host names the site answers to, "
            "separated by commas."
        )
else:
    SECRET_KEY = env("SECRET_KEY") or _local_secret_key()
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

DEBUG = env_bool("DEBUG") and not PRODUCTION

INSTALLED_APPS = [
    "malbild.tenants.apps.UnscopedAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "malbild.accounts",
    "malbild.tenants",
    "malbild.audit",
    "malbild.platforms",
    "malbild.targets",
    "malbild.steering",
    "malbild.indicators",
    "malbild.goals",
    "malbild.plans",
    "malbild.scanning",
    "malbild.followup",
    "malbild.assessments",
    "malbild.dashboards",
    "malbild.imports",
    "malbild.practices",
    "malbild.communication",  # migrations only: see its apps.py
    "malbild.announcements",
    "malbild.stories",
    "malbild.feedback",
    "malbild.reports",
    "malbild.surveys",
    "malbild.server",
    "malbild.demo",
    "malbild.api",
    "malbild.onboarding",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "malbild.accounts.middleware.UserLanguageMiddleware",
    # Once the person and their language are known, before anything reads the body (CSRF does,
    # in its process_view): a body over the limit is refused unread.
    "malbild.server.middleware.RequestSizeLimit",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Axes must be last: it turns a locked-out login into its own answer.
    "axes.middleware.AxesMiddleware",
]

# The CPU and wall time of each request in a `Server-Timing` header, for the load test's figures
# per route (docs/performance.md); outermost, so that it counts every other middleware.
SERVER_TIMING = env_bool("SERVER_TIMING")
if SERVER_TIMING:
    MIDDLEWARE.insert(0, "malbild.server.middleware.ServerTiming")

ROOT_URLCONF = "malbild.urls"
WSGI_APPLICATION = "malbild.wsgi.application"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]
# Forms render with the templates above, so that templates/django/forms/ can word a widget in
# plain Swedish (the empty choice of a list reads "Välj …", not "---------").
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database ------------------------------------------------------------------------------------

_SQLITE_OPTIONS = {
    # WAL lets readers and one writer work side by side; IMMEDIATE takes the write lock at the
    # start of a transaction, so a writer waits (up to the timeout) instead of failing halfway.
    "transaction_mode": "IMMEDIATE",
    "timeout": 30,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
# Each server thread keeps its SQLite connection between requests: opening one (and running the
# pragmas above) cost a fifth of a dashboard request. A local file has no network to go stale.
_SQLITE_CONNECTIONS = {"CONN_MAX_AGE": None, "CONN_HEALTH_CHECKS": False}
# PostgreSQL plans a query afresh each time it is sent with its values written in; planning the
# goal page's sixteen-table join cost more than running it. Sent with its values apart
# (server-side binding), a query run a few times on a connection is prepared, and PostgreSQL
# keeps its plan when the plan does not depend on the values (docs/performance.md).
_POSTGRES_OPTIONS = {"server_side_binding": True, "prepare_threshold": 5}


def _database(url: str) -> dict:
    if not url:
        if PRODUCTION:
            raise ImproperlyConfigured(
                "Production mode needs MALBILD_DATABASE_URL, for example "
                "postgres://malbild:password@localhost:5432/malbild."
            )
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "malbild.sqlite3",
            "OPTIONS": _SQLITE_OPTIONS,
            **_SQLITE_CONNECTIONS,
        }
    try:
        config = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    except ValueError as e:
        raise ImproperlyConfigured(
            f"MALBILD_DATABASE_URL is not a database URL that Målbild understands ({e}). "
            "Use postgres://user:password@host:5432/name or sqlite:////absolute/path.sqlite3."
        ) from None
    engine = config.get("ENGINE", "")
    if engine == "django.db.backends.sqlite3":
        if not config.get("NAME"):
            raise ImproperlyConfigured("MALBILD_DATABASE_URL names no SQLite file.")
        config["OPTIONS"] = _SQLITE_OPTIONS
        config.update(_SQLITE_CONNECTIONS)
    elif engine == "django.db.backends.postgresql":
        if not config.get("NAME"):
            raise ImproperlyConfigured("MALBILD_DATABASE_URL names no PostgreSQL database.")
        config["OPTIONS"] = _POSTGRES_OPTIONS
    else:
        raise ImproperlyConfigured(
            f"MALBILD_DATABASE_URL uses {engine!r}; Målbild supports PostgreSQL and SQLite."
        )
    return config


DATABASES = {"default": _database(env("DATABASE_URL"))}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The database cache is shared by every process (web and worker) without another service.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "malbild_cache",
        # Rate-limit counters (an API minute, a public form's hour, per address): room for that
        # many addresses at once, so that culling never forgets a counter that still counts.
        "OPTIONS": {"MAX_ENTRIES": 20000},
    },
    # Rendered page content, in each process's memory: read without a query. Only content keyed
    # by the organisation's data version goes here, so a process never serves what another
    # one's write has changed (dashboards.views). 2,000 entries of about 15 KB: 30 MB at most.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "malbild-pages",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

# People ---------------------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Keeps people logged in who came through single sign-on (accounts.oidc).
    "malbild.accounts.oidc.OidcBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day

# A signed-in session lasts one working day at most.
SESSION_COOKIE_AGE = env_int("SESSION_HOURS", 8) * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Single sign-on with the municipality's OpenID Connect provider (accounts.oidc); off without
# an issuer. The local login stays either way.
OIDC_ISSUER = env("OIDC_ISSUER").strip()
OIDC_CLIENT_ID = env("OIDC_CLIENT_ID").strip()
OIDC_CLIENT_SECRET = env("OIDC_CLIENT_SECRET")
OIDC_CREATE_USERS = env_bool("OIDC_CREATE_USERS", True)
if OIDC_ISSUER and not (OIDC_CLIENT_ID and OIDC_CLIENT_SECRET):
    raise ImproperlyConfigured(
        "MALBILD_OIDC_ISSUER needs MALBILD_OIDC_CLIENT_ID and MALBILD_OIDC_CLIENT_SECRET too: "
        "the client that the municipality's identity provider registered for Målbild."
    )
if OIDC_ISSUER and PRODUCTION and not OIDC_ISSUER.startswith("https://"):
    raise ImproperlyConfigured("MALBILD_OIDC_ISSUER must be an https:// address in production.")

# django-axes: lock the pair (e-mail, IP address), never a whole school behind one address.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "malbild.accounts.views.locked_out"
AXES_USERNAME_CALLABLE = "malbild.accounts.views.axes_username"
# The visitor's address (lib.ratelimit.client_ip) comes from X-Forwarded-For only when the request
# came from one of these proxies (addresses or networks); otherwise anyone could name any address.
if env("PROXY_COUNT"):
    raise ImproperlyConfigured(
        "MALBILD_PROXY_COUNT is replaced by MALBILD_TRUSTED_PROXIES: the addresses of the reverse "
        "proxies in front of Målbild, for example 127.0.0.1 (docs/configuration.md)."
    )
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "127.0.0.1,::1" if PRODUCTION else "")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"MALBILD_TRUSTED_PROXIES: {_proxy!r} is not an IP address or network "
            "(for example 127.0.0.1 or 10.0.0.0/8)."
        ) from None
# django-ipware is not installed: without this, axes would count every login behind the proxy
# as coming from the proxy's address. The audit trail reads the address through axes too.
AXES_CLIENT_IP_CALLABLE = "malbild.lib.ratelimit.client_ip"
AXES_VERBOSE = False
# Logins are in the audit trail (with its retention); axes' own log of them would be kept forever.
AXES_DISABLE_ACCESS_LOG = True

# Audit events older than this are removed by the scheduled task audit.tasks.prune_events.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 1826)  # five years
if AUDIT_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("MALBILD_AUDIT_RETENTION_DAYS must be at least 1 (days).")

# Language and time ------------------------------------------------------------------------------

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "malbild_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

# Uploaded and generated files are kept in the database (server.storage), where every server and
# worker sees them and a backup holds them; they are served only through views that check access.
# MEDIA_ROOT is where files were kept on disk before: `malbild move_files_to_database` moves them.
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(DATA_DIR / "media"))).resolve()
MEDIA_URL = "/media/"  # never served directly; see platforms.views.decision_minutes
MAX_UPLOAD_MB = 20

# Static files -----------------------------------------------------------------------------------

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(DATA_DIR / "static"))).resolve()
if not PRODUCTION:
    # WhiteNoise warns about a missing directory before the first collectstatic.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "malbild.server.storage.DatabaseStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Serve straight from the app directories when collectstatic has not been run (local mode).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_MANIFEST_STRICT = False

# Security ---------------------------------------------------------------------------------------

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "malbild.views.csrf_failure"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# E-mail -----------------------------------------------------------------------------------------

DEFAULT_FROM_EMAIL = env("FROM_EMAIL", "Målbild <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
CONTACT_EMAIL = env("CONTACT_EMAIL", "tillganglighet@example.org")
if env("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env("EMAIL_HOST")
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env("EMAIL_USER")
    EMAIL_HOST_PASSWORD = env("EMAIL_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 30
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# `malbild serve` (gunicorn) -------------------------------------------------------------------

SERVE_BIND = env("BIND", "127.0.0.1:8000")
SERVE_WORKERS = env_int("WEB_WORKERS", 2)
SERVE_THREADS = env_int("WEB_THREADS", 4)
# Addresses of the proxy whose X-Forwarded-* headers gunicorn believes.
FORWARDED_ALLOW_IPS = env("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Outside data -----------------------------------------------------------------------------------

# Kolada's API root, without the version: the client appends /v3/… (DESIGN.md §2).
KOLADA_URL = env("KOLADA_URL", "https://api.kolada.se").rstrip("/")
KOLADA_TIMEOUT = float(env("KOLADA_TIMEOUT", "20"))
# Measurement files larger than this are refused before they are read.
IMPORT_MAX_MB = env_int("IMPORT_MAX_MB", 25)

# Request bodies ---------------------------------------------------------------------------------
# The largest upload is a measurement file (IMPORT_MAX_MB), then the minutes of a decision
# (MAX_UPLOAD_MB); pictures and practice exports are at most 5 MB. A request may carry the largest
# file and its form around it; one without a logged-in person (the public story form with its
# picture) needs no more than PUBLIC_REQUEST_MAX_MB. A larger body is refused with 413 before a
# byte of it is read (server.middleware.RequestSizeLimit); the proxy in front refuses it even
# earlier (README, "Installing for production").
REQUEST_MAX_MB = max(IMPORT_MAX_MB, MAX_UPLOAD_MB) + 1
PUBLIC_REQUEST_MAX_MB = 6
# What Django keeps in memory of a body besides its files: form text, or an API request's JSON
# (10,000 measurements, the most one request may write, take about 1.5 MB).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Files above this are written to a temporary file while the request is handled (Django's
# default), so eight concurrent uploads hold at most 20 MB of them in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# The largest forms: a self-assessment page (two fields a statement), the members of a school to
# choose among; a practice import takes at most 50 files.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 100

# The JSON API (docs/api.md): requests a minute per key, and per address without a valid key.
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 120)
API_ANONYMOUS_RATE_LIMIT = env_int("API_ANONYMOUS_RATE_LIMIT", 30)

# Background work --------------------------------------------------------------------------------

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
    }
}

# RSS and Atom feeds (scanning.feeds) ------------------------------------------------------------

# Fetch feeds from private, loopback and link-local addresses too. Only for the demo, whose feeds
# Målbild serves itself on 127.0.0.1 (`malbild demo` turns it on); never in production, where it
# would let a feed address reach the internal network.
FEED_ALLOW_PRIVATE = env_bool("FEED_ALLOW_PRIVATE")
if FEED_ALLOW_PRIVATE and PRODUCTION:
    raise ImproperlyConfigured(
        "MALBILD_FEED_ALLOW_PRIVATE is for the local demo only: production mode never fetches "
        "feeds from private addresses. Remove it."
    )

# Logging: plain lines on stderr; the process manager keeps them.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
    },
}
