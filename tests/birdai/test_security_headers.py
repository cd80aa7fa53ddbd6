"""The headers that keep a browser safe, on every page a GET reaches.

The Content-Security-Policy allows no inline script or style (tests/e2e/test_csp_browser.py
shows the pages still work under it) and no framing; the page's type is never sniffed;
a link to another site is not told where it came from. HSTS comes with HTTPS.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.submissions.test_history import classified

pytestmark = pytest.mark.django_db
ANONYMOUS_PAGES = {
    "home": "/",
    "login": "/accounts/login/",
    "signup": "/accounts/signup/",
    "map:page": "/map/",
    "gossip:peers": "/gossip/peers/",
    "api:openapi-view": "/api/v1/docs",
}
SIGNED_IN_PAGES = {
    "home": "/",
    "tokens": "/accounts/tokens/",
    "submissions:list": "/submissions/",
    "submissions:create": "/submissions/new/",
    "submissions:detail": "/submissions/{id}/",
    "submissions:delete": "/submissions/{id}/delete/",
    "submissions:account_delete": "/submissions/account/delete/",
    "map:page": "/map/",
}
# Named URLs that are no HTML page for a GET: POST only, files, JSON, redirects.
NOT_PAGES = {
    "logout",
    "token_create",
    "submissions:retry",
    "submissions:geoprivacy",
    "submissions:image",
    "submissions:thumbnail",
    "favicon",
    "healthz",
    "readyz",
    "media",
    "api:openapi-json",
    "api:api-root",
}


def assert_hardened(response) -> None:
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", ANONYMOUS_PAGES.values())
def test_pages_for_someone_signed_out(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert_hardened(response)


@pytest.mark.parametrize("path", SIGNED_IN_PAGES.values())
def test_pages_for_alice(alice_client, alice, path):
    submission = classified(alice, "park.jpg", [("squirrel", 0.9)])
    response = alice_client.get(path.format(id=submission.pk))
    assert response.status_code == 200
    assert_hardened(response)


def test_every_page_of_the_site_is_checked_above():
    named = set(url_names(get_resolver().url_patterns))
    pages = {name for name in named if not name.startswith(("api:", "admin:", "gossip:"))}
    pages |= {"api:openapi-view", "gossip:peers"}  # the API's and gossip's pages for people
    assert pages - NOT_PAGES == set(ANONYMOUS_PAGES) | set(SIGNED_IN_PAGES)


def url_names(patterns, namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


def test_hsts_over_https(settings, client):
    # What BIRDAI_HTTPS=1 sets (birdai/settings.py); test_settings.py's check --deploy
    # run shows a production environment sets them.
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert_hardened(response)
