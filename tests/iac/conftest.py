"""What the infrastructure-as-code tests share: Terraform, offline, in copies of terraform/.

These run with `make test-iac`. They need the terraform CLI and an offline mirror of
the hashicorp/aws provider (tests/iac/terraform.py says where it looks), and skip,
saying which is missing, without them.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.iac.moto_stages import Deployment, MotoStages
from tests.iac.terraform import Terraform, copy_tree, missing_reason

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Time enough for any of these tests to apply (setup) or destroy (teardown) both roots:
    the session's fixture does that in whichever test first needs it and after the last."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.timeout(1200))


@pytest.fixture(scope="session")
def terraform_here() -> None:
    reason = missing_reason()
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="session")
def terraform(terraform_here: None, tmp_path_factory: pytest.TempPathFactory) -> Terraform:
    """Terraform in a throw-away copy of terraform/: lock files and state land there, not in git."""
    return Terraform(copy_tree(tmp_path_factory.mktemp("iac")))


@pytest.fixture(scope="session")
def moto_stages(
    terraform_here: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Deployment]]:
    """ca2-storage and ca3-ntier applied to moto (both at once); destroyed at the end, always.

    The destroy is checked here: both roots must go, and with them every bucket,
    database, distribution and instance they made.
    """
    stages = MotoStages(tmp_path_factory.mktemp("moto"))
    try:
        yield stages.apply()
        results = stages.destroy()
        for result in results.values():
            result.check()
        assert {folder: stages.leftovers(folder) for folder in results} == {
            folder: {"buckets": [], "databases": [], "distributions": [], "instances": []}
            for folder in results
        }
    finally:
        stages.destroy()  # nothing left to do, unless something above failed
        stages.stop()
