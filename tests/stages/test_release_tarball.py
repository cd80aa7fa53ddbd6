"""scripts/release-tarball: the code Ansible deploys, the same bytes for the same code."""

import subprocess
import tarfile
import tomllib

import pytest

from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.stages

PACK = REPO_ROOT / "scripts" / "release-tarball"


def test_packing_the_same_code_twice_gives_the_same_file(tmp_path):
    out = tmp_path / "birdai.tar.gz"
    first = subprocess.run([PACK, out], capture_output=True, text=True, check=True)
    content = out.read_bytes()
    second = subprocess.run([PACK, out], capture_output=True, text=True, check=True)
    assert (first.stdout, second.stdout) == ("changed\n", "unchanged\n")
    assert out.read_bytes() == content


def test_it_holds_what_the_servers_run_and_nothing_else(tmp_path):
    out = tmp_path / "birdai.tar.gz"
    subprocess.run([PACK, out], capture_output=True, check=True)
    with tarfile.open(out) as tar:
        members = tar.getmembers()
    names = {member.name for member in members}
    assert {"manage.py", "pyproject.toml", "requirements.lock", "birdai/settings.py"} <= names
    # Every package the project installs (pyproject.toml), and nothing else but files.
    find = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    packages = {pattern.rstrip("*") for pattern in find["packages"]["find"]["include"]}
    files = {"manage.py", "pyproject.toml", "requirements.lock", "LICENSE"}
    assert {name.split("/")[0] for name in names} == packages | files
    # Nothing of the machine that packed it: no owner, no time.
    assert {(m.uid, m.gid, m.mtime) for m in members} == {(0, 0, 0)}
