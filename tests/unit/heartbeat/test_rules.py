"""The pure rules behind memory and heartbeats: skip heuristics, digests, quiet hours."""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from heartbeat.rules import (
    MAX_DIGEST_ITEMS,
    digest_build,
    due_in_window,
    idle_bucket,
    in_quiet_hours,
    is_nothing_to_say,
    needs_extraction,
    repeats,
)

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 22, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "I'll review that doc today",
        "Remind me Friday at 5 to call mom",
        "I need to renew my passport before March",
        "don't let me forget the dentist",
        "Dentist on Thursday at 3pm",
        "Board meeting tomorrow, slides due by Monday",
        "I promised Sam I'd send the photos",
        "Can you remind me to water the plants?",
        "gonna call the bank after lunch",
    ],
)
def test_messages_with_a_commitment_or_a_time_are_read(text):
    assert needs_extraction(text, has_open_items=False)


@pytest.mark.parametrize(
    "text",
    [
        "hi",
        "Thanks!",
        "ok cool",
        "What should I cook tonight with leeks, eggs and rice?",
        "How does compound interest work?",
        "Is it going to rain tomorrow?",
        "Explain the difference between TCP and UDP",
        "lol that's funny",
        "The movie was great",
    ],
)
def test_greetings_acknowledgements_and_questions_are_skipped(text):
    assert not needs_extraction(text, has_open_items=False)


def test_done_is_read_only_when_something_is_open():
    assert needs_extraction("done, called her", has_open_items=True)
    assert not needs_extraction("done, called her", has_open_items=False)
    assert not needs_extraction("nice weather", has_open_items=True)


@dataclass
class Item:
    id: int
    kind: str = "reminder"
    text: str = "Call mom"
    due_at: datetime | None = None
    snoozed_until: datetime | None = None


def build(items, now=NOW, last=NOW - timedelta(hours=2)):
    return digest_build(
        items, now=now, zone=PARIS, last_exchange=last, lookahead=timedelta(minutes=30)
    )


def test_a_digest_lists_due_and_open_items_in_the_owners_time():
    digest = build([Item(1, due_at=NOW - timedelta(minutes=10)), Item(2, "follow_up", "Doc")])

    assert digest.due_ids == (1,) and digest.open_ids == (2,)
    assert "Now: Sun 22 Nov 15:00 (Europe/Paris)." in digest.text
    assert "- #1 reminder: Call mom (due Sun 22 Nov 14:50, 10 min ago)" in digest.text
    assert "- #2 follow_up: Doc" in digest.text
    assert "Last message from the owner: 2 h ago." in digest.text


def test_items_due_later_are_left_out_until_their_slot():
    digest = build([Item(1, due_at=NOW + timedelta(hours=3))])

    assert digest.item_ids == () and "#1" not in digest.text


def test_the_key_holds_as_time_passes_and_changes_with_substance():
    items = [Item(1, due_at=NOW - timedelta(minutes=5))]
    first = build(items)

    assert build(items, now=NOW + timedelta(minutes=30)).key == first.key
    assert build([*items, Item(2, due_at=None)]).key != first.key
    # Overdue by a day, the item is nudged once more.
    assert build(items, now=NOW + timedelta(days=1)).key != first.key
    # A snoozed item that comes due again is news.
    snoozed = [Item(1, due_at=NOW - timedelta(hours=2), snoozed_until=NOW - timedelta(minutes=1))]
    assert build(snoozed).key != first.key


def test_a_digest_stays_small_however_many_items_are_pending():
    items = [Item(n, text="x" * 2000, due_at=NOW - timedelta(minutes=n)) for n in range(1, 60)]

    digest = build(items)

    assert len(digest.item_ids) == MAX_DIGEST_ITEMS
    assert len(digest.text) < 2000


@pytest.mark.parametrize(
    ("hours", "bucket"),
    [(None, "never"), (3, "today"), (30, "1 day"), (50, "2 days"), (24 * 12, "7+ days")],
)
def test_idle_time_is_bucketed(hours, bucket):
    assert idle_bucket(None if hours is None else timedelta(hours=hours)) == bucket


def test_quiet_hours_may_span_midnight():
    night = {"start": time(22), "end": time(8)}
    assert in_quiet_hours(time(23, 30), **night)
    assert in_quiet_hours(time(7, 59), **night)
    assert not in_quiet_hours(time(8), **night)
    assert not in_quiet_hours(time(12), **night)
    assert in_quiet_hours(time(13), start=time(12), end=time(14))
    assert not in_quiet_hours(time(13), start=time(9), end=time(9))


def test_the_sentinel_means_nothing_to_say():
    assert is_nothing_to_say("NO_CHECKIN")
    assert is_nothing_to_say("  no_checkin. ")
    assert is_nothing_to_say("")
    assert not is_nothing_to_say("Time to call mom!")


def test_a_check_in_that_says_the_same_again_is_a_repeat():
    earlier = ["Don't forget: call mom at 5 today."]
    assert repeats("Don't forget — call Mom at 5 today!", earlier)
    assert not repeats("Your passport renewal is due this week.", earlier)
    assert not repeats("Anything", [])


def test_due_times_are_plausible_from_a_year_back_to_five_years_ahead():
    now = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    west = ZoneInfo("America/New_York")

    assert due_in_window(now - timedelta(days=364), now=now)
    assert due_in_window(now + timedelta(days=5 * 365), now=now)
    assert not due_in_window(now - timedelta(days=366), now=now)
    assert not due_in_window(now + timedelta(days=5 * 365 + 1), now=now)
    # Year 10000 in UTC: compared without converting, so nothing overflows.
    assert not due_in_window(datetime(9999, 12, 31, 23, 59, tzinfo=west), now=now)
    assert not due_in_window(datetime(1, 1, 1, tzinfo=ZoneInfo("Asia/Tokyo")), now=now)
