"""Every overlay renders, and what it renders passes the tools a reviewer would run.

- kubernetes-validate --strict: each object against the Kubernetes API's own
  schemas (offline; unknown fields are errors), for the newest version it knows
  and an older one EKS still runs. KEDA's kinds are not in them: test_keda.py.
- checkov over the rendered manifests: clean, each skip justified in the
  manifest's checkov.io/skip annotations (base/, components/). checkov lives in
  .venv-tools (make tools); the test skips, saying so, where it is missing.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.k8s.rendering import (
    K8S,
    KUBERNETES_VERSIONS,
    OVERLAYS,
    rendered,
    rendered_text,
    write_rendered,
)

CHECKOV = K8S.parent / ".venv-tools" / "bin" / "checkov"
KEDA_KINDS = {"ScaledObject", "TriggerAuthentication"}
KUBERNETES_VALIDATE = (sys.executable, "-m", "kubernetes_validate", "--strict", "--quiet")
# --skip-download: checkov would fetch its guideline links from Prisma Cloud.
CHECKOV_ARGS = (
    str(CHECKOV),
    "--quiet",
    "--compact",
    "--skip-download",
    "--framework",
    "kubernetes",
)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_renders_something_to_deploy(overlay: str) -> None:
    kinds = {doc["kind"] for doc in rendered(overlay)}
    assert {"Deployment", "Service", "Ingress", "NetworkPolicy", "Job"} <= kinds


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_kubernetes_validate_strict(overlay: str, version: str, tmp_path: Path) -> None:
    manifests = tmp_path / f"{overlay}.yaml"
    manifests.write_text(rendered_text(overlay))
    result = subprocess.run(
        [*KUBERNETES_VALIDATE, "--kubernetes-version", version, str(manifests)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    # A kind it has no schema for is a warning; only KEDA's may be unknown to it.
    unknown = [line for line in result.stdout.splitlines() if line.startswith("WARN")]
    assert all(any(kind in line for kind in KEDA_KINDS) for line in unknown), unknown
    assert result.returncode == 0, result.stdout + result.stderr


def test_kubernetes_validate_catches_a_misspelt_field(tmp_path: Path) -> None:
    """The check above can fail: a Deployment with a typo is refused."""
    broken = rendered_text("cpu").replace("readinessProbe:", "readynessProbe:", 1)
    manifests = tmp_path / "broken.yaml"
    manifests.write_text(broken)
    result = subprocess.run(
        [*KUBERNETES_VALIDATE, str(manifests)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert "readynessProbe" in result.stdout


def test_checkov_finds_nothing_unjustified(tmp_path: Path) -> None:
    if not CHECKOV.exists():
        pytest.skip("checkov is not installed: make tools (it lives in .venv-tools)")
    write_rendered(tmp_path)
    result = subprocess.run(
        [*CHECKOV_ARGS, "--directory", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
