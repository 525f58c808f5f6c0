"""What prompt caching and cache-aware routing save on realistic conversations.

Replays the same conversations (24 by default, 10 to 40 turns each, seeded) through the
real reply path (router, hold, Anthropic SDK, settle, ledger, Telegram) against the fake
Claude, which honours `cache_control` as the API does (per-model caches, lifetimes,
minimum cacheable lengths), and PostgreSQL (database `blufio_bench_conversation`,
created if missing). Five runs: today's code (no caching), caching alone, caching with
cache-aware routing, and the same with the 1-hour lifetime and with the mixed one (an
hour for the conversation up to the last answer, 5 minutes for the newest message).
Pauses between turns are simulated, shorter and longer than the cache lifetimes: the
fake's clock moves on and the chat's ledger rows are moved back by the pause.

Owners open topics with light asks, longer requests and hard problems and follow each
up a few times; some conversations start with a pasted document. Answers are longer on
stronger tiers (about 150, 350 and 650 tokens). The budget is set high so that no budget
rule changes a tier. Each run also prints its floor: the least any caching could pay for
the same prompts with the same routing decisions (a token its model was not sent within
the hour pays at least the input price, any other at least the read price), so a miss
that no lifetime or breakpoint could have avoided shows as such. Not a test; numbers only.

    .venv/bin/python bench/conversation_cost.py [--conversations 24] [--seed 13]
"""

import argparse
import hashlib
import json
import logging
import os
import random
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
DATABASE = os.environ.get("BENCH_DATABASE", "blufio_bench_conversation")
os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"

from bench.reply_loop import ensure_database  # noqa: E402

# Openers of a topic, by how hard they are; follow-ups stay on the topic.
OPENERS = {
    "light": [
        "what time is it in Tokyo now?",
        "remind me to call mom at 6",
        "what's 15% of 80?",
        "translate 'good morning' into Spanish",
    ],
    "request": [
        "write a short email to my landlord about the broken heater, polite but firm",
        "suggest a three-day itinerary for Lisbon with one rainy-day option",
        "how do I keep a sourdough starter alive while I travel for two weeks?",
        "draft a packing list for a week of hiking in Scotland in October",
    ],
    "hard": [
        "prove that there are infinitely many primes, then explain why the proof fails for "
        "twin primes",
        "design a database schema for a multi-tenant invoicing app with an audit history and "
        "soft deletes, and explain the trade-offs of row-level security against separate schemas",
        "compare these two job offers considering taxes, equity vesting schedules, commute time "
        "and career growth, and recommend one with your reasoning step by step",
        "my Python asyncio server deadlocks under load when two clients disconnect at the same "
        "time; walk me through how to find the cause and fix it",
    ],
}
# Follow-ups on a topic. A light ask is followed up in its own terms, or not at all; a
# request or a hard problem with the questions a long answer raises. An acknowledgement
# closes a topic: people say thanks when they are done, not between two questions.
LIGHT_FOLLOW_UPS = {
    "what time is it in Tokyo now?": ["and in New York?", "is that ahead of London?"],
    "remind me to call mom at 6": ["make it 7 instead", "and remind me again at 8"],
    "what's 15% of 80?": ["and 20%?", "and of 120?"],
    "translate 'good morning' into Spanish": ["and into French?", "how do I say good night?"],
}
FOLLOW_UPS = [
    "and what about the edge cases?",
    "can you go deeper on the second point?",
    "give me a concrete example",
    "ok, what would you change first?",
    "make it shorter",
    "why is that?",
]
ACKNOWLEDGEMENTS = ["thanks!", "sounds good"]
DOCUMENT = (
    "Clause {n}. The tenant shall keep the premises in good repair, report defects within "
    "seven days, and allow the landlord access on reasonable notice for inspections. "
)
ANSWER_TOKENS = {"haiku": 150, "sonnet": 350, "opus": 650}
SCENARIOS = [
    ("today's code (no caching)", "", False),
    ("prompt caching, 5 min", "5m", False),
    ("caching + cache-aware routing, 5 min", "5m", True),
    ("caching + cache-aware routing, 1 h", "1h", True),
    ("caching + cache-aware, mixed (default)", "mixed", True),
]

MILLION = 1_000_000

SCENARIOS_RUN: list[tuple[str, str, bool]] = []  # the ones this run replays


@dataclass
class Turn:
    text: str
    pause: float  # seconds before the next turn


def conversations(count: int, seed: int) -> list[list[Turn]]:
    """Seeded conversations of 10 to 40 turns: topics opened by a light ask, a request or a
    hard problem, each followed by the follow-ups it raises (up to two for a light ask,
    one to five otherwise) and often closed by a thanks; some start with a pasted document.
    Within a topic the owner mostly answers within minutes; between topics they may be
    away for an hour or more."""
    rng = random.Random(seed)

    def pause(within_topic: bool) -> float:
        short, medium = (0.8, 0.95) if within_topic else (0.4, 0.8)
        roll = rng.random()
        if roll < short:
            return rng.uniform(20, 240)  # within the 5-minute lifetime
        if roll < medium:
            return rng.uniform(6 * 60, 50 * 60)  # past 5 minutes, within the hour
        return rng.uniform(70 * 60, 6 * 3600)  # past both lifetimes

    result = []
    for _ in range(count):
        length, turns = rng.randint(10, 40), []
        if rng.random() < 0.4:
            clauses = "".join(DOCUMENT.format(n=n) for n in range(1, rng.randint(20, 60)))
            turns.append(Turn(f"Here is my tenancy agreement:\n{clauses}\nIs it fair?", 90))
        while len(turns) < length:
            kind = rng.choices(list(OPENERS), weights=[35, 45, 20])[0]
            opener = rng.choice(OPENERS[kind])
            turns.append(Turn(opener, pause(True)))
            if kind == "light":
                asks = rng.sample(LIGHT_FOLLOW_UPS[opener], rng.randint(0, 2))
            else:
                asks = [rng.choice(FOLLOW_UPS) for _ in range(rng.randint(1, 5))]
            turns += [Turn(ask, pause(True)) for ask in asks]
            if rng.random() < 0.6:
                turns.append(Turn(rng.choice(ACKNOWLEDGEMENTS), pause(True)))
            turns[-1].pause = pause(False)
        result.append(turns[:length])
    return result


# Why a reply's prompt tokens sent before (on any tier) were not read, by cause.
CAUSES = {
    "below_minimum": "prompt below the model's minimum cacheable length",
    "ttl_expired": "the entry holding them expired after a pause of less than an hour",
    "past_hour": "the entry expired after a pause of an hour or more (no lifetime is longer)",
    "tier_switch": "sent before only to another tier (caches are per model)",
    "placement": "sent before on this tier, but no live entry a breakpoint could find",
    "rewritten": "the prefix changed (a new summary, the window moved): sent anew",
}


class MissAudit:
    """Per reply, the prompt's tokens as read, missed (by cause) and new (the last answer
    and the owner's new message, never sent before). A prefix is "sent before" when an
    earlier request of the scenario had the same blocks up to there, on any model."""

    def __init__(self) -> None:
        self.seen_any: set[str] = set()  # content-only prefix keys of earlier requests
        # The fake's per-model keys of earlier requests, and when each was last sent.
        self.sent_at: dict[str, float] = {}
        self.last_at: float | None = None  # when the last reply was asked (the fake's clock)
        self.rows: list[dict] = []
        self.conversation = 0

    def conversation_start(self, number: int) -> None:
        """What earlier conversations sent is not this one's: another owner's chat."""
        self.seen_any.clear()
        self.sent_at.clear()
        self.conversation = number

    def record(self, params: dict, cached: dict | None, *, caches: dict, now: float) -> None:
        from tests.fakes.anthropic import CACHE_TTL_SECONDS, cacheable_breakpoints, prompt_keys

        blocks, keys, ends = prompt_keys(params)
        digest, content = hashlib.sha256(), []
        for block in blocks:
            digest.update(block.fingerprint.encode() + b"\0")
            content.append(digest.hexdigest())
        total = ends[-1]

        def reach(seen: set[str], ids: list[str]) -> int:
            # The tokens up to the last block whose prefix was sent before.
            return max((ends[i] for i, key in enumerate(ids) if key in seen), default=0)

        any_tier, this_tier = reach(self.seen_any, content), reach(self.sent_at.keys(), keys)
        longest = max(CACHE_TTL_SECONDS.values())
        recent = {key for key in keys if key in self.sent_at and now - self.sent_at[key] < longest}
        read = (cached or {}).get("cache_read_input_tokens", 0)
        row = {
            "model": params["model"],
            "conversation": self.conversation,
            "gap": round(now - self.last_at) if self.last_at is not None else None,
            "usage": cached,
            "prompt": total,
            "read": read,
            "reachable": any_tier,
            # Not sent to this model within the longest lifetime: no cache could hold it.
            "unavoidable": total - reach(recent, keys),
            **{cause: 0 for cause in CAUSES},
        }
        if cached is None or not cacheable_breakpoints(params, blocks, ends):
            row["below_minimum"] = any_tier
        else:
            row["tier_switch"] = max(0, any_tier - max(this_tier, read))
            # The furthest entry this tier wrote for this prefix, live or not.
            furthest = max(
                (i for i, key in enumerate(keys) if key in caches and ends[i] > read), default=-1
            )
            expired = furthest >= 0 and caches[keys[furthest]][0] <= now
            end = min(ends[furthest], this_tier) if expired else read
            gap = now - self.last_at if self.last_at is not None else 0
            row["past_hour" if gap >= 3600 else "ttl_expired"] = max(0, end - read)
            row["placement"] = max(0, this_tier - max(end, read))
        # New blocks: beyond what was sent before. The last answer and the new message are
        # new by nature; anything else new is a rewritten prefix.
        tail = sum(block.tokens for block in blocks[-2:])
        row["rewritten"] = max(0, total - any_tier - tail)
        row["new"] = total - any_tier - row["rewritten"]
        usage = cached or {"input_tokens": total}
        split = usage.get("cache_creation", {})
        unread = total - read
        # What each token not read cost, as a multiple of the input price.
        row["paid"] = (
            (
                usage.get("input_tokens", 0)
                + 1.25 * split.get("ephemeral_5m_input_tokens", 0)
                + 2 * split.get("ephemeral_1h_input_tokens", 0)
            )
            / unread
            if unread
            else 1
        )
        self.rows.append(row)
        self.last_at = now
        self.seen_any.update(content)
        self.sent_at.update(dict.fromkeys(keys, now))

    def totals(self) -> dict:
        """Token sums, each cause's extra cost in USD (its tokens at what they were paid,
        less the read price they would have had), and `floor_usd`: the least any caching
        could pay for these prompts with these routing decisions, every token this model
        was not sent within the longest lifetime at the input price and every other at
        the read price."""
        from costs.selectors import price_rule_for

        counted = ("prompt", "read", "reachable", "new", "unavoidable", *CAUSES)
        sums = {key: 0 for key in counted}
        sums |= {f"{cause}_usd": Decimal(0) for cause in CAUSES}
        sums["floor_usd"] = sums["uncached_usd"] = Decimal(0)
        rates = {}
        for row in self.rows:
            for key in counted:
                sums[key] += row[key]
            if row["model"] not in rates:
                rates[row["model"]] = price_rule_for(model=row["model"]).rates_for(0)
            rate = rates[row["model"]]
            extra = Decimal(str(row["paid"])) * rate.input - rate.cache_read
            for cause in CAUSES:
                sums[f"{cause}_usd"] += row[cause] * extra / MILLION
            kept, paid_anew = row["prompt"] - row["unavoidable"], row["unavoidable"]
            sums["floor_usd"] += (paid_anew * rate.input + kept * rate.cache_read) / MILLION
            sums["uncached_usd"] += row["prompt"] * rate.input / MILLION
        return sums


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=24)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--dump", help="write each reply's audit row here (JSON lines)")
    parser.add_argument(
        "--scenarios", default="", help="comma-separated scenario numbers (0-based); all if empty"
    )
    args = parser.parse_args()
    chosen = [int(n) for n in args.scenarios.split(",") if n] or range(len(SCENARIOS))
    SCENARIOS_RUN[:] = [SCENARIOS[n] for n in chosen]
    ensure_database(DATABASE)
    import django

    django.setup()
    logging.disable(logging.INFO)  # the replies' task logs
    from django.conf import settings
    from django.core.management import call_command
    from django.db.models import F

    from blufio.conversation.context import SYSTEM_PROMPT
    from blufio.conversation.reply import message_reply
    from blufio.models import ChatMessage, ChatSession
    from costs.models import BudgetSettings, BudgetWindow, LedgerDay, LedgerEntry, Reservation
    from heartbeat.models import CheckIn, PendingItem
    from routing.models import RoutingSettings
    from routing.tiers import TIERS
    from tests.fakes.anthropic import FakeAnthropic, block_tokens, prompt_blocks, system_text
    from tests.fakes.telegram import FakeTelegram

    def tier_of(model: str) -> str:
        return next(tier for tier in TIERS if tier in model)

    def answer(params: dict) -> str:
        tokens = ANSWER_TOKENS[tier_of(params["model"])]
        return "Here is a careful answer, point by point. " * (tokens * 4 // 43)

    class Answerer(FakeAnthropic):
        """Answers at each tier's length; counts an uncached prompt as the cache does; and
        audits each reply's prompt: why the part sent before was not read (`misses`)."""

        def reset(self):
            super().reset()
            self.audit = MissAudit()

        def _cache_use(self, params):
            if not system_text(params).startswith(SYSTEM_PROMPT):  # an internal call
                return super()._cache_use(params)
            now = time.monotonic() + self.clock_offset
            before = dict(self.caches)
            cached = super()._cache_use(params)
            self.audit.record(params, cached, caches=before, now=now)
            return cached

        def _content(self, params):
            if params.get("tools"):
                return super()._content(params)
            return [{"type": "text", "text": answer(params)}], "end_turn"

        def _usage(self, params):
            usage = super()._usage(params)
            if "cache_creation" not in usage:  # nothing cached: all of it is input
                usage.update(cache_creation_input_tokens=0, cache_read_input_tokens=0)
                usage["input_tokens"] = sum(block.tokens for block in prompt_blocks(params))
            if not params.get("tools"):
                usage["output_tokens"] = block_tokens(answer(params))
            return usage

    call_command("migrate", verbosity=0)
    claude, telegram = Answerer().start(), FakeTelegram().start()
    settings.ANTHROPIC_BASE_URL = claude.url
    settings.TELEGRAM_API_BASE_URL = f"{telegram.url}/bot"
    BudgetSettings.objects.update_or_create(pk=1, defaults={"daily_budget_usd": Decimal(10_000)})
    chats = conversations(args.conversations, args.seed)
    turns = sum(len(chat) for chat in chats)
    print(
        f"{len(chats)} conversations, {turns} turns ({min(map(len, chats))}-"
        f"{max(map(len, chats))} a conversation)"
    )
    results = []
    try:
        for label, ttl, aware in SCENARIOS_RUN:
            for model in (ChatMessage, ChatSession, LedgerEntry, LedgerDay, Reservation):
                model.objects.all().delete()
            for model in (BudgetWindow, CheckIn, PendingItem):
                model.objects.all().delete()
            claude.reset()
            routing = RoutingSettings.get_solo()
            routing.cache_ttl, routing.cache_aware_routing = ttl, aware
            routing.save()
            for number, chat in enumerate(chats):
                session = ChatSession.objects.create(chat_id=1001, user_id=1001, private=True)
                claude.audit.conversation_start(number)
                for n, turn in enumerate(chat):
                    session.refresh_from_db()  # as each update reads it: the summary moves on
                    message_reply(session, turn.text, telegram_message_id=number * 100 + n)
                    claude.advance(turn.pause)
                    LedgerEntry.objects.filter(session_id=session.pk).update(
                        created_at=F("created_at") - timedelta(seconds=turn.pause)
                    )
                session.delete()
            results.append((label, summary(), claude.audit))
    finally:
        claude.stop()
        telegram.stop()
    table(results)
    if args.dump:
        with open(args.dump, "w") as out:
            for label, _, audit in results:
                for row in audit.rows:
                    out.write(json.dumps({"scenario": label, **row}) + "\n")


def summary() -> dict:
    """Replies' input, output and total cost, hit share, stays, and answers below the pick."""
    from costs.models import LedgerEntry
    from costs.pricing import TokenUsage, usage_cost
    from costs.selectors import price_rule_for
    from routing.tiers import DOWNGRADE_REASONS, TIERS

    rows = LedgerEntry.objects.filter(feature="message", outcome="ok")
    totals = {"input": Decimal(0), "output": Decimal(0), "all": Decimal(0), "read": 0, "prompt": 0}
    for row in rows:
        rule = price_rule_for(model=row.actual_model)
        output = usage_cost(TokenUsage(output_tokens=row.output_tokens), rule)
        totals["output"] += output
        totals["input"] += row.cost_usd - output
        totals["read"] += row.cache_read_tokens
        totals["prompt"] += row.input_tokens + row.cache_write_tokens + row.cache_read_tokens
    totals["replies"] = rows.count()
    totals["stays"] = rows.filter(reason="cache_warm").count()
    totals["below_pick"] = sum(
        1
        for row in rows
        if TIERS.index(row.tier) < TIERS.index(row.intended_tier)
        and row.reason not in DOWNGRADE_REASONS
        and row.override != "prefix"
    )
    totals["internal"] = sum(
        LedgerEntry.objects.exclude(feature="message").values_list("cost_usd", flat=True),
        Decimal(0),
    )
    totals["reply_total"] = totals["input"] + totals["output"]
    return totals


def table(results: list[tuple[str, dict, "MissAudit"]]) -> None:
    print(
        f"{'scenario':<38} {'replies':>7} {'input $':>9} {'output $':>9} {'replies $':>10} "
        f"{'internal $':>10} {'hit share':>9} {'stays':>5} {'below pick':>10}"
    )
    for label, t, _ in results:
        share = t["read"] / t["prompt"] if t["prompt"] else 0
        print(
            f"{label:<38} {t['replies']:>7} {t['input']:>9.4f} {t['output']:>9.4f} "
            f"{t['reply_total']:>10.4f} {t['internal']:>10.4f} {share:>9.0%} {t['stays']:>5} "
            f"{t['below_pick']:>10}"
        )
    base = results[0][1]
    for label, t, _ in results[1:]:
        print(
            f"{label}: input cost {1 - t['input'] / base['input']:.0%} lower, reply cost "
            f"{1 - t['reply_total'] / base['reply_total']:.0%} lower than today's code"
        )
    print()
    print("Replies' prompt tokens: read, new (the last answer and the new message), and the")
    print("tokens sent before that were not read, by cause (share of all prompt tokens):")
    causes = list(CAUSES)
    print(f"{'scenario':<38} {'read':>6} {'new':>6} " + " ".join(f"{c:>13}" for c in causes))
    for (label, _, audit), (_, ttl, _) in zip(results, SCENARIOS_RUN, strict=True):
        a = audit.totals()
        if not a["prompt"] or not ttl:  # nothing is cached without caching
            continue
        cells = " ".join(f"{a[c] / a['prompt']:>6.1%} ${a[c + '_usd']:>5.2f}" for c in causes)
        print(f"{label:<38} {a['read'] / a['prompt']:>6.1%} {a['new'] / a['prompt']:>6.1%} {cells}")
    for cause, text in CAUSES.items():
        print(f"  {cause}: {text}")
    print()
    print("The least any caching could pay for the replies' prompts with the same routing")
    print("decisions (tokens this model was not sent within the hour at the input price, all")
    print("others at the read price), against the same prompts uncached:")
    for (label, _, audit), (_, ttl, _) in zip(results, SCENARIOS_RUN, strict=True):
        a = audit.totals()
        if a["prompt"] and ttl:
            print(
                f"{label:<38} floor ${a['floor_usd']:.4f} of ${a['uncached_usd']:.4f} uncached "
                f"({1 - a['floor_usd'] / a['uncached_usd']:.0%} lower); "
                f"{a['unavoidable'] / a['prompt']:.1%} of prompt tokens unavoidable"
            )


if __name__ == "__main__":
    main()
