"""Every Terraform folder is formatted, valid, and passes its `terraform test` (mocked AWS).

No AWS at all here: `terraform test` runs each folder's tests/*.tftest.hcl against
`mock_provider "aws"` (terraform/mocks/), which makes up what AWS would answer.
"""

import re

import pytest

from tests.iac.terraform import ROOTS, TERRAFORM_DIR, Terraform

MODULES = tuple(
    sorted(
        f"modules/{path.name}" for path in (TERRAFORM_DIR / "modules").iterdir() if path.is_dir()
    )
)
FOLDERS = ROOTS + MODULES


def test_every_root_and_module_has_tests() -> None:
    untested = [
        folder
        for folder in FOLDERS
        if not list((TERRAFORM_DIR / folder / "tests").glob("*.tftest.hcl"))
    ]
    expected = ("certificate", "compute", "database", "eks", "network", "storage_cdn")
    assert tuple(f"modules/{name}" for name in expected) == MODULES
    assert untested == []


def test_formatted(terraform: Terraform) -> None:
    result = terraform.run(".", "fmt", "-check", "-recursive", "-diff")
    assert result.returncode == 0, (
        f"run `terraform fmt -recursive terraform` to fix:\n{result.output}"
    )


@pytest.mark.parametrize("folder", FOLDERS)
def test_valid(terraform: Terraform, folder: str) -> None:
    terraform.init(folder)
    result = terraform.run(folder, "validate").check()
    assert "The configuration is valid" in result.output


@pytest.mark.parametrize("folder", FOLDERS)
def test_terraform_test_passes(terraform: Terraform, folder: str) -> None:
    terraform.init(folder)
    result = terraform.run(folder, "test", timeout=300).check()
    summary = re.search(r"Success! (\d+) passed, 0 failed\.", result.output)
    assert summary, result.output[-4000:]
    assert int(summary[1]) >= 2, f"{folder}: too few runs\n{result.output}"
