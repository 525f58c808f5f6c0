"""The webhook's door: the secret, unreadable bodies, and what gets stored."""

import pytest

from blufio.models import InboundUpdate
from tests.conftest import text_update

pytestmark = pytest.mark.django_db


def test_it_rejects_a_wrong_secret(post_update, fake_claude, fake_telegram):
    response = post_update(text_update("hi"), secret="not-the-secret")

    assert response.status_code == 403
    assert InboundUpdate.objects.count() == 0
    assert fake_claude.calls == []


def test_the_webhook_url_without_its_slash_takes_the_update(client, settings, fake_telegram):
    response = client.post(
        "/telegram/webhook",
        data=text_update("hi"),
        content_type="application/json",
        headers={"X-Telegram-Bot-Api-Secret-Token": settings.TELEGRAM_WEBHOOK_SECRET},
    )

    assert response.status_code == 200
    assert InboundUpdate.objects.count() == 1


def test_it_rejects_a_missing_secret(client):
    response = client.post(
        "/telegram/webhook/", data=text_update("hi"), content_type="application/json"
    )

    assert response.status_code == 403
    assert InboundUpdate.objects.count() == 0


@pytest.mark.parametrize("body", ["", "{not json"], ids=["empty", "unreadable"])
def test_a_missing_secret_is_refused_before_the_body_is_read(body, client):
    response = client.post("/telegram/webhook/", data=body, content_type="application/json")

    assert response.status_code == 403
    assert response.json() == {"ok": False, "error": "forbidden"}


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_without_a_configured_secret_it_refuses_even_in_debug(debug, client, settings, caplog):
    settings.DEBUG, settings.TELEGRAM_WEBHOOK_SECRET = debug, ""

    empty = client.post("/telegram/webhook/", data="", content_type="application/json")
    update = client.post(
        "/telegram/webhook/", data=text_update("hi"), content_type="application/json"
    )

    assert (empty.status_code, update.status_code) == (403, 403)
    assert InboundUpdate.objects.count() == 0
    assert "TELEGRAM_WEBHOOK_SECRET is not set" in caplog.text


def test_it_refuses_everything_when_no_secret_is_configured(post_update, settings, caplog):
    settings.TELEGRAM_WEBHOOK_SECRET = ""

    response = post_update(text_update("hi"), secret="anything")

    assert response.status_code == 403
    assert "TELEGRAM_WEBHOOK_SECRET is not set" in caplog.text


def test_it_only_accepts_post(client):
    assert client.get("/telegram/webhook/").status_code == 405


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        "[1, 2, 3]",
        '"a string"',
        "{}",
        '{"update_id": "12"}',
        '{"update_id": -5}',
        '{"update_id": 99999999999999999999999}',
        '{"update_id": 1, "message": "junk"}',
        '{"update_id": 1, "message": {"message_id": 1}}',
        '{"update_id": 1, "message": {"message_id": 1, "date": 1790000000, "text": "hi", '
        '"chat": {"id": 1001, "type": "private"}, "x": NaN}}',
        "\xff\xfe",
    ],
)
def test_it_answers_400_to_an_unreadable_body(body, post_update, fake_claude):
    response = post_update(body, raw=True)

    assert response.status_code == 400
    assert response.json() == {"ok": False, "error": "unreadable update"}
    assert InboundUpdate.objects.count() == 0
    assert fake_claude.calls == []


def test_it_stores_the_update_before_answering(post_update, fake_claude, fake_telegram):
    update = text_update("remember this")

    post_update(update)

    stored = InboundUpdate.objects.get(update_id=update["update_id"])
    assert stored.raw == update
    assert stored.chat_id == 1001
    assert stored.attempts == 1
