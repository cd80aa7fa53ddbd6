import pytest
from django.core.files.storage import storages

pytestmark = pytest.mark.django_db


def test_healthz_needs_nothing_but_the_process(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


def test_readyz_checks_database_storage_and_queue(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "ready": True,
        "checks": {"database": "ok", "storage": "ok", "queue": "ok"},
    }


def test_readyz_is_503_when_storage_is_not_writable(client, isolated_storage):
    media = isolated_storage / "media"
    media.parent.mkdir(exist_ok=True)
    media.write_text("a file where the folder should be")
    assert storages["default"].location == str(media)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"].startswith("error:")
