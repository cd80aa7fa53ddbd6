"""The benchmarks' tests run them on the classifier tests' small models."""

from tests.classifier.conftest import (  # noqa: F401 - fixtures
    lively_onnx,
    lively_weights,
)
