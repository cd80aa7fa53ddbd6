"""Who may talk to whom, read off each overlay's NetworkPolicies (tests/k8s/network.py).

Only web, worker and the migrations reach the database; only the worker reaches
the inference service; only the ingress (Traefik, or the ALB on EKS) reaches the
web pods; peers (gossip) and AWS's APIs on 443 at public addresses only; and DNS.
"""

import pytest

from tests.k8s.network import Peer, admits, isolated, outside, reaches
from tests.k8s.rendering import OVERLAYS, component, of_kind, rendered

NAMESPACE = "birdai"
TRAEFIK = Peer("traefik", {"app.kubernetes.io/name": "traefik"}, "traefik")
KUBE_DNS = Peer("kube-dns", {"k8s-app": "kube-dns"}, "kube-system")
KEDA = Peer("keda-operator", {"app.kubernetes.io/name": "keda-operator"}, "keda")
PUBLIC = outside("93.184.215.14")  # some server on the internet, a peer deployment
METADATA = outside("169.254.169.254")  # the cloud's instance metadata service
IN_VPC = outside("10.0.101.20")  # RDS, or the ALB, in terraform/ca4-eks's VPC
DATABASE_CLIENTS = {"web", "worker", "migrate"}


def pods(overlay: str) -> dict[str, Peer]:
    workloads = of_kind(rendered(overlay), "Deployment", "StatefulSet", "Job")
    return {
        component(w): Peer(component(w), w["spec"]["template"]["metadata"]["labels"], NAMESPACE)
        for w in workloads
    }


def policies(overlay: str) -> list[dict]:
    return of_kind(rendered(overlay), "NetworkPolicy")


def on_eks(overlay: str) -> bool:
    return overlay.startswith("ca4-eks")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_pod_is_closed_both_ways_by_default(overlay: str) -> None:
    for pod in pods(overlay).values():
        assert isolated(policies(overlay), pod, "Ingress"), pod.name
        assert isolated(policies(overlay), pod, "Egress"), pod.name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_pod_may_ask_the_cluster_dns(overlay: str) -> None:
    for pod in pods(overlay).values():
        assert reaches(policies(overlay), pod, KUBE_DNS, 53, "UDP"), pod.name
        assert reaches(policies(overlay), pod, KUBE_DNS, 53, "TCP"), pod.name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_only_web_worker_and_migrations_reach_the_database(overlay: str) -> None:
    found = pods(overlay)
    rules = policies(overlay)
    database = IN_VPC if on_eks(overlay) else found["database"]
    for name, pod in found.items():
        if name != "database":
            assert reaches(rules, pod, database, 5432) == (name in DATABASE_CLIENTS), name
            if not on_eks(overlay):  # both sides guard it: the database admits them only
                assert admits(rules, database, pod, 5432) == (name in DATABASE_CLIENTS), name
    if not on_eks(overlay):
        assert reaches(rules, KEDA, database, 5432), "KEDA counts the queue there"
        assert not reaches(rules, TRAEFIK, database, 5432)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_only_the_worker_reaches_inference(overlay: str) -> None:
    found = pods(overlay)
    for name, pod in found.items():
        allowed = reaches(policies(overlay), pod, found["inference"], 8001)
        assert allowed == (name == "worker"), name
        assert admits(policies(overlay), found["inference"], pod, 8001) == (name == "worker"), name
    assert not reaches(policies(overlay), TRAEFIK, found["inference"], 8001)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_only_the_ingress_reaches_the_web_pods(overlay: str) -> None:
    found = pods(overlay)
    rules = policies(overlay)
    ingress = IN_VPC if on_eks(overlay) else TRAEFIK
    assert reaches(rules, ingress, found["web"], 8000)
    assert not reaches(rules, PUBLIC, found["web"], 8000)
    assert not reaches(rules, ingress, found["web"], 8001)
    for name, pod in found.items():
        assert not reaches(rules, pod, found["web"], 8000), name
        assert not admits(rules, found["web"], pod, 8000), name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_https_out_goes_to_public_addresses_only(overlay: str) -> None:
    """Gossip from the worker; S3 and STS from the web pods too on EKS."""
    found = pods(overlay)
    rules = policies(overlay)
    talks_out = {"worker", "web"} if on_eks(overlay) else {"worker"}
    for name, pod in found.items():
        assert reaches(rules, pod, PUBLIC, 443) == (name in talks_out), name
        assert not reaches(rules, pod, PUBLIC, 80), name
        assert not reaches(rules, pod, METADATA, 80), name
        assert not reaches(rules, pod, METADATA, 443), name
        for private in ("10.1.2.3", "172.20.0.10", "192.168.1.1", "fd00::1"):
            assert not reaches(rules, pod, outside(private), 443), (name, private)
