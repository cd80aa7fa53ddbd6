"""The site at a phone's width (390×844, an iPhone 12-15) in a real headless Chromium.

The header must fit: no link broken over two lines, nothing wider than the
screen, the name and the account's links on one row, the pages on the next.
A screenshot of each page is saved to test-artifacts/ for a human to look at.
"""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from tests.e2e.conftest import ARTIFACTS, log_in
from tests.submissions.test_history import classified

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
# For each link and button in the header: its text, its nav, the lines its text
# takes (a Range gives one box per line) and its box; and how wide the page became.
HEADER_LAYOUT = """() => {
  const items = [...document.querySelectorAll("header.site :is(a, button)")];
  return {
    pageWidth: document.documentElement.scrollWidth,
    items: items.map(item => {
      const text = document.createRange();
      text.selectNodeContents(item);
      // Boxes that overlap vertically are one line (an inline-block sits a little lower).
      let lines = 0, bottom = -Infinity;
      for (const part of [...text.getClientRects()].sort((a, b) => a.top - b.top)) {
        if (part.top >= bottom - 1) lines += 1;
        bottom = Math.max(bottom, part.bottom);
      }
      const box = item.getBoundingClientRect();
      return {text: item.textContent.trim(), nav: item.closest("nav")?.className || "",
              lines, middle: (box.top + box.bottom) / 2,
              left: box.left, right: box.right};
    }),
  };
}"""


def one_row(items: list[dict]) -> bool:
    middles = [item["middle"] for item in items]
    return max(middles) - min(middles) <= 2  # centred in one row, give or take rounding


def assert_header_fits(page) -> None:
    layout = page.evaluate(HEADER_LAYOUT)
    items = layout["items"]
    assert layout["pageWidth"] <= PHONE["width"], "the page scrolls sideways"
    assert [i["text"] for i in items if i["lines"] != 1] == [], "a link broke over two lines"
    outside = [i["text"] for i in items if i["left"] < 0 or i["right"] > PHONE["width"]]
    assert outside == [], "off the screen"
    first = [i for i in items if i["nav"] != "site-pages"]  # the name, the account's links
    pages = [i for i in items if i["nav"] == "site-pages"]
    assert one_row(first), f"the name and the account's links wrapped: {first}"
    assert one_row(pages), f"the pages' links wrapped: {pages}"
    assert min(i["middle"] for i in pages) > max(i["middle"] for i in first)


@pytest.mark.parametrize(
    ("who", "path", "shot"),
    [
        (None, "/", "phone-home.png"),
        ("alice", "/submissions/", "phone-history.png"),
        ("alice", "/submissions/new/", "phone-upload.png"),
    ],
)
def test_the_header_fits_a_phone(page, live_server, alice, make_photo, who, path, shot):
    park = classified(alice, "park.jpg", [("bird", 0.9), ("squirrel", 0.8), ("squirrel", 0.7)])
    storages["default"].save(park.thumbnail.name, ContentFile(make_photo(size=(320, 240))))
    page.set_viewport_size(PHONE)
    if who:
        log_in(page, live_server.url, who)
    page.goto(f"{live_server.url}{path}")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / shot), full_page=True)
    assert_header_fits(page)
