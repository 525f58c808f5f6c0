"""The signals and the lexicon: the shortcuts that keep them fast change no value."""

import pytest

from routing import lexicon
from routing.message import FEATURES, WORD, WORDS_READ, parse, split_ask, tokens, words
from routing.signals import _ALWAYS, _READ_BY, OWN, own_values
from tests.routing_cases import load_all

MESSAGES = [case["message"] for case in load_all()] + [
    turn["content"] for case in load_all() for turn in case["context"]
]


def test_a_signal_is_only_skipped_when_it_would_be_zero():
    """`own_values` calls a signal only when a feature it reads is present."""
    for message in MESSAGES:
        parsed = parse(message)
        every = {code: value for code, function in OWN.items() if (value := function(parsed))}
        assert list(own_values(parsed).items()) == list(every.items()), message[:60]


def test_every_signal_reads_known_features_or_is_always_evaluated():
    known = set(lexicon.FAMILIES) | set(FEATURES)
    assert set(_READ_BY) <= known
    places = {place for places in _READ_BY.values() for place in places} | set(_ALWAYS)
    assert places == set(range(len(OWN)))


@pytest.mark.parametrize(
    ("text", "family", "cue"),
    [
        ("what's 15% of 84?", "arithmetic", "% of"),  # a cue that starts with punctuation
        ("explain the trade-off", "deep", "trade-off"),
        ("two bugs in it", "symptom", "bug"),  # an English ending
        ("is it idempotent?", "deep", "idempoten"),  # a stem runs on
        ("¿por dónde empiezo a investigar?", "stakes", None),  # "invest" is a whole word
        ("c++ or rust?", "tech", "c++"),
        ("use c, then", "tech", None),  # separators look alike, the cue's own do not
    ],
)
def test_cues_meet_words_at_their_boundaries(text, family, cue):
    found = [c for c, _ in lexicon.find(text).get(family, [])]
    assert (cue in found) if cue else not any(c in ("invest", "c++") for c in found)


def test_a_cue_is_found_where_it_starts():
    found = dict(lexicon.find("ok so: please explain how it works"))
    assert ("explain", 14) in found["explain"]


def test_two_cues_of_one_pattern_are_each_found_where_they_start():
    # " quieres que " is both cues, "¿quieres que" from one character earlier: the
    # pattern kept only the start of the last cue registered.
    offers = dict(lexicon.find("vale. ¿quieres que te lo pase a reales?")["offer"])
    assert (offers["¿quieres que"], offers["quieres que"]) == (6, 7)


def test_a_megabyte_paste_is_read_by_its_ends():
    log = "2026-11-21 10:00:01 INFO request served in 12 ms\n" * 20_000
    message = log + "\nwhat's the date on line 3?"
    ask, pasted = split_ask(message)
    assert ask == "what's the date on line 3?"
    assert pasted == len(message) - len(ask)


def test_the_words_weighed_are_the_asks_words_longer_ones_with_their_stem_and_cjk_pairs():
    assert words("Sort THESE, names: a-z!") == ["sort", "these", "names", "a", "z"]
    assert words("analysing replication lag") == [
        "analysing", "replication", "lag", "<analy", "<repli",
    ]  # fmt: skip
    assert tokens("what's 15% of 84?") == ["what", "s", "15", "of", "84"]
    assert tokens("¿Por dónde empiezo?") == ["por", "dónde", "empiezo"]
    assert words("帮我写邮件 ok") == ["帮我", "我写", "写邮", "邮件", "ok"]
    # A CJK character says about as much as two Latin letters: half as many are read.
    assert len(tokens("写" * 1000)) == WORDS_READ // 2 - 1


def test_an_ascii_message_splits_into_words_as_the_word_pattern_does():
    for message in MESSAGES:
        head = message[:WORDS_READ].lower()
        if head.isascii():
            assert tokens(message) == WORD.findall(head), message[:60]
