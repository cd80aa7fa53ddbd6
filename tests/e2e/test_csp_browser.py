"""Every page under the Content-Security-Policy, in a real headless Chromium.

The `page` fixture fails a test whose page had anything refused by the policy (an
inline script or style, an eval, a source not allowed), so these visits are the
proof that the policy and the pages agree. The boxes on a submission's page are
placed by submission.js (the policy refuses style="" attributes): this checks
they land where the model saw the squirrel.
"""

import pytest

from submissions.models import Detection
from tests.e2e.conftest import log_in
from tests.submissions.test_history import classified

pytestmark = pytest.mark.browser
ANONYMOUS_PAGES = ["/", "/accounts/login/", "/accounts/signup/", "/map/", "/gossip/peers/"]
ALICES_PAGES = [
    "/",
    "/submissions/",
    "/submissions/new/",
    "/accounts/tokens/",
    "/submissions/account/delete/",
    "/map/",
]


def visit(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    page.wait_for_load_state("networkidle")


def test_the_pages_of_someone_signed_out_run_under_the_policy(page, live_server, db):
    for path in ANONYMOUS_PAGES:
        visit(page, live_server.url + path)


def test_alices_pages_run_under_the_policy(page, live_server, alice):
    log_in(page, live_server.url, "alice")
    submission = classified(alice, "park.jpg", [])
    own = [submission.get_absolute_url(), f"/submissions/{submission.pk}/delete/"]
    for path in [*ALICES_PAGES, *own]:
        visit(page, live_server.url + path)


def test_a_submissions_boxes_are_placed_by_its_script(page, live_server, alice):
    submission = classified(alice, "park.jpg", [])  # 640×480
    Detection.objects.create(
        submission=submission, label="squirrel", confidence=0.9, x1=160, y1=120, x2=480, y2=360
    )
    log_in(page, live_server.url, "alice")
    visit(page, live_server.url + submission.get_absolute_url())
    box = page.locator(".annotated .box")
    placed = box.evaluate(
        "box => [box.style.left, box.style.top, box.style.width, box.style.height]"
    )
    assert placed == ["25%", "25%", "50%", "50%"]


def test_the_api_docs_render_under_the_policy(page, live_server, db):
    visit(page, live_server.url + "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=15_000)
    assert "bird.ai API" in page.locator(".swagger-ui .info .title").inner_text()
