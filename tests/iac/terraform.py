"""Terraform for the tests: the CLI, the offline provider mirror, and bounded runs.

Nothing here downloads a provider: Terraform is given a CLI configuration whose only
installation method is a filesystem mirror of hashicorp/aws on this machine. Where
the CLI or the mirror is missing, the tests skip and say which.
"""

import json
import os
import platform
import re
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.conftest import REPO_ROOT

TERRAFORM_DIR = REPO_ROOT / "terraform"
ROOTS = ("ca1-single-vm", "ca2-storage", "ca3-ntier", "ca4-eks")
PROVIDER = "registry.terraform.io/hashicorp/aws"
# Where machine images put provider mirrors; BIRDAI_TF_PLUGIN_DIR names another.
MIRROR_CANDIDATES = (
    "/opt/tf-plugins",
    "/usr/share/terraform/plugins",
    "/usr/local/share/terraform/plugins",
    "~/.terraform.d/plugins",
    "~/.local/share/terraform/plugins",
)


def pinned_provider_version() -> str:
    """The exact hashicorp/aws version the roots pin (all four pin the same one)."""
    versions = {
        re.search(
            r'version\s*=\s*"(\d+\.\d+\.\d+)"', (TERRAFORM_DIR / root / "versions.tf").read_text()
        )[1]  # type: ignore[index]
        for root in ROOTS
    }
    assert len(versions) == 1, f"the roots pin different provider versions: {versions}"
    return versions.pop()


def platform_name() -> str:
    """Terraform's name for this machine's platform, e.g. linux_amd64."""
    machine = {"x86_64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(
        platform.machine(), platform.machine()
    )
    return f"{platform.system().lower()}_{machine}"


def mirror_has_provider(mirror: Path, version: str) -> bool:
    """The mirror holds hashicorp/aws at this version for this platform, unpacked or packed."""
    base = mirror / PROVIDER
    unpacked = base / version / platform_name()
    packed = base / f"terraform-provider-aws_{version}_{platform_name()}.zip"
    return any(unpacked.glob("terraform-provider-aws_*")) or packed.is_file()


def find_mirror(version: str) -> Path | None:
    """The first mirror that has the pinned provider, or None."""
    named = os.environ.get("BIRDAI_TF_PLUGIN_DIR")
    for candidate in ([named] if named else []) + list(MIRROR_CANDIDATES):
        path = Path(candidate).expanduser()
        if mirror_has_provider(path, version):
            return path
    return None


def missing_reason() -> str | None:
    """Why the Terraform tests cannot run here, or None when they can."""
    if shutil.which("terraform") is None:
        return "the terraform CLI is not on PATH"
    version = pinned_provider_version()
    if find_mirror(version) is None:
        places = ", ".join(
            ([os.environ["BIRDAI_TF_PLUGIN_DIR"]] if os.environ.get("BIRDAI_TF_PLUGIN_DIR") else [])
            + list(MIRROR_CANDIDATES)
        )
        return (
            f"no offline mirror of {PROVIDER} {version} for {platform_name()} in {places} "
            "(set BIRDAI_TF_PLUGIN_DIR); the tests never download a provider"
        )
    return None


@dataclass
class Started:
    """A terraform run in the background, writing to its log."""

    args: list[str]
    process: subprocess.Popen[bytes]
    log: Path


@dataclass
class Result:
    """What one terraform command did."""

    args: list[str]
    returncode: int
    output: str

    def check(self) -> "Result":
        assert self.returncode == 0, (
            f"terraform {' '.join(self.args)} exited {self.returncode}:\n{self.output[-6000:]}"
        )
        return self


class Terraform:
    """Runs terraform offline in a copy of terraform/, each folder with its own data dir."""

    def __init__(self, workdir: Path, extra_env: dict[str, str] | None = None) -> None:
        self.workdir = workdir
        self.initialised: set[str] = set()
        self.runs = 0
        mirror = find_mirror(pinned_provider_version())
        assert mirror is not None, missing_reason()
        config = workdir / "offline.tfrc"
        # The filesystem mirror is the only installation method: no registry, ever.
        config.write_text(
            "provider_installation {\n"
            f"  filesystem_mirror {{\n    path    = {json.dumps(str(mirror))}\n"
            '    include = ["registry.terraform.io/hashicorp/*"]\n  }\n}\n'
        )
        self.env = {
            **{
                name: value
                for name, value in os.environ.items()
                if not name.startswith(("TF_", "AWS_"))
            },
            "TF_CLI_CONFIG_FILE": str(config),
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
            "CHECKPOINT_DISABLE": "1",  # no version check against HashiCorp's servers
            # Never a real account: fake keys, no profile, no instance metadata.
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
            **(extra_env or {}),
        }

    def folder(self, name: str) -> Path:
        return self.workdir / "terraform" / name

    def start(self, folder: str, *args: str) -> "Started":
        """terraform ARGS in FOLDER (relative to terraform/), in the background.

        Its output goes to a file, not a pipe: two runs at once can never block on
        a full pipe that nobody is reading.
        """
        data_dir = self.workdir / "data" / folder.replace("/", "-")
        self.runs += 1
        log = self.workdir / "logs" / f"{self.runs:03d}-{folder.replace('/', '-')}-{args[0]}.log"
        log.parent.mkdir(exist_ok=True)
        with log.open("w") as out:
            process = subprocess.Popen(
                ["terraform", f"-chdir={self.folder(folder)}", *args, "-no-color"],
                env={**self.env, "TF_DATA_DIR": str(data_dir)},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: a timeout ends the providers too
            )
        return Started(list(args), process, log)

    @staticmethod
    def wait(started: "Started", timeout: float) -> Result:
        """Wait for a started run; past the timeout, end its process group."""
        process, note = started.process, ""
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            note = f"\n[timed out after {timeout:.0f} s]"
        return Result(started.args, process.returncode, started.log.read_text() + note)

    def run(self, folder: str, *args: str, timeout: float = 120) -> Result:
        return self.wait(self.start(folder, *args), timeout)

    def init(self, folder: str) -> None:
        """`terraform init` once per folder: the provider from the mirror, the local modules."""
        if folder not in self.initialised:
            self.run(folder, "init", "-backend=false", "-input=false", timeout=120).check()
            self.initialised.add(folder)

    def outputs(self, folder: str) -> dict[str, Any]:
        """`terraform output -json`: each output by name, its value and whether it is sensitive."""
        outputs: dict[str, Any] = json.loads(self.run(folder, "output", "-json").check().output)
        return outputs

    def state(self, folder: str) -> dict[str, Any]:
        """`terraform show -json`: every resource in the state, with its attributes."""
        return json.loads(self.run(folder, "show", "-json").check().output)


def copy_tree(destination: Path) -> Path:
    """terraform/ and the .env.example its tests read, without anything a run left behind."""
    ignore = shutil.ignore_patterns(
        ".terraform", ".terraform.lock.hcl", "*.tfstate", "*.tfstate.*", "*.tfplan"
    )
    shutil.copytree(TERRAFORM_DIR, destination / "terraform", ignore=ignore)
    shutil.copy(REPO_ROOT / ".env.example", destination / ".env.example")
    return destination


def state_resources(state: dict[str, Any]) -> list[dict[str, Any]]:
    """Every managed resource in `terraform show -json`'s answer, child modules included."""
    found: list[dict[str, Any]] = []
    modules = [state.get("values", {}).get("root_module", {})]
    while modules:
        module = modules.pop()
        found += [r for r in module.get("resources", []) if r["mode"] == "managed"]
        modules += module.get("child_modules", [])
    return found
