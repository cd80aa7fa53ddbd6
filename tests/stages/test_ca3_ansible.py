"""CA3, N-tier, deployed by Ansible onto five hosts made of network namespaces.

A proxy (haproxy, TLS with a self-signed certificate), two app hosts (gunicorn),
a worker host and a database host, each a namespace with its own address and
sshd (scripts/netns-hosts). ansible/site.yml runs twice over ssh: the first run
sets everything up, the second must change nothing. Then requests go through
haproxy: both app hosts answer, http turns into https with HSTS, and a photo
uploaded there is classified by the worker on its own host.
"""

import json
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.stages import netns
from tests.stages.netns import Host

pytestmark = [pytest.mark.stages, pytest.mark.timeout(1800)]

PROXY = "10.77.0.10"
NAME = "birdai.test"
HOSTS = {
    "proxy1": Host(PROXY, ("proxy",)),
    "app1": Host("10.77.0.11", ("app",)),
    "app2": Host("10.77.0.12", ("app",)),
    "worker1": Host("10.77.0.13", ("worker",)),
    "db1": Host("10.77.0.14", ("db",)),
}


@dataclass(frozen=True)
class Deployment:
    first: netns.Run
    second: netns.Run
    cafile: Path


@pytest.fixture(scope="module")
def ca3(tmp_path_factory: pytest.TempPathFactory):
    netns.require_netns_hosts()
    folder = tmp_path_factory.mktemp("ca3")
    pem, cafile = netns.certificate(folder, PROXY, NAME)
    with netns.hosts_up(HOSTS):
        hosts_file = netns.inventory(
            folder,
            "ca3",
            HOSTS,
            {
                "birdai_server_name": NAME,
                # The test asks by address; the health checks by name.
                "birdai_allowed_hosts": [NAME, PROXY],
                # One folder is what an NFS share mounted on each host looks like.
                "birdai_storage_shared": True,
                "haproxy_tls_pem": str(pem),
                "haproxy_tls_pem_dest": str(netns.STATE / "proxy1" / "haproxy.pem"),
                # Quicker to notice the app hosts coming up.
                "haproxy_check_inter": "1s",
            },
        )
        tarball = netns.release_tarball(folder)
        first = netns.playbook(hosts_file, tarball, "ca3-first")
        assert first.returncode == 0, f"first run failed, see {first.log}:\n{first.output[-4000:]}"
        second = netns.playbook(hosts_file, tarball, "ca3-second")
        yield Deployment(first, second, cafile)


def test_the_first_run_sets_up_every_host(ca3):
    recap = ca3.first.recap()
    assert set(recap) == {*HOSTS, "localhost"}
    for host in HOSTS:
        assert recap[host]["failed"] == recap[host]["unreachable"] == 0, host
        assert recap[host]["changed"] > 0, host
    print(f"first run: {ca3.first.seconds:.0f} s")


def test_a_second_run_changes_nothing(ca3):
    assert ca3.second.returncode == 0, ca3.second.output[-4000:]
    recap = ca3.second.recap()
    assert set(recap) == {*HOSTS, "localhost"}
    changed = {host: counts["changed"] for host, counts in recap.items() if counts["changed"]}
    assert changed == {}, f"changed on the second run (see {ca3.second.log})"
    print(f"second run: {ca3.second.seconds:.0f} s")


def test_both_app_hosts_answer_through_haproxy(ca3):
    netns.wait_until_ready("https", PROXY, ca3.cafile)
    # The first ready host answers before haproxy has seen the other pass twice.
    seen, deadline = set(), time.monotonic() + 60
    while seen != {"app1", "app2"} and time.monotonic() < deadline:
        seen.add(netns.request("https", PROXY, "/healthz", cafile=ca3.cafile)[1]["x-served-by"])
        time.sleep(0.2)
    served_by = []
    for _ in range(20):
        status, headers, body = netns.request("https", PROXY, "/healthz", cafile=ca3.cafile)
        assert (status, body) == (200, b"ok")
        served_by.append(headers["x-served-by"])
    # Round robin over the two: each answers every other request.
    assert set(served_by) == {"app1", "app2"}
    assert served_by.count("app1") == served_by.count("app2") == 10


def test_haproxy_checks_readyz_and_waits_for_slow_answers(ca3):
    # The proxy host's config (the namespaces share this machine's files).
    config = Path("/etc/haproxy/haproxy.cfg").read_text()
    assert f"http-check send meth GET uri /readyz ver HTTP/1.1 hdr Host {NAME}" in config
    assert "timeout check 15s" in config
    assert "server app1 10.77.0.11:8000 check" in config
    assert "server app2 10.77.0.12:8000 check" in config


def test_readyz_names_the_model_of_the_worker_host(ca3):
    ready = netns.wait_until_ready("https", PROXY, ca3.cafile)
    assert ready["checks"] == {"database": "ok", "storage": "ok", "queue": "ok", "worker": "ok"}
    assert ready["model"]["model"] == "yolov8s-worldv2-untrained"
    assert ready["model"]["backend"] == "onnx"
    assert ready["model"]["workers"] == 1


def test_http_is_redirected_and_https_has_hsts(ca3):
    status, headers, _ = netns.request("http", PROXY, "/submissions/", headers={"Host": NAME})
    assert status == 301
    assert headers["location"] == f"https://{NAME}/submissions/"
    # HSTS comes from Django, which sends it only on requests it sees as secure:
    # it believes haproxy's X-Forwarded-Proto (BIRDAI_BEHIND_PROXY=1).
    status, headers, _ = netns.request("https", PROXY, "/healthz", cafile=ca3.cafile)
    assert status == 200
    assert headers["strict-transport-security"].startswith("max-age=31536000")


def test_a_photo_uploaded_through_the_proxy_is_classified_on_the_worker_host(ca3, make_photo):
    netns.wait_until_ready("https", PROXY, ca3.cafile)
    https = {"cafile": ca3.cafile}
    credentials = json.dumps({"username": "alice", "password": "correct-horse-battery-staple"})
    status, _, body = netns.request(
        "https",
        PROXY,
        "/api/v1/accounts",
        method="POST",
        body=credentials.encode(),
        headers={"Content-Type": "application/json"},
        **https,
    )
    assert status == 201, body
    token = json.loads(body)["token"]
    upload, content_type = netns.multipart("image", "squirrel.jpg", make_photo())
    auth = {"Authorization": f"Bearer {token}"}
    status, _, body = netns.request(
        "https",
        PROXY,
        "/api/v1/submissions",
        method="POST",
        body=upload,
        headers={**auth, "Content-Type": content_type},
        **https,
    )
    assert status == 201, body
    submission = json.loads(body)
    deadline = time.monotonic() + 120
    while submission["status"] in ("pending", "processing") and time.monotonic() < deadline:
        time.sleep(1)
        status, _, body = netns.request(
            "https", PROXY, f"/api/v1/submissions/{submission['id']}", headers=auth, **https
        )
        assert status == 200, body
        submission = json.loads(body)
    assert submission["status"] == "done", submission
    assert submission["model"]["name"] == "yolov8s-worldv2-untrained"
