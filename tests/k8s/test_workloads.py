"""Every pod, in every overlay: pinned images, sized resources, locked down, probed.

What a reviewer checks by hand, asserted on the manifests `kubectl kustomize`
renders (so a patch in an overlay cannot quietly undo it).
"""

import re

import pytest

from tests.k8s.rendering import OVERLAYS, component, containers, of_kind, pod_spec, rendered

DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")
SERVED = {"web": 8000, "inference": 8001}  # the components with HTTP, and their ports


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_images_are_pinned_by_tag(overlay: str) -> None:
    for workload, container in containers(rendered(overlay)):
        image = container["image"]
        name, _, digest = image.partition("@")
        assert not digest or DIGEST.search(image), image
        repository, _, tag = name.rpartition(":")
        assert repository and "/" not in tag, f"{workload['metadata']['name']}: {image} has no tag"
        assert tag != "latest", image


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_container_has_requests_and_limits(overlay: str) -> None:
    for workload, container in containers(rendered(overlay)):
        resources = container["resources"]
        for kind in ("requests", "limits"):
            assert {"cpu", "memory"} <= resources[kind].keys(), (workload["metadata"]["name"], kind)
        assert mebibytes(resources["limits"]["memory"]) >= mebibytes(
            resources["requests"]["memory"]
        )


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_pods_run_unprivileged_on_a_read_only_root(overlay: str) -> None:
    for workload, container in containers(rendered(overlay)):
        spec = pod_spec(workload)
        name = workload["metadata"]["name"]
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, name
        assert spec["automountServiceAccountToken"] is False, name
        assert not {"hostNetwork", "hostPID", "hostIPC"} & spec.keys(), name
        assert all("hostPath" not in volume for volume in spec.get("volumes", [])), name
        context = container["securityContext"]
        assert context["allowPrivilegeEscalation"] is False, name
        assert context["readOnlyRootFilesystem"] is True, name
        assert context.get("privileged", False) is False, name
        assert context["capabilities"]["drop"] == ["ALL"], name
        assert "add" not in context["capabilities"], name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_what_the_app_writes_has_a_volume(overlay: str) -> None:
    """The root is read-only: /tmp (uploads spilling to disk, gunicorn) is an emptyDir."""
    for workload, container in containers(rendered(overlay)):
        mounts = {mount["mountPath"] for mount in container["volumeMounts"]}
        assert "/tmp" in mounts, workload["metadata"]["name"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_service_accounts_carry_no_api_token(overlay: str) -> None:
    for account in of_kind(rendered(overlay), "ServiceAccount"):
        assert account["automountServiceAccountToken"] is False, account["metadata"]["name"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_http_services_are_probed_on_healthz_and_readyz(overlay: str) -> None:
    probed = set()
    for workload, container in containers(rendered(overlay)):
        if component(workload) not in SERVED:
            continue
        port = SERVED[component(workload)]
        assert container["ports"] == [{"name": "http", "containerPort": port}]
        assert http_path(container["livenessProbe"]) == "/healthz"
        assert http_path(container["readinessProbe"]) == "/readyz"
        # Migrations (web) and the model's loading (inference) come before /healthz.
        assert http_path(container["startupProbe"]) == "/healthz"
        probed.add(component(workload))
    assert probed == set(SERVED)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_web_readiness_does_not_wait_for_a_worker(overlay: str) -> None:
    """A worker restarting must not take every web pod out of the Service at once."""
    for workload, container in containers(rendered(overlay)):
        if component(workload) == "web":
            env = {item["name"]: item.get("value") for item in container["env"]}
            assert env["BIRDAI_READY_NEEDS_WORKER"] == "0"


def http_path(probe: dict[str, object]) -> object:
    action = probe["httpGet"]
    assert isinstance(action, dict) and action["port"] == "http"
    return action["path"]


def mebibytes(quantity: str) -> float:
    units = {"Mi": 1, "Gi": 1024}
    return float(quantity[:-2]) * units[quantity[-2:]]
