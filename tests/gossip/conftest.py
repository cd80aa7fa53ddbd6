"""Fixtures for the gossip tests: the named actors of tests/gossip/actors.py."""

import random

import pytest

from gossip.node import Node
from gossip.signing import NodeKey
from tests.gossip.actors import key_of, node_of


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
