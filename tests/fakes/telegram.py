"""A fake Telegram Bot API: /bot<token>/<method>, answering like the real one, and the
file downloads at /file/bot<token>/<file_path>."""

import itertools
import time
from dataclasses import dataclass

from tests.fakes.server import FakeServer, Recorded, Reply

BOT_USER = {"id": 999, "is_bot": True, "first_name": "Blufio", "username": "BlufioBot"}
DOWNLOAD_LIMIT = 20_000_000  # bytes: the Bot API does not let bots download bigger files


@dataclass
class StoredFile:
    content: bytes
    size: int  # what getFile reports (a test may claim more than it stores)
    path: str


class FakeTelegram(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.message_ids = itertools.count(5000)
        self.file_numbers = itertools.count(1)
        self.reset()

    def reset(self) -> None:
        super().reset()
        self.reject_entities = False
        self.flood_waits: list[int] = []  # answer the next sendMessage calls with 429
        self.fail_sends = 0  # answer this many next sendMessage calls with 502
        self.fail_send_numbers: set[int] = set()  # answer these sendMessage calls (1, 2…) 502
        self.send_number = 0
        self.blocked_chats: set[int] = set()  # the owner blocked the bot there: 403
        self.unknown_chats: set[int] = set()  # no such chat: a permanent 400
        self.files: dict[str, StoredFile] = {}  # by file_id: what the owner "uploaded"
        self.sent: list[dict] = []  # the messages sendMessage made, as it returned them
        self.fail_downloads = 0  # answer this many next file downloads with 502
        self.reject_drafts = False  # sendMessageDraft answers 400, as where drafts are not had

    def add_file(self, content: bytes, *, size: int | None = None, suffix: str = "jpg") -> str:
        """Keep a file as if the owner had sent it; returns its file_id."""
        number = next(self.file_numbers)
        file_id = f"AgACAgIAAxkBAAI{number:06d}"
        path = f"{'documents' if suffix == 'pdf' else 'photos'}/file_{number}.{suffix}"
        self.files[file_id] = StoredFile(content, len(content) if size is None else size, path)
        return file_id

    def downloads(self) -> list[str]:
        """The file paths downloaded, in order."""
        return [r.path.split("/", 3)[3] for r in self.requests if r.path.startswith("/file/bot")]

    def calls(self, method: str) -> list[dict]:
        return [r.params for r in self.requests if r.path.rsplit("/", 1)[-1] == method]

    def sent_texts(self, chat_id: int | None = None) -> list[str]:
        return [
            params["text"]
            for params in self.calls("sendMessage")
            if chat_id is None or int(params["chat_id"]) == chat_id
        ]

    def drafts(self) -> list[str]:
        """The texts of the drafts shown, in order."""
        return [params["text"] for params in self.calls("sendMessageDraft")]

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

    def _download(self, path: str) -> Reply:
        """GET /file/bot<token>/<file_path>: the bytes, as the Bot API's file server."""
        file_path = path.split("/", 3)[3] if path.count("/") >= 3 else ""
        stored = next((f for f in self.files.values() if f.path == file_path), None)
        if stored is None:
            return Reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        if self.fail_downloads:
            self.fail_downloads -= 1
            return Reply(502, {"ok": False, "error_code": 502, "description": "Bad Gateway"})
        return Reply(200, {}, raw=stored.content, content_type="application/octet-stream")

    def _get_file(self, params: dict) -> Reply:
        stored = self.files.get(str(params.get("file_id")))
        if stored is None:
            description = "Bad Request: invalid file_id"
            return Reply(400, {"ok": False, "error_code": 400, "description": description})
        if stored.size > DOWNLOAD_LIMIT:
            description = "Bad Request: file is too big"
            return Reply(400, {"ok": False, "error_code": 400, "description": description})
        file = {
            "file_id": params["file_id"],
            "file_unique_id": f"unique_{params['file_id'][-6:]}",
            "file_size": stored.size,
            "file_path": stored.path,
        }
        return Reply(200, {"ok": True, "result": file})

    def respond(self, recorded: Recorded) -> Reply:
        if recorded.path.startswith("/file/bot"):
            return self._download(recorded.path)
        method = recorded.path.rsplit("/", 1)[-1]
        params = recorded.params
        if method == "getMe":
            return Reply(200, {"ok": True, "result": BOT_USER})
        if method == "getFile":
            return self._get_file(params)
        refused = self._refused(params)
        if refused is not None:
            return refused
        if method == "sendMessage":
            self.send_number += 1
            if self.fail_sends or self.send_number in self.fail_send_numbers:
                self.fail_sends = max(0, self.fail_sends - 1)
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
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            with self.lock:
                self.sent.append(message)
            return Reply(200, {"ok": True, "result": message})
        if method == "sendMessageDraft":
            if self.reject_drafts or int(params["chat_id"]) < 0:  # a group: no drafts there
                description = "Bad Request: TEXTDRAFT_PEER_INVALID"
                return Reply(400, {"ok": False, "error_code": 400, "description": description})
            return Reply(200, {"ok": True, "result": True})
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
