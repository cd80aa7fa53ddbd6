"""A person's path through the site, in a real headless Chromium (Playwright).

Sign in, upload with the progress bar, watch the result appear. A screenshot
of the finished page is saved to test-artifacts/ for a human to look at.
"""

import io
import re

import numpy as np
import pytest
from PIL import Image

from tests.conftest import gps_exif
from tests.e2e.conftest import ARTIFACTS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.model]
# Sample the bar every 20 ms into sessionStorage, which survives the page
# change that follows a finished upload.
RECORD_PROGRESS = """
setInterval(() => {
  const bar = document.getElementById("upload-progress");
  const seen = sessionStorage.getItem("progress") || "";
  if (!bar.hidden) sessionStorage.setItem("progress", seen + bar.value + ",");
}, 20);
"""


def noisy_photo(exif: Image.Exif) -> bytes:
    """A 1600×1200 JPEG of noise: about 2 MB, so the upload takes visible time."""
    pixels = np.random.default_rng(0).integers(0, 256, size=(1200, 1600, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels, "RGB").save(buffer, format="JPEG", quality=90, exif=exif)
    return buffer.getvalue()


def throttle_upload(page, *, bytes_per_second: int) -> None:
    # Loopback is too fast to see a progress bar move; slow the page's network.
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    session.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 0,
            "downloadThroughput": -1,
            "uploadThroughput": bytes_per_second,
        },
    )


def test_sign_in_upload_and_see_the_result(
    page, live_server, start_worker, alice, make_photo, tmp_path
):
    start_worker()
    photo = tmp_path / "squirrel.jpg"
    photo.write_bytes(noisy_photo(gps_exif(43.467448, 11.885127)))

    log_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/submissions/new/")
    throttle_upload(page, bytes_per_second=1_000_000)
    page.evaluate(RECORD_PROGRESS)
    page.set_input_files("#id_image", str(photo))
    page.click("#upload-form button[type=submit]")
    page.wait_for_url(re.compile(r"/submissions/[0-9a-f-]{36}/$"), timeout=30_000)

    progress = [int(v) for v in page.evaluate("sessionStorage.getItem('progress')").split(",") if v]
    assert progress[-1] == 100
    assert any(0 < value < 100 for value in progress), progress  # it moved, not just jumped
    # The page polls the API and reloads itself once the worker is done.
    page.wait_for_selector("#submission-status[data-status=done]", timeout=120_000)
    assert page.locator("#detections").is_visible()
    assert "43.467448, 11.885127" in page.content()
    assert page.locator("figure.annotated img").evaluate("img => img.naturalWidth") == 1600
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "submission-done.png"), full_page=True)


def test_refused_upload_shows_its_message_in_the_page(page, live_server, alice, tmp_path):
    log_in(page, live_server.url, "alice")
    notes = tmp_path / "notes.txt"
    notes.write_text("not a photo")
    page.goto(f"{live_server.url}/submissions/new/")
    page.set_input_files("#id_image", str(notes))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#upload-message:has-text('does not end in')")
    assert page.url.endswith("/submissions/new/")
