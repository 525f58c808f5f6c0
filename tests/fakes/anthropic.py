"""A fake Anthropic Messages API: answers POST /v1/messages like the real one."""

import itertools
import json
import time
from collections import Counter, deque

from tests.fakes.server import FakeServer, Recorded, Reply

DEFAULT_USAGE = {
    "input_tokens": 1200,
    "output_tokens": 300,
    "cache_creation_input_tokens": 0,
    "cache_read_input_tokens": 0,
}
# The error type and message the real API puts in the body of each status.
ERRORS = {
    400: ("invalid_request_error", "messages: text content blocks must be non-empty"),
    401: ("authentication_error", "invalid x-api-key"),
    403: (
        "permission_error",
        "Your API key does not have permission to use the specified resource.",
    ),
    404: ("not_found_error", "model: claude-nonexistent"),
    413: ("request_too_large", "Request exceeds the maximum allowed number of bytes."),
    429: ("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"),
    500: ("api_error", "Internal server error"),
    529: ("overloaded_error", "Overloaded"),
}
# A 200 answer whose JSON body stops part way, as a proxy or a dropped stream leaves it.
CUT_OFF_BODY = b'{"id":"msg_bad","type":"message","content":[{"type":"text","text":"half'


class FakeAnthropic(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.reset()

    def reset(self) -> None:
        super().reset()
        self.ids = itertools.count(1)
        self.scripted: deque[Reply] = deque()
        self.text = "Hello from **Claude**."
        # Requests that offer tools get a tool_use block: scripted content first, else this.
        self.tool_scripted: deque[list[dict]] = deque()
        self.tool_input: dict = {"new_items": [], "updates": []}
        self.usage_from_prompt = False  # count input tokens from the request's size
        self.usage = dict(DEFAULT_USAGE)
        self.delay = 0.0  # seconds each answer takes
        # Answers without tools stop with `refusal` and these `stop_details`, as when the
        # API's safety classifiers stop a reply part way (`text` is what came before).
        self.refusal: dict | None = None
        self.in_flight: Counter = Counter()  # by the first word of the last message
        self.most_in_flight: Counter = Counter()
        self.most_in_flight_overall = 0

    def queue_error(self, status: int, times: int = 1, message: str | None = None) -> None:
        """The next `times` calls fail with `status` (the SDK retries some of them)."""
        kind, default = ERRORS.get(status, ("api_error", "Internal server error"))
        body = {"type": "error", "error": {"type": kind, "message": message or default}}
        for _ in range(times):
            self.scripted.append(Reply(status, body, {"retry-after-ms": "5"}))

    def queue_malformed(self, times: int = 1, raw: bytes = CUT_OFF_BODY) -> None:
        """The next `times` calls get a 200 with this body, by default JSON cut off."""
        for n in range(times):
            self.scripted.append(Reply(200, {}, {"request-id": f"req_bad{n}"}, raw=raw))

    def queue_tool_content(self, content: list[dict]) -> None:
        """The next request offering tools gets exactly these content blocks."""
        self.tool_scripted.append(content)

    @property
    def calls(self) -> list[Recorded]:
        return [r for r in self.requests if r.path.startswith("/v1/messages")]

    def respond(self, recorded: Recorded) -> Reply:
        if not recorded.path.startswith("/v1/messages"):
            return Reply(404, {"type": "error", "error": {"type": "not_found_error"}})
        with self.lock:
            if self.scripted:
                return self.scripted.popleft()
            number = next(self.ids)
        if self.delay:
            self._wait(recorded)
        content, stop_reason = self._content(recorded.params)
        body = {
            "id": f"msg_fake{number}",
            "type": "message",
            "role": "assistant",
            "model": recorded.params["model"],
            "content": content,
            "stop_reason": stop_reason,
            "stop_sequence": None,
            "usage": self._usage(recorded.params),
        }
        if stop_reason == "refusal":
            body["stop_details"] = {"type": "refusal", **self.refusal}
        return Reply(200, body, {"request-id": f"req_fake{number}"})

    def _content(self, params: dict) -> tuple[list[dict], str]:
        if not params.get("tools"):
            stop_reason = "end_turn" if self.refusal is None else "refusal"
            return [{"type": "text", "text": self.text}], stop_reason
        with self.lock:
            if self.tool_scripted:
                return self.tool_scripted.popleft(), "tool_use"
        name = params["tools"][0]["name"]
        block = {"type": "tool_use", "id": "toolu_fake", "name": name, "input": self.tool_input}
        return [block], "tool_use"

    def _usage(self, params: dict) -> dict:
        """The configured usage; never more output than `max_tokens`, as the real API."""
        usage = {**self.usage}
        usage["output_tokens"] = min(usage.get("output_tokens", 0), params["max_tokens"])
        if self.usage_from_prompt:
            prompt = json.dumps([params.get("system"), params["messages"], params.get("tools")])
            usage["input_tokens"] = len(prompt) // 4
        return usage

    def _wait(self, recorded: Recorded) -> None:
        """Take `delay` seconds, keeping count of overlapping requests per conversation."""
        key = recorded.params["messages"][-1]["content"].split()[0]
        with self.lock:
            self.in_flight[key] += 1
            self.most_in_flight[key] = max(self.most_in_flight[key], self.in_flight[key])
            total = sum(self.in_flight.values())
            self.most_in_flight_overall = max(self.most_in_flight_overall, total)
        time.sleep(self.delay)
        with self.lock:
            self.in_flight[key] -= 1
