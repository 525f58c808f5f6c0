"""The labelled routing cases: the corpus's shape, and the router's floors on it.

The floors are today's measured accuracy less a small margin: they catch a
regression, they are not the targets (issue 12 wants 92% exact, 96% acceptable
and no Opus case sent to Haiku).
"""

import json
from collections import Counter

import pytest

from tests.routing_cases import LANGUAGE_GROUPS, evaluate, load, load_all

LANGUAGES = {"en", "es", "fr", "de", "pt", "it", "ru", "he", "ar", "zh", "ja", "ko", "hi", "tr"}
# group: (exact, acceptable), measured on 2026-12-02 less 2 to 3 points. On the whole
# corpus, most of which the weights were fitted on (the ask's words weigh, so the fit
# knows its own cases well), and on the validation part, which it was not.
FLOORS = {
    "all": (0.875, 0.905),
    "English": (0.875, 0.90),
    "Western European": (0.88, 0.91),
    "Eastern European and Turkish": (0.88, 0.91),
    "Hebrew and Arabic": (0.87, 0.90),
    "Asian": (0.865, 0.90),
}
VALIDATION_FLOORS = {
    "all": (0.78, 0.84),
    "English": (0.80, 0.85),
    "Western European": (0.78, 0.845),
    "Eastern European and Turkish": (0.795, 0.835),
    "Hebrew and Arabic": (0.76, 0.82),
    "Asian": (0.75, 0.825),
}
MOST_OPUS_TO_HAIKU = 23  # on all 8,591 cases, 20 today (router v1: 42 on 3,981); the target is 0


@pytest.fixture(scope="module")
def cases():
    return load_all()


def test_the_corpus_is_large_varied_and_written_by_several_writers(cases):
    assert len(cases) >= 3000
    assert len({c["writer"] for c in cases}) >= 15
    per_language = Counter(c["lang"] for c in cases)
    assert all(per_language[lang] >= 90 for lang in LANGUAGES), per_language
    assert sum(1 for c in cases if c["context"]) >= 0.2 * len(cases)
    assert set(Counter(c["expected"] for c in cases)) == {"haiku", "sonnet", "opus"}
    assert {"momentum", "override", "long_paste", "short_hard", "trap", "build", "debug"} <= {
        c["category"] for c in cases
    }


def test_every_case_follows_the_labelling_format(cases):
    for case in cases:
        assert case["expected"] in case["acceptable"], case["message"][:60]
        assert 1 <= len(set(case["acceptable"])) <= 2, case["message"][:60]
        assert case["rationale"].strip() and case["traffic"] in ("realistic", "tricky")


def test_the_parts_share_no_case_and_the_held_out_part_has_its_own_writers():
    tuning, validation, held_out = load("tuning"), load("validation"), load("held-out")

    def key(case: dict) -> str:
        return json.dumps([case["message"], case["context"]], ensure_ascii=False)

    assert 0.2 <= len(validation) / (len(tuning) + len(validation)) <= 0.3
    assert not {key(c) for c in tuning} & {key(c) for c in validation}
    # Independent writers may both write "good morning 🌞": only such incidental repeats.
    assert len({key(c) for c in tuning + validation} & {key(c) for c in held_out}) <= 5
    assert len(held_out) >= 600
    assert not {c["writer"] for c in tuning + validation} & {c["writer"] for c in held_out}


def test_the_held_out_part_keeps_its_first_score():
    # The sixth held-out part (seven new writers, 685 cases), scored once on 2026-12-03
    # with the rules of the commit "Router rules frozen for the sixth held-out part"
    # (the widened lexicons): 83.6% exact, 86.4% acceptable, 2 Opus to Haiku (the rules
    # before it: 81.3%, 83.9%, 3). The five earlier parts (747, 700, 720, 282 and 638
    # cases) now sit in tuning and validation.
    score = evaluate(load("held-out"))

    assert score.accuracy >= 0.81
    assert score.acceptable_share >= 0.84
    assert len(score.opus_to_haiku) <= 3


@pytest.mark.parametrize("group", FLOORS)
def test_the_router_keeps_its_floor_on_each_language_group(cases, group):
    assert_floor(cases, group, FLOORS[group])


@pytest.mark.parametrize("group", VALIDATION_FLOORS)
def test_the_router_keeps_its_floor_on_each_language_group_of_the_validation_part(group):
    assert_floor(load("validation"), group, VALIDATION_FLOORS[group])


def assert_floor(cases: list[dict], group: str, floor: tuple[float, float]) -> None:
    chosen = cases if group == "all" else [c for c in cases if c["lang"] in LANGUAGE_GROUPS[group]]
    score = evaluate(chosen)
    exact, acceptable = floor

    assert score.accuracy >= exact, f"{group}: {score.accuracy:.1%}"
    assert score.acceptable_share >= acceptable, f"{group}: {score.acceptable_share:.1%}"


def test_opus_cases_sent_to_haiku_do_not_grow(cases):
    assert len(evaluate(cases).opus_to_haiku) <= MOST_OPUS_TO_HAIKU
    assert len(evaluate(load("validation")).opus_to_haiku) <= 17  # 15 on 2,298 cases
