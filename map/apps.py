from django.apps import AppConfig


class MapConfig(AppConfig):
    """Geography: EXIF positions, geoprivacy, public sightings and the GeoJSON API."""

    name = "map"
    label = "map"
