"""Property-based tests against the app's own OpenAPI schema (schemathesis): no 500s, and every
response (status, content type, headers, body) is as documented.

All default checks run except `positive_data_acceptance`: a body can match the JSON schema and still
be refused with a located 422, because the rules of a project list and of a scenario (unique ids,
`requires` naming existing projects, costs in budget years, a known project list id, ...) are not
expressible in JSON Schema; those 422s are documented responses.

A case whose headers were generated to break the schema (e.g. without the required Authorization)
is sent as generated: adding a valid key to it would make it a valid request that the negative-data
check then, wrongly, expects to be refused.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from conftest import Org, make_settings
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance
from schemathesis.core.parameters import ParameterLocation

from api.deps import Database
from api.main import create_app

# The app is made once for the schema; each test points it at the database under test.
app = create_app(make_settings("sqlite:///:memory:"))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture
def on_database(database_url: str) -> Iterator[None]:
    app.state.settings = make_settings(database_url, max_wait_s=0.2, max_runs_in_flight=1000)
    app.state.database = Database(database_url)
    yield
    app.state.database.dispose()


@schema.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case: schemathesis.Case, on_database: None, org: Org) -> None:
    broken_headers = case.meta is not None and case.meta.is_negative_at(ParameterLocation.HEADER)
    headers = None if broken_headers else org.headers("admin")
    case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])
