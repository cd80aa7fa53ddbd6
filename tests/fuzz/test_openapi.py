"""schemathesis against /api/v1/openapi.json over real HTTP, as alice with a token.

Checks: no 500, every response matches the schema, every status code is documented.
The server is pytest-django's live_server (a real socket, committed data), so the
requests go through the same WSGI stack a client meets. The operations are driven
from plain hypothesis here, since schemathesis' own pytest plugin does not run on
pytest 9.
"""

import pytest
import schemathesis
from hypothesis import given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from tests.fuzz.conftest import http_examples

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


def api_operations(base_url: str) -> list:
    schema = schemathesis.openapi.from_url(f"{base_url}/api/v1/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


def exercise(operation, headers: dict[str, str]) -> None:
    @settings(max_examples=max(5, http_examples() // 3))
    @given(operation.as_strategy())
    def call(case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    call()


@pytest.mark.django_db(transaction=True)
def test_every_api_operation_conforms(live_server, alice_token):
    operations = api_operations(live_server.url)
    assert len(operations) >= 5, "the schema lost its operations"
    for operation in operations:
        exercise(operation, {"Authorization": f"Bearer {alice_token}"})
