"""docs/gossip.md stays true: its worked example is what the code signs and verifies."""

import json
import re

from gossip.protocol.records import FIRST_VERSION_IDS, Record, first_version_id, record_sign
from gossip.protocol.signing import NodeKey
from tests.conftest import REPO_ROOT

# RFC 8032, section 7.1, TEST 1: the secret key the spec's example is signed with.
RFC8032_TEST_1 = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"


def example_blocks() -> tuple[dict, bytes]:
    """The worked example's record (```json) and canonical bytes (```text)."""
    spec = (REPO_ROOT / "docs" / "gossip.md").read_text()
    section = spec.split("### Worked example", 1)[1]
    record = re.search(r"```json\n(.*?)```", section, re.DOTALL)
    canonical = re.search(r"```text\n(.*?)\n```", section, re.DOTALL)
    assert record and canonical
    return json.loads(record.group(1)), canonical.group(1).encode()


def test_the_example_record_verifies_and_its_canonical_form_is_as_printed():
    wire, canonical = example_blocks()
    record = Record.model_validate(wire)
    assert record.signature_valid()
    assert record.signed_bytes() == canonical
    assert (
        f"the {len(canonical)} bytes that are signed"
        in (REPO_ROOT / "docs" / "gossip.md").read_text()
    )


def test_signing_the_example_again_gives_the_same_signature():
    wire, _ = example_blocks()
    key = NodeKey.from_private_bytes(bytes.fromhex(RFC8032_TEST_1))
    assert key.node_id == wire["origin"]
    fields = {name: value for name, value in wire.items() if name not in ("origin", "sig")}
    assert record_sign(key, fields).sig == wire["sig"]


def test_the_derived_id_the_spec_prints_is_the_one_the_code_derives():
    wire, _ = example_blocks()
    spec = (REPO_ROOT / "docs" / "gossip.md").read_text()
    derived = first_version_id(wire["origin"], 1)
    assert f"worked example's origin it is `{derived}`" in " ".join(spec.split())
    assert str(FIRST_VERSION_IDS) in spec
