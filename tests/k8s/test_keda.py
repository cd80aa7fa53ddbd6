"""The worker's scaler: KEDA's objects are valid for KEDA 2.20, and sensible.

kubernetes-validate knows no custom resources, so KEDA's are checked here
(tests/k8s/keda_schema.py), with the rule KEDA's CRD adds in CEL
(minReplicaCount <= maxReplicaCount).
"""

import copy
import os
from pathlib import Path

import pytest

from tests.k8s.keda_schema import crd_schemas, documented_schema, errors
from tests.k8s.rendering import OVERLAYS, named, of_kind, rendered

# Every overlay but the fallback for clusters without KEDA (checked below).
KEDA_OVERLAYS = [overlay for overlay in OVERLAYS if overlay != "cpu-no-keda"]


def keda_objects(overlay: str) -> list[dict]:
    return of_kind(rendered(overlay), "ScaledObject", "TriggerAuthentication")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_overlay_but_the_fallback_scales_the_worker_with_keda(overlay: str) -> None:
    kinds = {doc["kind"] for doc in keda_objects(overlay)}
    assert kinds == (
        {"ScaledObject", "TriggerAuthentication"} if overlay in KEDA_OVERLAYS else set()
    )


@pytest.mark.parametrize("overlay", KEDA_OVERLAYS)
def test_keda_objects_match_the_documented_schema(overlay: str) -> None:
    for manifest in keda_objects(overlay):
        assert errors(documented_schema(manifest["kind"]), manifest) == []


@pytest.mark.parametrize("overlay", KEDA_OVERLAYS)
def test_replica_bounds_are_in_order(overlay: str) -> None:
    spec = named(rendered(overlay), "ScaledObject", "worker")["spec"]
    # Never zero: the worker also runs the periodic jobs (publishing, gossip).
    assert 1 <= spec["minReplicaCount"] <= spec["maxReplicaCount"]


@pytest.mark.parametrize("overlay", KEDA_OVERLAYS)
def test_it_scales_the_worker_on_the_queue_with_the_app_s_credentials(overlay: str) -> None:
    manifests = rendered(overlay)
    scaler = named(manifests, "ScaledObject", "worker")["spec"]
    assert scaler["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "worker",
    }
    (trigger,) = scaler["triggers"]
    assert trigger["type"] == "postgresql"
    auth = named(manifests, "TriggerAuthentication", trigger["authenticationRef"]["name"])
    assert auth["spec"]["secretTargetRef"] == [
        {"parameter": "connection", "name": "birdai", "key": "database-url"}
    ]
    # KEDA's scaler and the HPA it makes are the worker's only autoscaler.
    assert not [
        h
        for h in of_kind(manifests, "HorizontalPodAutoscaler")
        if h["metadata"]["name"] == "worker"
    ]


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("spec", "minReplicas"), 1),  # the HPA's spelling, not KEDA's
        (("spec", "triggers", 0, "metadata", "targetValue"), "10"),  # not a postgresql parameter
        (("spec", "triggers", 0, "metadata", "targetQueryValue"), 10),  # must be a string
        (("spec", "fallback"), {"replicas": 2}),  # failureThreshold missing
    ],
)
def test_the_schema_refuses_what_keda_would(path: tuple, value: object) -> None:
    scaler = copy.deepcopy(named(rendered("cpu"), "ScaledObject", "worker"))
    *parents, last = path
    target = scaler
    for key in parents:
        target = target[key]
    target[last] = value
    assert errors(documented_schema("ScaledObject"), scaler) != []


@pytest.mark.skipif(not os.environ.get("KEDA_CRDS"), reason="KEDA_CRDS names no KEDA CRD file")
@pytest.mark.parametrize("overlay", KEDA_OVERLAYS)
def test_keda_objects_match_keda_s_own_crds(overlay: str) -> None:
    schemas = crd_schemas(Path(os.environ["KEDA_CRDS"]))
    for manifest in keda_objects(overlay):
        assert errors(schemas[manifest["kind"]], manifest) == []
    misspelt = copy.deepcopy(named(rendered(overlay), "ScaledObject", "worker"))
    misspelt["spec"]["minReplicas"] = 1
    assert errors(schemas["ScaledObject"], misspelt) != []
