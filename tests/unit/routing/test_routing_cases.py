"""The labelled routing cases, scored on both parts: tuning and held-out."""

from collections import Counter

import pytest

from tests.routing_cases import evaluate, load


@pytest.fixture(scope="module")
def parts():
    return {"tuning": load("tuning"), "held-out": load("held-out")}


def test_the_set_is_large_and_varied_with_a_third_held_out(parts):
    cases = parts["tuning"] + parts["held-out"]

    assert len(cases) >= 300
    assert len(parts["held-out"]) >= len(cases) / 3
    assert set(Counter(c["label"] for c in cases)) == {"haiku", "sonnet", "opus"}
    assert len({c["lang"] for c in cases}) >= 8
    assert {c["category"] for c in cases} >= {
        "momentum",
        "override",
        "long_paste",
        "short_hard",
        "trap",
    }


def test_at_least_90_percent_of_all_cases_get_their_exact_tier(parts):
    score = evaluate(parts["tuning"] + parts["held-out"])

    assert score.accuracy >= 0.90, f"{score.accuracy:.1%}; misses: {score.misses[:5]}"


def test_no_opus_case_is_routed_to_haiku(parts):
    score = evaluate(parts["tuning"] + parts["held-out"])

    assert score.opus_to_haiku == []
