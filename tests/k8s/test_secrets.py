"""No secret value in git: the Secret "birdai" is made by hand, and only named here.

The manifests may refer to it (a volume of some of its keys, KEDA's
secretTargetRef, the Ingress's TLS Secret), never carry a value: no Secret
object, no secret-looking setting in a ConfigMap or in a container's env.
"""

import re
from typing import Any

import pytest

from tests.k8s.rendering import OVERLAYS, containers, of_kind, pod_spec, rendered

SECRET = "birdai"
# What docs/stages/ca4.md tells the student to put in it (postgres-password: in-cluster only).
KEYS = {"secret-key", "database-url", "postgres-password"}
SECRETISH = re.compile(r"SECRET|PASSWORD|TOKEN|DATABASE_URL$|ACCESS_KEY", re.IGNORECASE)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_no_secret_object_is_rendered(overlay: str) -> None:
    assert of_kind(rendered(overlay), "Secret") == []


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_no_secret_value_in_a_configmap_or_env(overlay: str) -> None:
    manifests = rendered(overlay)
    for config in of_kind(manifests, "ConfigMap"):
        for key, value in config["data"].items():
            # BIRDAI_SECRET_KEY_FILE is where a secret is, not what it is.
            assert not SECRETISH.search(key) or key.endswith("_FILE"), (key, value)
    for workload, container in containers(manifests):
        for item in container.get("env", []):
            if "value" in item and SECRETISH.search(item["name"]):
                assert item["name"].endswith("_FILE"), (workload["metadata"]["name"], item)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_secret_is_referred_to_by_name_and_key_only(overlay: str) -> None:
    references = list(secret_references(rendered(overlay)))
    assert references, "nothing reads the Secret"
    for name, key in references:
        assert name == SECRET and key in KEYS, (name, key)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_app_reads_its_secrets_from_files(overlay: str) -> None:
    """Web, worker and migrations: BIRDAI_SECRET_KEY_FILE and DATABASE_URL_FILE, mounted."""
    manifests = rendered(overlay)
    paths = {}
    for config in of_kind(manifests, "ConfigMap"):
        paths |= {k: v for k, v in config["data"].items() if k.endswith("_FILE")}
    assert set(paths) == {"BIRDAI_SECRET_KEY_FILE", "DATABASE_URL_FILE"}
    for workload, container in containers(manifests):
        if workload["metadata"]["labels"]["app.kubernetes.io/component"] in {"web", "worker"}:
            mounts = {m["mountPath"] for m in container["volumeMounts"]}
            assert all(path.rsplit("/", 1)[0] in mounts for path in paths.values())


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_inference_service_gets_no_secret(overlay: str) -> None:
    for workload, container in containers(rendered(overlay)):
        if workload["metadata"]["name"] == "inference":
            volumes = pod_spec(workload).get("volumes", [])
            assert not any("secret" in volume for volume in volumes)
            assert not any(
                "secretKeyRef" in item.get("valueFrom", {}) for item in container.get("env", [])
            )


def secret_references(manifests: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(Secret, key) for every place a workload or KEDA reads the Secret from."""
    found = []
    for workload, container in containers(manifests):
        assert not any("secretRef" in source for source in container.get("envFrom", []))
        for item in container.get("env", []):
            if ref := item.get("valueFrom", {}).get("secretKeyRef"):
                found.append((ref["name"], ref["key"]))
        for volume in pod_spec(workload).get("volumes", []):
            if source := volume.get("secret"):
                # Named keys only: a whole Secret mounted would expose keys added later.
                found += [(source["secretName"], item["key"]) for item in source["items"]]
    for auth in of_kind(manifests, "TriggerAuthentication"):
        found += [(ref["name"], ref["key"]) for ref in auth["spec"]["secretTargetRef"]]
    return found
