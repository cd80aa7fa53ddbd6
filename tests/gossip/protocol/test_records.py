"""The record schema: every field checked, each refusal with a reason a person can read."""

import pytest

from gossip.protocol.limits import MAX_REPLACES, MAX_SEQ
from gossip.protocol.origin import unpublish
from gossip.protocol.records import Record, record_parse
from tests.gossip.actors import sighting_id, squirrel


@pytest.fixture
def wire(alice_node) -> dict:
    """A good record of alice's, as parsed JSON, to spoil one field at a time."""
    return squirrel(alice_node).wire()


def reason(data) -> str:
    parsed = record_parse(data)
    assert isinstance(parsed, str), "should have been refused"
    return parsed


def test_a_good_record_parses(wire):
    assert isinstance(record_parse(wire), Record)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("lat", 91.0, "location.lat: Input should be less than or equal to 90"),
        ("lat", -90.5, "location.lat: Input should be greater than or equal to -90"),
        ("lon", 180.5, "location.lon: Input should be less than or equal to 180"),
        ("lat", float("nan"), "location.lat: Input should be a finite number"),
        ("lat", "51.5", "location.lat: Input should be a valid number"),
        ("precision_m", -1.0, "location.precision_m: Input should be greater than or equal to 0"),
        ("precision_m", 1e7, "location.precision_m: Input should be less than or equal to"),
    ],
)
def test_a_location_off_the_globe_is_refused(wire, field, value, expected):
    wire["location"][field] = value
    assert reason(wire).startswith(expected)


def test_a_10_kb_label_is_refused_without_quoting_it(wire):
    wire["labels"][0]["label"] = "squirrel" * 1280
    assert reason(wire) == "labels.0.label: String should have at most 64 characters"


@pytest.mark.parametrize("label", ["", "squir\nrel", "\x1b[31mred", "\ud800"])
def test_empty_labels_control_characters_and_lone_surrogates_are_refused(wire, label):
    wire["labels"][0]["label"] = label
    assert reason(wire).startswith("labels.0.label")


def test_eleven_labels_are_refused(wire):
    wire["labels"] = [{"label": f"bird {n}", "confidence": 0.5} for n in range(11)]
    assert reason(wire) == "labels: List should have at most 10 items after validation, not 11"


@pytest.mark.parametrize("confidence", [1.5, -0.1, True])
def test_a_confidence_outside_0_to_1_is_refused(wire, confidence):
    wire["labels"][0]["confidence"] = confidence
    assert reason(wire).startswith("labels.0.confidence")


@pytest.mark.parametrize(
    "url",
    [
        "http://alice.birdai.example/1.jpg",
        "javascript:alert(1)",
        "ftp://alice.birdai.example/1.jpg",
        "https://user:secret@alice.birdai.example/1.jpg",
        "https:///no-host.jpg",
        "https://alice.birdai.example/a photo.jpg",
        "https://alice.birdai.example/" + "a" * 1000,
        "/media/1.jpg",
    ],
)
def test_image_urls_must_be_plain_https(wire, url):
    wire["image_url"] = url
    assert reason(wire).startswith("image_url")


@pytest.mark.parametrize(
    "timestamp",
    ["2026-05-17T08:30:00", "2026-05-17 08:30:00Z", "2026-04-31T08:30:00Z", "17 May 2026"],
)
def test_timestamps_must_be_rfc3339_with_an_offset(wire, timestamp):
    wire["observed_at"] = timestamp
    assert reason(wire).startswith("observed_at")


@pytest.mark.parametrize("seq", [0, -1, MAX_SEQ + 1, "2", True, 1.0])
def test_seq_is_a_positive_integer_below_2_to_the_63(wire, seq):
    wire["seq"] = seq
    assert reason(wire).startswith("seq")


@pytest.mark.parametrize("origin", ["alice", "A" * 43 + "=", "A" * 42 + "B", "A" * 44])
def test_origin_must_be_a_node_id(wire, origin):
    wire["origin"] = origin
    assert reason(wire).startswith("origin")


@pytest.mark.parametrize("value", ["42", "0B8F5C3E-2A6D-4F43-9A55-6F1F0D2C7B11"])
def test_the_sighting_id_is_a_lower_case_uuid(wire, value):
    wire["id"] = value
    assert reason(wire).startswith("id")


def test_unknown_fields_are_kept_and_missing_ones_refused(wire):
    later = record_parse({**wire, "altitude_m": 35})  # a later version's field: kept, unread
    assert isinstance(later, Record) and later.wire()["altitude_m"] == 35
    del wire["observed_at"]
    assert reason(wire) == "observed_at: Field required"


def test_something_that_is_not_an_object_is_refused():
    assert reason(["a", "list"]).startswith("record: Input should be a valid dictionary")


@pytest.mark.parametrize("replaces", [[2, 1], [1, 1], [5], [0]])
def test_replaces_lists_earlier_seqs_ascending(wire, replaces):
    wire["seq"] = 5
    wire["replaces"] = replaces
    assert "replaces" in reason(wire)


def test_replaces_is_bounded(wire):
    wire["seq"] = 1000
    wire["replaces"] = list(range(1, MAX_REPLACES + 2))
    assert reason(wire).startswith("replaces: List should have at most")


def test_a_tombstone_is_empty_and_names_what_it_deletes(alice_node):
    squirrel(alice_node, 1)
    tombstone = unpublish(alice_node, sighting_id=sighting_id(1)).wire()
    assert tombstone["deleted"] is True and tombstone["replaces"] == [1]
    assert tombstone["labels"] == [] and tombstone["location"] is None
    assert reason({**tombstone, "labels": [{"label": "cat", "confidence": 0.5}]}).endswith(
        "a tombstone carries no sighting data"
    )
    assert reason({**tombstone, "replaces": []}).endswith(
        "a tombstone must replace the records it deletes"
    )
