"""The Telegram client keeps one Bot and its connection pool per process."""

import os
import signal
import time

import pytest

from blufio.clients import telegram as telegram_client
from tests.conftest import OWNER_CHAT_ID, text_update
from tests.fakes.telegram import FakeTelegram


def test_every_call_of_a_process_goes_over_one_connection(fake_telegram):
    telegram_client.send_typing(OWNER_CHAT_ID)
    telegram_client.send_markdown(OWNER_CHAT_ID, "**One**", buttons=[[("Yes", "yes")]])
    telegram_client.send_text(OWNER_CHAT_ID, "Two")
    telegram_client.answer_button("query-1", "Done")

    assert fake_telegram.sent_texts() == ["One", "Two"]
    assert len({request.client_port for request in fake_telegram.requests}) == 1


@pytest.mark.django_db
def test_replies_to_two_messages_share_one_connection(post_update, fake_claude, fake_telegram):
    post_update(text_update("What should I cook tonight with leeks, eggs and rice?"))
    post_update(text_update("And tomorrow?"))

    assert fake_telegram.sent_texts(OWNER_CHAT_ID) == ["Hello from Claude."] * 2
    assert len({request.client_port for request in fake_telegram.requests}) == 1


def test_a_new_bot_address_gets_its_own_connection(fake_telegram, settings):
    telegram_client.send_text(OWNER_CHAT_ID, "To the first")
    other = FakeTelegram().start()
    try:
        settings.TELEGRAM_API_BASE_URL = f"{other.url}/bot"
        telegram_client.send_text(OWNER_CHAT_ID, "To the second")
    finally:
        other.stop()

    assert fake_telegram.sent_texts() == ["To the first"]
    assert other.sent_texts() == ["To the second"]


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_forked_worker_opens_its_own_connection(fake_telegram):
    """Celery's prefork pool forks after the parent may have sent: the child must not wait
    on the parent's event loop thread, which the fork did not copy."""
    telegram_client.send_text(OWNER_CHAT_ID, "From the parent")

    child = os.fork()
    if child == 0:
        try:
            telegram_client.send_text(OWNER_CHAT_ID, "From the child")
        finally:
            os._exit(0)
    deadline = time.monotonic() + 15
    while (done := os.waitpid(child, os.WNOHANG)) == (0, 0) and time.monotonic() < deadline:
        time.sleep(0.05)
    if done == (0, 0):
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)

    assert fake_telegram.sent_texts() == ["From the parent", "From the child"]
    parent_port, child_port = (r.client_port for r in fake_telegram.requests)
    assert parent_port != child_port
