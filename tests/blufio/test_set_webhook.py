import pytest
from django.core.management import CommandError, call_command


def test_it_registers_the_webhook_with_the_secret_and_the_commands(fake_telegram, capsys):
    call_command("set_webhook", url="https://bot.example.com/telegram/webhook/")

    [webhook] = fake_telegram.calls("setWebhook")
    assert webhook["url"] == "https://bot.example.com/telegram/webhook/"
    assert webhook["secret_token"] == "test-webhook-secret"
    assert webhook["allowed_updates"] == ["message", "callback_query", "message_reaction"]
    [commands] = fake_telegram.calls("setMyCommands")
    assert [c["command"] for c in commands["commands"]] == [
        "start",
        "help",
        "budget",
        "stats",
        "usage",
    ]
    assert "Webhook set to https://bot.example.com/telegram/webhook/" in capsys.readouterr().out


def test_it_refuses_a_plain_http_address(fake_telegram):
    with pytest.raises(CommandError, match="https://"):
        call_command("set_webhook", url="http://bot.example.com/telegram/webhook/")
    assert fake_telegram.requests == []


def test_it_refuses_to_register_without_a_secret(fake_telegram, settings):
    settings.TELEGRAM_WEBHOOK_SECRET = ""

    with pytest.raises(CommandError, match="TELEGRAM_WEBHOOK_SECRET"):
        call_command("set_webhook", url="https://bot.example.com/telegram/webhook/")


def test_it_says_when_the_token_is_missing(fake_telegram, settings):
    settings.TELEGRAM_BOT_TOKEN = ""

    with pytest.raises(CommandError, match="TELEGRAM_BOT_TOKEN is not set"):
        call_command("set_webhook", url="https://bot.example.com/telegram/webhook/")
