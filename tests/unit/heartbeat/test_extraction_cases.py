"""The extraction heuristic on labelled owner messages (English, Spanish, French, German).

`memory_tuning.jsonl` is what the rules were written against; `memory_holdout.jsonl`
was written separately and blind to the rules, and is only measured. A missed
commitment is a forgotten reminder, a spare read costs one Haiku call, so recall
on commitments matters most.
"""

import json
from pathlib import Path

import pytest

from heartbeat.rules import needs_extraction

DATA = Path(__file__).parents[2] / "data"  # tests/data


def scores(name: str) -> tuple[float, float]:
    """Share of `extract` messages read, and share of `skip` messages skipped."""
    rows = [json.loads(line) for line in (DATA / name).read_text().splitlines() if line.strip()]
    extract = [r for r in rows if r["label"] == "extract"]
    skip = [r for r in rows if r["label"] == "skip"]
    read = sum(needs_extraction(r["message"], has_open_items=r["open"]) for r in extract)
    skipped = sum(not needs_extraction(r["message"], has_open_items=False) for r in skip)
    return read / len(extract), skipped / len(skip)


@pytest.mark.parametrize(
    ("name", "least_recall", "least_skipped"),
    [("memory_tuning.jsonl", 0.95, 0.85), ("memory_holdout.jsonl", 0.88, 0.80)],
)
def test_commitments_are_read_and_small_talk_is_skipped(name, least_recall, least_skipped):
    recall, skipped = scores(name)

    assert recall >= least_recall
    assert skipped >= least_skipped
