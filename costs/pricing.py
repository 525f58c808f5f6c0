"""Cost maths: from a Messages API usage object and a price rule to US dollars, token
estimates, and every other price sum (worst cases, totals at another model's prices).

Pure functions, no database: the price table rows become `PriceRule`s first.
Prices are USD per million tokens. A request's prompt is its input tokens plus
cache writes plus cache reads; a rule may switch every rate (output included) to
higher prices when the prompt passes a threshold, as Claude Haiku 5.5 does.
"""

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fnmatch import fnmatchcase
from typing import Any

MILLION = Decimal(1_000_000)
COST_PLACES = Decimal("0.0000000001")
# What may follow a family id: a snapshot date, a Vertex-style @date, or a bracketed
# variant such as "[1m]". "claude-haiku-4-5-20251001" is priced as "claude-haiku-4-5".
_ID_SUFFIX = re.compile(r"(?:-\d{8}|@\d{8}|-latest|\[[^\]]*\])*")


@dataclass(frozen=True)
class TokenUsage:
    input_tokens: int = 0
    output_tokens: int = 0
    cache_write_5m_tokens: int = 0
    cache_write_1h_tokens: int = 0
    cache_read_tokens: int = 0
    inference_geo: str | None = None
    speed: str | None = None

    @property
    def cache_write_tokens(self) -> int:
        return self.cache_write_5m_tokens + self.cache_write_1h_tokens

    @property
    def prompt_tokens(self) -> int:
        return self.input_tokens + self.cache_write_tokens + self.cache_read_tokens

    @classmethod
    def from_api(cls, usage: Any) -> "TokenUsage":
        """Read an SDK `Usage` object or its dict form.

        `cache_creation_input_tokens` is the total written; `cache_creation` splits
        it by lifetime. Without the split every write is priced as a 5-minute write;
        any part the split does not explain is priced that way too.
        """
        data = usage if isinstance(usage, dict) else usage.model_dump()
        written = int(data.get("cache_creation_input_tokens") or 0)
        split = data.get("cache_creation") or {}
        one_hour = int(split.get("ephemeral_1h_input_tokens") or 0)
        five_min = int(split.get("ephemeral_5m_input_tokens") or 0)
        five_min = max(five_min, written - one_hour)
        return cls(
            input_tokens=int(data.get("input_tokens") or 0),
            output_tokens=int(data.get("output_tokens") or 0),
            cache_write_5m_tokens=five_min,
            cache_write_1h_tokens=one_hour,
            cache_read_tokens=int(data.get("cache_read_input_tokens") or 0),
            inference_geo=data.get("inference_geo"),
            speed=data.get("speed"),
        )


@dataclass(frozen=True)
class Rates:
    """USD per million tokens."""

    input: Decimal
    output: Decimal
    cache_write_5m: Decimal
    cache_write_1h: Decimal
    cache_read: Decimal

    @property
    def prompt_ceiling(self) -> Decimal:
        """The highest price a prompt token can have (input or any cache write)."""
        return max(self.input, self.cache_write_5m, self.cache_write_1h)

    @staticmethod
    def ceiling(all_rates: "list[Rates]") -> "Rates":
        return Rates(
            input=max(r.input for r in all_rates),
            output=max(r.output for r in all_rates),
            cache_write_5m=max(r.cache_write_5m for r in all_rates),
            cache_write_1h=max(r.cache_write_1h for r in all_rates),
            cache_read=max(r.cache_read for r in all_rates),
        )


# The shortest prompt prefix most models cache; a model's own minimum is in its price row.
DEFAULT_MIN_CACHEABLE_TOKENS = 1024
CACHE_TTLS = ("5m", "1h")  # the lifetimes a cache_control marker may ask for
# Replies' default: the prompt up to the last answer cached for an hour (it outlives a
# pause and a short trip to another tier), the owner's newest message for 5 minutes.
MIXED_TTL = "mixed"


@dataclass(frozen=True)
class PriceRule:
    pattern: str
    rates: Rates
    long_prompt_threshold: int | None = None
    long_rates: Rates | None = None
    us_geo_multiplier: Decimal = Decimal("1.1")
    fast_multiplier: Decimal = Decimal(1)
    # Shorter prefixes are not cached, even when marked (and no error is returned).
    min_cacheable_tokens: int = DEFAULT_MIN_CACHEABLE_TOKENS

    def rates_for(self, prompt_tokens: int) -> Rates:
        threshold = self.long_prompt_threshold
        if self.long_rates and threshold is not None and prompt_tokens > threshold:
            return self.long_rates
        return self.rates

    def matches(self, model_id: str) -> bool:
        if "*" in self.pattern or "?" in self.pattern:
            return fnmatchcase(model_id, self.pattern)
        if not model_id.startswith(self.pattern):
            return False
        return _ID_SUFFIX.fullmatch(model_id[len(self.pattern) :]) is not None

    @property
    def specificity(self) -> int:
        return len(self.pattern.replace("*", "").replace("?", ""))


def find_rule(model_id: str, rules: list[PriceRule]) -> PriceRule | None:
    """The most specific rule whose pattern matches the model id, or None."""
    matching = [rule for rule in rules if rule.matches(model_id)]
    return max(matching, key=lambda rule: rule.specificity, default=None)


def ceiling_rule(rules: list[PriceRule]) -> PriceRule:
    """A rule at the most expensive known price of every kind, for unknown models."""
    if not rules:
        raise ValueError("the price table is empty")
    every_rate = [r.rates for r in rules] + [r.long_rates for r in rules if r.long_rates]
    return PriceRule(
        pattern="(unknown model)",
        rates=Rates.ceiling(every_rate),
        us_geo_multiplier=max(r.us_geo_multiplier for r in rules),
        fast_multiplier=max(r.fast_multiplier for r in rules),
        min_cacheable_tokens=max(r.min_cacheable_tokens for r in rules),
    )


def _priced(usage: TokenUsage, rates: Rates, rule: PriceRule) -> Decimal:
    """Every kind of token at its rate, times the rule's US-only and fast multipliers."""
    total = (
        usage.input_tokens * rates.input
        + usage.output_tokens * rates.output
        + usage.cache_write_5m_tokens * rates.cache_write_5m
        + usage.cache_write_1h_tokens * rates.cache_write_1h
        + usage.cache_read_tokens * rates.cache_read
    ) / MILLION
    if usage.inference_geo == "us":
        total *= rule.us_geo_multiplier
    if usage.speed == "fast":
        total *= rule.fast_multiplier
    return total


def usage_cost(usage: TokenUsage, rule: PriceRule) -> Decimal:
    """What a call with this usage costs, in USD."""
    total = _priced(usage, rule.rates_for(usage.prompt_tokens), rule)
    return total.quantize(COST_PLACES, rounding=ROUND_HALF_UP)


def totals_cost(totals: Iterable[TokenUsage], rule: PriceRule) -> Decimal:
    """What token totals of many calls (a day's, say) would cost at `rule`'s prices.

    A total says nothing of each prompt's length, so the standard rates apply, not the
    long-prompt ones; cache writes keep their lifetime and the multipliers still apply.
    """
    total = sum((_priced(usage, rule.rates, rule) for usage in totals), Decimal(0))
    return total.quantize(COST_PLACES, rounding=ROUND_HALF_UP)


def exact_usd(total: Decimal | None) -> Decimal:
    """A database sum of USD amounts, to the ledger's places: SQLite adds decimals as
    floats (0.0123125 + 0.056 comes back as 0.0683125000000001); PostgreSQL's are exact."""
    exact = (total or Decimal(0)).quantize(COST_PLACES, rounding=ROUND_HALF_UP)
    return exact or Decimal(0)  # a zero to ten places would read "0E-10"


def worst_case_cost(rule: PriceRule, *, prompt_tokens: int, max_output_tokens: int) -> Decimal:
    """An upper bound on a call's cost, to reserve before making it.

    Every prompt token at the dearest prompt rate (a cache write, 1-hour or 5-minute,
    costs more than plain input, and a cold cache writes the whole prompt),
    `max_output_tokens` of output (thinking included: it is billed as output and counts
    toward `max_tokens`), the long-prompt tier when the prompt may pass it, and the
    US-only multiplier in case the workspace's default inference region is the US.
    """
    rates = rule.rates_for(prompt_tokens)
    total = (prompt_tokens * rates.prompt_ceiling + max_output_tokens * rates.output) / MILLION
    total *= max(Decimal(1), rule.us_geo_multiplier)
    return total.quantize(COST_PLACES, rounding=ROUND_HALF_UP)


def cached_prompt_usage(
    rule: PriceRule,
    *,
    cached_tokens: int,
    new_tokens: int,
    output_tokens: int,
    ttl: str,
    newest_tokens: int = 0,
) -> TokenUsage:
    """The usage of a call whose prompt starts with `cached_tokens` already in this model's
    cache and adds `new_tokens`, all marked for caching with `ttl` ("5m", "1h", or
    `MIXED_TTL`: on a warm cache the last `newest_tokens` of them for 5 minutes and the
    rest for an hour, on a cold one all for 5 minutes, as replies mark them).

    A prompt below the model's minimum cacheable length is plain input, as the API does.
    """
    if cached_tokens + new_tokens < rule.min_cacheable_tokens:
        return TokenUsage(input_tokens=cached_tokens + new_tokens, output_tokens=output_tokens)
    if ttl == MIXED_TTL and not cached_tokens:
        ttl = "5m"
    newest = {"1h": 0, "5m": new_tokens}.get(ttl, min(newest_tokens, new_tokens))
    return TokenUsage(
        cache_read_tokens=cached_tokens,
        cache_write_5m_tokens=newest,
        cache_write_1h_tokens=new_tokens - newest,
        output_tokens=output_tokens,
    )


def uncached_usage(usage: TokenUsage) -> TokenUsage:
    """The same call without prompt caching: every prompt token at the input price."""
    return TokenUsage(
        input_tokens=usage.prompt_tokens,
        output_tokens=usage.output_tokens,
        inference_geo=usage.inference_geo,
        speed=usage.speed,
    )


# Token estimates. A typical token is about four characters (for trimming history and
# deciding when to compact); no token is shorter than one UTF-8 byte (for worst cases).
CHARS_PER_TOKEN = 4
MESSAGE_OVERHEAD_TOKENS = 8  # per message of the Messages API format (generous)
REQUEST_OVERHEAD_TOKENS = 64
# The system prompt Anthropic adds when tools are sent: 346 tokens on the Claude 4 and
# later models, 530 at most on any model of its tool-use pricing table.
TOOL_USE_SYSTEM_PROMPT_TOKENS = 530


# Attachments, as Anthropic counts them. An image costs one token per 28×28-pixel patch
# (about width × height / 750 in the older wording; the larger of the two is taken), and
# is only ever scaled down to the model's native resolution, never up, so its own pixels
# bound it. A PDF page is its extracted text (1,500–3,000 tokens a page by Anthropic's
# figures: the top is taken) plus the page as an image, at most the largest per-image
# cost Anthropic documents (4,784 tokens, Opus 4.7's native resolution).
IMAGE_PATCH_PIXELS = 28
PIXELS_PER_IMAGE_TOKEN = 750
PDF_PAGE_TEXT_TOKENS = 3000
PDF_PAGE_IMAGE_TOKENS = 4784


def image_token_bound(width: int, height: int) -> int:
    """An upper bound on the prompt tokens of an image of this pixel size."""
    patches = -(-width // IMAGE_PATCH_PIXELS) * -(-height // IMAGE_PATCH_PIXELS)
    return max(patches, -(-width * height // PIXELS_PER_IMAGE_TOKEN))


def pdf_token_bound(pages: int) -> int:
    """An upper bound on the prompt tokens of a PDF of this many pages."""
    return pages * (PDF_PAGE_TEXT_TOKENS + PDF_PAGE_IMAGE_TOKENS)


def estimated_tokens(text: str) -> int:
    """A typical-case estimate of a text's tokens."""
    return len(text) // CHARS_PER_TOKEN + 1


def system_text(system: str | list[dict]) -> str:
    """A system prompt's text, whether sent as a string or as text blocks (to mark caching)."""
    if isinstance(system, str):
        return system
    return "\n\n".join(block["text"] for block in system)


def prompt_token_bound(
    system: str | list[dict],
    messages: list[dict],
    tools: list[dict] | None = None,
    *,
    media_tokens: int = 0,
) -> int:
    """An upper bound on the prompt's tokens: no token is shorter than one UTF-8 byte.

    Tool definitions are prompt too, and sending any adds Anthropic's tool-use system
    prompt. An `output_config.format` schema is counted the same way: the pages do not
    say what it adds, so it is held as a tool. Image and document blocks are not text:
    the caller bounds them (`image_token_bound`, `pdf_token_bound`) and passes the sum
    as `media_tokens`.
    """
    texts = [system_text(system), *(text for m in messages for text in _texts(m["content"]))]
    if tools:
        texts.append(json.dumps(tools, ensure_ascii=False))
    text_bytes = sum(len(text.encode("utf-8", "surrogatepass")) for text in texts)
    bound = text_bytes + MESSAGE_OVERHEAD_TOKENS * len(messages) + REQUEST_OVERHEAD_TOKENS
    return bound + media_tokens + (TOOL_USE_SYSTEM_PROMPT_TOKENS if tools else 0)


MEDIA_BLOCK_TYPES = ("image", "document")


def _texts(content: str | list[dict]) -> list[str]:
    """The text of a message's content: a string, or the blocks of a block list (a text
    block's text, any other block but media as its JSON)."""
    if isinstance(content, str):
        return [content]
    return [
        block["text"] if block.get("type") == "text" else json.dumps(block, ensure_ascii=False)
        for block in content
        if block.get("type") not in MEDIA_BLOCK_TYPES
    ]
