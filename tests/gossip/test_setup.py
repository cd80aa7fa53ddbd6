"""Setting gossip up: an address peers cannot call stops the node with one clear line."""

import pytest

from tests.birdai.test_settings import manage


@pytest.mark.parametrize("base_url", ["http://127.0.0.1:8000", "birds.example.org"])
def test_a_base_url_that_is_not_https_is_one_line_naming_the_fix(base_url):
    result = manage(
        "migrate",
        BIRDAI_DEBUG="1",
        BIRDAI_GOSSIP_BASE_URL=base_url,
        BIRDAI_GOSSIP_ALLOW_PRIVATE="1",
    )
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: BIRDAI_GOSSIP_BASE_URL='{base_url}' is invalid: ")
    assert "https://" in result.stderr and "BIRDAI_GOSSIP_CA_BUNDLE" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
