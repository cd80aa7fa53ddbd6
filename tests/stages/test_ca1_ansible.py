"""CA1, one VM, deployed by Ansible onto one host made of a network namespace.

The same playbook as CA3 (ansible/site.yml) with the CA1 inventory's settings:
the one host is in every group, so it runs PostGIS, gunicorn, the worker and
haproxy on port 80, over plain HTTP. Two runs (the second changes nothing),
then requests through haproxy.
"""

import json

import pytest

from tests.stages import netns
from tests.stages.netns import Host

pytestmark = [pytest.mark.stages, pytest.mark.timeout(1200)]

IP = "10.77.0.20"
HOSTS = {"ca1": Host(IP, ("db", "app", "worker", "proxy"))}


@pytest.fixture(scope="module")
def ca1(tmp_path_factory: pytest.TempPathFactory):
    netns.require_netns_hosts()
    folder = tmp_path_factory.mktemp("ca1")
    with netns.hosts_up(HOSTS):
        # Users reach a CA1 VM by its address.
        hosts_file = netns.inventory(
            folder, "ca1", HOSTS, {"birdai_server_name": IP, "haproxy_check_inter": "1s"}
        )
        tarball = netns.release_tarball(folder)
        first = netns.playbook(hosts_file, tarball, "ca1-first")
        assert first.returncode == 0, f"first run failed, see {first.log}:\n{first.output[-4000:]}"
        second = netns.playbook(hosts_file, tarball, "ca1-second")
        yield first, second


def test_two_runs_the_second_changes_nothing(ca1):
    first, second = ca1
    assert first.recap()["ca1"]["changed"] > 0
    assert second.returncode == 0, second.output[-4000:]
    assert {host: counts["changed"] for host, counts in second.recap().items()} == {
        "ca1": 0,
        "localhost": 0,
    }, f"see {second.log}"
    print(f"first run: {first.seconds:.0f} s, second run: {second.seconds:.0f} s")


def test_the_host_serves_through_haproxy_with_its_worker_ready(ca1):
    ready = netns.wait_until_ready("http", IP, None)
    assert ready["checks"]["worker"] == "ok"
    assert ready["model"]["model"] == "yolov8s-worldv2-untrained"
    status, headers, body = netns.request("http", IP, "/healthz")
    assert (status, body, headers["x-served-by"]) == (200, b"ok", "ca1")
    # Plain HTTP: no redirect, no HSTS.
    status, headers, _ = netns.request("http", IP, "/")
    assert status == 200
    assert "strict-transport-security" not in headers
    status, _, body = netns.request("http", IP, "/api/v1/openapi.json")
    assert status == 200
    assert json.loads(body)["info"]["title"]
