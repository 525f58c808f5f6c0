"""Prompt caching of replies: what a reply's request marks for Anthropic's cache.

The stable prefix (system prompt and summary) carries its own breakpoint, so it is read
even when the turns after it change (a compaction, a check-in note); the request's
top-level marker caches everything up to the owner's new message, and the next reply
reads that and writes only what was added. Internal calls (extraction, compaction,
heartbeats) are not marked: their prompts are small, mostly below every model's minimum
cacheable length, and they come further apart than a cache lives, so a write (1.25x or
2x input) would rarely be read.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from blufio.conversation.context import system_parts
from blufio.conversation.hooks import ContextNote
from blufio.models import ChatSession
from costs.models import LedgerEntry
from costs.pricing import estimated_tokens
from routing.caching import WarmCache, cache_warm_stay
from routing.core import Decision
from routing.models import RoutingSettings


@dataclass(frozen=True)
class ReplyPrompt:
    """A reply's system prompt, the request's top-level cache marker (None: uncached), and
    its request for the API's cache diagnostics."""

    system: str | list[dict]
    cache_control: dict | None
    diagnostics: dict | None = None


def cache_marker(ttl: str) -> dict:
    return {"type": "ephemeral", "ttl": ttl}


def reply_prompt(session: ChatSession, notes: list[ContextNote], *, ttl: str) -> ReplyPrompt:
    """The system prompt as text blocks with the stable part marked, when caching is on
    (`ttl` "5m" or "1h"); the plain string when it is off ("")."""
    parts = system_parts(session, notes)
    if not ttl:
        return ReplyPrompt(system="\n\n".join(parts), cache_control=None)
    stable, *rest = parts
    blocks = [{"type": "text", "text": stable, "cache_control": cache_marker(ttl)}]
    blocks += [{"type": "text", "text": text} for text in rest]
    previous = _last_reply(session)
    previous_id = previous.message_id if previous else ""
    return ReplyPrompt(
        system=blocks,
        cache_control=cache_marker(ttl),
        # Why this prompt misses the previous reply's cache, if it does (None: a first turn).
        diagnostics={"previous_message_id": previous_id or None},
    )


def _last_reply(session: ChatSession) -> LedgerEntry | None:
    """The chat's last answered reply in the ledger."""
    return (
        LedgerEntry.objects.filter(
            session_id=session.pk,
            feature=LedgerEntry.Feature.MESSAGE,
            outcome=LedgerEntry.Outcome.OK,
        )
        .order_by("-created_at", "-id")
        .first()
    )


def warm_cache(
    session: ChatSession, *, routing: RoutingSettings, now: datetime | None = None
) -> WarmCache | None:
    """The tier whose cache holds this chat's conversation, if its lifetime has not run out:
    the chat's last answered reply, and what it read and wrote."""
    if not routing.cache_ttl:
        return None
    last = _last_reply(session)
    if last is None:
        return None
    cached = last.cache_read_tokens + last.cache_write_tokens
    fresh = (now or timezone.now()) - last.created_at < timedelta(seconds=routing.cache_ttl_seconds)
    if not cached or not fresh:
        return None
    return WarmCache(tier=last.tier, cached_tokens=cached, output_tokens=last.output_tokens)


def reply_stay(
    session: ChatSession, decision: Decision, text: str, *, routing: RoutingSettings
) -> Decision | None:
    """Stay on the tier of the chat's warm cache when switching would cost more (see
    `routing.caching`); None keeps the router's decision. The new part of the prompt is the
    last answer (its output tokens) and the owner's new message."""
    warm = warm_cache(session, routing=routing)
    if warm is None:
        return None
    return cache_warm_stay(
        decision,
        warm,
        new_tokens=warm.output_tokens + estimated_tokens(text),
        output_tokens=warm.output_tokens,
        settings=routing,
    )
