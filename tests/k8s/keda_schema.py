"""KEDA's ScaledObject and TriggerAuthentication against a schema of KEDA 2.20.

The schemas in k8s/schemas/keda-2.20 are written from KEDA's documented fields
(their README says why no CRD is vendored). Where a developer has KEDA's own
CRDs (keda-2.20.2-crds.yaml from KEDA's release), KEDA_CRDS=that file also checks
the manifests against them, made strict the way the API server applies them.
"""

from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from tests.k8s.rendering import K8S

SCHEMAS = K8S / "schemas" / "keda-2.20"
FILES = {
    "ScaledObject": "scaledobject.schema.yaml",
    "TriggerAuthentication": "triggerauthentication.schema.yaml",
}


@cache
def documented_schema(kind: str) -> dict[str, Any]:
    schema = yaml.safe_load((SCHEMAS / FILES[kind]).read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def errors(schema: dict[str, Any], manifest: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema)
    return [
        f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(manifest)
    ]


def crd_schemas(crds: Path) -> dict[str, dict[str, Any]]:
    """kind → the CRD's openAPIV3Schema as strict JSON Schema (unknown fields refused)."""
    schemas = {}
    for crd in yaml.safe_load_all(crds.read_text()):
        if crd and crd.get("kind") == "CustomResourceDefinition":
            version = next(v for v in crd["spec"]["versions"] if v["name"] == "v1alpha1")
            schema = _strict(version["schema"]["openAPIV3Schema"])
            schema["properties"]["metadata"] = {"type": "object"}  # ObjectMeta: the API's own
            schemas[crd["spec"]["names"]["kind"]] = schema
    return schemas


def _strict(node: Any) -> Any:
    if isinstance(node, list):
        return [_strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    strict = {
        key: _strict(value) for key, value in node.items() if not key.startswith("x-kubernetes")
    }
    # The API server drops (kubectl: refuses) fields a structural schema does not name.
    open_ended = "additionalProperties" in node or node.get("x-kubernetes-preserve-unknown-fields")
    if "properties" in node and not open_ended:
        strict["additionalProperties"] = False
    return strict
