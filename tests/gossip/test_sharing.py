"""alice's sightings become signed records: open and obscured ones only, public point only.

sighting_publish (map/services.py) is the one place a sighting becomes public or
stops being public; each change there is a new version of the record, or its
tombstone, in the same transaction.
"""

from django.contrib.auth.models import User

from gossip.identity import node_key
from gossip.models import HeldRecord
from gossip.protocol.records import Record
from gossip.services import own_records_reconcile
from gossip.sharing import public_changes_apply, submission_share
from submissions.services import submission_geoprivacy_set
from tests.gossip.conftest import HOME_URL

PARK = (51.523456, -0.187654)


def records_of(sighting_id) -> list[Record]:
    """The current record of one sighting as this node holds it (one, or none)."""
    held = HeldRecord.objects.filter(origin=node_key().node_id, sighting_id=sighting_id)
    return [Record.model_validate_json(row.wire) for row in held]


def test_an_open_sighting_is_published_at_its_true_position(gossip_on, alice, located):
    submission = located(alice, *PARK, geoprivacy="open", accuracy_m=8.0)
    (record,) = records_of(submission.sighting.id)
    assert record.signature_valid() and record.origin == node_key().node_id
    assert (record.seq, record.replaces, record.deleted) == (1, [], False)
    assert (record.location.lat, record.location.lon, record.location.precision_m) == (*PARK, 8.0)
    assert [(label.label, label.confidence) for label in record.labels] == [("squirrel", 0.9)]
    assert record.observed_at == "2024-05-17T08:30:00Z"


def test_an_obscured_sighting_is_published_at_its_obscured_point(gossip_on, alice, located):
    submission = located(alice, *PARK, geoprivacy="obscured")
    (record,) = records_of(submission.sighting.id)
    public = submission.sighting.point
    assert (record.location.lat, record.location.lon) == (public.y, public.x)
    assert (record.location.lat, record.location.lon) != PARK
    assert record.location.precision_m == submission.sighting.precision_m > 10_000


def test_a_private_sighting_makes_no_record(gossip_on, alice, located):
    located(alice, *PARK, geoprivacy="private")
    assert HeldRecord.objects.count() == 0


def test_its_photos_are_the_served_copies_by_absolute_https_url(gossip_on, alice, located):
    submission = located(alice, *PARK, geoprivacy="open")
    (record,) = records_of(submission.sighting.id)
    assert record.image_url == f"{HOME_URL}/media/{submission.image.name}"
    assert record.thumb_url == f"{HOME_URL}/media/{submission.thumbnail.name}"
    assert "original" not in record.model_dump_json()


def test_every_change_is_a_new_version_and_private_is_a_tombstone(gossip_on, alice, located):
    submission = located(alice, *PARK, geoprivacy="open")
    sighting_id = submission.sighting.id
    submission_geoprivacy_set(submission=submission, geoprivacy="obscured")
    public_changes_apply()
    (obscured,) = records_of(sighting_id)
    assert (obscured.seq, obscured.replaces) == (2, [1])
    assert (obscured.location.lat, obscured.location.lon) != PARK
    submission_geoprivacy_set(submission=submission, geoprivacy="private")
    public_changes_apply()
    (tombstone,) = records_of(sighting_id)
    assert (tombstone.seq, tombstone.replaces, tombstone.deleted) == (3, [1, 2], True)
    assert tombstone.location is None and tombstone.labels == []
    assert HeldRecord.objects.count() == 1  # the open version, true position and all, is gone


def test_publishing_again_changes_nothing(gossip_on, alice, located):
    submission = located(alice, *PARK, geoprivacy="obscured")
    submission_share(submission_id=submission.pk)
    submission_geoprivacy_set(submission=submission, geoprivacy="obscured")
    public_changes_apply()
    assert [record.seq for record in records_of(submission.sighting.id)] == [1]


def test_with_gossip_off_nothing_is_published(settings, alice, located):
    settings.GOSSIP_BASE_URL = ""
    located(alice, *PARK, geoprivacy="open")
    assert HeldRecord.objects.count() == 0


def test_what_bypassed_the_services_is_caught_up(settings, alice, bob, located):
    settings.GOSSIP_BASE_URL = ""
    before = located(alice, *PARK, geoprivacy="open")  # published while gossip was off
    settings.GOSSIP_BASE_URL = HOME_URL
    bobs = located(bob, 48.8566, 2.3522, geoprivacy="open")
    sighting_id = bobs.sighting.id
    User.objects.filter(pk=bob.pk).delete()  # his sightings go by cascade, past the services
    assert own_records_reconcile() == 2
    assert [r.deleted for r in records_of(before.sighting.id)] == [False]
    assert [r.deleted for r in records_of(sighting_id)] == [True]
    assert own_records_reconcile() == 0


def test_a_label_no_record_can_carry_stays_home(gossip_on, alice, located):
    submission = located(alice, *PARK, geoprivacy="open", label="two\nlines")
    (record,) = records_of(submission.sighting.id)
    assert record.labels == []
