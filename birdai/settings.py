"""bird.ai settings: one module, every value from the environment.

The defaults are safe for development (`make run`); production sets
BIRDAI_DEBUG=0 and a real BIRDAI_SECRET_KEY. `.env.example` lists every variable.
"""

from pathlib import Path
from typing import Any

import dj_database_url
from botocore.config import Config
from django.core.exceptions import ImproperlyConfigured

from envreader import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("BIRDAI_DATA_DIR", str(BASE_DIR / ".data")))

DEBUG = env_bool("BIRDAI_DEBUG", False)
SECRET_KEY = env_str("BIRDAI_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set BIRDAI_SECRET_KEY (or BIRDAI_DEBUG=1 for development).")
    SECRET_KEY = "development-only-insecure-key"  # noqa: S105 - never used with DEBUG off

ALLOWED_HOSTS = env_list("BIRDAI_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("BIRDAI_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django_tasks_db",
    # Only for /api/v1/docs: installed, ninja serves Swagger UI from our static files
    # with no inline script (the CSP below); otherwise from a CDN, with one.
    "ninja",
    "birdai",
    "accounts",
    "submissions",
    "workers",
    "map",
    "gossip",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "birdai.ratelimit.RateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "birdai.urls"
WSGI_APPLICATION = "birdai.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

# The embedded default is the project-local cluster that `scripts/pg-local` runs, on
# the port it reads from the same variable, so moving the cluster moves the app with it
# (tests/birdai/test_local_database.py checks that both name the same URL).
LOCAL_PG_PORT = env_int("BIRDAI_PG_PORT", 5433)
LOCAL_DATABASE_URL = f"postgres://birdai@127.0.0.1:{LOCAL_PG_PORT}/birdai"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", LOCAL_DATABASE_URL),
        conn_max_age=env_int("BIRDAI_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
        engine="django.contrib.gis.db.backends.postgis",
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Debian 12 ships GDAL 3.6, which cannot block file access from spatial
# references; we never parse a spatial reference from user input (points are
# built from EXIF floats with SRID 4326), so the warning does not apply.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# The classification queue lives in the same database: a submission and its task
# commit together, so an accepted upload can never lose its task.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Argon2id first (accounts/hashers.py says why); PBKDF2, Django's default, still checks
# the hashes made before, and each is rehashed with Argon2id at its user's next sign-in.
PASSWORD_HASHERS = [
    "accounts.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "submissions:list"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Storage. "default" holds what we serve (EXIF-free copies, thumbnails);
# "originals" keeps uploads exactly as sent and is never served, because
# originals carry the photographer's GPS position.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = env_str("BIRDAI_MEDIA_URL", "/media/")
# Local disk unless BIRDAI_S3_BUCKET names a bucket (see the S3 block below).
S3_BUCKET = env_str("BIRDAI_S3_BUCKET")
SERVE_MEDIA = env_bool("BIRDAI_SERVE_MEDIA", not S3_BUCKET)
STORAGES: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DATA_DIR / "media", "base_url": MEDIA_URL},
    },
    "originals": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DATA_DIR / "originals", "base_url": None},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
if S3_BUCKET:
    # Both storages in S3 (django-storages), so no photo stays on a web server's disk
    # and any number of web servers and workers share them. docs/stages/ca2.md sets it up.
    if SERVE_MEDIA:
        raise ImproperlyConfigured("BIRDAI_SERVE_MEDIA serves local disk; with S3 leave it 0.")
    CDN_DOMAIN = env_str("BIRDAI_CDN_DOMAIN")
    S3_OPTIONS = {
        # Presigned URLs are signed for the bucket's region.
        "region_name": env_str("BIRDAI_S3_REGION", "us-east-1"),
        "endpoint_url": env_str("BIRDAI_S3_ENDPOINT_URL") or None,  # MinIO, moto; None: AWS
        # None: boto3 looks for credentials itself (environment, ~/.aws, the instance
        # role). Read here too so that they can come from NAME_FILE secrets.
        "access_key": env_str("AWS_ACCESS_KEY_ID") or None,
        "secret_key": env_str("AWS_SECRET_ACCESS_KEY") or None,
        # A name in use gets a new one, so an object never changes once written.
        "file_overwrite": False,
        # An upload waits on S3: when it is unreachable, fail in seconds, not minutes.
        "client_config": Config(
            signature_version="s3v4",
            connect_timeout=5,
            read_timeout=30,
            retries={"mode": "standard", "max_attempts": 3},
        ),
    }
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": S3_OPTIONS
        | {
            "bucket_name": S3_BUCKET,
            "location": "media",
            # The served copies carry no EXIF: behind CloudFront they get plain, cacheable
            # CDN URLs; without it, presigned S3 URLs that expire.
            "custom_domain": CDN_DOMAIN or None,
            "querystring_auth": not CDN_DOMAIN,
            "querystring_expire": env_int("BIRDAI_S3_URL_EXPIRY", 3600),
            # Never overwritten (above), so caches may keep them; a week bounds how long
            # a deleted photo lingers in a CDN. ContentType comes from the name: image/jpeg.
            "object_parameters": {"CacheControl": "public, max-age=604800, immutable"},
        },
    }
    STORAGES["originals"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": S3_OPTIONS
        | {
            "bucket_name": env_str("BIRDAI_S3_ORIGINALS_BUCKET") or S3_BUCKET,
            # Originals carry the GPS position: never behind the CDN, never unsigned.
            "location": "originals",
            "custom_domain": None,
            "querystring_auth": True,
        },
    }

# Uploads
MAX_UPLOAD_BYTES = env_int("BIRDAI_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
MAX_IMAGE_PIXELS = env_int("BIRDAI_MAX_IMAGE_PIXELS", 50_000_000)
# Large uploads spill to a temporary file instead of staying in memory; Django
# deletes it when the request ends, whatever storage the photo goes to.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Classification: a task still "processing" after CLASSIFY_TIMEOUT seconds is
# taken to belong to a worker that died, and is queued again up to
# CLASSIFY_MAX_ATTEMPTS times. The model itself is configured by the classifier
# package's own BIRDAI_MODEL_* variables (see docs/classifier.md).
CLASSIFY_TIMEOUT = env_int("BIRDAI_CLASSIFY_TIMEOUT", 600)
CLASSIFY_MAX_ATTEMPTS = env_int("BIRDAI_CLASSIFY_MAX_ATTEMPTS", 3)
# Photos classified together in one pass; 0 = by device (8 on a GPU, 1 on a CPU).
CLASSIFY_BATCH_SIZE = env_int("BIRDAI_CLASSIFY_BATCH_SIZE", 0)
# Backpressure: with this many photos waiting for a worker, uploads answer 503 with
# Retry-After instead of piling up (0: no limit). A CPU worker clears one in about a
# second, so 200 is minutes of waiting: far above what the load test's profile builds up.
MAX_BACKLOG = env_int("BIRDAI_MAX_BACKLOG", 200)

# Each worker reports its model every WORKER_HEARTBEAT seconds; /readyz counts a
# worker as gone after three missed reports. READY_NEEDS_WORKER=0 lets a web
# tier report ready without any worker (uploads then wait in the queue).
WORKER_HEARTBEAT = env_int("BIRDAI_WORKER_HEARTBEAT", 10)
READY_NEEDS_WORKER = env_bool("BIRDAI_READY_NEEDS_WORKER", True)

# How often the worker runs its periodic jobs (workers/jobs.py), in seconds.
SWEEP_INTERVAL = env_int("BIRDAI_SWEEP_INTERVAL", 60)  # re-queue what a dead worker left
# Finished, re-scoped and deleted submissions reach the map and peers (the outbox).
PUBLISH_INTERVAL = env_int("BIRDAI_PUBLISH_INTERVAL", 1)
# The map's cluster totals follow every publish; this recount is a safety net.
CLUSTER_RECOUNT_INTERVAL = env_int("BIRDAI_CLUSTER_RECOUNT_INTERVAL", 86400)

# Gossip (docs/gossip.md, "Running it"): this deployment shares its public sightings
# with peer deployments and shows theirs. Off until BIRDAI_GOSSIP_BASE_URL names this
# deployment's public https URL, where peers call its /gossip/v1/ endpoints.
# https only, development included: peers call nothing else (the peers client).
GOSSIP_BASE_URL = env_str("BIRDAI_GOSSIP_BASE_URL").rstrip("/")
if GOSSIP_BASE_URL and not GOSSIP_BASE_URL.startswith("https://"):
    raise ImproperlyConfigured(
        f"BIRDAI_GOSSIP_BASE_URL={GOSSIP_BASE_URL[:80]!r} is invalid: must be this "
        "deployment's https:// URL, as peers call https only (on a classroom network too: "
        "trust its CA with BIRDAI_GOSSIP_CA_BUNDLE), or empty to keep gossip off"
    )
# Peers to start from (base URLs, comma-separated); more are learned from exchanges.
GOSSIP_SEEDS = [url.rstrip("/") for url in env_list("BIRDAI_GOSSIP_SEEDS", "")]
GOSSIP_INTERVAL = env_int("BIRDAI_GOSSIP_INTERVAL", 10)  # seconds between rounds
GOSSIP_FANOUT = env_int("BIRDAI_GOSSIP_FANOUT", 3)  # peers a round
# 1 lets peers live at loopback and private addresses: tests and classrooms only.
GOSSIP_ALLOW_PRIVATE = env_bool("BIRDAI_GOSSIP_ALLOW_PRIVATE", False)
GOSSIP_TIMEOUT = env_int("BIRDAI_GOSSIP_TIMEOUT", 5)  # seconds for one call to a peer, in all
# Bodies in and answers out: 4 MiB, the protocol's own limit (500 records of the largest size).
GOSSIP_MAX_BODY = env_int("BIRDAI_GOSSIP_MAX_BODY", 4 * 1024 * 1024)
GOSSIP_RATE = env_int("BIRDAI_GOSSIP_RATE", 120)  # requests a minute from one address
GOSSIP_CA_BUNDLE = env_str("BIRDAI_GOSSIP_CA_BUNDLE")  # an extra CA file to trust (tests)
# Publishes what the outbox did not (sightings public before gossip was on).
GOSSIP_RECONCILE_INTERVAL = env_int("BIRDAI_GOSSIP_RECONCILE_INTERVAL", 3600)

API_PAGE_SIZE = 20

# Rate limits, POSTs a minute (birdai/ratelimit.py; 0: none), counted in the database as
# gossip's are, so across every web process. Login by address and username; sign-up and
# tokens by address; uploads by user. The load test's stack raises them (one address).
RATE_LOGIN = env_int("BIRDAI_RATE_LOGIN", 10)
RATE_SIGNUP = env_int("BIRDAI_RATE_SIGNUP", 20)
RATE_TOKEN = env_int("BIRDAI_RATE_TOKEN", 20)
RATE_UPLOAD = env_int("BIRDAI_RATE_UPLOAD", 60)

# The map page's background: any XYZ tile server ({z}/{x}/{y}). The sightings are
# drawn whether or not the tiles load, so an offline classroom still gets a map.
# The attribution is HTML that Leaflet shows under the map; a tile server's terms
# usually require it (OpenStreetMap's do).
MAP_TILE_URL = env_str("BIRDAI_MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env_str(
    "BIRDAI_MAP_TILE_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)

# HTTPS: on by default in production; a plain-HTTP course stage sets BIRDAI_HTTPS=0.
HTTPS = env_bool("BIRDAI_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("BIRDAI_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("BIRDAI_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS


# Content-Security-Policy (Django's own middleware): no inline script or style anywhere,
# so templates keep theirs in static files. Images from any https:// origin: the map's
# tiles, S3 or the CDN, and the photos of peer deployments (gossip), which can be
# anywhere; an image cannot run anything. Plain http:// only for the origins we set.
def _origin(url: str) -> str:
    """scheme://host of an http:// URL ("" otherwise); a tile URL's {s} as a wildcard."""
    return "/".join(url.replace("{s}", "*").split("/")[:3]) if url.startswith("http://") else ""


_IMAGE_ORIGINS = [_origin(MAP_TILE_URL), _origin(MEDIA_URL)]
if S3_BUCKET:
    _IMAGE_ORIGINS.append(_origin(S3_OPTIONS["endpoint_url"] or ""))
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", "blob:", "https:", *sorted({o for o in _IMAGE_ORIGINS if o})],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Behind a proxy we run (haproxy, an ingress): trust its X-Forwarded-Proto, and take
# the caller's address from the last X-Forwarded-For entry (gossip's rate limit).
BEHIND_PROXY = env_bool("BIRDAI_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("BIRDAI_LOG_LEVEL", "INFO")},
    # Django gives its own "django" logger a console handler (with DEBUG on) that would
    # print every 404/405/413 a second time on its way up to root: one handler, root's.
    "loggers": {"django": {"handlers": [], "propagate": True}},
}
