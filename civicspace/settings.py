"""Settings for the civic-space tracker, read from environment variables (see .env.example)."""

import datetime
import hashlib
import os
import sys
import tempfile
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


def envbool(name, default):
    """A yes/no setting; a value that is neither (``ture``) stops the start instead of being read as no."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={os.environ[name]!r} is not a yes/no value: use one of {', '.join(TRUE_WORDS + FALSE_WORDS)}."
    )


def envint(name, default):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={os.environ[name]!r} is not a whole number.") from None


def envlist(name, default):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


TESTING = "pytest" in sys.modules
DEBUG = envbool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    # A fixed key is only acceptable where nothing real is signed: a developer's machine or the test run.
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=1 for local development).")
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # The admin with its login code and two-factor enrolment (civicspace/admin_site.py).
    "civicspace.apps.TrackerAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_countries",
    "django_filters",
    "simple_history",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "civicspace",
    "organisations",
    "events",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves collected static files itself, so a deployment needs no separate web server for them.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses pages, feeds and exports (streamed ones chunk by chunk) for clients that accept gzip; after
    # WhiteNoise, which sends its own precompressed static files, and before everything that writes a response body.
    # BREACH: public pages hold no secret (no CSRF token, no session data); admin pages carry Django's CSRF token,
    # masked afresh in every response, and the middleware pads each response at random (Django >= 4.2).
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language comes from the address (/fr/...), the admin's from the browser: civicspace/languages.py.
    "civicspace.languages.AddressLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session logged in with a two-factor code.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records who made each change in the history of events, organisations, people and sources.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Refuses NUL characters anywhere in an admin request (400) before a form or filter meets them.
    "civicspace.middleware.AdminNullCharacterMiddleware",
    # Last, as django-axes asks: answers a locked-out login with the lockout page.
    "axes.middleware.AxesMiddleware",
]

# django-axes counts failed logins before Django's own backend checks a password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "civicspace.urls"

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
                "civicspace.opendata.data_licence",
                "civicspace.languages.page_languages",
            ],
        },
    },
]

WSGI_APPLICATION = "civicspace.wsgi.application"

# SQLite is the embedded default; PostgreSQL (psycopg 3) is chosen with DATABASE_URL=postgres://...
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # Each web thread keeps its connection: opening one for each request cost PostgreSQL 10-20 ms a page
        # (bench/RESULTS.md); checked before reuse, so a restarted database costs one failed check, not an error.
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not SQLite's in-memory default, so that the server the tests start (tests/test_server.py) reads
    # the same test database.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-db.sqlite3")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No just-in-time compilation. PostgreSQL compiles a query it reckons costly (a count or a facet over a million
    # events) for 150-200 ms before running it, and no statement timeout cuts that short: facets limited to 60 ms took
    # 150-230, and a list's first reading after a publication up to 2.4 s (bench/RESULTS.md). Options given in
    # DATABASE_URL (?options=-c%20jit%3Don) come after, so they win.
    database_options = DATABASES["default"].setdefault("OPTIONS", {})
    database_options["options"] = " ".join(filter(None, ["-c jit=off", database_options.get("options")]))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # For speed: the tests hash and check many passwords, and need none of them to be hard to crack.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = os.environ.get("DJANGO_LANGUAGE_CODE", "en")
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
# Files kept as copies of sources (uploaded in the admin) are stored here. They are never served by URL: reviewers
# download them through the admin. Back this folder up with the database.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# The largest file an editor may upload as a copy of a source.
TRACKER_SOURCE_COPY_MAX_BYTES = int(os.environ.get("TRACKER_SOURCE_COPY_MAX_BYTES", str(20 * 1024 * 1024)))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # collectstatic names each file by a hash of its content (site.3f2a9c.css) and writes gzip and Brotli copies;
    # WhiteNoise serves hashed names as cacheable for ten years, since a changed file gets a new name. Pages name
    # the hashed files from the manifest collectstatic writes, so production needs collectstatic (`make serve` runs
    # it); with DEBUG on (`make run`) Django serves the files under their own names and needs no manifest.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if TESTING:
    # Tests render pages without collectstatic: plain names, no manifest (tests/test_deployment.py collects for real).
    STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}

# Production hardening, on whenever DEBUG is off; each can be relaxed through the environment.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = envbool("DJANGO_SECURE_COOKIES", not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = envint("DJANGO_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = envbool("DJANGO_HSTS_PRELOAD", False)
BEHIND_PROXY = envbool("DJANGO_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Where the editors' admin lives: a path of its own is one more thing a guesser must find.
ADMIN_PATH = os.environ.get("DJANGO_ADMIN_PATH", "admin/").strip().strip("/") + "/"
if ADMIN_PATH == "/":
    raise ImproperlyConfigured("DJANGO_ADMIN_PATH is empty: the admin needs a path of its own, such as editors/.")

# Failed logins (django-axes): after DJANGO_LOGIN_FAILURE_LIMIT wrong passwords for one username from one address, that
# pair is locked for the cool-off time; other addresses and other users are not, so a guesser cannot lock editors
# out. `manage.py axes_reset_username NAME` (or axes_reset) unlocks at once.
AXES_FAILURE_LIMIT = envint("DJANGO_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=envint("DJANGO_LOGIN_LOCKOUT_MINUTES", 60))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# No banner at every start of every command; failed logins and lockouts are still logged.
AXES_VERBOSE = False
# Behind a proxy every request comes from the proxy's address; the client's is the one the proxy appended last.
AXES_CLIENT_IP_CALLABLE = "civicspace.admin_site.client_address" if BEHIND_PROXY else None

# Two-factor authentication (django-otp, TOTP): optional for every editor; with DJANGO_REQUIRE_2FA on, reviewers
# and administrators reach the admin only after logging in with a code, and are sent to enrol a device first.
REQUIRE_2FA = envbool("DJANGO_REQUIRE_2FA", False)
# The name an authenticator app shows beside the account.
OTP_TOTP_ISSUER = os.environ.get("DJANGO_2FA_ISSUER", "Civic Space Tracker")

# Content-Security-Policy (django-csp): everything from this site only, no inline script or style, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
    }
}

# The protection a new person starts with until a reviewer decides: public, pseudonymised or withheld. Pseudonymised
# without a pseudonym shows nothing, so the default keeps every new name off the public site.
TRACKER_DEFAULT_PROTECTION = os.environ.get("TRACKER_DEFAULT_PROTECTION", "pseudonymised")
if TRACKER_DEFAULT_PROTECTION not in ("public", "pseudonymised", "withheld"):
    raise ImproperlyConfigured(
        f"TRACKER_DEFAULT_PROTECTION must be public, pseudonymised or withheld, not {TRACKER_DEFAULT_PROTECTION!r}."
    )
# Where a CSV file checked for import waits for the reviewer's commit (a day at most): a folder every web worker
# can read, such as a local one when they all run on one machine.
IMPORT_STAGING_DIR = Path(os.environ.get("DJANGO_IMPORT_DIR") or Path(tempfile.gettempdir()) / "civicspace-imports")

# The country the admin's forms start with (ISO 3166 code, e.g. ML); blank for none.
TRACKER_DEFAULT_COUNTRY = os.environ.get("TRACKER_DEFAULT_COUNTRY", "")

# How check_links introduces itself to the sites it visits: say who runs the tracker and how to reach them.
TRACKER_LINK_CHECK_USER_AGENT = os.environ.get(
    "TRACKER_LINK_CHECK_USER_AGENT",
    "CivicSpaceTracker-LinkCheck/1.0 (checks that the sources of a civic-space record are still online)",
)

# The licence of the published data (the code's own licence is separate), as Frictionless Data Packages name one:
# an SPDX identifier, a title and the licence's address. The footer, the JSON exports and /datapackage.json all
# state this one.
TRACKER_DATA_LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}

# Query strings longer than this are refused before they reach a filter form.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

# Facet counts and the version of the public data they were counted on (civicspace/facets.py). The web workers share
# it, so it is a folder they can all read (every worker on one machine); several machines need a shared cache (Redis,
# memcached or the database: see Django's cache settings). The tests keep theirs in memory.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("DJANGO_CACHE_DIR") or str(Path(tempfile.gettempdir()) / "civicspace-cache"),
        "TIMEOUT": 24 * 60 * 60,
        # One folder may serve several databases (the seed data and a benchmark's million events on one machine):
        # each keeps its own counts.
        "KEY_PREFIX": hashlib.sha256(
            f"{DATABASES['default'].get('HOST')}:{DATABASES['default'].get('PORT')}/{DATABASES['default']['NAME']}".encode()
        ).hexdigest()[:16],
    }
}
if TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Milliseconds a facet's count may take before the database stops it and the choices are shown without counts.
TRACKER_FACET_TIME_LIMIT_MS = envint("TRACKER_FACET_TIME_LIMIT_MS", 60)
if TRACKER_FACET_TIME_LIMIT_MS < 1:
    # PostgreSQL reads a statement timeout of 0 as none at all, SQLite's deadline as already passed.
    raise ImproperlyConfigured("TRACKER_FACET_TIME_LIMIT_MS must be a number of milliseconds, at least 1.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
