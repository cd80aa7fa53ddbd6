"""The map page: a Leaflet map that draws what GET /api/v1/sightings returns.

The page itself holds no sightings. It is the same for everyone; the browser asks
the API with the visitor's session cookie, so a logged-in visitor's own sightings
come back exact and marked as theirs, and nobody else's true positions ever do.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from map.grid import CLUSTER_BELOW_ZOOM


def map_page(request: HttpRequest) -> HttpResponse:
    # Handed to map.js through json_script: escaped for the page by Django, read
    # with JSON.parse, never pasted into JavaScript source.
    config = {
        "sightingsUrl": reverse("api:sighting_list"),
        "tileUrl": settings.MAP_TILE_URL,
        "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
        "clusterBelowZoom": CLUSTER_BELOW_ZOOM,
    }
    return render(request, "map/map.html", {"map_config": config})
