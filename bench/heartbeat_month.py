"""A simulated month of heartbeats for one active owner: 48 passes a day.

Runs the real heartbeat pass (skip rules, slot claims, budget holds, ledger, 🔔 via
python-telegram-bot) against PostgreSQL (database `blufio_bench`) and the loopback
fakes, on a simulated clock. The fake Claude counts input tokens from the request's
size (about four characters a token) and writes a short check-in naming the due items,
or the "nothing to say" sentinel when nothing is due, as the prompt asks.

The owner talks on most days between 8:00 and 22:00, is away for a long weekend, adds
one to three items a day (timed reminders and undated follow-ups), and answers most
check-ins with ✅ done, some with ⏰ snooze, and ignores the rest.

Also prints the share of real owner messages (the labelled routing set) that the
extraction heuristics skip without a model call. Not a test; numbers only.

    .venv/bin/python bench/heartbeat_month.py [--days 30] [--seed 7]
"""

import argparse
import json
import os
import random
import re
import sys
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/blufio_bench"
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"

from bench.reply_loop import ensure_database  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ZONE = ZoneInfo("Europe/Paris")
START = datetime(2026, 12, 1, 0, 0, tzinfo=ZONE)
REMINDERS = ["Call mom", "Dentist appointment", "Pay the electricity bill", "Send Ana the slides"]
FOLLOW_UPS = ["Review the contract draft", "Reply to the landlord", "Book flights for March"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    ensure_database("blufio_bench")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from blufio.models import ChatSession
    from costs.models import BudgetSettings, BudgetWindow, LedgerEntry, Reservation
    from heartbeat.checkins import heartbeat_pass
    from heartbeat.memory import item_status_set
    from heartbeat.models import CheckIn, HeartbeatSettings, PendingItem
    from heartbeat.rules import NOTHING_TO_SAY, needs_extraction
    from tests.fakes.anthropic import FakeAnthropic
    from tests.fakes.telegram import FakeTelegram

    class CheckInWriter(FakeAnthropic):
        """Writes what a sensible model would: the due items, or the sentinel."""

        def _content(self, params):
            digest = params["messages"][-1]["content"]
            due = digest.split("Due now or overdue:")[1] if "Due now or overdue:" in digest else ""
            names = re.findall(r"^- #\d+ \w+: (.+?) \(due", due, re.MULTILINE)
            text = f"Reminder: {', '.join(names)}." if names else NOTHING_TO_SAY
            return [{"type": "text", "text": text}], "end_turn"

    call_command("migrate", verbosity=0)
    for model in (CheckIn, PendingItem, ChatSession, LedgerEntry, Reservation, BudgetWindow):
        model.objects.all().delete()
    BudgetSettings.objects.update_or_create(pk=1, defaults={"timezone": ZONE.key})
    HeartbeatSettings.objects.update_or_create(pk=1, defaults={})
    claude, telegram = CheckInWriter().start(), FakeTelegram().start()
    claude.usage = {**claude.usage, "output_tokens": 40}
    claude.usage_from_prompt = True
    settings.ANTHROPIC_BASE_URL = claude.url
    settings.TELEGRAM_API_BASE_URL = f"{telegram.url}/bot"

    rng = random.Random(args.seed)
    session = ChatSession.objects.create(chat_id=1001, user_id=1001, last_message_at=START)
    away = {11, 12, 13, 14}  # a long weekend without messages
    outcomes: Counter = Counter()
    answered = 0
    for day in range(args.days):
        midnight = START + timedelta(days=day)
        if day not in away:
            for _ in range(rng.randint(1, 3)):
                if rng.random() < 0.6:
                    due = midnight + timedelta(
                        hours=rng.randint(9, 20), minutes=rng.choice([0, 30])
                    )
                    kind, text = "reminder", rng.choice(REMINDERS)
                else:
                    due, kind, text = None, "follow_up", rng.choice(FOLLOW_UPS)
                item = PendingItem.objects.create(session=session, kind=kind, text=text, due_at=due)
                PendingItem.objects.filter(pk=item.pk).update(updated_at=midnight)
        for half_hour in range(48):
            now = midnight + timedelta(minutes=30 * half_hour)
            if day not in away and 8 <= now.hour < 22 and rng.random() < 0.3:
                ChatSession.objects.filter(pk=session.pk).update(last_message_at=now)
            sent_before = len(telegram.sent_texts())
            for result in heartbeat_pass(now=now):
                outcomes[result.outcome] += 1
            if len(telegram.sent_texts()) > sent_before:
                answered += owner_answers(rng, session, now, item_status_set, CheckIn)
        for item in PendingItem.objects.filter(session=session, kind="follow_up", status="open"):
            if rng.random() < 0.3:  # follow-ups get done in their own time
                item_status_set(item_id=item.pk, session_id=session.pk, status="done", now=now)

    passes = sum(outcomes.values())
    calls = LedgerEntry.objects.filter(feature="heartbeat")
    prompt_tokens = [entry.input_tokens for entry in calls]
    cost = sum(entry.cost_usd for entry in calls)
    cap = BudgetSettings.get_solo().heartbeat_monthly_budget_usd
    print(f"simulated: {args.days} days x 48 passes, one owner: {passes} passes")
    for outcome, count in outcomes.most_common():
        print(f"  {outcome:28} {count:5}  ({count / passes:.1%})")
    print(
        f"model calls: {len(prompt_tokens)}; avoided by the skip rules: "
        f"{passes - len(prompt_tokens)} ({(passes - len(prompt_tokens)) / passes:.1%})"
    )
    print(
        f"heartbeat prompt: avg {sum(prompt_tokens) / max(1, len(prompt_tokens)):.0f} tokens, "
        f"max {max(prompt_tokens, default=0)} (estimated at 4 characters a token)"
    )
    print(f"🔔 messages sent: {len(telegram.sent_texts())}; answered with a button: {answered}")
    print(f"month's heartbeat cost: ${cost:.4f} of the ${cap} budget ({cost / cap:.3%})")
    corpus = [
        json.loads(line)["message"]
        for name in ("routing_tuning.jsonl", "routing_validation.jsonl")
        for line in (ROOT / "tests" / "data" / name).read_text().splitlines()
        if line.strip()
    ]
    skipped = sum(not needs_extraction(text, has_open_items=False) for text in corpus)
    print(
        f"memory extraction on {len(corpus)} labelled owner messages: "
        f"{skipped} skipped by heuristics ({skipped / len(corpus):.0%})"
    )
    claude.stop()
    telegram.stop()


def owner_answers(rng, session, now, item_status_set, check_in_model) -> int:
    """The owner presses ✅ on most check-ins, ⏰ on some, and ignores the rest."""
    checkin = check_in_model.objects.filter(session=session, outcome="sent").first()
    roll = rng.random()
    if roll > 0.8:
        return 0
    status = "done" if roll < 0.6 else "snoozed"
    later = now + timedelta(minutes=rng.randint(5, 25))
    for item_id in checkin.item_ids[:3]:
        item_status_set(item_id=item_id, session_id=session.pk, status=status, now=later)
    return 1


if __name__ == "__main__":
    main()
