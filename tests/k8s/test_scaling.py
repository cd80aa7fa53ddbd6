"""Replicas: who scales what, and what a node drain may take away.

The web pods and the model follow their CPU (HorizontalPodAutoscaler); the worker
its queue (KEDA, test_keda.py) or, without KEDA, its CPU. Every Deployment has a
PodDisruptionBudget whose selector finds its pods, and every Service finds its pods.
"""

import pytest

from tests.k8s.network import selects
from tests.k8s.rendering import OVERLAYS, named, of_kind, rendered


def autoscaler(overlay: str, name: str) -> dict:
    return named(rendered(overlay), "HorizontalPodAutoscaler", name)["spec"]


def cpu_target(spec: dict) -> int:
    (metric,) = spec["metrics"]
    assert metric["type"] == "Resource" and metric["resource"]["name"] == "cpu"
    return metric["resource"]["target"]["averageUtilization"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_web_scales_on_cpu_and_keeps_two(overlay: str) -> None:
    spec = autoscaler(overlay, "web")
    assert spec["scaleTargetRef"]["name"] == "web"
    assert 2 <= spec["minReplicas"] < spec["maxReplicas"]
    assert 0 < cpu_target(spec) <= 100


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_inference_scales_on_cpu_except_on_a_gpu(overlay: str) -> None:
    scalers = [h["metadata"]["name"] for h in of_kind(rendered(overlay), "HorizontalPodAutoscaler")]
    if overlay.endswith("gpu"):
        assert "inference" not in scalers  # one pod per GPU; its CPU says nothing
    else:
        assert 0 < cpu_target(autoscaler(overlay, "inference")) <= 100


def test_without_keda_the_worker_follows_its_cpu() -> None:
    spec = autoscaler("cpu-no-keda", "worker")
    assert spec["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "worker",
    }
    assert spec["minReplicas"] >= 1
    assert 0 < cpu_target(spec) <= 100


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_deployment_has_a_disruption_budget_that_finds_it(overlay: str) -> None:
    manifests = rendered(overlay)
    budgets = of_kind(manifests, "PodDisruptionBudget")
    for deployment in of_kind(manifests, "Deployment"):
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        matching = [b for b in budgets if selects(b["spec"]["selector"], labels)]
        assert len(matching) == 1, deployment["metadata"]["name"]
    web = named(manifests, "PodDisruptionBudget", "web")["spec"]
    assert web["minAvailable"] == 1, "a drain leaves one web pod serving"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_services_and_the_ingress_find_their_pods(overlay: str) -> None:
    manifests = rendered(overlay)
    pod_labels = [
        w["spec"]["template"]["metadata"]["labels"]
        for w in of_kind(manifests, "Deployment", "StatefulSet")
    ]
    for service in of_kind(manifests, "Service"):
        found = [
            labels
            for labels in pod_labels
            if selects({"matchLabels": service["spec"]["selector"]}, labels)
        ]
        assert len(found) == 1, service["metadata"]["name"]
    (rule,) = named(manifests, "Ingress", "web")["spec"]["rules"]
    assert rule["http"]["paths"][0]["backend"]["service"] == {
        "name": "web",
        "port": {"name": "http"},
    }


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_an_autoscaled_deployment_states_no_replicas(overlay: str) -> None:
    """`kubectl apply` would otherwise reset the count its autoscaler chose."""
    manifests = rendered(overlay)
    scaled = {
        h["spec"]["scaleTargetRef"]["name"] for h in of_kind(manifests, "HorizontalPodAutoscaler")
    }
    scaled |= {s["spec"]["scaleTargetRef"]["name"] for s in of_kind(manifests, "ScaledObject")}
    assert {"web", "worker"} <= scaled
    for deployment in of_kind(manifests, "Deployment"):
        if deployment["metadata"]["name"] in scaled:
            assert "replicas" not in deployment["spec"], deployment["metadata"]["name"]
