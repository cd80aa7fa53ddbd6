"""What both kinds of user need: accounts, forms, the map's viewports, uploads, polling.

Nothing here knows the app's code: only its URLs and what its pages and API answer,
as docs/api.md describes them.
"""

import functools
import json
import math
import random
import re
import secrets
import time
import uuid
from http.cookiejar import Cookie
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from locust.contrib.fasthttp import FastHttpSession, ResponseContextManager

# A 503 that carries Retry-After is the site shedding load on purpose (backpressure):
# recorded under its own name, as a success, so check.py counts it apart from failures.
BACKPRESSURE = "(backpressure)"
FINISHED = {"done", "failed"}
POLL_EVERY_S = 2.0  # as the submission page's script polls
POLL_AT_MOST = 15  # then the person leaves the page; the photo still gets classified
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src)="(/static/[^"]+)"')
# The map as a 1280 × 800 pixel window on 256-pixel tiles (docs/map.md).
WINDOW_PX = (1280, 800)


def paced_wait(user: Any) -> float:
    """A user's wait_time: a step starts every --pace seconds on average, whatever the
    answers take (within reason), so the offered load is the same on a fast site and a
    slow one. Jittered by ±30 %, so that users do not march in step; a step that took
    longer than its pace is followed at once. --pace 0: as fast as the answers come.
    """
    now = time.monotonic()
    took = now - getattr(user, "step_started", now)
    wait = max(0.0, user.environment.parsed_options.pace * random.uniform(0.7, 1.3) - took)
    user.step_started = now + wait
    return wait


def new_account() -> tuple[str, str]:
    """A fresh username and a password the site's rules accept (long, random)."""
    return f"lt-{uuid.uuid4().hex[:12]}", f"load-{secrets.token_urlsafe(12)}"


def arrival(options: Any) -> tuple[str, dict[str, str] | None]:
    """How a user comes to the site: ("sign up", None), or with an account from
    --accounts, ("sign in", it) or ("returning", it): still signed in from before."""
    accounts = _accounts(options.accounts)
    draw = random.random()
    if not accounts or draw < options.signup_share:
        return "sign up", None
    kind = "sign in" if draw < options.signup_share + options.signin_share else "returning"
    return kind, random.choice(accounts)


def session_cookie(client: FastHttpSession, host: str, session_key: str) -> None:
    """Put a session cookie in the client's jar, as a browser keeps it between visits."""
    domain = urlsplit(host).hostname or ""
    client.cookiejar.set_cookie(
        Cookie(0, "sessionid", session_key, None, False, domain, False, False, "/", True,
               False, None, True, None, None, {})
    )  # fmt: skip


@functools.cache
def _accounts(path: str | None) -> list[dict[str, str]]:
    return json.loads(Path(path).read_text()) if path else []


def csrf_token(html: str) -> str:
    found = CSRF_INPUT.search(html)
    return found.group(1) if found else ""


def assets(html: str) -> list[str]:
    """The stylesheets, scripts and icon a page links to, as a browser fetches them."""
    return ASSET.findall(html)


def form_body(fields: dict[str, str]) -> tuple[bytes, dict[str, str]]:
    from urllib.parse import urlencode

    return urlencode(fields).encode(), {"Content-Type": "application/x-www-form-urlencoded"}


def multipart_body(fields: dict[str, str], filename: str, jpeg: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body with the photo in field "image", and its content type."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="{filename}"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode()
    body = b"".join([*parts, head, jpeg, f"\r\n--{boundary}--\r\n".encode()])
    return body, f"multipart/form-data; boundary={boundary}"


def viewport(lon: float, lat: float, zoom: int) -> str:
    """The bbox (west,south,east,north) of the map window centred at (lon, lat)."""
    half_width = WINDOW_PX[0] / 256 * 360 / 2**zoom / 2
    half_height = WINDOW_PX[1] / WINDOW_PX[0] * half_width * max(0.2, math.cos(math.radians(lat)))
    west, east = max(-180.0, lon - half_width), min(180.0, lon + half_width)
    south, north = max(-85.0, lat - half_height), min(85.0, lat + half_height)
    return f"{west:.5f},{south:.5f},{east:.5f},{north:.5f}"


def map_session(client: FastHttpSession, headers: dict[str, str] | None = None) -> None:
    """Open the map on the world, zoom into a busy cluster twice, then pan once.

    Where to zoom comes from the answers (a cluster picked by its count, as people
    click the big ones), so it works on any site, whatever its sightings.
    """
    lon, lat = 0.0, 30.0
    for zoom in (2, 7, 13):
        features = _sightings(client, lon, lat, zoom, headers)
        if features:
            counts = [f["properties"].get("count", 1) for f in features]
            lon, lat = random.choices(features, weights=counts)[0]["geometry"]["coordinates"]
    half_width = WINDOW_PX[0] / 256 * 360 / 2**13 / 2
    _sightings(client, lon + half_width, lat, 13, headers)


def _sightings(
    client: FastHttpSession, lon: float, lat: float, zoom: int, headers: dict[str, str] | None
) -> list[dict[str, Any]]:
    name = f"/api/v1/sightings?zoom={'<12' if zoom < 12 else '>=12'}"
    url = f"/api/v1/sightings?bbox={viewport(lon, lat, zoom)}&zoom={zoom}"
    with client.get(url, name=name, headers=headers, catch_response=True) as response:
        if response.status_code != 200:
            response.failure(f"HTTP {response.status_code}")
            return []
        return list(response.json().get("features", []))


def upload_answered(response: ResponseContextManager, *, accepted: int) -> bool:
    """Judge an upload's answer; True if it was accepted (and the caller may poll)."""
    if response.status_code == accepted:
        return True
    if response.status_code == 503 and response.headers.get("Retry-After"):
        response.request_meta["name"] = f"{response.request_meta['name']} 503 {BACKPRESSURE}"
        response.success()
        return False
    response.failure(f"HTTP {response.status_code}: {response.text[:200]}")
    return False


def poll_until_finished(
    client: FastHttpSession, submission_id: str, headers: dict[str, str] | None = None
) -> None:
    """Ask every POLL_EVERY_S seconds until the photo is classified, or give up.

    A photo whose classification failed counts as a failed request: the site took it
    and could not do its job.
    """
    url = f"/api/v1/submissions/{submission_id}"
    for _ in range(POLL_AT_MOST):
        time.sleep(POLL_EVERY_S)  # gevent patches sleep: other users run meanwhile
        name = "/api/v1/submissions/[id] (poll)"
        with client.get(url, name=name, headers=headers, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return
            answer = response.json()
            if answer["status"] == "failed":
                response.failure(f"classification failed: {answer.get('error')}")
            if answer["status"] in FINISHED:
                return
