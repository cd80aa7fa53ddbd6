"""Fixtures for the gossip tests: the named actors of tests/gossip/actors.py, and for the
deployment's side, its settings and peers behind real HTTPS on loopback."""

import random
from collections.abc import Iterator

import pytest

from gossip.protocol.node import Node
from gossip.protocol.signing import NodeKey
from tests.gossip.actors import key_of, node_of
from tests.gossip.https_server import https_server, node_handle
from tests.gossip.tls import Certificates, certificates_make


@pytest.fixture
def alice_node() -> Node:
    return node_of("alice")


@pytest.fixture
def bob_node() -> Node:
    return node_of("bob")


@pytest.fixture
def mallory_key() -> NodeKey:
    return key_of("mallory")


@pytest.fixture
def rng() -> random.Random:
    return random.Random(7)


# --- The deployment under test (Django), and peers behind real HTTPS on loopback ---

HOME_URL = "https://home.birdai.example"  # the deployment under test; alice has photos there


@pytest.fixture(scope="session")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    return certificates_make(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def gossip_on(settings, certificates: Certificates) -> None:
    """Gossip on, as a deployment runs it: https only, no private addresses."""
    settings.GOSSIP_BASE_URL = HOME_URL
    settings.GOSSIP_SEEDS = []
    settings.GOSSIP_ALLOW_PRIVATE = False
    settings.GOSSIP_RATE = 1000
    settings.GOSSIP_TIMEOUT = 2
    settings.GOSSIP_CA_BUNDLE = str(certificates.ca)


@pytest.fixture
def loopback_peers(settings, gossip_on: None) -> None:
    """Peers on this machine are allowed, as in the tests on loopback and a classroom."""
    settings.GOSSIP_ALLOW_PRIVATE = True


@pytest.fixture
def bob_online(certificates: Certificates) -> Iterator[Node]:
    """bob's node (in memory) answering over real HTTPS at 127.0.0.1."""
    bob = node_of("bob")
    with https_server(certificates, node_handle(bob)) as url:
        bob.base_url = url
        yield bob
