"""The API keeps its OpenAPI contract: schemathesis generates requests for every operation
from /api/schema/ and sends them in-process through the WSGI app, on the seed data.
Generated path ids rarely exist, so every real record of the seed data is requested too.

Every answer must be no 5xx, with a documented status, content type and body shape.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import given as hypothesis_given
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from evidence.models import (
    EffectEstimate,
    OutcomeFamily,
    Publication,
    RegulatoryMilestone,
    SafetyFinding,
)
from trials.models import Trial

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


@pytest.fixture
def in_process(unthrottled):
    """Call the real WSGI app inside the test's transaction, as Django's test client does.

    The app closes "old" connections at each request's start and end; on PostgreSQL that
    would close the connection holding the test transaction.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


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


def known_cases(operations) -> list:
    """A request for every published record, and for each synthesis under each option."""
    by_path = {op.path: op for op in operations}
    ids = {
        "/api/v1/trials/{key}/": ("key", [t.url_key for t in Trial.objects.published()]),
        "/api/v1/publications/{id}/": ("id", Publication.objects.values_list("pk", flat=True)),
        "/api/v1/milestones/{id}/": (
            "id",
            RegulatoryMilestone.objects.values_list("pk", flat=True),
        ),
        "/api/v1/estimates/{id}/": ("id", EffectEstimate.objects.values_list("pk", flat=True)),
        "/api/v1/families/{slug}/": ("slug", OutcomeFamily.objects.values_list("slug", flat=True)),
        "/api/v1/safety/{id}/": ("id", SafetyFinding.objects.values_list("pk", flat=True)),
    }
    cases = [
        by_path[path].Case(path_parameters={name: value})
        for path, (name, values) in ids.items()
        for value in values
    ]
    option_sets = [{}, {"include_retracted": "1"}, {"method": "FE"}, {"method": "PM"}]
    option_sets += [{"phase3_only": "true", "verified_only": "on"}, {"rct_only": "1"}]
    for slug in OutcomeFamily.objects.values_list("slug", flat=True):
        cases += [
            by_path["/api/v1/syntheses/{slug}/"].Case(path_parameters={"slug": slug}, query=q)
            for q in option_sets
        ]
    return cases


@pytest.mark.django_db(transaction=False)
def test_every_operation_keeps_its_contract(seeded, in_process):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    failures = []
    for operation in operations:
        try:
            run_operation(operation)
        except Exception as error:  # collect all, so one run shows every broken operation
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    cases = known_cases(operations)
    assert len(cases) > 70
    for case in cases:
        try:
            response = case.call_and_validate(checks=CHECKS)
            assert response.status_code == 200, case.formatted_path
        except Exception as error:
            failures.append(f"{case.formatted_path} {case.query}: {error}")
    assert failures == []
