"""A minimal peer, written from docs/gossip.md alone, gossips with this node both ways.

It imports nothing of gossip.protocol: its canonical JSON is the spec's wording in
code, it signs and verifies with `cryptography` itself, and it speaks protocol v1 as
first specified: its records have no `id`, `deleted` or `replaces`, and it verifies
a record over every field it carries but `sig`, whatever those fields are.
"""

import base64
import hashlib
import json
import math
import random
import struct
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from gossip.identity import this_node
from gossip.protocol.origin import publish, unpublish
from map.models import Sighting
from tests.conftest import REPO_ROOT
from tests.gossip.actors import sighting_id, squirrel

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("gossip_on")]
WORLD = {"bbox": "-180,-90,180,90", "zoom": 14}
# The spec's field table: each field, and the JSON types it may have.
FIELDS = {
    "origin": (str,),
    "seq": (int,),
    "published_at": (str,),
    "observed_at": (str, type(None)),
    "labels": (list,),
    "location": (dict, type(None)),
    "image_url": (str, type(None)),
    "thumb_url": (str, type(None)),
    "sig": (str,),
}
ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}


def canonical(value: object) -> str:
    """Keys sorted, no whitespace, integers as digits, floats as Python writes them."""
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return number(value)
    if isinstance(value, str):
        return quoted(value)
    if isinstance(value, list):
        return "[" + ",".join(canonical(item) for item in value) + "]"
    assert isinstance(value, dict)
    return "{" + ",".join(f"{quoted(k)}:{canonical(value[k])}" for k in sorted(value)) + "}"


def number(x: float) -> str:
    """As the spec words it: the shortest digits that read back as x, laid out by size."""
    shortest = next(f for p in range(17) if float(f := format(x, f".{p}e")) == x)
    mantissa, exponent = shortest.split("e")
    sign = "-" if mantissa.startswith("-") else ""
    digits = mantissa.lstrip("-").replace(".", "").rstrip("0") or "0"
    power = int(exponent)
    if x == 0 or -4 <= power < 16:
        if power < 0:
            return f"{sign}0.{'0' * (-power - 1)}{digits}"
        whole, fraction = digits[: power + 1].ljust(power + 1, "0"), digits[power + 1 :]
        return f"{sign}{whole}.{fraction or '0'}"
    point = f"{digits[0]}.{digits[1:]}" if len(digits) > 1 else digits
    return f"{sign}{point}e{'+' if power >= 0 else '-'}{abs(power):02d}"


def quoted(text: str) -> str:
    return (
        '"' + "".join(ESCAPES.get(c) or (f"\\u{ord(c):04x}" if c < " " else c) for c in text) + '"'
    )


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class MinimalPeer:
    def __init__(self, name: str) -> None:
        self.key = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(name.encode()).digest())
        self.node_id = b64url(self.key.public_key().public_bytes_raw())
        self.base_url = f"https://{name}.example"
        self.seq = 0

    def record(self, **fields: object) -> dict:
        self.seq += 1
        body = {
            "origin": self.node_id,
            "seq": self.seq,
            "published_at": "2026-05-17T08:31:02Z",
            "observed_at": "2026-05-17T08:30:00+02:00",
            "labels": [{"label": "Rotkehlchen", "confidence": 0.8}],
            "location": {"lat": 52.37, "lon": 4.89, "precision_m": 25.0},
            "image_url": f"{self.base_url}/{self.seq}.jpg",
            "thumb_url": None,
            **fields,
        }
        return {**body, "sig": b64url(self.key.sign(canonical(body).encode()))}

    def push(self, client, records: list[dict]) -> dict:
        return self._post(client, "updates", {"updates": records})

    def pull(self, client) -> list[dict]:
        return self._post(client, "exchange", {"digest": {}, "peers": []})["updates"]

    def _post(self, client, endpoint: str, body: dict) -> dict:
        body = {"from": {"node_id": self.node_id, "base_url": self.base_url}, **body}
        answer = client.post(f"/gossip/v1/{endpoint}", json.dumps(body), "application/json")
        assert answer.status_code == 200, answer.content
        return json.loads(answer.content)  # the standard parser: 1000 is an int, 1000.0 a float


def verifies(record: dict) -> bool:
    """The plain rule: the origin's signature over every field but `sig`."""
    if any(not isinstance(record.get(f), kinds) for f, kinds in FIELDS.items()):
        return False
    signed = canonical({name: value for name, value in record.items() if name != "sig"})
    public = Ed25519PublicKey.from_public_bytes(unb64url(record["origin"]))
    public.verify(unb64url(record["sig"]), signed.encode())  # raises if it does not verify
    return True


def first_version_id(origin: str, seq: int) -> uuid.UUID:
    """The id the spec derives for a record without one, from the namespace it prints."""
    spec = (REPO_ROOT / "docs" / "gossip.md").read_text()
    namespace = spec.split("uuid5(", 1)[1].split(",", 1)[0].strip("` ")
    return uuid.uuid5(uuid.UUID(namespace), f"{origin}:{seq}")


def test_its_canonical_json_gives_the_bytes_the_spec_prints():
    spec = (REPO_ROOT / "docs" / "gossip.md").read_text().split("### Worked example", 1)[1]
    example = json.loads(spec.split("```json\n", 1)[1].split("```", 1)[0])
    printed = spec.split("```text\n", 1)[1].split("\n```", 1)[0]
    assert canonical({k: v for k, v in example.items() if k != "sig"}) == printed
    assert verifies(example)


def test_its_numbers_are_written_as_python_writes_them():
    rng = random.Random(11)
    edges = [0.0, -0.0, 1e-4, 9.9e-5, 1e16, 9999999999999998.0, 5e-324, 1.7976931348623157e308]
    doubles = [struct.unpack("<d", rng.randbytes(8))[0] for _ in range(3000)]
    for x in [*edges, 51.4, -0.2, 0.91, 15563.0, 1.5e300, *doubles]:
        if math.isfinite(x):
            assert number(x) == repr(x), x


def test_three_v1_records_it_pushes_are_kept_and_on_the_map(client):
    dave = MinimalPeer("dave")
    answer = dave.push(client, [dave.record() for _ in range(3)])
    assert answer == {"accepted": 3, "ignored": 0, "rejected": []}
    expected = {first_version_id(dave.node_id, seq) for seq in (1, 2, 3)}
    assert (
        set(Sighting.objects.filter(origin=dave.node_id).values_list("id", flat=True)) == expected
    )
    features = client.get("/api/v1/sightings", WORLD).json()["features"]
    assert {f["properties"]["origin"] for f in features} == {dave.node_id}
    assert {f["properties"]["label"] for f in features} == {"Rotkehlchen"}
    assert len(features) == 3


def test_integers_where_the_spec_says_number_are_kept_as_spelled(client):
    dave = MinimalPeer("dave")
    sent = dave.record(
        labels=[{"label": "robin", "confidence": 1}],
        location={"lat": 52, "lon": 5, "precision_m": 1000},
        note='a field v1 does not list: "quoted", \\, tab\t, \x01, \x7f, \u2028, é',
    )
    assert dave.push(client, [sent])["accepted"] == 1
    sighting = Sighting.objects.get(origin=dave.node_id)
    assert (sighting.point.y, sighting.precision_m) == (52.0, 1000.0)
    [relayed] = MinimalPeer("erin").pull(client)
    assert relayed == sent and canonical(relayed) == canonical(sent) and verifies(relayed)


def test_it_refuses_nothing_this_node_sends(client, bob_node):
    home = this_node()
    publish(home, sighting_id=sighting_id(1), observed_at=None, labels=[], location=None)
    squirrel(home, 2)
    squirrel(home, 2, labels=[])  # a new version: seq 3 replaces seq 2
    unpublish(home, sighting_id=sighting_id(1))  # a tombstone
    MinimalPeer("bob").push(client, [squirrel(bob_node, 1).wire()])  # relayed by this node
    sent = MinimalPeer("dave").pull(client)
    assert {(r["origin"], r["seq"]) for r in sent} == {
        (home.node_id, 3),
        (home.node_id, 4),
        (bob_node.node_id, 1),
    }
    assert all(verifies(record) for record in sent)
    assert all({"id", "deleted", "replaces"} <= set(record) for record in sent)


def test_its_forged_out_of_range_and_gap_records_are_refused(client):
    dave, mallory = MinimalPeer("dave"), MinimalPeer("mallory")
    forged = {**mallory.record(), "origin": dave.node_id}
    off_the_globe = dave.record(location={"lat": 91, "lon": 0, "precision_m": None})
    dave.record()  # seq 2, never sent
    gap = dave.record()  # seq 3
    answer = dave.push(client, [forged, off_the_globe, gap])
    reasons = [refused["reason"] for refused in answer["rejected"]]
    assert reasons[0].startswith("bad signature")
    assert reasons[1].startswith("location.lat: Input should be less than or equal to 90")
    assert reasons[2].startswith("gap: this node holds up to seq 0")
    assert answer["accepted"] == 0 and not Sighting.objects.exists()
