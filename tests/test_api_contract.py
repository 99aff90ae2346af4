"""The API keeps its OpenAPI contract: schemathesis generates requests for every operation
from /api/schema/ and sends them in-process through the WSGI app, on the seed data.

Every answer must be no 5xx, with a documented status, content type and body shape.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import given as hypothesis_given
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application

EXAMPLES_PER_OPERATION = 10
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def unthrottled(settings):
    settings.API_ANON_RATE = "100000/min"


def run_operation(operation):
    @hypothesis_given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        case.call_and_validate(checks=CHECKS)

    check()


@pytest.mark.django_db(transaction=False)
def test_every_operation_keeps_its_contract(seeded, unthrottled):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    failures = []
    for operation in operations:
        try:
            run_operation(operation)
        except Exception as error:  # collect all, so one run shows every broken operation
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    assert failures == []
