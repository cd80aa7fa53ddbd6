from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from birdai import health, views
from birdai.api import api
from submissions import media

# A database that cannot be reached is a 503 with Retry-After, not a 500 (birdai/outage.py).
handler500 = "birdai.outage.server_error_or_outage"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("accounts/", include("accounts.urls")),
    path("submissions/", include("submissions.urls")),
    path("map/", include("map.urls")),
    path("gossip/", include("gossip.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

if settings.SERVE_MEDIA:
    # Local-disk stage: Django serves the EXIF-free copies itself, but never a private
    # photo's. With S3 (BIRDAI_SERVE_MEDIA=0) the browser fetches them from the CDN or S3.
    media_prefix = settings.MEDIA_URL.strip("/")
    urlpatterns += [re_path(rf"^{media_prefix}/(?P<path>.+)$", media.media, name="media")]
