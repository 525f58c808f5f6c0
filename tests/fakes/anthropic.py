"""A fake Anthropic Messages API: answers POST /v1/messages like the real one, prompt
caching included, streamed as Server-Sent Events when the request asks (`"stream": true`),
and refuses with a 400 what each current model refuses (`MODELS`), so a test fails where
production would."""

import base64
import binascii
import hashlib
import io
import itertools
import json
import re
import time
from collections import Counter, deque
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

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
EFFORTS = frozenset({"low", "medium", "high", "xhigh", "max"})


@dataclass(frozen=True)
class Model:
    """What a model does with a request, from its pages (see
    costs/migrations/0012_model_capabilities.py)."""

    thinks_by_default: bool
    thinking_types: frozenset[str]  # the thinking.type values it accepts
    efforts: frozenset[str]  # the output_config.effort levels it accepts
    strict_sampling: bool = True  # non-default temperature, top_p, top_k are a 400
    no_prefill: bool = True  # a last assistant turn is a 400
    no_forced_tools: bool = False  # a forced tool_choice is a 400 even with thinking off
    efforts_without_thinking: frozenset[str] = EFFORTS  # with thinking.type "disabled"
    # What a thinking block carries when the request does not set `thinking.display`: the
    # 5.5 models return it "omitted" (empty, with its signature), older ones "summarized".
    thinking_display: str = "omitted"


MODELS = {
    "claude-opus-5-5": Model(True, frozenset({"adaptive"}), EFFORTS, no_forced_tools=True),
    "claude-sonnet-5-5": Model(
        True, frozenset({"adaptive", "between_tools"}), EFFORTS, no_forced_tools=True
    ),
    "claude-haiku-5-5": Model(
        True,
        frozenset({"adaptive", "disabled"}),
        EFFORTS,
        efforts_without_thinking=frozenset({"low", "medium", "high"}),
    ),
    "claude-haiku-4-5": Model(
        False,
        frozenset({"enabled", "disabled"}),
        frozenset(),
        strict_sampling=False,
        no_prefill=False,
        thinking_display="summarized",
    ),
}
# A model missing above (a test's "claude-mystery-9") accepts anything and never thinks.
LENIENT = Model(
    False,
    frozenset({"adaptive", "enabled", "disabled"}),
    EFFORTS,
    False,
    False,
    thinking_display="summarized",
)
SAMPLING_DEFAULTS = {"temperature": 1, "top_p": 1, "top_k": None}
# Constraints the structured outputs grammar does not take.
UNSUPPORTED_SCHEMA_KEYWORDS = frozenset(
    {"minimum", "maximum", "minLength", "maxLength", "maxItems", "uniqueItems", "multipleOf"}
)


def model_of(model_id: str) -> Model:
    """The behaviour of a model id, dated snapshots included."""
    for family, model in MODELS.items():
        if re.fullmatch(re.escape(family) + r"(-\d{8})?", model_id):
            return model
    return LENIENT


def refusal(params: dict) -> str | None:
    """Why the real API would answer this request 400, in its words where known, or None."""
    model = model_of(params["model"])
    thinking = (params.get("thinking") or {}).get("type")
    if thinking is not None and thinking not in model.thinking_types:
        return f'"thinking.type.{thinking}" is not supported for this model.'
    thinks = thinking in ("adaptive", "enabled") or (thinking is None and model.thinks_by_default)
    forced = (params.get("tool_choice") or {}).get("type") in ("any", "tool")
    if forced and thinks:
        return "Thinking may not be enabled when tool_choice forces tool use."
    if forced and model.no_forced_tools:
        return "tool_choice: forced tool use is not supported for this model."
    output_config = params.get("output_config") or {}
    effort = output_config.get("effort")
    if effort is not None and effort not in model.efforts:
        return f"output_config.effort: {effort!r} is not supported for this model."
    if (
        effort is not None
        and thinking == "disabled"
        and effort not in (model.efforts_without_thinking)
    ):
        return f"output_config.effort: {effort!r} is not supported with thinking disabled."
    if model.strict_sampling:
        for name, default in SAMPLING_DEFAULTS.items():
            if params.get(name, default) != default:
                return f"{name}: only the default value is supported for this model."
    if model.no_prefill and params["messages"][-1]["role"] == "assistant":
        return (
            "This model does not support assistant message prefill. "
            "The conversation must end with a user message."
        )
    if "format" in output_config:
        return _schema_refusal(output_config["format"]["schema"], "output_config.format.schema")
    return None


def _schema_refusal(schema: object, where: str) -> str | None:
    """What the structured outputs grammar refuses in a schema: an open object, a bound."""
    if isinstance(schema, list):
        return next(filter(None, (_schema_refusal(part, where) for part in schema)), None)
    if not isinstance(schema, dict):
        return None
    if schema.get("type") == "object" and schema.get("additionalProperties") is not False:
        return f"{where}: For 'object' type, 'additionalProperties' must be explicitly set to false"
    if unsupported := UNSUPPORTED_SCHEMA_KEYWORDS & schema.keys():
        return f"{where}: '{sorted(unsupported)[0]}' is not supported"
    parts = [*schema.get("properties", {}).values(), schema.get("items"), schema.get("anyOf")]
    return next(filter(None, (_schema_refusal(part, where) for part in parts)), None)


def thinks(params: dict) -> bool:
    """Whether the model thinks on this request (the thinking block comes first)."""
    thinking = (params.get("thinking") or {}).get("type")
    return thinking in ("adaptive", "enabled") or (
        thinking is None and model_of(params["model"]).thinks_by_default
    )


def thinking_shown(params: dict) -> bool:
    """Whether a thinking block carries its (summarized) text: `thinking.display`, else
    the model's default."""
    display = (params.get("thinking") or {}).get("display")
    return (display or model_of(params["model"]).thinking_display) == "summarized"


# The image types the API takes, by the name Pillow gives each format.
PIL_MEDIA_TYPES = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "GIF": "image/gif",
    "WEBP": "image/webp",
}
# What the real API sends in an `error` event when it stops a stream part way.
STREAM_ERROR = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
# The shortest prefix each model caches (the models' pages, "Good to know"); the most
# specific family prefix wins, as model ids carry dates.
MIN_CACHEABLE_TOKENS = {
    "claude-opus-5": 512,
    "claude-sonnet-5": 1024,
    "claude-sonnet-5-5": 512,
    "claude-haiku-5-5": 512,
    "claude-haiku-4-5": 4096,
}
DEFAULT_MIN_CACHEABLE_TOKENS = 1024
CACHE_TTL_SECONDS = {"5m": 5 * 60, "1h": 60 * 60}
MESSAGE_ROLES = ("user:", "assistant:")  # how a message block's fingerprint starts
MAX_BREAKPOINTS = 4
# A breakpoint checks at most this many positions for an earlier write, itself first.
LOOKBACK_BLOCKS = 20
CACHE_DIAGNOSTICS_BETA = "cache-diagnosis-2026-04-07"
# A 200 answer whose JSON body stops part way, as a proxy or a dropped stream leaves it.
CUT_OFF_BODY = b'{"id":"msg_bad","type":"message","content":[{"type":"text","text":"half'


def system_text(params: dict) -> str:
    """The system prompt of a recorded request, sent as a string or as text blocks."""
    system = params.get("system") or ""
    return system if isinstance(system, str) else "\n\n".join(b["text"] for b in system)


def min_cacheable_tokens(model: str) -> int:
    families = [f for f in MIN_CACHEABLE_TOKENS if model.startswith(f)]
    return (
        MIN_CACHEABLE_TOKENS[max(families, key=len)] if families else DEFAULT_MIN_CACHEABLE_TOKENS
    )


def block_tokens(text: str) -> int:
    """The fake's tokenizer: about four characters a token."""
    return len(text) // 4 + 1


@dataclass(frozen=True)
class PromptBlock:
    """One cacheable block of a request, in prefix order (tools, system, messages)."""

    fingerprint: str
    tokens: int
    ttl: str | None  # set where the block carries a cache_control breakpoint


def prompt_blocks(params: dict) -> list[PromptBlock]:
    """The request's blocks; a top-level `cache_control` marks the last one."""

    def block(part: dict | str, role: str) -> PromptBlock:
        if isinstance(part, str):  # the same as one text block, to the API and its cache
            part = {"type": "text", "text": part}
        marker = part.get("cache_control")
        content = {k: v for k, v in part.items() if k != "cache_control"}
        text = json.dumps(content, sort_keys=True) if role == "tool" else content.get("text", "")
        fingerprint = f"{role}:{json.dumps(content, sort_keys=True)}"
        return PromptBlock(fingerprint, block_tokens(text), marker and marker.get("ttl", "5m"))

    blocks = [block(tool, "tool") for tool in params.get("tools") or []]
    system = params.get("system")
    if system:
        blocks += [block(b, "system") for b in ([system] if isinstance(system, str) else system)]
    for message in params["messages"]:
        content = message["content"]
        parts = [content] if isinstance(content, str) else content
        blocks += [block(part, message["role"]) for part in parts]
    top = params.get("cache_control")
    if top and blocks and blocks[-1].ttl is None:
        last = blocks[-1]
        blocks[-1] = PromptBlock(last.fingerprint, last.tokens, top.get("ttl", "5m"))
    return blocks


def prompt_keys(params: dict) -> tuple[list[PromptBlock], list[str], list[int]]:
    """The request's blocks, the cache key of the prefix ending at each (per model), and
    the token count at each block's end."""
    blocks = prompt_blocks(params)
    digest = hashlib.sha256(params["model"].encode())
    # Thinking and effort settings are part of the messages' cache, not of the tools'
    # and system's: changing them invalidates only the cached messages.
    settings = json.dumps(
        [params.get("thinking"), (params.get("output_config") or {}).get("effort")]
    )
    keys, ends, total = [], [], 0
    for block in blocks:
        if block.fingerprint.startswith(MESSAGE_ROLES) and settings:
            digest.update(settings.encode() + b"\0")
            settings = ""
        digest.update(block.fingerprint.encode() + b"\0")
        keys.append(digest.hexdigest())
        total += block.tokens
        ends.append(total)
    return blocks, keys, ends


def cacheable_breakpoints(params: dict, blocks: list[PromptBlock], ends: list[int]) -> list[int]:
    """The positions of the breakpoints whose prefix is at least the model's minimum long
    (a shorter one is processed without caching, and no error is returned)."""
    minimum = min_cacheable_tokens(params["model"])
    return [i for i, b in enumerate(blocks) if b.ttl and ends[i] >= minimum]


def breakpoint_refusal(params: dict) -> str | None:
    """Why the API refuses these cache breakpoints: more than four (the top-level marker
    takes one of the four), a 1-hour one after a 5-minute one (longer lifetimes must come
    first), or a top-level marker whose lifetime differs from the one the last block
    already carries."""
    top = params.get("cache_control")
    explicit = prompt_blocks({**params, "cache_control": None})
    if top and explicit and explicit[-1].ttl not in (None, top.get("ttl", "5m")):
        return (
            "cache_control: the last content block already has a cache_control with a "
            "different ttl than the top-level cache_control."
        )
    ttls = [b.ttl for b in prompt_blocks(params) if b.ttl]
    if len(ttls) > MAX_BREAKPOINTS:
        return (
            f"A maximum of {MAX_BREAKPOINTS} blocks with cache_control may be provided. "
            f"Found {len(ttls)}."
        )
    if "5m" in ttls and "1h" in ttls[ttls.index("5m") :]:
        return (
            "A 'cache_control' block with ttl='1h' must not come after a block with "
            "ttl='5m': longer lifetimes must come first."
        )
    return None


def _without_markers(value):
    """A request part with its cache_control markers taken out, as diagnostics compare it
    (a message's text as a string is the same as one text block)."""
    if isinstance(value, dict) and isinstance(value.get("content"), str):
        value = {**value, "content": [{"type": "text", "text": value["content"]}]}
    if isinstance(value, list):
        return [_without_markers(item) for item in value]
    if isinstance(value, dict):
        return {k: _without_markers(v) for k, v in value.items() if k != "cache_control"}
    return value


def _miss(kind: str, previous: dict) -> dict:
    text = json.dumps([previous["system"], previous["tools"], previous["messages"]])
    reason = {"type": kind, "cache_missed_input_tokens": block_tokens(text)}
    return {"cache_miss_reason": reason}


class FakeAnthropic(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.reset()

    def reset(self) -> None:
        super().reset()
        self.ids = itertools.count(1)
        self.scripted: deque[Reply] = deque()
        self.text = "Hello from **Claude**."
        # Requests that offer tools get a tool_use block: scripted content first, else
        # `tool_input`; requests with an output_config.format get `tool_input` as JSON text.
        self.tool_scripted: deque[list[dict]] = deque()
        self.tool_input: dict = {"new_items": [], "updates": []}
        # A model that thinks answers with a thinking block first; its tokens are output
        # and count toward max_tokens, as the real API bills them.
        self.thinking_text = "The owner wants a short answer; let me check the details."
        self.thinking_tokens = 0
        self.usage_from_prompt = False  # count input tokens from the request's size
        self.usage = dict(DEFAULT_USAGE)
        self.delay = 0.0  # seconds each answer takes
        # Why answers without tools stop; `max_tokens` also bills all of `max_tokens`.
        self.stop_reason = "end_turn"
        # Answers without tools stop with `refusal` and these `stop_details`, as when the
        # API's safety classifiers stop a reply part way (`text` is what came before).
        self.refusal: dict | None = None
        # The pace of a streamed answer: seconds before its first event (the time to first
        # token), characters per text delta, seconds between deltas. Instant by default.
        self.stream_first_delay = 0.0
        self.stream_chunk_chars = 8
        self.stream_delta_delay = 0.0
        self.stream_cuts: deque[tuple[int, bool]] = deque()  # see `queue_stream_cut`
        # Prompt caches, per model: a prefix's hash -> (expires at, lifetime in seconds).
        self.caches: dict[str, tuple[float, int]] = {}
        # Cache diagnostics: each diagnosed answer's prompt, by its message id.
        self.fingerprints: dict[str, dict] = {}
        self.clock_offset = 0.0  # seconds added to the clock, to let caches expire
        self.in_flight: Counter = Counter()  # by the first word of the last message
        self.most_in_flight: Counter = Counter()
        self.most_in_flight_overall = 0

    def queue_error(
        self,
        status: int,
        times: int = 1,
        message: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        """The next `times` calls fail with `status` (the SDK retries some of them), asking
        to wait `retry_after` seconds (`retry-after`, as the API's rate limits do), else 5 ms."""
        kind, default = ERRORS.get(status, ("api_error", "Internal server error"))
        body = {"type": "error", "error": {"type": kind, "message": message or default}}
        wait = {"retry-after-ms": "5"} if retry_after is None else {"retry-after": str(retry_after)}
        for _ in range(times):
            self.scripted.append(Reply(status, body, wait))

    def queue_malformed(self, times: int = 1, raw: bytes = CUT_OFF_BODY) -> None:
        """The next `times` calls get a 200 with this body, by default JSON cut off."""
        for n in range(times):
            self.scripted.append(Reply(200, {}, {"request-id": f"req_bad{n}"}, raw=raw))

    def queue_stream_cut(self, after: int, *, drop: bool = False) -> None:
        """The next streamed answer stops after `after` text deltas: with an `error`
        event (overloaded), or with `drop` by the connection closing mid-body."""
        self.stream_cuts.append((after, drop))

    def queue_tool_content(self, content: list[dict]) -> None:
        """The next request offering tools gets exactly these content blocks."""
        self.tool_scripted.append(content)

    def advance(self, seconds: float) -> None:
        """Move the fake's clock on, as if `seconds` passed between requests."""
        self.clock_offset += seconds

    @property
    def calls(self) -> list[Recorded]:
        return [r for r in self.requests if r.path.startswith("/v1/messages")]

    def respond(self, recorded: Recorded) -> Reply:
        if not recorded.path.startswith("/v1/messages"):
            return Reply(404, {"type": "error", "error": {"type": "not_found_error"}})
        invalid = content_error(recorded.params.get("messages") or [])
        if invalid is not None:
            error = {"type": "invalid_request_error", "message": invalid}
            return Reply(400, {"type": "error", "error": error}, {"request-id": "req_invalid"})
        with self.lock:
            if self.scripted:
                return self.scripted.popleft()
            number = next(self.ids)
        if (refused := refusal(recorded.params)) is not None:
            body = {"type": "error", "error": {"type": "invalid_request_error", "message": refused}}
            return Reply(400, body, {"request-id": f"req_fake{number}"})
        if (message := breakpoint_refusal(recorded.params)) is not None:
            body = {"type": "error", "error": {"type": "invalid_request_error", "message": message}}
            return Reply(400, body, {"request-id": f"req_fake{number}"})
        if self.delay:
            self._wait(recorded)
        content, stop_reason = self._content(recorded.params)
        if thinks(recorded.params):
            thought = self._thought()
            if not thinking_shown(recorded.params):  # omitted: empty, with its signature
                thought["thinking"] = ""
            content = [thought, *content]
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
        if "diagnostics" in recorded.params and CACHE_DIAGNOSTICS_BETA in recorded.headers.get(
            "anthropic-beta", ""
        ):
            body["diagnostics"] = self._diagnose(body["id"], recorded.params)
        headers = {"request-id": f"req_fake{number}"}
        if recorded.params.get("stream"):
            with self.lock:
                cut = self.stream_cuts.popleft() if self.stream_cuts else None
            return Reply(200, {}, headers, stream=self._events(body, cut))
        return Reply(200, body, headers)

    def _events(self, body: dict, cut: tuple[int, bool] | None):
        """The answer as the real API streams it: message_start (input usage), each content
        block's start, deltas and stop, message_delta (stop reason, the final usage),
        message_stop; or cut part way as configured. Yields (wait, bytes) pairs."""
        usage = body["usage"]
        start = {**body, "content": [], "stop_reason": None, "usage": {**usage, "output_tokens": 1}}
        yield self.stream_first_delay, _sse("message_start", {"message": start})
        yield 0, _sse("ping", {})
        texts = 0  # text deltas sent
        for index, block in enumerate(body["content"]):
            empty, pieces = _block_parts(block, self.stream_chunk_chars)
            yield 0, _sse("content_block_start", {"index": index, "content_block": empty})
            for delta in pieces:
                wait = self.stream_delta_delay
                if delta["type"] == "text_delta":
                    if cut is not None and texts == cut[0]:
                        yield 0, None if cut[1] else _sse("error", STREAM_ERROR)
                        return
                    texts += 1
                elif delta["type"] == "signature_delta" and not block["thinking"]:
                    # Thinking omitted: the model thinks as long, its deltas unsent.
                    wait *= len(_block_parts(self._thought(), self.stream_chunk_chars)[1])
                yield wait, _sse("content_block_delta", {"index": index, "delta": delta})
            yield 0, _sse("content_block_stop", {"index": index})
        delta = {"stop_reason": body["stop_reason"], "stop_sequence": None}
        if "stop_details" in body:
            delta["stop_details"] = body["stop_details"]
        yield 0, _sse("message_delta", {"delta": delta, "usage": usage})
        yield 0, _sse("message_stop", {})

    def _thought(self) -> dict:
        return {"type": "thinking", "thinking": self.thinking_text, "signature": "sig_1"}

    def _content(self, params: dict) -> tuple[list[dict], str]:
        if "format" in (params.get("output_config") or {}):
            return [{"type": "text", "text": json.dumps(self.tool_input)}], "end_turn"
        if not params.get("tools"):
            stop_reason = self.stop_reason if self.refusal is None else "refusal"
            return [{"type": "text", "text": self.text}], stop_reason
        with self.lock:
            if self.tool_scripted:
                return self.tool_scripted.popleft(), "tool_use"
        name = params["tools"][0]["name"]
        block = {"type": "tool_use", "id": "toolu_fake", "name": name, "input": self.tool_input}
        return [block], "tool_use"

    def _usage(self, params: dict) -> dict:
        """The configured usage, thinking tokens added when the model thinks; never more
        output than `max_tokens`, as the real API.

        A request that caches (a breakpoint on a prefix at least the model's minimum long)
        has its prompt counted: what its caches hold is read, the rest up to its last
        breakpoint written, the remainder input.
        """
        usage = {**self.usage}
        output = usage.get("output_tokens", 0) + (self.thinking_tokens if thinks(params) else 0)
        usage["output_tokens"] = min(output, params["max_tokens"])
        if self.stop_reason == "max_tokens" and not params.get("tools"):
            usage["output_tokens"] = params["max_tokens"]
        with self.lock:
            cached = self._cache_use(params)
        if cached is not None:
            usage.update(cached)
        elif self.usage_from_prompt:
            prompt = json.dumps([params.get("system"), params["messages"], params.get("tools")])
            usage["input_tokens"] = len(prompt) // 4
        return usage

    def _cache_use(self, params: dict) -> dict | None:
        """Read and write this model's prompt cache as the API does; None if nothing could
        be cached. Entries live `ttl` from their last use; a breakpoint reads the longest
        live prefix within `LOOKBACK_BLOCKS` blocks before it."""
        blocks, keys, ends = prompt_keys(params)
        total = ends[-1] if ends else 0
        now = time.monotonic() + self.clock_offset
        breakpoints = cacheable_breakpoints(params, blocks, ends)
        if not breakpoints:
            return None
        hit = -1
        for point in breakpoints:
            # The breakpoint itself is the first of the 20 positions checked.
            for i in range(point, max(-1, point - LOOKBACK_BLOCKS), -1):
                entry = self.caches.get(keys[i])
                if entry and entry[0] > now:
                    hit = max(hit, i)
                    self.caches[keys[i]] = (now + entry[1], entry[1])
                    break
        # Billed as the API says: reads up to the hit (A), 1-hour writes from there to the
        # last 1-hour breakpoint (B), 5-minute writes on to the last breakpoint (C). Only
        # breakpoints past the hit get an entry: one inside the read prefix is not written.
        read = ends[hit] if hit >= 0 else 0
        written = {"5m": 0, "1h": 0}
        done = read
        for point in breakpoints:
            ttl = blocks[point].ttl
            if point > hit:
                written[ttl] += ends[point] - done
                done = ends[point]
                self.caches[keys[point]] = (now + CACHE_TTL_SECONDS[ttl], CACHE_TTL_SECONDS[ttl])
        return {
            "input_tokens": total - done,
            "cache_creation_input_tokens": written["5m"] + written["1h"],
            "cache_creation": {
                "ephemeral_5m_input_tokens": written["5m"],
                "ephemeral_1h_input_tokens": written["1h"],
            },
            "cache_read_input_tokens": read,
        }

    def _diagnose(self, message_id: str, params: dict) -> dict | None:
        """Compare the prompt with the one of `diagnostics.previous_message_id`: the first
        part that differs, or None when the new prompt only appends messages."""
        fingerprint = {
            "model": params["model"],
            "system": _without_markers(params.get("system")),
            "tools": _without_markers(params.get("tools")),
            "messages": _without_markers(params["messages"]),
        }
        with self.lock:
            self.fingerprints[message_id] = fingerprint
            previous = self.fingerprints.get(params["diagnostics"].get("previous_message_id"))
        if params["diagnostics"].get("previous_message_id") is None:
            return None
        if previous is None:
            return {"cache_miss_reason": {"type": "previous_message_not_found"}}
        for part in ("model", "system", "tools"):
            if fingerprint[part] != previous[part]:
                return _miss(f"{part}_changed", previous)
        earlier = previous["messages"]
        if fingerprint["messages"][: len(earlier)] != earlier:
            return _miss("messages_changed", previous)
        return None

    def _wait(self, recorded: Recorded) -> None:
        """Take `delay` seconds, keeping count of overlapping requests per conversation."""
        content = recorded.params["messages"][-1]["content"]
        if not isinstance(content, str):  # blocks: an attachment and the owner's text
            content = " ".join(block.get("text", "") for block in content)
        key = (content.split() or [""])[0]
        with self.lock:
            self.in_flight[key] += 1
            self.most_in_flight[key] = max(self.most_in_flight[key], self.in_flight[key])
            total = sum(self.in_flight.values())
            self.most_in_flight_overall = max(self.most_in_flight_overall, total)
        time.sleep(self.delay)
        with self.lock:
            self.in_flight[key] -= 1


def content_error(messages: list[dict]) -> str | None:
    """What the real API says of the first malformed content block, or None.

    Text blocks must be non-empty; images base64 of one of four types whose bytes are of
    the type declared; documents base64 PDFs (other blocks are not checked). The messages
    are the API's own.
    """
    for m, message in enumerate(messages):
        content = message.get("content")
        if isinstance(content, str):
            continue
        for c, block in enumerate(content or []):
            where = f"messages.{m}.content.{c}"
            kind = block.get("type")
            if kind == "text":
                if not block.get("text"):
                    return "messages: text content blocks must be non-empty"
            elif kind == "image":
                error = _image_error(block.get("source") or {})
                if error:
                    return f"{where}.image.source.base64{error}"
            elif kind == "document":
                source = block.get("source") or {}
                if source.get("media_type") != "application/pdf" or not _decoded(
                    source.get("data")
                ).startswith(b"%PDF-"):
                    return f"{where}.pdf.source.base64.data: The PDF specified was not valid."
    return None


def _decoded(data: object) -> bytes:
    try:
        return base64.b64decode(data, validate=True) if isinstance(data, str) else b""
    except (binascii.Error, ValueError):
        return b""


def _image_error(source: dict) -> str | None:
    media_type = source.get("media_type")
    if source.get("type") != "base64" or media_type not in PIL_MEDIA_TYPES.values():
        return ".media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'"
    data = _decoded(source.get("data"))
    if not data:
        return ": image cannot be empty"
    try:
        with Image.open(io.BytesIO(data)) as image:
            actual = PIL_MEDIA_TYPES.get(image.format or "")
    except (UnidentifiedImageError, OSError, ValueError):
        actual = None
    if actual != media_type:
        return f".data: Image does not match the provided media type {media_type}"
    return None


def _sse(event: str, data: dict) -> bytes:
    return f"event: {event}\ndata: {json.dumps({'type': event, **data})}\n\n".encode()


def _block_parts(block: dict, size: int) -> tuple[dict, list[dict]]:
    """A content block as it starts (empty) and the deltas that fill it."""

    def pieces(text: str) -> list[str]:
        return [text[i : i + size] for i in range(0, len(text), size)]

    match block["type"]:
        case "text":
            deltas = [{"type": "text_delta", "text": piece} for piece in pieces(block["text"])]
            return {**block, "text": ""}, deltas
        case "thinking":
            deltas = [
                {"type": "thinking_delta", "thinking": piece} for piece in pieces(block["thinking"])
            ]
            signature = {"type": "signature_delta", "signature": block.get("signature", "")}
            return {**block, "thinking": "", "signature": ""}, [*deltas, signature]
        case "tool_use":
            partial = pieces(json.dumps(block["input"]))
            deltas = [{"type": "input_json_delta", "partial_json": piece} for piece in partial]
            return {**block, "input": {}}, deltas
    return block, []
