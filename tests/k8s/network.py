"""A small reader of NetworkPolicies: may this peer reach that one on this port?

Enough of the Kubernetes semantics for the policies in k8s/: a pod selected by no
policy of a direction is open that way; once selected, only what some rule allows
passes; a connection needs the sender's egress and the receiver's ingress.
Selectors (matchLabels, matchExpressions), namespaceSelector, ipBlock with except,
and ports by number. A peer is a pod (labels, namespace) or an address outside.
"""

import ipaddress
from dataclasses import dataclass, field
from typing import Any

type Policy = dict[str, Any]


@dataclass(frozen=True)
class Peer:
    name: str
    labels: dict[str, str] = field(default_factory=dict)
    namespace: str | None = None  # None: an address outside the cluster
    address: str | None = None

    @property
    def namespace_labels(self) -> dict[str, str]:
        return {"kubernetes.io/metadata.name": self.namespace} if self.namespace else {}


def outside(address: str) -> Peer:
    return Peer(name=address, address=address)


def reaches(
    policies: list[Policy], source: Peer, target: Peer, port: int, protocol: str = "TCP"
) -> bool:
    sends = source.namespace is None or _allows(policies, source, "Egress", target, port, protocol)
    takes = target.namespace is None or _allows(policies, target, "Ingress", source, port, protocol)
    return sends and takes


def admits(policies: list[Policy], target: Peer, source: Peer, port: int) -> bool:
    """The receiver's side alone: would TARGET take it, whatever SOURCE may send?"""
    return _allows(policies, target, "Ingress", source, port, "TCP")


def isolated(policies: list[Policy], pod: Peer, direction: str) -> bool:
    return bool(_selecting(policies, pod, direction))


def _selecting(policies: list[Policy], pod: Peer, direction: str) -> list[Policy]:
    return [
        policy
        for policy in policies
        if policy["metadata"]["namespace"] == pod.namespace
        and direction in policy["spec"].get("policyTypes", ["Ingress"])
        and selects(policy["spec"]["podSelector"], pod.labels)
    ]


def _allows(
    policies: list[Policy], pod: Peer, direction: str, other: Peer, port: int, protocol: str
) -> bool:
    selecting = _selecting(policies, pod, direction)
    if not selecting:
        return True
    key, peers_key = ("ingress", "from") if direction == "Ingress" else ("egress", "to")
    return any(
        _port_matches(rule.get("ports"), port, protocol)
        and _peer_matches(rule.get(peers_key), other, policy["metadata"]["namespace"])
        for policy in selecting
        for rule in policy["spec"].get(key, [])
    )


def _port_matches(ports: list[dict[str, Any]] | None, port: int, protocol: str) -> bool:
    if not ports:
        return True
    return any(
        entry.get("protocol", "TCP") == protocol and entry.get("port") in (None, port)
        for entry in ports
    )


def _peer_matches(peers: list[dict[str, Any]] | None, other: Peer, namespace: str) -> bool:
    if not peers:
        return True
    return any(_one_peer(peer, other, namespace) for peer in peers)


def _one_peer(peer: dict[str, Any], other: Peer, namespace: str) -> bool:
    if "ipBlock" in peer:
        return other.address is not None and _in_block(peer["ipBlock"], other.address)
    if other.namespace is None:
        return False
    if "namespaceSelector" in peer:
        in_namespace = selects(peer["namespaceSelector"], other.namespace_labels)
    else:
        in_namespace = other.namespace == namespace
    return in_namespace and selects(peer.get("podSelector", {}), other.labels)


def _in_block(block: dict[str, Any], address: str) -> bool:
    ip = ipaddress.ip_address(address)
    cidr = ipaddress.ip_network(block["cidr"])
    if ip.version != cidr.version or ip not in cidr:
        return False
    return not any(
        ip.version == ipaddress.ip_network(excluded).version
        and ip in ipaddress.ip_network(excluded)
        for excluded in block.get("except", [])
    )


def selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    if any(labels.get(key) != value for key, value in selector.get("matchLabels", {}).items()):
        return False
    return all(
        _expression(expression, labels) for expression in selector.get("matchExpressions", [])
    )


def _expression(expression: dict[str, Any], labels: dict[str, str]) -> bool:
    key, operator, values = expression["key"], expression["operator"], expression.get("values", [])
    match operator:
        case "In":
            return labels.get(key) in values
        case "NotIn":
            return labels.get(key) not in values
        case "Exists":
            return key in labels
        case "DoesNotExist":
            return key not in labels
    raise ValueError(f"unknown selector operator {operator}")
