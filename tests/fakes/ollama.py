"""A fake Ollama API: answers POST /api/chat like a local Ollama server (one model)."""

from collections import deque

from tests.fakes.server import FakeServer, Recorded, Reply

MODEL = "llama3.2"


class FakeOllama(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.reset()

    def reset(self) -> None:
        super().reset()
        self.text = "Hello from the local model."
        self.scripted: deque[Reply] = deque()

    def queue_error(self, status: int, times: int = 1) -> None:
        """The next `times` chats fail with `status`, in Ollama's error shape."""
        for _ in range(times):
            self.scripted.append(Reply(status, {"error": "llama runner process has terminated"}))

    @property
    def calls(self) -> list[Recorded]:
        return [r for r in self.requests if r.path == "/api/chat"]

    def respond(self, recorded: Recorded) -> Reply:
        if recorded.path != "/api/chat":
            return Reply(404, {"error": "404 page not found"})
        with self.lock:
            if self.scripted:
                return self.scripted.popleft()
        model = recorded.params.get("model")
        if model != MODEL:
            return Reply(404, {"error": f"model '{model}' not found"})
        return Reply(
            200,
            {
                "model": MODEL,
                "created_at": "2026-12-02T06:00:00.000000Z",
                "message": {"role": "assistant", "content": self.text},
                "done": True,
                "done_reason": "stop",
                "total_duration": 912_000_000,
                "prompt_eval_count": 42,
                "eval_count": 7,
            },
        )
