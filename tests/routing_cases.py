"""The labelled routing cases (tests/data/routing_*.jsonl), scored the same way everywhere.

Each case follows ../shared/LABELLING.md: `expected` is the tier a careful expert
would pick, `acceptable` the tiers that would also do (never all three).
"""

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from routing.core import route

DATA = Path(__file__).parent / "data"
PARTS = {
    "tuning": DATA / "routing_tuning.jsonl",  # the weights are fitted on it
    "validation": DATA / "routing_validation.jsonl",  # settings are chosen on it
    "held-out": DATA / "routing_holdout.jsonl",  # written blind after the rules froze
}
# Languages scored together, so each group has enough cases for a floor to mean something.
LANGUAGE_GROUPS = {
    "English": {"en"},
    "Western European": {"es", "fr", "de", "pt", "it", "nl"},
    "Eastern European and Turkish": {"ru", "uk", "pl", "tr"},
    "Hebrew and Arabic": {"he", "ar"},
    "Asian": {"zh", "ja", "ko", "hi", "id", "vi"},
}


def load(part: str) -> list[dict]:
    with PARTS[part].open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def load_all() -> list[dict]:
    return [case for part in PARTS for case in load(part)]


@dataclass
class Score:
    total: int
    correct: int
    acceptable: int
    opus_to_haiku: list[dict]
    misses: list[tuple[dict, str]]
    confusion: Counter

    @property
    def accuracy(self) -> float:
        return self.correct / self.total

    @property
    def acceptable_share(self) -> float:
        return self.acceptable / self.total


def evaluate(cases: list[dict]) -> Score:
    correct, acceptable, opus_to_haiku, misses, confusion = 0, 0, [], [], Counter()
    for case in cases:
        tier = route(case["message"], case["context"]).tier
        confusion[(case["expected"], tier)] += 1
        correct += tier == case["expected"]
        acceptable += tier in case["acceptable"]
        if tier != case["expected"]:
            misses.append((case, tier))
            if case["expected"] == "opus" and tier == "haiku":
                opus_to_haiku.append(case)
    return Score(len(cases), correct, acceptable, opus_to_haiku, misses, confusion)
