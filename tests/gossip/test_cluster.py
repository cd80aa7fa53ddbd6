"""Four real bird.ai instances on loopback gossip their sightings until every map agrees.

Each instance has its own database, port and data folder, and runs gunicorn (over
TLS, from the throw-away CA) and `manage.py worker` (which runs a gossip round
every second). They are seeded as a chain: node 2 knows node 1, node 3 knows node
2, node 4 knows node 3; the rest they learn from each other. alice uploads photos
to node 1 through its API, and its worker classifies them (the untrained model
finds nothing, which is fine: a located, classified photo is a sighting without
a label). Everything is bounded in time, and every process is stopped at the end.
"""

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PASSWORD
from tests.gossip.cluster import Databases, Instance, free_port, instance_env, multipart, wait_until
from tests.gossip.tls import Certificates

pytestmark = [pytest.mark.model, pytest.mark.cluster, pytest.mark.timeout(600)]
NODES = 4
PLACES = [
    (51.5074, -0.1278),
    (48.8566, 2.3522),
    (40.4168, -3.7038),
    (52.5163, 13.3777),
    (41.9028, 12.4964),
]
CONVERGE = 60  # seconds; a round every second makes this generous


@pytest.fixture
def cluster(
    settings, certificates: Certificates, untrained_onnx: Path, tmp_path: Path
) -> Iterator[list[Instance]]:
    db = settings.DATABASES["default"]
    databases = Databases(f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}")
    ports = [free_port() for _ in range(NODES)]
    nodes: list[Instance] = []
    try:
        for number, port in enumerate(ports, start=1):
            # Node 1's database is migrated once; the others start as copies of it.
            name = f"test_gossip_node{number}"
            url = databases.create(name, template=None if number == 1 else "test_gossip_node1")
            folder = tmp_path / name
            folder.mkdir()
            seeds = [f"https://127.0.0.1:{ports[number - 2]}"] if number > 1 else []
            env = instance_env(
                database_url=url,
                folder=folder,
                port=port,
                model=untrained_onnx,
                ca=certificates.ca,
                seeds=seeds,
            )
            nodes.append(Instance(f"node{number}", port, env, folder, certificates))
            if number == 1:
                nodes[0].migrate()
        for node in nodes:
            node.start()
        for node in nodes:
            wait_until(lambda n=node: n.call("/gossip/v1/info"), timeout=60, what=node.name)
        yield nodes
    finally:
        for node in nodes:
            node.stop()
        databases.drop_all()


def test_every_node_converges_and_one_that_was_away_catches_up(cluster, make_photo):
    node1, node2, node3, node4 = cluster
    origin = node1.call("/gossip/v1/info")["node_id"]
    token = sign_up(node1)
    uploaded = [upload(node1, token, make_photo(gps=place)) for place in PLACES[:3]]
    published(cluster, 3)
    took = converge(cluster, origin)

    # alice makes one private: its tombstone reaches every node, and it leaves every map.
    make_private(node1, token, uploaded[0])
    published(cluster, 2)
    took_tombstone = converge(cluster, origin)

    # node 3 goes away (web and worker); alice uploads two more; node 3 comes back.
    node3.stop()
    for place in PLACES[3:]:
        upload(node1, token, make_photo(gps=place))
    published(cluster, 4)
    converge([node1, node2, node4], origin)
    node3.start()
    took_catch_up = converge(cluster, origin)
    print(
        f"converged in {took:.1f} s; tombstone {took_tombstone:.1f} s; "
        f"node3 caught up {took_catch_up:.1f} s after its restart"
    )


def published(nodes: list[Instance], count: int) -> None:
    """Waits until node 1's map shows `count` sightings: its worker has classified them."""
    try:
        wait_until(lambda: len(nodes[0].sightings()) == count, timeout=120, what="node 1")
    except AssertionError:
        raise AssertionError("\n".join(n.log_tail() for n in nodes)) from None


def converge(nodes: list[Instance], origin: str) -> float:
    """Waits until every node's map holds node 1's sightings; returns how long it took."""
    started = time.monotonic()
    expected = nodes[0].sightings()

    def agreed() -> bool:
        return all(node.sightings().keys() == expected.keys() for node in nodes[1:])

    try:
        wait_until(agreed, timeout=CONVERGE, what="every node to hold node 1's sightings")
    except AssertionError:
        held = "\n".join(f"{n.name}: {sorted(n.sightings())}" for n in nodes)
        raise AssertionError(f"{held}\n" + "\n".join(n.log_tail() for n in nodes)) from None
    assert set(expected.values()) == {None}  # node 1's own
    for node in nodes[1:]:
        assert set(node.sightings().values()) == {origin}  # marked with where they come from
    return time.monotonic() - started


def sign_up(node: Instance) -> str:
    body = json.dumps({"username": "alice", "password": PASSWORD}).encode()
    return node.call("/api/v1/accounts", body, **{"Content-Type": "application/json"})["token"]


def upload(node: Instance, token: str, photo: bytes) -> str:
    body, kind = multipart({"geoprivacy": "open"}, photo)
    headers = {"Content-Type": kind, "Authorization": f"Bearer {token}"}
    return node.call("/api/v1/submissions", body, **headers)["id"]


def make_private(node: Instance, token: str, submission_id: str) -> None:
    body = json.dumps({"geoprivacy": "private"}).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    node.call(f"/api/v1/submissions/{submission_id}", body, method="PATCH", **headers)
