from typing import get_args

import pytest
from django.contrib.auth.models import User

from blufio.models import ApiToken
from blufio.tokens import api_token_create
from routing.schemas import RouteOut
from routing.tiers import DOWNGRADE_REASONS, TIERS

pytestmark = pytest.mark.django_db
BODY = {"message": "/OPUS compare Postgres and MySQL for my app", "budget_used": 0.5}


def test_a_staff_session_gets_the_decision(staff):
    response = staff.post("/api/route", BODY, content_type="application/json")

    assert response.status_code == 200
    body = response.json()
    assert body["tier"] == "opus"
    assert body["override"] == "prefix"
    assert body["text"] == "compare Postgres and MySQL for my app"
    assert body["budget_used"] == 0.5


def test_an_api_token_is_accepted_and_stored_only_as_a_hash(client):
    token, key = api_token_create(name="scripts")

    response = client.post(
        "/api/route",
        {"message": "thanks!"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )

    assert response.status_code == 200
    assert response.json()["tier"] == "haiku"
    stored = ApiToken.objects.get()
    assert key not in (stored.key_hash, stored.prefix)
    assert stored.last_used_at is not None


def test_context_turns_give_momentum(staff):
    context = [{"role": "user", "content": "prove the four colour theorem is decidable"}]

    body = staff.post(
        "/api/route",
        {"message": "and the edge cases?", "context": context},
        content_type="application/json",
    ).json()

    assert body["tier"] == "opus"


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer bf_wrong"}, {"Authorization": "Basic x"}]
)
def test_anonymous_and_wrong_tokens_are_refused(client, headers):
    response = client.post("/api/route", BODY, content_type="application/json", headers=headers)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_a_non_staff_session_is_refused(client):
    client.force_login(User.objects.create_user("guest"))

    assert client.post("/api/route", BODY, content_type="application/json").status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"message": 5},
        {"message": "hi", "budget_used": -1},
        {"message": "hi", "context": [{"role": "system", "content": "x"}]},
    ],
)
def test_bad_input_gets_a_clear_422(staff, body):
    response = staff.post("/api/route", body, content_type="application/json")

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert error["details"]


def test_the_openapi_schema_is_published(client):
    assert "/api/route" in client.get("/api/openapi.json").json()["paths"]


def test_the_route_api_schema_documents_the_tiers_and_downgrade_codes():
    fields = RouteOut.model_fields

    assert get_args(fields["tier"].annotation) == TIERS
    reason, none = get_args(fields["downgrade_reason"].annotation)  # Literal[...] | None
    assert get_args(reason) == DOWNGRADE_REASONS and none is type(None)
