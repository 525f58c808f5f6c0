"""The extraction heuristic on labelled owner messages, in every language the lexicon knows.

`memory_tuning.jsonl` (English) and `memory_multilingual_tuning.jsonl` (14 languages)
are what the rules were written against; the `*holdout*` files were written
separately, blind to the rules, and are only measured. A missed commitment is a
forgotten reminder, a spare read costs one Haiku call, so recall matters most.
"""

import json
from pathlib import Path

import pytest

from heartbeat.rules import needs_extraction

DATA = Path(__file__).parents[2] / "data"  # tests/data


LANGUAGE_GROUPS = {
    "English": {"en"},
    "Western European": {"es", "fr", "de", "pt", "it"},
    "Russian and Turkish": {"ru", "tr"},
    "Hebrew and Arabic": {"he", "ar"},
    "Asian": {"zh", "ja", "ko", "hi"},
}


def scores(name: str, languages: set[str] | None = None) -> tuple[float, float]:
    """Share of `extract` messages read, and share of `skip` messages skipped."""
    rows = [json.loads(line) for line in (DATA / name).read_text().splitlines() if line.strip()]
    rows = [r for r in rows if languages is None or r["lang"] in languages]
    extract = [r for r in rows if r["label"] == "extract"]
    skip = [r for r in rows if r["label"] == "skip"]
    read = sum(needs_extraction(r["message"], has_open_items=r["open"]) for r in extract)
    skipped = sum(not needs_extraction(r["message"], has_open_items=False) for r in skip)
    return read / len(extract), skipped / len(skip)


@pytest.mark.parametrize(
    ("name", "least_recall", "least_skipped"),
    [("memory_tuning.jsonl", 0.95, 0.77), ("memory_holdout.jsonl", 0.95, 0.77)],
)
def test_commitments_are_read_and_small_talk_is_skipped(name, least_recall, least_skipped):
    recall, skipped = scores(name)

    assert recall >= least_recall
    assert skipped >= least_skipped


@pytest.mark.parametrize(
    ("group", "least_recall", "least_skipped"),
    [  # measured on 2026-12-02 less a few points; before the lexicon: 8-17% recall outside
        ("English", 0.90, 0.85),  # the four pattern languages
        ("Western European", 0.88, 0.80),
        ("Russian and Turkish", 0.78, 0.65),
        ("Hebrew and Arabic", 0.92, 0.80),
        ("Asian", 0.77, 0.60),
    ],
)
def test_commitments_are_read_in_every_language_group(group, least_recall, least_skipped):
    recall, skipped = scores("memory_multilingual_tuning.jsonl", LANGUAGE_GROUPS[group])

    assert recall >= least_recall, f"{group}: {recall:.0%}"
    assert skipped >= least_skipped, f"{group}: {skipped:.0%}"


@pytest.mark.parametrize(
    "message",
    [
        "תזכיר לי מחר בחמש להתקשר לאמא",
        "напомни мне завтра в 5 позвонить маме",
        "明天下午五点提醒我给妈妈打电话",
        "ricordami domani alle 5 di chiamare la mamma",
        "lembra-me amanhã às 5 de ligar para a mãe",
        "אני אשלח את החשבונית לדנה עד יום שישי",
    ],
)
def test_reminders_beyond_the_four_pattern_languages_are_read(message):
    assert needs_extraction(message, has_open_items=False)


def test_a_message_the_rules_cannot_read_goes_to_the_model():
    assert needs_extraction("下班了 回头再说那个事", has_open_items=False)


def test_the_multilingual_held_out_part_keeps_its_first_score():
    # Written blind after the rules froze, scored once on 2026-12-02: read 94% of the
    # 72 messages holding an item (the previous rules: 35%), skipped 73% of the rest.
    # Since then Latin-script text without a cue is no longer sent to the model as
    # unreadable: 93% and 83% (no longer a blind figure).
    recall, skipped = scores("memory_multilingual_holdout.jsonl")

    assert recall >= 0.90
    assert skipped >= 0.70
    for group, languages in LANGUAGE_GROUPS.items():
        assert scores("memory_multilingual_holdout.jsonl", languages)[0] >= 0.85, group
