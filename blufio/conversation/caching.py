"""Prompt caching of replies: what a reply's request marks for Anthropic's cache.

The stable prefix (system prompt and summary) carries its own breakpoint, so it is read
even when the turns after it change (a compaction, a check-in note); the request's
top-level marker caches everything up to the owner's new message, and the next reply
reads that and writes only what was added. Under the mixed lifetime (the default) the
stable prefix and the conversation up to the last answer are marked for an hour and only
the owner's newest message for 5 minutes (the API wants longer lifetimes first): a pause
past 5 minutes, or a short trip to another tier, still reads all but the newest turn, and
an hour's write (2x input) is paid only for the last answer, as the part before it was
read. Internal calls (extraction, compaction, heartbeats) are not marked: their prompts
are small, mostly below every model's minimum cacheable length, and they come further
apart than a cache lives, so a write (1.25x or 2x input) would rarely be read.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from blufio.conversation.context import system_parts
from blufio.conversation.hooks import ContextNote
from blufio.models import ChatSession
from costs.models import LedgerEntry
from costs.pricing import MIXED_TTL, estimated_tokens
from routing.caching import WarmCache, cache_warm_stay
from routing.core import Decision
from routing.models import CACHE_TTL_SECONDS, RoutingSettings


@dataclass(frozen=True)
class ReplyPrompt:
    """A reply's system prompt and turns as sent (marked where cached), the request's
    top-level cache marker (None: uncached), and its request for the API's cache
    diagnostics."""

    system: str | list[dict]
    messages: list[dict]
    cache_control: dict | None
    diagnostics: dict | None = None


def cache_marker(ttl: str) -> dict:
    return {"type": "ephemeral", "ttl": ttl}


def reply_prompt(
    session: ChatSession,
    notes: list[ContextNote],
    messages: list[dict],
    *,
    ttl: str,
    tier: str = "",
    now: datetime | None = None,
) -> ReplyPrompt:
    """The system prompt as text blocks with the stable part marked, when caching is on
    (`ttl` "5m", "1h" or `MIXED_TTL`); the plain string and turns when it is off ("").

    Under the mixed lifetime the last answer is marked for an hour when `tier` (the tier
    asked first) holds this chat's conversation in its cache: then only what was added
    since is written at the hour's price (2x input), and the hour's entry covers all the
    turns before it. On a cold cache everything is written for 5 minutes (1.25x), and the
    next reply on the tier extends it to an hour for the price of one answer.
    """
    parts = system_parts(session, notes)
    if not ttl:
        return ReplyPrompt(system="\n\n".join(parts), messages=messages, cache_control=None)
    older, newest = ("1h", "5m") if ttl == MIXED_TTL else (ttl, ttl)
    stable, *rest = parts
    blocks = [{"type": "text", "text": stable, "cache_control": cache_marker(older)}]
    blocks += [{"type": "text", "text": text} for text in rest]
    if ttl == MIXED_TTL and len(messages) > 1 and _tier_warm(session, tier, now=now):
        messages = [*messages[:-2], _marked(messages[-2], older), messages[-1]]
    previous = _last_reply(session)
    previous_id = previous.message_id if previous else ""
    return ReplyPrompt(
        system=blocks,
        messages=messages,
        cache_control=cache_marker(newest),
        # Why this prompt misses the previous reply's cache, if it does (None: a first turn).
        diagnostics={"previous_message_id": previous_id or None},
    )


def _marked(turn: dict, ttl: str) -> dict:
    """A turn whose last block carries a cache breakpoint."""
    content = turn["content"]
    blocks = [{"type": "text", "text": content}] if isinstance(content, str) else list(content)
    blocks[-1] = {**blocks[-1], "cache_control": cache_marker(ttl)}
    return {**turn, "content": blocks}


def _last_reply(session: ChatSession, *, tier: str = "") -> LedgerEntry | None:
    """The chat's last answered reply in the ledger (on `tier`, if given)."""
    replies = LedgerEntry.objects.filter(
        session_id=session.pk, feature=LedgerEntry.Feature.MESSAGE, outcome=LedgerEntry.Outcome.OK
    )
    if tier:
        replies = replies.filter(tier=tier)
    return replies.order_by("-created_at", "-id").first()


def _compacted_since(session: ChatSession, reply: LedgerEntry) -> bool:
    """Whether the chat's history was compacted after `reply`: the new summary comes
    before every turn, so no cache holds the conversation as it reads now."""
    return LedgerEntry.objects.filter(
        session_id=session.pk,
        feature=LedgerEntry.Feature.COMPACTION,
        outcome=LedgerEntry.Outcome.OK,
        created_at__gt=reply.created_at,
    ).exists()


def _tier_warm(session: ChatSession, tier: str, *, now: datetime | None = None) -> bool:
    """Whether `tier`'s cache still holds this chat's conversation: its last reply there
    cached within 5 minutes, or wrote an hour's entry within the hour, and the history
    was not compacted since (a rewritten prompt is written cold, for 5 minutes, not at
    the hour's price)."""
    last = _last_reply(session, tier=tier) if tier else None
    if last is None or not last.cache_read_tokens + last.cache_write_tokens:
        return False
    if _compacted_since(session, last):
        return False
    age = (now or timezone.now()) - last.created_at
    if age < timedelta(seconds=CACHE_TTL_SECONDS["5m"]):
        return True
    return bool(last.cache_write_1h_tokens) and age < timedelta(seconds=CACHE_TTL_SECONDS["1h"])


def warm_cache(
    session: ChatSession, *, routing: RoutingSettings, now: datetime | None = None
) -> WarmCache | None:
    """The tier whose cache holds this chat's conversation, if its lifetime has not run out
    and the history was not compacted since: the chat's last answered reply, and what it
    read and wrote (past 5 minutes under the mixed lifetime, only the hour's part: all but
    the newest message)."""
    if not routing.cache_ttl:
        return None
    last = _last_reply(session)
    if last is None or _compacted_since(session, last):
        return None
    age = (now or timezone.now()) - last.created_at
    cached = last.cache_read_tokens + last.cache_write_tokens
    if age >= timedelta(seconds=routing.cache_ttl_seconds):
        if routing.cache_ttl != MIXED_TTL or age >= timedelta(seconds=CACHE_TTL_SECONDS["1h"]):
            return None
        cached = last.cache_read_tokens + last.cache_write_1h_tokens
    if not cached:
        return None
    return WarmCache(tier=last.tier, cached_tokens=cached, output_tokens=last.output_tokens)


def reply_stay(
    session: ChatSession, decision: Decision, text: str, *, routing: RoutingSettings
) -> Decision | None:
    """Stay on the tier of the chat's warm cache when switching would cost more (see
    `routing.caching`); None keeps the router's decision. The new part of the prompt is the
    last answer (its output tokens) and the owner's new message; each tier's answer is
    expected as long as its recent answers (`answer_tokens`): a stronger tier writes
    longer ones, and a stay that ignored it would save on the prompt and lose on output."""
    warm = warm_cache(session, routing=routing)
    if warm is None or warm.tier == decision.tier:
        return None
    newest = estimated_tokens(text)
    return cache_warm_stay(
        decision,
        warm,
        new_tokens=warm.output_tokens + newest,
        output_tokens=answer_tokens(session, warm.tier, default=warm.output_tokens),
        settings=routing,
        newest_tokens=newest,
        pick_output_tokens=answer_tokens(session, decision.tier, default=warm.output_tokens),
    )


# How many recent answers on a tier say how long its next one will be.
ANSWER_SAMPLE = 20


def answer_tokens(session: ChatSession, tier: str, *, default: int) -> int:
    """How long an answer on `tier` is expected to be: the mean output of this chat's
    recent answers there, else of every chat's, else `default`."""
    rows = LedgerEntry.objects.filter(
        feature=LedgerEntry.Feature.MESSAGE, outcome=LedgerEntry.Outcome.OK, tier=tier
    ).order_by("-created_at", "-id")
    for sample in (rows.filter(session_id=session.pk), rows):
        outputs = list(sample.values_list("output_tokens", flat=True)[:ANSWER_SAMPLE])
        if outputs:
            return round(sum(outputs) / len(outputs))
    return default
