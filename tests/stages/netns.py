"""What the Ansible stage tests share: hosts in network namespaces, and the playbook.

scripts/netns-hosts makes the hosts: one network namespace each, a bridge between
them, an sshd in each. ansible/site.yml then runs over ssh from here, as it would
against VMs. Its inventory is made here: the stage's own group_vars (what a
student deploys with), plus, with a higher precedence, what differs on this
machine: the hosts' addresses and folders, a Python any user can run, a local
wheelhouse (the namespaces reach no package index), a small untrained model.

The namespaces share this machine's files. So each host gets its own folder,
service names and PostgreSQL cluster, all named so that `netns-hosts down` can
find and remove them (see that script).
"""

import http.client
import json
import os
import re
import shlex
import shutil
import ssl
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

NETNS_HOSTS = REPO_ROOT / "scripts" / "netns-hosts"
STATE = Path(os.environ.get("BIRDAI_NETNS_DIR", "/srv/birdai-netns"))
ANSIBLE_PLAYBOOK = REPO_ROOT / ".venv-ansible" / "bin" / "ansible-playbook"
# The wheelhouse and the model outlive a run: the next one reuses them.
CACHE = Path(os.environ.get("BIRDAI_NETNS_CACHE", "/var/tmp/birdai-netns-cache"))
ARTIFACTS = REPO_ROOT / "test-artifacts" / "ansible"
MODEL = CACHE / "yolov8s-worldv2-untrained.onnx"
RECAP = re.compile(
    r"^(?P<host>\S+)\s+: ok=(?P<ok>\d+)\s+changed=(?P<changed>\d+)\s+"
    r"unreachable=(?P<unreachable>\d+)\s+failed=(?P<failed>\d+)",
    re.M,
)


@dataclass(frozen=True)
class Host:
    ip: str
    groups: tuple[str, ...]


@dataclass(frozen=True)
class Run:
    returncode: int
    output: str
    seconds: float
    log: Path

    def recap(self) -> dict[str, dict[str, int]]:
        """PLAY RECAP as {host: {"ok": n, "changed": n, "unreachable": n, "failed": n}}."""
        return {
            m["host"]: {key: int(m[key]) for key in ("ok", "changed", "unreachable", "failed")}
            for m in RECAP.finditer(self.output)
        }


def require_netns_hosts() -> None:
    """Skip, saying why, where this machine cannot make the test hosts."""
    if os.geteuid() != 0:
        pytest.skip("needs root: network namespaces, veths and an sshd per host")
    missing = [
        tool
        for tool in ("ip", "/usr/sbin/sshd", "haproxy", "pg_createcluster", "start-stop-daemon")
        if shutil.which(tool) is None
    ]
    if missing:
        pytest.skip(f"missing {', '.join(missing)}: run scripts/install-system-deps stages")
    if not ANSIBLE_PLAYBOOK.exists():
        pytest.skip("no ansible-playbook in .venv-ansible: run make ansible-tools")


def netns_hosts(*args: str, timeout: float = 120) -> str:
    result = subprocess.run([NETNS_HOSTS, *args], capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        pytest.fail(f"netns-hosts {args[0]} exited {result.returncode}:\n{result.stderr[-3000:]}")
    return result.stdout.strip()


@contextmanager
def hosts_up(hosts: dict[str, Host]) -> Iterator[None]:
    """The hosts, up; torn down afterwards, whatever happened (and before, if a
    crashed run left some behind)."""
    netns_hosts("down")
    try:
        netns_hosts("up", *(f"{name}={host.ip}" for name, host in hosts.items()))
        yield
    finally:
        netns_hosts("down")


def wheelhouse() -> Path:
    """Wheels of everything a web or worker host installs, fetched from here."""
    folder = CACHE / "wheelhouse"
    CACHE.mkdir(parents=True, exist_ok=True)
    requirements = CACHE / "requirements.txt"
    requirements.write_text(venv_python("docker/requirements.py", "serve").stdout)
    # pip wheel finds what it fetched before in the folder and fetches only the rest.
    venv_python(
        *shlex.split("-m pip wheel --quiet --disable-pip-version-check -c requirements.lock"),
        *("--wheel-dir", str(folder), "--find-links", str(folder), "-r", str(requirements)),
    )
    return folder


def untrained_model() -> Path:
    """The small YOLO-World, untrained, as `make model-untrained` builds the large one."""
    if not MODEL.exists():
        venv_python(
            *shlex.split("-m classifier build --untrained --arch yolov8s-worldv2.yaml --out"),
            str(MODEL),
        )
    return MODEL


def venv_python(*args: str) -> subprocess.CompletedProcess[str]:
    """The project's own Python (.venv), at the repository's root."""
    return subprocess.run(
        [str(REPO_ROOT / ".venv/bin/python"), *args],
        cwd=REPO_ROOT,
        env={**os.environ, "YOLO_OFFLINE": "1"},
        capture_output=True,
        text=True,
        check=True,
        timeout=900,
    )


def certificate(folder: Path, ip: str, name: str) -> tuple[Path, Path]:
    """A self-signed certificate for the proxy: (PEM with key for haproxy, the
    certificate alone for clients to trust)."""
    key, cert, pem = folder / "key.pem", folder / "cert.pem", folder / "haproxy.pem"
    subprocess.run(
        [
            *shlex.split(
                "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2"
            ),
            *("-subj", f"/CN={name}", "-addext", f"subjectAltName=DNS:{name},IP:{ip}"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    pem.write_text(cert.read_text() + key.read_text())
    return pem, cert


def inventory(folder: Path, stage: str, hosts: dict[str, Host], settings: dict) -> Path:
    """Write the test's inventory for `stage` into `folder`; return its hosts file.

    Settings that differ from the stage's group_vars are host variables here,
    which win over group_vars/all.yml and, unlike extra variables (-e), can
    still be changed by the playbook's own set_fact.
    """
    shutil.copytree(REPO_ROOT / "ansible/inventories" / stage / "group_vars", folder / "group_vars")
    python = netns_hosts("python")
    common = {
        "ansible_user": "root",
        "ansible_ssh_private_key_file": str(STATE / "id_ed25519"),
        "ansible_ssh_common_args": "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null",
        "ansible_python_interpreter": "/usr/bin/python3",
        # Not in each user's home (postgres's is this machine's /var/lib/postgresql).
        "ansible_remote_tmp": str(STATE / "tmp" / "ansible-$USER"),
        "birdai_python": python,
        "birdai_user": "birdai-netns",
        "birdai_apt_update_cache": False,
        "birdai_pip_args": ["--no-index", "--find-links", str(wheelhouse())],
        "birdai_model": str(untrained_model()),
        "birdai_secrets_dir": str(folder / "secrets"),
        # One folder for all, as an NFS share mounted on each would be.
        "birdai_data_dir": str(STATE / "shared-data"),
    } | settings
    groups: dict[str, dict] = {}
    for name, host in hosts.items():
        own = {
            "ansible_host": host.ip,
            "birdai_address": host.ip,
            "birdai_root": str(STATE / name / "birdai"),
            "birdai_service_suffix": f"-netns-{name}",
            "postgis_cluster": f"netns-{name}",
            "postgis_data_dir": str(STATE / name / "postgresql"),
            "postgis_socket_dir": str(STATE / name / "postgresql-run"),
        }
        for group in host.groups:
            groups.setdefault(group, {"hosts": {}})["hosts"][name] = common | own
    hosts_file = folder / "hosts.yml"
    hosts_file.write_text(json.dumps({"all": {"children": groups}}, indent=2))  # JSON is YAML
    return hosts_file


def release_tarball(folder: Path) -> Path:
    """The code, packed once: both runs deploy the same release, even while
    someone edits the checkout."""
    tarball = folder / "birdai.tar.gz"
    subprocess.run(
        [REPO_ROOT / "scripts/release-tarball", tarball], check=True, capture_output=True
    )
    return tarball


def playbook(hosts_file: Path, tarball: Path, name: str, timeout: float = 1200) -> Run:
    """ansible-playbook site.yml over ssh; its output also goes to test-artifacts/ansible/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = ARTIFACTS / f"{name}.log"
    env = {
        **os.environ,
        "ANSIBLE_CONFIG": str(REPO_ROOT / "ansible/ansible.cfg"),
        "ANSIBLE_NOCOLOR": "1",
    }
    start = time.monotonic()
    result = subprocess.run(
        [ANSIBLE_PLAYBOOK, "-i", hosts_file, "-e", f"birdai_release_tarball={tarball}", "site.yml"],
        cwd=REPO_ROOT / "ansible",
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    seconds = time.monotonic() - start
    output = result.stdout + result.stderr
    log.write_text(f"{output}\n# ansible-playbook took {seconds:.0f} s\n")
    return Run(result.returncode, output, seconds, log)


def request(
    url_scheme: str,
    ip: str,
    path: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    cafile: Path | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """One request to a test host (never anywhere else): status, headers, body."""
    assert ip.startswith("10.77.0."), "only the test hosts"
    if url_scheme == "https":
        context = ssl.create_default_context(cafile=str(cafile))
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            ip, timeout=20, context=context
        )
    else:
        connection = http.client.HTTPConnection(ip, timeout=20)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def wait_until_ready(scheme: str, ip: str, cafile: Path | None, seconds: float = 120) -> dict:
    """Poll /readyz through the proxy until it says 200; its JSON."""
    deadline = time.monotonic() + seconds
    last = ""
    while time.monotonic() < deadline:
        try:
            status, _, body = request(scheme, ip, "/readyz", cafile=cafile)
            if status == 200:
                return json.loads(body)
            last = f"{status} {body[:300]!r}"
        except OSError as error:
            last = repr(error)
        time.sleep(1)
    pytest.fail(f"/readyz through the proxy never said 200 in {seconds} s; last: {last}")


def multipart(field: str, filename: str, content: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body with one file: (body, content type)."""
    boundary = "birdai-netns-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n'
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"
