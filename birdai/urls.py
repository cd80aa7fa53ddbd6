from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from birdai import health, views
from birdai.api import api

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("accounts/", include("birdai.accounts.urls")),
    path("submissions/", include("birdai.submissions.urls")),
    path("map/", include("map.urls")),
    path("gossip/", include("gossip.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

if settings.SERVE_MEDIA:
    # Local-disk stage: Django serves the EXIF-free copies itself. With S3 and
    # CloudFront (BIRDAI_SERVE_MEDIA=0) the browser fetches them from the CDN.
    media_prefix = settings.MEDIA_URL.strip("/")
    urlpatterns += [re_path(rf"^{media_prefix}/(?P<path>.+)$", views.media, name="media")]
