from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from blufio.clients import telegram as telegram_client
from blufio.conversation.commands import COMMANDS

# Reactions come only when asked for: they are the owner's verdict on a reply.
ALLOWED_UPDATES = ["message", "callback_query", "message_reaction"]


class Command(BaseCommand):
    help = "Register the webhook with Telegram (with the secret) and set the bot's command list."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--url", help="Public HTTPS address of /telegram/webhook/.")

    def handle(self, *args, url: str | None = None, **options) -> None:
        if not settings.TELEGRAM_WEBHOOK_SECRET:
            raise CommandError(
                "Set TELEGRAM_WEBHOOK_SECRET first: the webhook refuses requests without it."
            )
        if not url:
            host = next(
                (h for h in settings.ALLOWED_HOSTS if h not in ("localhost", "127.0.0.1", "*")),
                None,
            )
            if not host:
                raise CommandError("Give --url https://your.host/telegram/webhook/")
            url = f"https://{host}/telegram/webhook/"
        if not url.startswith("https://"):
            raise CommandError("Telegram only calls https:// webhooks.")
        try:
            telegram_client.set_webhook(
                url=url, secret=settings.TELEGRAM_WEBHOOK_SECRET, allowed_updates=ALLOWED_UPDATES
            )
            telegram_client.set_commands(COMMANDS)
        except telegram_client.TelegramError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Webhook set to {url}; {len(COMMANDS)} commands registered.")
