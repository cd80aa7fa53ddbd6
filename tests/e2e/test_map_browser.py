"""The map page in a real headless Chromium (Playwright), with no tiles to be had.

Sightings are seeded in code at known places south of London, all in one cluster
cell at zoom 9. The tile server is unreachable on purpose (its requests are
refused), so these tests also show that the markers draw without a background.
A screenshot of alice's view, a popup open, is saved to test-artifacts/map.png.
Also: a view across the antimeridian, a request the API refuses, and a sighting
shared by a peer deployment.
"""

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone

from gossip.models import Peer
from gossip.services import peer_record_show
from map.grid import cell_index
from tests.e2e.conftest import ARTIFACTS, log_in
from tests.gossip.actors import node_of, squirrel

pytestmark = pytest.mark.browser
TILES = "https://tiles.invalid"  # .invalid never resolves (RFC 2606); requests are refused too
WAIT_MS = 15_000  # the longest any one step may take
# (lat, lon) of each seeded sighting; all four lie in one grid cell at zoom 9.
ALICE_OPEN = (51.4600, -0.1500)
ALICE_OBSCURED = (51.465123, -0.132987)  # the true position: alice sees it here, nobody else
BOB_SQUIRREL = (51.4700, -0.1100)
BOB_BIRD = (51.4550, -0.0900)
CENTRE = (51.4625, -0.1200)


def view(zoom: int, lat: float, lon: float, **filters: str) -> str:
    """The map page's #hash for a view: what the page itself writes there."""
    params = "&".join(f"{name}={value}" for name, value in filters.items())
    return f"zoom={zoom}&lat={lat}&lon={lon}" + (f"&{params}" if params else "")


@pytest.fixture
def offline_tiles(page, settings) -> list[str]:
    """Point the page at a tile server that cannot be reached; return the tiles it asked for."""
    settings.MAP_TILE_URL = TILES + "/{z}/{x}/{y}.png"
    page.route(f"{TILES}/**", lambda route: route.abort("internetdisconnected"))
    failed: list[str] = []
    page.on("requestfailed", lambda r: failed.append(r.url) if r.url.startswith(TILES) else None)
    return failed


@pytest.fixture
def page_errors(page) -> list[str]:
    """Uncaught JavaScript errors on the page; each test checks there were none."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def sightings_answers(page) -> list[str]:
    """The body of every answer the page gets from GET /api/v1/sightings.

    Each request is passed on to the server (with the page's cookies) and its answer
    handed to the page unchanged: these bodies are exactly what the page received.
    """
    bodies: list[str] = []

    def pass_on(route) -> None:
        answer = route.fetch()
        assert answer.status == 200, answer.text()
        bodies.append(answer.text())
        route.fulfill(response=answer)

    page.route("**/api/v1/sightings?*", pass_on)
    return bodies


def with_thumbnail(submission, photo: bytes):
    """`located` names a thumbnail but writes no file; write one for the pages that show it."""
    storages["default"].save(submission.thumbnail.name, ContentFile(photo))
    return submission


def test_alice_sees_the_sightings_hers_stand_out_and_filters_apply(
    page, live_server, offline_tiles, page_errors, alice, bob, located, make_photo
):
    from playwright.sync_api import expect

    photo = make_photo()
    mine = with_thumbnail(located(alice, *ALICE_OPEN, geoprivacy="open"), photo)
    with_thumbnail(located(alice, *ALICE_OBSCURED, label="bird"), photo)
    with_thumbnail(located(bob, *BOB_SQUIRREL, geoprivacy="open", label="squirrel"), photo)
    with_thumbnail(located(bob, *BOB_BIRD, geoprivacy="open", label="bird"), photo)
    places = [ALICE_OPEN, ALICE_OBSCURED, BOB_SQUIRREL, BOB_BIRD]
    assert len({cell_index(lon, lat, 9) for lat, lon in places}) == 1  # the seed is as described

    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/api/v1/sightings?" in r.url else None)
    log_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/map/#{view(14, *CENTRE)}")
    markers = page.locator("#map .sighting-marker")
    expect(markers).to_have_count(4, timeout=WAIT_MS)
    expect(page.locator("#map .sighting-marker.mine")).to_have_count(2)
    expect(page.locator("#map-status")).to_have_text("4 sightings (2 yours)")

    # No tile loaded (all were refused), and the markers drew all the same.
    assert offline_tiles, "the page asked for no tiles"
    assert page.locator("img.leaflet-tile-loaded").count() == 0

    # alice's own stand out: another colour and a ring, and a legend says so.
    def background(locator) -> str:
        return locator.evaluate("node => getComputedStyle(node).backgroundColor")

    own = page.locator("#map .sighting-marker.mine").first
    other = page.locator("#map .sighting-marker:not(.mine)").first
    assert background(own) != background(other)
    expect(page.locator(".map-legend")).to_contain_text("Yours, at its true position")

    # Her open squirrel: the popup shows the photo, the label, the date and her page.
    page.locator('#map .sighting-marker.mine[title^="squirrel"]').click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("squirrel (90% sure)")
    expect(popup).to_contain_text("2024-05-17 08:30 UTC")
    thumbnail = popup.locator('img[alt="Photo of the sighting: squirrel"]')
    expect(thumbnail).to_be_visible()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle()
    )
    link = popup.get_by_role("link", name="Your photo")
    assert link.get_attribute("href").endswith(mine.get_absolute_url())
    # The popup pans the map into view, which reloads it: screenshot once that is done.
    page.wait_for_function(
        "() => !document.querySelector('.leaflet-pan-anim')"
        " && document.getElementById('map-status').dataset.state === 'ready'",
        timeout=WAIT_MS,
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map.png"), full_page=True)

    # A label filter, applied without a page load; the view and filter go into the hash.
    page.fill("#filter-label", "bird")
    page.press("#filter-label", "Enter")
    expect(markers).to_have_count(2, timeout=WAIT_MS)
    expect(page.locator("#map .sighting-marker.mine")).to_have_count(1)
    assert "label=bird" in page.evaluate("location.hash")

    # Zoomed out, the filtered two are one cluster; cleared, all four.
    page.evaluate("hash => { location.hash = hash; }", view(9, *CENTRE, label="bird"))
    cluster = page.locator("#map .cluster-marker")
    expect(cluster).to_have_count(1, timeout=WAIT_MS)
    expect(cluster).to_have_text("2")
    page.click("#map-filters button[type=reset]")
    expect(cluster).to_have_text("4", timeout=WAIT_MS)
    expect(cluster).to_have_class(re.compile(r"\bmine\b"))  # two of the four are hers
    assert "2 yours" in cluster.get_attribute("title")
    expect(page.locator("#map-status")).to_contain_text("4 sightings in 1 cluster")

    # Clicking a cluster shows what it holds and its newest sighting; "Zoom in" goes in.
    cluster.click()
    popup = page.locator(".leaflet-popup-content .cluster-popup")
    expect(popup).to_contain_text("4 sightings: ")
    expect(popup).to_contain_text("Newest here:", timeout=WAIT_MS)
    expect(popup).to_contain_text("2024-05-17")
    expect(popup.locator('img[alt^="Photo of the sighting: "]')).to_be_visible()
    page.wait_for_function(
        "() => !document.querySelector('.leaflet-pan-anim')"
        " && document.getElementById('map-status').dataset.state === 'ready'"
        " && getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'",
        timeout=WAIT_MS,
    )
    page.screenshot(path=str(ARTIFACTS / "map-cluster.png"), full_page=True)
    popup.get_by_role("button", name="Zoom in").click()
    page.wait_for_function("() => !location.hash.includes('zoom=9&')", timeout=WAIT_MS)
    expect(page.locator("#map-status")).to_contain_text("4 sightings", timeout=WAIT_MS)
    assert page.evaluate("Number(new URLSearchParams(location.hash.slice(1)).get('zoom'))") > 9
    assert page_errors == []
    # About one request per view or filter above; a popup that kept nudging the map
    # (and so reloading it) once made hundreds.
    assert len(asked) < 20, asked


def test_bob_never_receives_where_alice_really_was(
    page, live_server, offline_tiles, page_errors, alice, bob, located, make_photo
):
    from playwright.sync_api import expect

    # Obscured, the default: bob may see it only at its public point.
    hidden = with_thumbnail(located(alice, *ALICE_OBSCURED, label="bird"), make_photo())
    public = hidden.sighting.point
    bodies = sightings_answers(page)

    log_in(page, live_server.url, "bob")
    page.goto(f"{live_server.url}/map/#{view(9, *ALICE_OBSCURED)}")
    cluster = page.locator("#map .cluster-marker")
    expect(cluster).to_have_text("1", timeout=WAIT_MS)
    expect(cluster).not_to_have_class(re.compile(r"\bmine\b"))

    # Where bob is shown it: at the public point, as someone else's, with no link to her page.
    page.evaluate("hash => { location.hash = hash; }", view(14, public.y, public.x))
    marker = page.locator("#map .sighting-marker")
    expect(marker).to_have_count(1, timeout=WAIT_MS)
    expect(marker).not_to_have_class(re.compile(r"\bmine\b"))
    marker.click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("bird")
    expect(popup).to_contain_text("of this point")  # how far off the point may be
    assert popup.get_by_role("link").count() == 0

    # And at her true position there is nothing for him (unless, by a chance of about
    # one in ten thousand, the public point fell within a few hundred metres of it).
    if max(abs(public.y - ALICE_OBSCURED[0]), abs(public.x - ALICE_OBSCURED[1])) > 0.01:
        page.evaluate("hash => { location.hash = hash; }", view(18, *ALICE_OBSCURED))
        expect(page.locator("#map-status")).to_have_text("No sightings here.", timeout=WAIT_MS)

    # Nothing the page received holds her true coordinates, however written
    # (less any digits that the public point happens to share with them).
    assert len(bodies) >= 2
    shown = " ".join(f"{v!r} {round(v, 5)!r} {v:.6f}" for v in (public.y, public.x))
    secrets = {text for v in ALICE_OBSCURED for text in (repr(v), f"{v:.6f}", f"{v:.5f}")}
    for body in bodies:
        features = json.loads(body)["features"]
        assert all(not feature["properties"].get("mine") for feature in features)
        for secret in secrets:
            assert secret not in body or secret in shown, f"{secret} reached bob: {body}"
    assert page_errors == []


def test_a_view_across_the_antimeridian_asks_once_each_side(
    page, live_server, offline_tiles, page_errors, bob, located
):
    from playwright.sync_api import expect

    located(bob, 0.01, 179.99, geoprivacy="open")
    located(bob, -0.01, -179.99, geoprivacy="open", label="bird")
    boxes: list[list[float]] = []

    def note_box(request) -> None:
        if "/api/v1/sightings?" in request.url:
            query = parse_qs(urlsplit(request.url).query)
            boxes.append([float(part) for part in query["bbox"][0].split(",")])

    page.on("request", note_box)
    page.goto(f"{live_server.url}/map/#{view(12, 0, 180)}")
    expect(page.locator("#map .sighting-marker")).to_have_count(2, timeout=WAIT_MS)
    expect(page.locator("#map-status")).to_have_text("2 sightings")
    # One box ends at 180°, the other starts at -180°: the API refuses west > east.
    assert all(west <= east for west, _, east, _ in boxes), boxes
    assert {box[2] for box in boxes} >= {180.0} and {box[0] for box in boxes} >= {-180.0}

    # Zoomed out to clusters, the same: one cluster each side, both drawn.
    page.evaluate("hash => { location.hash = hash; }", view(6, 0, 180))
    expect(page.locator("#map .cluster-marker")).to_have_count(2, timeout=WAIT_MS)
    assert page_errors == []


def test_a_refused_request_shows_the_apis_message(page, live_server, offline_tiles, page_errors):
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/map/#{view(12, *CENTRE)}")
    expect(page.locator("#map-status")).to_have_text("No sightings here.", timeout=WAIT_MS)
    page.fill("#filter-from", "2024-06-01")
    page.fill("#filter-to", "2024-05-01")
    status = page.locator("#map-status")
    expect(status).to_have_text(
        "Could not load sightings: from (2024-06-01) is after to (2024-05-01)", timeout=WAIT_MS
    )
    expect(status).to_have_attribute("data-state", "error")
    assert page_errors == []


def test_a_peers_sighting_says_where_it_comes_from(page, live_server, offline_tiles, page_errors):
    """Shared by another deployment (gossip): its popup says from where, and its photo
    is asked of that deployment without telling it this page's address."""
    from playwright.sync_api import expect

    bob = node_of("bob")
    # A peer that has answered this node: a mere candidate's address is only a claim.
    Peer.objects.create(node_id=bob.node_id, base_url=bob.base_url, last_contact=timezone.now())
    record = squirrel(bob, 1)
    peer_record_show(record)
    page.route("https://bob.birdai.example/**", lambda route: route.abort("internetdisconnected"))

    page.goto(f"{live_server.url}/map/#{view(14, 51.5074, -0.1278)}")
    marker = page.locator("#map .sighting-marker")
    expect(marker).to_have_count(1, timeout=WAIT_MS)
    with page.expect_request("https://bob.birdai.example/**", timeout=WAIT_MS) as photo:
        marker.click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("From bob.birdai.example")
    assert popup.locator("img").get_attribute("src") == record.thumb_url
    assert photo.value.url == record.thumb_url and "referer" not in photo.value.headers
    assert page_errors == []
