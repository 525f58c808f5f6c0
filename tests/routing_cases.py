"""The labelled routing cases: a tuning part and a held-out part, scored the same way."""

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from routing.core import route

DATA = Path(__file__).parent / "data"
PARTS = {"tuning": DATA / "routing_tuning.jsonl", "held-out": DATA / "routing_holdout.jsonl"}


def load(part: str) -> list[dict]:
    with PARTS[part].open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


@dataclass
class Score:
    total: int
    correct: int
    opus_to_haiku: list[dict]
    misses: list[tuple[dict, str]]
    confusion: Counter

    @property
    def accuracy(self) -> float:
        return self.correct / self.total


def evaluate(cases: list[dict]) -> Score:
    correct, opus_to_haiku, misses, confusion = 0, [], [], Counter()
    for case in cases:
        tier = route(case["message"], case.get("context") or []).tier
        confusion[(case["label"], tier)] += 1
        if tier == case["label"]:
            correct += 1
        else:
            misses.append((case, tier))
            if case["label"] == "opus" and tier == "haiku":
                opus_to_haiku.append(case)
    return Score(len(cases), correct, opus_to_haiku, misses, confusion)
