"""All calls to Claude go through here: the official `anthropic` SDK, one error type
(`ClaudeError`, whose `permanent` says whether retrying the same call can help)."""

import time
from dataclasses import dataclass
from functools import lru_cache

import anthropic
from django.conf import settings

from costs.pricing import TokenUsage

# Before each retry the SDK waits out a `retry-after` (Claude's are at most a minute).
RETRY_WAIT_SECONDS = 60


def call_seconds_bound() -> float:
    """The longest one `complete()` takes: every try up to the timeout, a wait before
    each retry."""
    retries = settings.ANTHROPIC_MAX_RETRIES
    return (retries + 1) * settings.ANTHROPIC_TIMEOUT_SECONDS + retries * RETRY_WAIT_SECONDS


class ClaudeError(Exception):
    """A failed Messages API call, after the SDK's own retries.

    `permanent` means the same request cannot succeed later (bad request, bad key);
    otherwise it was an overload, rate limit, server error or timeout.
    """

    def __init__(self, message: str, *, permanent: bool, status: int | None = None) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.status = status


class ClaudeNotConfigured(ClaudeError):
    def __init__(self) -> None:
        super().__init__("ANTHROPIC_API_KEY is not set", permanent=True)


@dataclass(frozen=True)
class Completion:
    text: str
    model: str
    usage: TokenUsage
    request_id: str
    latency_ms: int
    stop_reason: str | None
    tool_inputs: tuple[tuple[str, object], ...] = ()  # (tool name, its input) per tool_use block


@lru_cache(maxsize=4)
def _client(api_key: str, base_url: str, max_retries: int, timeout: float) -> anthropic.Anthropic:
    return anthropic.Anthropic(
        api_key=api_key, base_url=base_url or None, max_retries=max_retries, timeout=timeout
    )


def complete(
    *,
    model: str,
    system: str,
    messages: list[dict],
    max_tokens: int,
    tools: list[dict] | None = None,
    tool_choice: dict | None = None,
) -> Completion:
    """One Messages API call; the reply's text blocks joined, and any tool inputs."""
    if not settings.ANTHROPIC_API_KEY:
        raise ClaudeNotConfigured()
    client = _client(
        settings.ANTHROPIC_API_KEY,
        settings.ANTHROPIC_BASE_URL,
        settings.ANTHROPIC_MAX_RETRIES,
        settings.ANTHROPIC_TIMEOUT_SECONDS,
    )
    started = time.monotonic()
    try:
        options = {"tools": tools, "tool_choice": tool_choice} if tools else {}
        response = client.messages.create(
            model=model, system=system, messages=messages, max_tokens=max_tokens, **options
        )
    except anthropic.APIStatusError as exc:
        transient = exc.status_code in (408, 409, 429) or exc.status_code >= 500
        raise ClaudeError(
            f"Claude answered {exc.status_code}", permanent=not transient, status=exc.status_code
        ) from exc
    except anthropic.APIConnectionError as exc:  # includes timeouts
        raise ClaudeError(f"Could not reach Claude: {type(exc).__name__}", permanent=False) from exc
    return _completion(response, latency_ms=int((time.monotonic() - started) * 1000))


def _completion(response: anthropic.types.Message, *, latency_ms: int) -> Completion:
    return Completion(
        text="".join(block.text for block in response.content if block.type == "text"),
        model=response.model,
        usage=TokenUsage.from_api(response.usage),
        request_id=response._request_id or response.id,
        latency_ms=latency_ms,
        stop_reason=response.stop_reason,
        tool_inputs=tuple(
            (block.name, block.input) for block in response.content if block.type == "tool_use"
        ),
    )
