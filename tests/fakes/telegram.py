"""A fake Telegram Bot API: /bot<token>/<method>, answering like the real one."""

import itertools
import time

from tests.fakes.server import FakeServer, Recorded, Reply

BOT_USER = {"id": 999, "is_bot": True, "first_name": "Blufio", "username": "BlufioBot"}


class FakeTelegram(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.message_ids = itertools.count(5000)
        self.reset()

    def reset(self) -> None:
        super().reset()
        self.reject_entities = False
        self.flood_waits: list[int] = []  # answer the next sendMessage calls with 429
        self.fail_sends = 0  # answer this many next sendMessage calls with 502
        self.blocked_chats: set[int] = set()  # the owner blocked the bot there: 403
        self.unknown_chats: set[int] = set()  # no such chat: a permanent 400

    def calls(self, method: str) -> list[dict]:
        return [r.params for r in self.requests if r.path.rsplit("/", 1)[-1] == method]

    def sent_texts(self, chat_id: int | None = None) -> list[str]:
        return [
            params["text"]
            for params in self.calls("sendMessage")
            if chat_id is None or int(params["chat_id"]) == chat_id
        ]

    def wait_for_message(self, timeout: float = 20.0) -> list[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.sent_texts():
                return self.sent_texts()
            time.sleep(0.05)
        return []

    def _refused(self, params: dict) -> Reply | None:
        """What the Bot API answers any call to a chat that blocked the bot or is gone."""
        chat_id = params.get("chat_id")
        if chat_id is None:
            return None
        if int(chat_id) in self.blocked_chats:
            description = "Forbidden: bot was blocked by the user"
            return Reply(403, {"ok": False, "error_code": 403, "description": description})
        if int(chat_id) in self.unknown_chats:
            description = "Bad Request: chat not found"
            return Reply(400, {"ok": False, "error_code": 400, "description": description})
        return None

    def respond(self, recorded: Recorded) -> Reply:
        method = recorded.path.rsplit("/", 1)[-1]
        params = recorded.params
        if method == "getMe":
            return Reply(200, {"ok": True, "result": BOT_USER})
        refused = self._refused(params)
        if refused is not None:
            return refused
        if method == "sendMessage":
            if self.fail_sends:
                self.fail_sends -= 1
                return Reply(502, {"ok": False, "error_code": 502, "description": "Bad Gateway"})
            if self.flood_waits:
                wait = self.flood_waits.pop(0)
                return Reply(
                    429,
                    {
                        "ok": False,
                        "error_code": 429,
                        "description": f"Too Many Requests: retry after {wait}",
                        "parameters": {"retry_after": wait},
                    },
                )
            if self.reject_entities and params.get("entities"):
                return Reply(
                    400,
                    {
                        "ok": False,
                        "error_code": 400,
                        "description": "Bad Request: can't parse entities: unsupported",
                    },
                )
            message = {
                "message_id": next(self.message_ids),
                "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "from": BOT_USER,
                "text": params["text"],
            }
            return Reply(200, {"ok": True, "result": message})
        if method in ("editMessageText", "editMessageReplyMarkup"):
            message = {
                "message_id": int(params["message_id"]),
                "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "from": BOT_USER,
                "text": params.get("text", ""),
            }
            return Reply(200, {"ok": True, "result": message})
        if method in (
            "sendChatAction",
            "setWebhook",
            "setMyCommands",
            "deleteWebhook",
            "answerCallbackQuery",
        ):
            return Reply(200, {"ok": True, "result": True})
        return Reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
