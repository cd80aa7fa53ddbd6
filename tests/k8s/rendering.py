"""The Kubernetes manifests as the cluster would get them: every overlay, rendered.

`kubectl kustomize` builds each overlay in k8s/overlays; the tests read the YAML it
prints. Without kubectl the tests skip, saying so (it is in this machine's image;
Debian's package is kubernetes-client).
"""

import shutil
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

K8S = Path(__file__).resolve().parents[2] / "k8s"
OVERLAYS = sorted(path.name for path in (K8S / "overlays").iterdir() if path.is_dir())
# The newest Kubernetes that kubernetes-validate knows, and the oldest that EKS
# still supports as standard (14 months each): what a student's cluster may run.
KUBERNETES_VERSIONS = ("1.37.0", "1.34.0")

type Manifest = dict[str, Any]


def kubectl() -> str:
    found = shutil.which("kubectl")
    if found is None:
        pytest.skip("kubectl is not installed: it renders the kustomize overlays (apt: kubectl)")
    return found


@cache
def rendered_text(overlay: str) -> str:
    result = subprocess.run(
        [kubectl(), "kustomize", str(K8S / "overlays" / overlay)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"kubectl kustomize {overlay}:\n{result.stderr}"
    return result.stdout


@cache
def _parsed(overlay: str) -> tuple[Manifest, ...]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return tuple(doc for doc in yaml.load_all(rendered_text(overlay), Loader=loader) if doc)


def rendered(overlay: str) -> list[Manifest]:
    """The overlay's objects, parsed once: read them, never change them."""
    return list(_parsed(overlay))


def write_rendered(folder: Path) -> list[Path]:
    """Each overlay's manifests in FOLDER/<overlay>.yaml, for the command-line checkers."""
    paths = []
    for overlay in OVERLAYS:
        path = folder / f"{overlay}.yaml"
        path.write_text(rendered_text(overlay))
        paths.append(path)
    return paths


def of_kind(manifests: list[Manifest], *kinds: str) -> list[Manifest]:
    return [doc for doc in manifests if doc["kind"] in kinds]


def named(manifests: list[Manifest], kind: str, name: str) -> Manifest:
    matches = [doc for doc in of_kind(manifests, kind) if doc["metadata"]["name"] == name]
    assert len(matches) == 1, f"{kind}/{name}: {len(matches)} found"
    return matches[0]


def pod_spec(workload: Manifest) -> dict[str, Any]:
    return workload["spec"]["template"]["spec"]


def containers(manifests: list[Manifest]) -> Iterator[tuple[Manifest, dict[str, Any]]]:
    """(workload, container) for every container of every Deployment, StatefulSet and Job."""
    for workload in of_kind(manifests, "Deployment", "StatefulSet", "Job"):
        spec = pod_spec(workload)
        for container in spec.get("initContainers", []) + spec["containers"]:
            yield workload, container


def component(workload: Manifest) -> str:
    return workload["metadata"]["labels"]["app.kubernetes.io/component"]
