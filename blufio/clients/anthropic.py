"""All calls to Claude go through here: the official `anthropic` SDK, one error type
(`ClaudeError`, whose `permanent` says whether retrying the same call can help), and the
request options each model accepts (`request_options`, from its `Capabilities`)."""

import email.utils
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import anthropic
from django.conf import settings

from costs.capabilities import Capabilities
from costs.pricing import TokenUsage

# The beta header the API's cache diagnostics need (why a prompt missed the cache).
CACHE_DIAGNOSTICS_BETA = "cache-diagnosis-2026-04-07"
# The longest wait before a retry that we let the SDK take. It waits out any
# `retry-after` an error answer names, however long (a rate limit can name minutes),
# inside a worker that holds the chat and a budget hold; an answer asking for longer
# is not retried, so the next tier answers at once. The SDK's own backoff, when no
# wait is named, stays below this (8 s at most).
MAX_RETRY_WAIT_SECONDS = 10


def call_seconds_bound() -> float:
    """The longest one `complete()` takes: every try up to the timeout, a wait before
    each retry."""
    retries = settings.ANTHROPIC_MAX_RETRIES
    return (retries + 1) * settings.ANTHROPIC_TIMEOUT_SECONDS + retries * MAX_RETRY_WAIT_SECONDS


def retry_after_seconds(headers) -> float | None:
    """The wait an answer asks for, read as the SDK reads it: `retry-after-ms`, else
    `retry-after` in seconds or as an HTTP date."""
    try:
        return float(headers.get("retry-after-ms")) / 1000
    except (TypeError, ValueError):
        pass
    named = headers.get("retry-after")
    try:
        return float(named)
    except (TypeError, ValueError):
        pass
    moment = email.utils.parsedate_tz(named) if named else None
    return email.utils.mktime_tz(moment) - time.time() if moment else None


def _long_waits_not_retried(request, call_next):
    """SDK middleware, run for each attempt: an error answer that asks for a wait longer
    than MAX_RETRY_WAIT_SECONDS is marked not to retry (`x-should-retry`, which the SDK
    obeys), so it fails now instead of sleeping in the worker."""
    response = call_next(request)
    wait = retry_after_seconds(response.headers)
    if not response.http_response.is_success and wait is not None and wait > MAX_RETRY_WAIT_SECONDS:
        response.http_response.headers["x-should-retry"] = "false"
    return response


class ClaudeError(Exception):
    """A failed Messages API call, after the SDK's own retries.

    `permanent` means the same request cannot succeed later (bad request, bad key);
    otherwise it was an overload, rate limit, server error or timeout.
    """

    def __init__(
        self, message: str, *, permanent: bool, status: int | None = None, detail: str = ""
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.status = status
        self.detail = detail  # the API's own words for an error answer, if it gave any


class ClaudeNotConfigured(ClaudeError):
    def __init__(self) -> None:
        super().__init__("ANTHROPIC_API_KEY is not set", permanent=True)


class MalformedAnswer(ClaudeError):
    """A 200 whose body is not a whole message (cut off, not JSON, fields missing). The SDK
    does not retry it; the same request may well be read next time."""

    def __init__(self, cause: Exception) -> None:
        super().__init__(
            f"Claude's answer could not be read ({type(cause).__name__}: {cause})"[:500],
            permanent=False,
        )


class StreamCut(ClaudeError):
    """A streamed answer that stopped before its end: an `error` event, a dropped
    connection, a stream that ended without its final event. Claude generated, and may
    have billed, what it wrote until then; `usage` is what its message_start reported
    (the prompt's tokens, exactly), or None if it never came."""

    def __init__(self, cause: str, *, usage: TokenUsage | None, model: str | None) -> None:
        super().__init__(f"Claude's answer stopped part way ({cause})"[:500], permanent=False)
        self.usage = usage
        self.model = model


@dataclass(frozen=True)
class Completion:
    text: str
    model: str
    usage: TokenUsage
    request_id: str
    latency_ms: int
    stop_reason: str | None
    # Why the API's safety classifiers stopped the answer (`stop_reason` "refusal"), when
    # it says so in words.
    refusal_explanation: str | None = None
    tool_inputs: tuple[tuple[str, object], ...] = ()  # (tool name, its input) per tool_use block
    message_id: str = ""
    # Why the prompt cache could not reuse the previous request's prefix, when the request
    # asked the API's cache diagnostics and it found a divergence.
    cache_miss_reason: str | None = None

    def structured(self, output: "StructuredOutput") -> object | None:
        """The answer to a `StructuredOutput` request: the input of its tool, else the
        text read as JSON (`output_config.format`); None when it is neither."""
        for name, data in self.tool_inputs:
            if name == output.name:
                return data
        try:
            return json.loads(self.text)
        except ValueError:
            return None


@dataclass(frozen=True)
class StructuredOutput:
    """An answer wanted as JSON of one schema: given to a model that takes it as
    `output_config.format`, else offered as a tool of that name."""

    name: str
    description: str
    schema: dict

    @property
    def tool(self) -> dict:
        return {"name": self.name, "description": self.description, "input_schema": self.schema}


def request_options(
    capabilities: Capabilities,
    *,
    effort: str | None = None,
    quiet: bool = False,
    structured: StructuredOutput | None = None,
) -> dict:
    """The `thinking`, `output_config`, `tools` and `tool_choice` of a request, as the
    model accepts them.

    `effort` is sent only to a model that takes that level. `quiet` (an internal call)
    turns thinking off where the model allows it. A structured answer is asked for with
    `output_config.format` where the model takes it, else through a tool that is forced
    only where the model accepts that and will not think (thinking is never compatible
    with forced tool use).
    """
    options: dict = {}
    output_config: dict = {}
    if level := capabilities.effort(effort):
        output_config["effort"] = level
    thinking = capabilities.quiet_thinking() if quiet else None
    if thinking is not None:
        options["thinking"] = thinking
    if structured is not None and capabilities.structured_outputs:
        output_config["format"] = {"type": "json_schema", "schema": structured.schema}
    elif structured is not None:
        options["tools"] = [structured.tool]
        if capabilities.forced_tool_use and not capabilities.thinks(thinking):
            options["tool_choice"] = {"type": "tool", "name": structured.name}
    if output_config:
        options["output_config"] = output_config
    return options


@lru_cache(maxsize=4)
def _client(api_key: str, base_url: str, max_retries: int, timeout: float) -> anthropic.Anthropic:
    return anthropic.Anthropic(
        api_key=api_key,
        base_url=base_url or None,
        max_retries=max_retries,
        timeout=timeout,
        middleware=[_long_waits_not_retried],
    )


def complete(
    *,
    model: str,
    system: str | list[dict],
    messages: list[dict],
    max_tokens: int,
    tools: list[dict] | None = None,
    tool_choice: dict | None = None,
    thinking: dict | None = None,
    output_config: dict | None = None,
    on_text: Callable[[str], None] | None = None,
    cache_control: dict | None = None,
    diagnostics: dict | None = None,
) -> Completion:
    """One Messages API call; the reply's text blocks joined (thinking blocks are never
    text), and any tool inputs. The options come from `request_options`.

    With `on_text` the answer is streamed, and `on_text` gets the text written so far
    each time it grows, first "" as soon as the stream opens (Claude took the request;
    a model that thinks first writes nothing for a while, its thinking omitted by
    default); a stream that stops before its end raises StreamCut.

    `cache_control` is the request's top-level marker: the API caches the prompt up to its
    last block, and the breakpoint moves forward as the conversation grows. `system` may
    carry its own marker on a block (a stable prefix read even when later turns change).
    `diagnostics` (`{"previous_message_id": …}`) asks the API why the prompt missed the
    cache of that earlier answer; it is a beta, sent with its header.
    """
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
        given = {
            "tools": tools,
            "tool_choice": tool_choice,
            "thinking": thinking,
            "output_config": output_config,
            "cache_control": cache_control,
        }
        options = {name: value for name, value in given.items() if value is not None}
        if diagnostics is not None:
            options["diagnostics"] = diagnostics
            options["extra_headers"] = {"anthropic-beta": CACHE_DIAGNOSTICS_BETA}
        request = dict(
            model=model, system=system, messages=messages, max_tokens=max_tokens, **options
        )
        if on_text is None:
            response = client.messages.create(**request)
        else:
            with client.messages.stream(**request) as stream:
                response = _streamed(stream, on_text)
    except anthropic.APIStatusError as exc:
        raise _status_error(exc) from exc
    except anthropic.APIConnectionError as exc:  # includes timeouts
        raise ClaudeError(f"Could not reach Claude: {type(exc).__name__}", permanent=False) from exc
    except (anthropic.APIResponseValidationError, ValueError) as exc:  # JSON cut off
        raise MalformedAnswer(exc) from exc
    try:
        return _completion(response, latency_ms=int((time.monotonic() - started) * 1000))
    except (AttributeError, TypeError, ValueError) as exc:  # JSON, but not a message
        raise MalformedAnswer(exc) from exc


def _streamed(stream: anthropic.MessageStream, on_text: Callable[[str], None]):
    """Read a stream to its end, telling `on_text` the text so far; the whole message.

    Errors while opening it (status, connection) are the SDK's, raised before any event
    and retried by it; anything that stops it after that is a StreamCut."""
    on_text("")  # Claude took the request; it may think for seconds before it writes
    events = iter(stream)
    while True:
        try:
            event = next(events)
        except StopIteration:
            break
        except Exception as exc:  # an `error` event, a dropped connection, an unreadable event
            raise _cut(stream, f"{type(exc).__name__}: {exc}") from exc
        if event.type == "text":
            on_text(event.snapshot)
    try:
        message = stream.current_message_snapshot
    except AssertionError:  # not a single event: a 200 whose body is not a stream
        raise MalformedAnswer(ValueError("no message_start in the stream")) from None
    if message.stop_reason is None:
        raise _cut(stream, "the stream ended before its message_delta")
    message._request_id = stream.request_id
    return message


def _cut(stream: anthropic.MessageStream, cause: str) -> StreamCut:
    try:
        started = stream.current_message_snapshot
    except AssertionError:
        return StreamCut(cause, usage=None, model=None)
    return StreamCut(cause, usage=TokenUsage.from_api(started.usage), model=started.model)


def _status_error(exc: anthropic.APIStatusError) -> ClaudeError:
    """An error answer: an overload, rate limit, server error or timeout may pass; any other
    status means this request will not succeed (bad request, key, model or size)."""
    transient = exc.status_code in (408, 409, 429) or exc.status_code >= 500
    error = exc.body.get("error") if isinstance(exc.body, dict) else None
    detail = error.get("message") if isinstance(error, dict) else None
    detail = detail.strip() if isinstance(detail, str) else ""
    return ClaudeError(
        f"Claude answered {exc.status_code}" + (f": {detail}" if detail else ""),
        permanent=not transient,
        status=exc.status_code,
        detail=detail,
    )


def _completion(response: anthropic.types.Message, *, latency_ms: int) -> Completion:
    """The parts of a Messages API answer we use. PostgreSQL cannot store NUL characters,
    so they are dropped from the text."""
    stop_details = getattr(response, "stop_details", None)
    diagnostics = getattr(response, "diagnostics", None)
    miss = getattr(diagnostics, "cache_miss_reason", None)
    return Completion(
        text="".join(b.text for b in response.content if b.type == "text").replace("\x00", ""),
        model=response.model,
        usage=TokenUsage.from_api(response.usage),
        request_id=response._request_id or response.id,
        latency_ms=latency_ms,
        stop_reason=response.stop_reason,
        refusal_explanation=getattr(stop_details, "explanation", None) or None,
        tool_inputs=tuple(
            (block.name, block.input) for block in response.content if block.type == "tool_use"
        ),
        message_id=response.id,
        cache_miss_reason=getattr(miss, "type", None),
    )
