"""The optional local model (`LOCAL_MODEL_URL`, `LOCAL_MODEL_NAME`): an Ollama-compatible
server, reached with the official `ollama` client. Blufio's last resort: it answers when
every Claude tier failed, or when the day's budget is spent and the owner allowed it."""

import time
from dataclasses import dataclass
from functools import lru_cache

import httpx
import ollama
from django.conf import settings

from costs.pricing import TokenUsage

# A local model on modest hardware is slow; an answer taking longer than this is given up.
LOCAL_TIMEOUT_SECONDS = 120.0


class LocalModelError(Exception):
    """The local model did not answer. `permanent`: the same request cannot succeed (the
    model is not there, or the request is refused)."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class LocalAnswer:
    text: str
    model: str
    usage: TokenUsage
    latency_ms: int


def local_configured() -> bool:
    return bool(settings.LOCAL_MODEL_URL and settings.LOCAL_MODEL_NAME)


@lru_cache(maxsize=2)
def _client(host: str) -> ollama.Client:
    return ollama.Client(host=host, timeout=LOCAL_TIMEOUT_SECONDS)


def local_complete(*, system: str, messages: list[dict]) -> LocalAnswer:
    """One chat call to the local model: the system prompt, then the turns as Claude sees
    them. PostgreSQL cannot store NUL characters, so they are dropped from the text."""
    if not local_configured():
        raise LocalModelError("LOCAL_MODEL_URL or LOCAL_MODEL_NAME is not set", permanent=True)
    started = time.monotonic()
    try:
        response = _client(settings.LOCAL_MODEL_URL).chat(
            model=settings.LOCAL_MODEL_NAME,
            messages=[{"role": "system", "content": system}, *messages],
        )
    except ollama.ResponseError as exc:
        transient = exc.status_code in (408, 429) or exc.status_code >= 500
        raise LocalModelError(f"The local model answered {exc}", permanent=not transient) from exc
    except (ConnectionError, httpx.HTTPError, ValueError) as exc:  # down, slow, not JSON
        raise LocalModelError(
            f"Could not reach the local model: {type(exc).__name__}", permanent=False
        ) from exc
    return LocalAnswer(
        text=(response.message.content or "").replace("\x00", ""),
        model=response.model or settings.LOCAL_MODEL_NAME,
        usage=TokenUsage(
            input_tokens=response.prompt_eval_count or 0, output_tokens=response.eval_count or 0
        ),
        latency_ms=int((time.monotonic() - started) * 1000),
    )
