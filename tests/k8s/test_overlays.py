"""What each overlay promises: state in the cluster or on AWS, the GPU, the host name."""

import pytest

from tests.k8s.rendering import OVERLAYS, named, of_kind, pod_spec, rendered

GPU = "nvidia.com/gpu"


def config(overlay: str) -> dict[str, str]:
    return named(rendered(overlay), "ConfigMap", "birdai-config")["data"]


def container(overlay: str, name: str) -> dict:
    (only,) = pod_spec(named(rendered(overlay), "Deployment", name))["containers"]
    return only


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_host_is_one_setting(overlay: str) -> None:
    """The Ingress's host and its certificate's are the ConfigMap's PUBLIC_HOST."""
    ingress = named(rendered(overlay), "Ingress", "web")["spec"]
    host = config(overlay)["PUBLIC_HOST"]
    assert [rule["host"] for rule in ingress["rules"]] == [host]
    assert [entry["hosts"] for entry in ingress["tls"]] == [[host]]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_state_lives_in_the_cluster_or_on_aws(overlay: str) -> None:
    manifests = rendered(overlay)
    if overlay.startswith("ca4-eks"):
        assert of_kind(manifests, "StatefulSet", "PersistentVolumeClaim") == []
        assert config(overlay)["BIRDAI_S3_BUCKET"] and config(overlay)["BIRDAI_SERVE_MEDIA"] == "0"
        account = named(manifests, "ServiceAccount", "birdai")
        assert account["metadata"]["annotations"]["eks.amazonaws.com/role-arn"].startswith(
            "arn:aws:iam::"
        )
        assert named(manifests, "Ingress", "web")["spec"]["ingressClassName"] == "alb"
    else:
        assert named(manifests, "StatefulSet", "postgis")
        assert "BIRDAI_S3_BUCKET" not in config(overlay)
        for name in ("web", "worker"):
            mounts = {m["mountPath"]: m["name"] for m in container(overlay, name)["volumeMounts"]}
            assert mounts["/data"] == "data", f"{name} sees the photos"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_only_inference_asks_for_a_gpu_and_only_in_gpu_overlays(overlay: str) -> None:
    inference = container(overlay, "inference")
    spec = pod_spec(named(rendered(overlay), "Deployment", "inference"))
    if overlay.endswith("gpu"):
        assert inference["resources"]["limits"][GPU] == 1
        assert spec["nodeSelector"] == {"nvidia.com/gpu.present": "true"}
        assert {"key": GPU, "operator": "Exists", "effect": "NoSchedule"} in spec["tolerations"]
        assert inference["image"].endswith("-gpu")
        assert {"name": "BIRDAI_MODEL_DEVICE", "value": "cuda"} in inference["env"]
    else:
        assert GPU not in inference["resources"]["limits"]
        assert "tolerations" not in spec
    for name in ("web", "worker"):
        assert GPU not in container(overlay, name)["resources"]["limits"]
        assert not container(overlay, name)["image"].endswith("-gpu")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_worker_uses_the_inference_service(overlay: str) -> None:
    assert config(overlay)["BIRDAI_INFERENCE_URL"] == "http://inference:8001"
    assert named(rendered(overlay), "Service", "inference")["spec"]["ports"][0]["port"] == 8001
