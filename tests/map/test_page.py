"""The map page at /map/: who may see it, what it hands its script, and the vendored Leaflet.

What the page draws is checked in a real browser (tests/e2e/test_map_browser.py).
"""

import hashlib
import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static

from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.django_db
URL = "/map/"
LEAFLET = "map/vendor/leaflet"


def page_config(response) -> dict:
    """The json_script block the page hands to map.js."""
    found = re.search(
        r'<script id="map-config" type="application/json">(.*?)</script>', response.text, re.S
    )
    assert found, "no map-config data block"
    return json.loads(found.group(1))


def test_anyone_may_open_the_map(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert 'id="map"' in response.text
    assert "Yours, at its true position" not in response.text  # no legend entry for nobody


def test_a_logged_in_reader_gets_the_legend_for_their_own(alice_client):
    response = alice_client.get(URL)
    assert response.status_code == 200
    assert "Yours, at its true position" in response.text


def test_every_page_links_to_the_map(client, alice_client):
    for reader in (client, alice_client):
        assert f'href="{URL}"' in reader.get("/").text


def test_the_tile_settings_reach_the_page_as_data(client, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png?key=a&b=<c>"
    settings.MAP_TILE_ATTRIBUTION = '© <a href="https://example.org">Example</a>'
    response = client.get(URL)
    config = page_config(response)
    assert config["tileUrl"] == settings.MAP_TILE_URL
    assert config["tileAttribution"] == settings.MAP_TILE_ATTRIBUTION
    assert config["sightingsUrl"] == "/api/v1/sightings"
    assert config["clusterBelowZoom"] == 12
    # Escaped for the page by json_script, so a setting cannot close the script tag.
    assert "<c>" not in response.text


def test_the_tile_settings_are_listed_in_env_example():
    listed = (REPO_ROOT / ".env.example").read_text()
    for name in ("BIRDAI_MAP_TILE_URL", "BIRDAI_MAP_TILE_ATTRIBUTION"):
        assert re.search(rf"^{name}=", listed, re.M), name


def test_leaflet_comes_from_our_own_static_files(client):
    text = client.get(URL).text
    for name in ("leaflet.js", "leaflet.css"):
        path = f"{LEAFLET}/{name}"
        assert static(path) in text
        assert finders.find(path), f"{path} is not in the static files"
    assert static("map/map.js") in text and static("map/map.css") in text
    # No script or stylesheet from anywhere else (a CDN would learn who reads the map).
    loaded = re.findall(r'<script[^>]* src="([^"]+)"|<link[^>]* href="([^"]+)"', text)
    assert all((src or href).startswith(static("")) for src, href in loaded), loaded


def test_the_vendored_files_match_their_checksums():
    folder = REPO_ROOT / "map" / "static" / LEAFLET
    sums = (folder / "SHA256SUMS").read_text().splitlines()
    listed = {}
    for line in sums:
        digest, name = line.split(maxsplit=1)
        listed[name] = digest
    assert {"leaflet.js", "leaflet.css", "LICENSE", "images/marker-icon.png"} <= set(listed)
    for name, digest in listed.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name


def test_the_vendored_leaflet_is_the_pinned_version():
    pinned = re.search(r"^LEAFLET_VERSION := (\S+)$", (REPO_ROOT / "Makefile").read_text(), re.M)
    assert pinned, "LEAFLET_VERSION is not set in the Makefile"
    folder = REPO_ROOT / "map" / "static" / LEAFLET
    assert f"Leaflet {pinned.group(1)}," in (folder / "leaflet.js").read_text()[:200]
    assert f"Leaflet {pinned.group(1)}" in (folder / "README.md").read_text()


def test_the_stylesheet_finds_its_images():
    # collectstatic fails on a url() that points at nothing; so would the page.
    folder = REPO_ROOT / "map" / "static" / LEAFLET
    for image in re.findall(r"url\((images/[^)]+)\)", (folder / "leaflet.css").read_text()):
        assert (folder / image).is_file(), image
