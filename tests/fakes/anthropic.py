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
        self.in_flight: Counter = Counter()  # by the first word of the last message
        self.most_in_flight: Counter = Counter()
        self.most_in_flight_overall = 0

    def queue_error(self, status: int, times: int = 1) -> None:
        """The next `times` calls fail with `status` (the SDK retries some of them)."""
        body = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
        for _ in range(times):
            self.scripted.append(Reply(status, body, {"retry-after-ms": "5"}))

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
        return Reply(200, body, {"request-id": f"req_fake{number}"})

    def _content(self, params: dict) -> tuple[list[dict], str]:
        if not params.get("tools"):
            return [{"type": "text", "text": self.text}], "end_turn"
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
