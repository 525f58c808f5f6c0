"""Hostile input: never a 500, never a charge."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blufio.models import InboundUpdate
from costs.models import LedgerEntry
from tests.conftest import text_update

pytestmark = pytest.mark.django_db
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": "test-webhook-secret"}
FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=20,
)


@FUZZ
@given(body=st.one_of(st.binary(max_size=500), json_values.map(lambda v: json.dumps(v).encode())))
def test_arbitrary_webhook_bodies_never_cause_a_500(client, body):
    response = client.post(
        "/telegram/webhook/", data=body, content_type="application/json", headers=HEADERS
    )

    assert response.status_code in (200, 400)


@FUZZ
@given(
    message=st.dictionaries(
        st.sampled_from(["message_id", "date", "chat", "from", "text", "photo", "entities"]),
        json_values,
        max_size=6,
    ),
    update_id=st.integers(min_value=-(2**70), max_value=2**70),
)
def test_odd_update_shapes_never_cause_a_500_or_a_charge(client, message, update_id):
    body = json.dumps({"update_id": update_id, "message": message})

    response = client.post(
        "/telegram/webhook/", data=body, content_type="application/json", headers=HEADERS
    )

    assert response.status_code in (200, 400)
    assert LedgerEntry.objects.count() == 0


@FUZZ
@given(text=st.text(max_size=300))
def test_any_text_from_the_owner_is_stored_and_answered(client, fake_claude, fake_telegram, text):
    update = text_update(text)

    response = client.post(
        "/telegram/webhook/", json.dumps(update), content_type="application/json", headers=HEADERS
    )

    assert response.status_code == 200
    stored = InboundUpdate.objects.get(update_id=update["update_id"])
    assert stored.status in ("done", "ignored")  # an empty text is not a text message


@pytest.mark.parametrize(
    "text",
    [
        "\u202eevil right-to-left override\u202c",
        "zero\u200bwidth\u200cjoiners\u200d\ufeff",
        "\ud800 a lone surrogate",
        "a NUL \x00 in the middle",
        "🙂" * 4000,
        "x" * 4096,
    ],
)
def test_odd_unicode_is_answered_normally(text, post_update, fake_claude, fake_telegram):
    response = post_update(json.dumps(text_update(text)), raw=True)

    assert response.status_code == 200
    assert InboundUpdate.objects.get().status == "done"
    assert fake_telegram.sent_texts() == ["Hello from Claude."]


def test_an_oversize_body_is_refused_before_it_is_read(client):
    body = json.dumps(text_update("y" * 300_000))

    response = client.post(
        "/telegram/webhook/", data=body, content_type="application/json", headers=HEADERS
    )

    assert response.status_code == 413
    assert InboundUpdate.objects.count() == 0


def test_a_one_megabyte_message_is_routed_by_the_api(staff):
    response = staff.post(
        "/api/route", {"message": "y " * 500_000}, content_type="application/json"
    )

    assert response.status_code == 200
    assert response.json()["tier"] in ("haiku", "sonnet", "opus")


@FUZZ
@given(payload=json_values)
def test_arbitrary_route_api_bodies_get_200_or_a_clear_error(staff, payload):
    response = staff.post("/api/route", json.dumps(payload), content_type="application/json")

    assert response.status_code in (200, 400, 422)
    if response.status_code != 200:
        assert "error" in response.json() or "detail" in response.json()
