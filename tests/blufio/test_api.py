"""Property-based tests of the JSON API against its own OpenAPI schema (schemathesis).

Requests go through the real WSGI application (not Django's test client), so CSRF is
enforced exactly as for curl or a script.
"""

import json

import hypothesis
import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from schemathesis.config import SchemathesisConfig
from werkzeug.test import Client

from blufio.models import ApiToken
from blufio.tokens import _hash
from tests.helpers import ledger_row, verdict_row

pytestmark = pytest.mark.django_db

app = get_wsgi_application()
# Every generated request carries a valid API token, so valid input must be answered (a
# body over DATA_UPLOAD_MAX_MEMORY_SIZE is refused with 413 whatever it holds), and invalid
# input refused the ways this API refuses.
config = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {"expected-statuses": ["200", "413"]},
            "negative_data_rejection": {
                "expected-statuses": ["400", "401", "403", "405", "413", "422"]
            },
        }
    }
)
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app, config=config)

# Schemathesis builds its coverage-phase requests when the tests are collected, before any
# token exists, so the key is fixed here and each test stores a token for it.
API_KEY = "bf_schemathesis-fixed-test-key-0123456789abcdef"
OPERATIONS = [
    ("POST", "/api/route"),
    ("GET", "/api/budget"),
    ("GET", "/api/costs"),
    ("GET", "/api/stats"),
    ("GET", "/api/ledger"),
    ("GET", "/api/ledger.csv"),
    ("GET", "/api/feedback"),
]


@schema.auth(refresh_interval=None)
class _ApiToken:
    """Every generated request carries the API token; schemathesis also probes each
    operation without it and with a wrong one, and expects 401."""

    def get(self, case, context):
        return API_KEY

    def set(self, case, key, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {key}"}


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    """The WSGI app's request signals would close the test's connection mid-transaction.

    Django's own test client detaches the same handlers while it runs a request.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_token():
    return ApiToken.objects.create(
        name="schemathesis", prefix=API_KEY[:10], key_hash=_hash(API_KEY)
    )


@pytest.fixture
def ledger():
    """A few ledger rows and a verdict, so the row, group, stats and feedback schemas are
    checked with data."""
    verdict_row("thumbs_down")
    for days_ago, feature, model, tier, reason, outcome in [
        (0, "message", "claude-haiku-5-5", "haiku", "", "ok"),
        (0, "message", "claude-sonnet-5-5", "haiku", "budget_downgrade", "ok"),
        (2, "message", "claude-opus-5-5", "opus", "fallback", "error"),
        (5, "extraction", "claude-haiku-5-5", "", "", "ok"),
    ]:
        ledger_row(
            model,
            "0.0123",
            tier=tier,
            feature=feature,
            reason=reason,
            outcome=outcome,
            days_ago=days_ago,
        )


@pytest.fixture
def http():
    return Client(app)


@schema.parametrize()
@hypothesis.settings(
    max_examples=30,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[
        hypothesis.HealthCheck.function_scoped_fixture,
        hypothesis.HealthCheck.too_slow,
    ],
)
def test_every_operation_answers_valid_and_invalid_input_as_its_schema_says(
    case, api_token, ledger
):
    case.call_and_validate()


def _error(response) -> dict:
    assert response.mimetype == "application/json"
    return json.loads(response.get_data())["error"]


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer bf_wrong"}, {"Cookie": "sessionid=stale"}],
    ids=["no credentials", "wrong token", "stale session cookie"],
)
def test_a_request_without_valid_credentials_is_answered_401_with_the_error_shape(
    http, api_token, method, path, headers
):
    body = {"message": "hi"} if method == "POST" else None
    response = http.open(path, method=method, json=body, headers=headers)

    assert response.status_code == 401
    assert _error(response) == {
        "code": "unauthorized",
        "message": "Log in as staff or send Authorization: Bearer <API token>.",
        "details": None,
    }


def test_a_post_with_only_a_bearer_token_is_not_refused_for_csrf(http, api_token):
    # Regression: django-ninja checked CSRF for the session auth before trying the token.
    response = http.post(
        "/api/route", json={"message": "hi"}, headers={"Authorization": f"Bearer {API_KEY}"}
    )

    assert response.status_code == 200
    assert json.loads(response.get_data())["tier"] in ("haiku", "sonnet", "opus")


def test_a_post_with_a_bearer_token_and_a_stale_session_cookie_is_answered(http, api_token):
    response = http.post(
        "/api/route",
        json={"message": "hi"},
        headers={"Authorization": f"Bearer {API_KEY}", "Cookie": "sessionid=stale"},
    )

    assert response.status_code == 200


@pytest.mark.parametrize("budget_used", [False, True, "0.5", None, -0.1, 1.01, 5])
def test_budget_used_must_be_a_json_number_from_0_to_1(http, api_token, budget_used):
    # Regressions: pydantic's lax mode took false as 0.0 and "0.5" as 0.5; 5 was taken
    # and the notice read "budget at 500%".
    response = http.post(
        "/api/route",
        json={"message": "/opus prove the theorem", "budget_used": budget_used},
        headers={"Authorization": f"Bearer {API_KEY}"},
    )

    assert response.status_code == 422
    assert _error(response)["code"] == "invalid_input"


@pytest.mark.parametrize("path", ["/api/ledger", "/api/ledger.csv"])
def test_a_ledger_filter_with_a_nul_byte_is_invalid_input(http, api_token, path):
    # Regression: PostgreSQL refused the NUL and the API answered 500.
    response = http.get(f"{path}?model=a%00b", headers={"Authorization": f"Bearer {API_KEY}"})

    assert response.status_code == 422
    assert _error(response)["code"] == "invalid_input"


def test_a_huge_ledger_page_number_is_invalid_input(http, api_token):
    # Regression: page=10**20 overflowed the SQL OFFSET (bigint) and the API answered 500.
    response = http.get(
        "/api/ledger?page=100000000000000000000", headers={"Authorization": f"Bearer {API_KEY}"}
    )

    assert response.status_code == 422
    assert _error(response)["details"][0]["loc"] == ["query", "page"]


def test_an_oversize_route_body_is_answered_413_with_the_error_shape(http, api_token, settings):
    # Regression: Django's own HTML 400 page, not the API's JSON error.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = http.post(
        "/api/route", json={"message": "y" * 2000}, headers={"Authorization": f"Bearer {API_KEY}"}
    )

    assert response.status_code == 413
    assert _error(response)["code"] == "too_large"


def test_the_csv_export_documents_its_content_type():
    responses = schema.raw_schema["paths"]["/api/ledger.csv"]["get"]["responses"]

    assert list(responses["200"]["content"]) == ["text/csv"]


def test_a_staff_session_still_needs_a_csrf_token_to_post(http, client):
    client.force_login(User.objects.create_user("owner", is_staff=True))
    http.set_cookie("sessionid", client.cookies["sessionid"].value)

    response = http.post("/api/route", json={"message": "hi"})

    assert response.status_code == 403
    assert _error(response)["message"] == "CSRF check Failed"


def test_every_operation_documents_its_error_responses():
    operations = {
        (method.upper(), path): operation
        for path, methods in schema.raw_schema["paths"].items()
        for method, operation in methods.items()
    }

    assert sorted(operations) == sorted(OPERATIONS)
    for (method, path), operation in operations.items():
        responses = operation["responses"]
        expected = {"200", "401", "422"} | ({"400", "403", "413"} if method == "POST" else set())
        assert set(responses) == expected, (method, path)
        for status in expected - {"200"}:
            assert responses[status]["content"] == {
                "application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}
            }
