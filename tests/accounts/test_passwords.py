"""Passwords are stored as Argon2id at OWASP's minimum, and older hashes upgrade."""

from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, identify_hasher
from django.contrib.auth.models import User

from tests.conftest import PASSWORD, run_python

pytestmark = pytest.mark.django_db


def test_a_new_password_is_stored_as_argon2id_at_owasps_minimum(client):
    form = {"username": "erin", "password1": PASSWORD, "password2": PASSWORD}
    client.post("/accounts/signup/", form)
    stored = User.objects.get(username="erin").password
    assert stored.startswith("argon2$argon2id$v=19$m=7168,t=5,p=1$")
    assert PASSWORD not in stored


def test_a_pbkdf2_hash_still_signs_in_and_is_rehashed_with_argon2id(client, alice):
    pbkdf2 = PBKDF2PasswordHasher()
    User.objects.filter(pk=alice.pk).update(password=pbkdf2.encode(PASSWORD, pbkdf2.salt()))
    credentials = {"username": "alice", "password": PASSWORD}
    assert client.post("/accounts/login/", credentials).status_code == 302
    alice.refresh_from_db()
    assert identify_hasher(alice.password).algorithm == "argon2"
    assert "m=7168,t=5,p=1" in alice.password


def test_a_wrong_password_does_not_sign_in_and_leaves_the_hash(client, alice):
    before = User.objects.get(pk=alice.pk).password
    response = client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert User.objects.get(pk=alice.pk).password == before


RSS_AFTER_HASHING = """
import os, threading
import django
django.setup()
from django.contrib.auth.hashers import make_password

def rss_mib():
    status = open(f"/proc/{os.getpid()}/status").read()
    return int(status.split("VmRSS:")[1].split()[0]) // 1024

make_password("warm up: imports and the hasher")
before = rss_mib()
threads = [threading.Thread(target=make_password, args=("x",)) for _ in range(4)]
[thread.start() for thread in threads]
[thread.join() for thread in threads]
print(rss_mib() - before)
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads RSS from /proc")
def test_the_memory_of_a_hash_goes_back_to_the_os_after_it():
    # Four threads hashing at once each take 7 MiB; without the fixed mmap threshold
    # glibc kept all four blocks (+28 MiB) in a gunicorn process for good.
    grown = run_python("-c", RSS_AFTER_HASHING, env={"DJANGO_SETTINGS_MODULE": "birdai.settings"})
    assert int(grown.stdout.strip()) < 7, grown.stdout
