"""Settings for ACSA DB, read from the environment.

``ACSA_ENV`` chooses the profile: ``development`` (the default, for a local
checkout) or ``production``. Only development has defaults for the secret key,
debug mode and allowed hosts; production refuses to start without them.
``DATABASE_URL`` chooses the database; without it, a SQLite file in the
project (the embedded default).
"""

import datetime
import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

ACSA_ENV = os.environ.get("ACSA_ENV", "development")
if ACSA_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("ACSA_ENV must be 'development' or 'production'.")
IS_DEVELOPMENT = ACSA_ENV == "development"


def _env_bool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _required(name):
    value = os.environ.get(name)
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when ACSA_ENV=production.")
    return value


if IS_DEVELOPMENT:
    # Only ever used on a developer's own machine; production requires its own.
    SECRET_KEY = os.environ.get("SECRET_KEY", "django-insecure-local-development-only")
    DEBUG = _env_bool("DEBUG", True)
    ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
else:
    SECRET_KEY = _required("SECRET_KEY")
    DEBUG = _env_bool("DEBUG", False)
    ALLOWED_HOSTS = _required("ALLOWED_HOSTS").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "import_export",
    "axes",
    "acsa_db",
]

MIDDLEWARE = [
    # First, so that every response carries the CSP, whoever answers: SecurityMiddleware's
    # HTTPS redirect and WhiteNoise's static files end the chain before the views.
    "acsa_db.middleware.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads a parameter: a NUL character in one is a 400 (PostgreSQL refuses it).
    "acsa_db.middleware.RefuseNulCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Lets history rows name the user of the request that wrote them (imports, cascades, inlines).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

# --- Sign-in throttling (django-axes, acsa_db/throttling.py) -----------------------------
# Five failed sign-ins for one username from one address lock that pair out for
# 30 minutes (or until `manage.py axes_reset_username NAME`); twenty failures from
# one address over any usernames lock that address out. The same happens for
# usernames that do not exist, so the lock-out tells nothing about accounts.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = _env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", 30)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "acsa_db.throttling.AddressLimitedHandler"
ACSA_ADDRESS_FAILURE_LIMIT = int(os.environ.get("ACSA_ADDRESS_FAILURE_LIMIT", 20))
# The client's address, read from X-Forwarded-For behind a reverse proxy (set
# ACSA_BEHIND_PROXY=true there, and ACSA_TRUSTED_PROXY_COUNT to the number of proxies
# that each append to that header); without it every client would be the proxy.
ACSA_BEHIND_PROXY = _env_bool("ACSA_BEHIND_PROXY", False)
ACSA_TRUSTED_PROXY_COUNT = int(os.environ.get("ACSA_TRUSTED_PROXY_COUNT", 1))
if ACSA_TRUSTED_PROXY_COUNT < 1:
    raise ImproperlyConfigured(
        "ACSA_TRUSTED_PROXY_COUNT must be 1 or more (the proxies in front of ACSA DB)."
    )
AXES_CLIENT_IP_CALLABLE = "acsa_db.throttling.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "acsa_db/lockout.html"
AXES_VERBOSE = False

ROOT_URLCONF = "acsa_db.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Templates that replace a library's own (found before the apps' templates): they
        # move its inline scripts and styles into static files, for the CSP.
        "DIRS": [BASE_DIR / "acsa_db" / "template_overrides"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "acsa_db.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Persistent connections in production, checked before each request so that
        # a database restart costs one failed check, not a failed request.
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0" if IS_DEVELOPMENT else "60")),
        conn_health_checks=True,
    )
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
if not IS_DEVELOPMENT:
    # gunicorn serves the collected static files itself through WhiteNoise
    # (runserver does that in development).
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

# --- Security ---------------------------------------------------------------------------
# Headers on every response; the admin works under this policy: no inline script, handler
# or style runs (ours are in acsa_db/static, the libraries' templates that had some are
# replaced in acsa_db/template_overrides). The one hash is the <style> of templates/500.html,
# which must not depend on static files (tests/test_csp.py checks it).
ERROR_PAGE_STYLE_HASH = "'sha256-ASCkamAHf7F8Pht+0goGaHUl3iifvQ63Y2+IsztAszE='"
CONTENT_SECURITY_POLICY = (
    f"default-src 'self'; script-src 'self'; style-src 'self' {ERROR_PAGE_STYLE_HASH}; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Sessions end after a working day, and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 8 * 60 * 60))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

if not IS_DEVELOPMENT:
    # HTTPS only. Behind a TLS-terminating proxy, set ACSA_BEHIND_PROXY=true so
    # that Django trusts its X-Forwarded-Proto header; SECURE_SSL_REDIRECT can be
    # switched off when the proxy already redirects.
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", True)
    if ACSA_BEHIND_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_COOKIE_HTTPONLY = True
    CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# --- Import and export (django-import-export; see docs/import-format.md) ----------------
# Importing needs the model's "add" permission (curators), exporting its "view"
# permission (viewers); without these settings every admin user could do both.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
# Exports are escaped by acsa_db.imports.escaping (every formula trigger, not only "=").
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
# Control characters XLSX cannot hold become U+FFFD instead of failing the admin's export.
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True
# Uploads to the admin's import over this size are refused before they are read.
ACSA_IMPORT_MAX_UPLOAD_BYTES = int(os.environ.get("ACSA_IMPORT_MAX_UPLOAD_MB", "20")) * 1024 * 1024
# Between the admin's preview and its confirmation an upload waits here, under a
# random name bound to the uploader's session (acsa_db.imports.pending), for at
# most ACSA_IMPORT_PENDING_SECONDS. With several servers, a folder they share.
ACSA_IMPORT_PENDING_DIR = os.environ.get(
    "ACSA_IMPORT_PENDING_DIR", os.path.join(tempfile.gettempdir(), "acsa-db-pending-imports")
)
ACSA_IMPORT_PENDING_SECONDS = int(os.environ.get("ACSA_IMPORT_PENDING_MINUTES", "60")) * 60

# --- Releases (manage.py make_release; README "Citable releases") ------------------------
# Where release bundles are written: releases/<version>/ in the project unless set.
ACSA_RELEASES_DIR = Path(os.environ.get("ACSA_RELEASES_DIR", BASE_DIR / "releases"))
# What CITATION.cff and the codebook's "cite as" say. Authors are names separated by ";"; the
# default names no person. URL and license are left out of CITATION.cff while empty.
ACSA_RELEASE_TITLE = os.environ.get(
    "ACSA_RELEASE_TITLE", "ACSA DB: Japan's defense cooperation agreements, exercises and their sources"
)
ACSA_RELEASE_AUTHORS = [
    name.strip()
    for name in os.environ.get("ACSA_RELEASE_AUTHORS", "ACSA DB contributors").split(";")
    if name.strip()
] or ["ACSA DB contributors"]
ACSA_RELEASE_URL = os.environ.get("ACSA_RELEASE_URL", "")
ACSA_RELEASE_LICENSE = os.environ.get("ACSA_RELEASE_LICENSE", "")
