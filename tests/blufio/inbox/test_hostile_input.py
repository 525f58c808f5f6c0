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


SECRET_TEXT = "my bank PIN is 4321"


def crafted(*, chat_id: object = 1001, message_id: object = 7, after: str = "") -> str:
    """The owner's text message as JSON text, with odd ids or something appended."""
    update = text_update(SECRET_TEXT)
    body = json.dumps(update)
    body = body.replace('"id": 1001, "type"', f'"id": {chat_id}, "type"')
    body = body.replace(
        f'"message_id": {update["message"]["message_id"]}', f'"message_id": {message_id}'
    )
    return body[:-1] + after + "}"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("[" * 100_000 + "]" * 100_000, id="100000 nested arrays"),
        pytest.param(crafted(after=', "x": ' + "[" * 100_000 + "]" * 100_000), id="nested inside"),
        pytest.param(crafted(after=', "x": ' + "[" * 40 + "]" * 40), id="40 nested arrays"),
        pytest.param(crafted(after=', "x": 1e999'), id="1e999"),
        pytest.param(crafted(after=', "x": -1e999'), id="-1e999"),
        pytest.param(crafted(chat_id=10**25), id="chat id 10**25"),
        pytest.param(crafted(chat_id=-(10**25)), id="chat id -10**25"),
        pytest.param(crafted(chat_id="1e25"), id="chat id 1e25"),
        pytest.param(crafted(chat_id='"1001"'), id="chat id a string"),
        pytest.param(crafted(chat_id="true"), id="chat id true"),
        pytest.param(crafted(message_id=10**25), id="message id 10**25"),
    ],
)
def test_crafted_bodies_get_400_and_the_owners_text_is_not_logged(
    body, client, fake_claude, fake_telegram, caplog
):
    caplog.set_level("INFO")

    response = client.post(
        "/telegram/webhook/", data=body, content_type="application/json", headers=HEADERS
    )

    assert response.status_code == 400
    assert response.json() == {"ok": False, "error": "unreadable update"}
    assert InboundUpdate.objects.count() == 0
    assert fake_telegram.sent_texts() == []
    assert "4321" not in caplog.text
    assert "Traceback" not in caplog.text


def test_a_telegram_shaped_update_nested_as_deep_as_real_ones_is_answered(
    post_update, fake_claude, fake_telegram
):
    update = text_update("what did I say?")
    quoted = text_update("the quoted message")["message"]
    quoted["entities"] = [
        {
            "type": "mention",
            "offset": 0,
            "length": 3,
            "user": {"id": 5, "is_bot": False, "first_name": "D"},
        }
    ]
    update["message"]["reply_to_message"] = quoted

    response = post_update(update)

    assert response.status_code == 200
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
