"""The router core: prefixes, traps, momentum, bands and budget downgrades (no Django)."""

import pytest

from routing.core import RouterConfig, classify, parse_prefix, route, signal_values
from routing.signals import TEXT, Signal

HARD_THREAD = [
    {
        "role": "user",
        "content": "Design a lock-free MPMC queue in C++; explain the memory "
        "ordering trade-offs and how you'd prove it is linearizable.",
    },
    {
        "role": "assistant",
        "content": "Here is a design based on a ring buffer with sequence "
        "numbers... ```cpp\nstruct Cell { std::atomic<size_t> seq; T value; };\n```",
    },
]


@pytest.mark.parametrize(
    ("message", "tier", "text"),
    [
        ("/opus analyze this", "opus", "analyze this"),
        ("/HAIKU what time is it", "haiku", "what time is it"),
        ("/Sonnet\nline one\nline two", "sonnet", "line one\nline two"),
        ("/opus@BlufioBot compare these", "opus", "compare these"),
        ("/opus", "opus", ""),
    ],
)
def test_a_tier_prefix_at_the_very_start_forces_the_tier_and_is_stripped(message, tier, text):
    assert parse_prefix(message) == (tier, text)


@pytest.mark.parametrize(
    "message", ["/gpt4 hello", "please use /opus for this", "/opusx hi", "//opus hi", "/op us"]
)
def test_other_slash_words_are_not_overrides(message):
    assert parse_prefix(message) == (None, message)
    assert route(message).override is None


def test_a_prefix_wins_over_classification():
    assert route("/opus what's 2+2").tier == "opus"
    assert route("/haiku prove the Riemann hypothesis").tier == "haiku"
    assert route("/opus what's 2+2").override == "prefix"


@pytest.mark.parametrize(
    ("message", "tier"),
    [
        ("hi!", "haiku"),
        ("thanks 🙏", "haiku"),
        ("what font is used in this design?", "haiku"),
        ("just quickly prove there are infinitely many primes of the form 4k+3", "opus"),
        ("Design a multi-region event store: consistency trade-offs, failover, and cost", "opus"),
        ("write a short email to my landlord asking when the heating gets fixed", "sonnet"),
        ("Привет!", "haiku"),
        ("докажи, что корень из двух иррационален", "opus"),
        ("שלום", "haiku"),
        ("谢谢", "haiku"),
        ("请帮我设计一个分布式系统架构，权衡一致性和可用性", "opus"),
        ("شكرا جزيلا", "haiku"),
    ],
)
def test_messages_get_the_cheapest_tier_that_can_do_them(message, tier):
    assert route(message).tier == tier


def test_a_long_log_with_a_simple_question_is_not_an_opus_task():
    log = "\n".join(
        f"2026-11-{day:02d} 12:00:01 ERROR worker-3 deadlock detected in scheduler, retrying"
        for day in range(1, 28)
    )
    decision = route(f"{log}\n\nwhat's the date of the first line here?")

    assert decision.tier == "haiku"
    assert "a simple question about pasted text" in decision.reasons


def test_a_short_follow_up_in_a_hard_thread_stays_high():
    decision = route("and the edge cases?", HARD_THREAD)

    assert decision.tier == "opus"
    assert decision.reasons[0] == "follow-up in an Opus-level thread"


def test_thanks_after_a_hard_thread_drops_to_haiku():
    assert route("thanks!", HARD_THREAD).tier == "haiku"


def test_no_signal_means_sonnet():
    decision = route("I have a question about my garden beds and the shade they get")

    assert decision.tier == "sonnet"


@pytest.mark.parametrize(
    ("budget_used", "tier", "reason", "notice"),
    [
        (0.5, "opus", None, None),
        (0.85, "sonnet", "budget_downgrade", "(Using Sonnet — budget at 85%)"),
        (0.96, "haiku", "budget_haiku_only", "(Using Haiku — budget at 96%)"),
        (1.2, "haiku", "budget_haiku_only", "(Using Haiku — budget at 120%)"),
    ],
)
def test_budget_downgrades_a_hard_question(budget_used, tier, reason, notice):
    decision = route("prove that the halting problem is undecidable", budget_used=budget_used)

    assert decision.intended_tier == "opus"
    assert (decision.tier, decision.downgrade_reason, decision.notice) == (tier, reason, notice)
    assert decision.downgraded is (reason is not None)
    assert decision.model == RouterConfig().model_for(tier)


def test_above_80_percent_sonnet_becomes_haiku():
    decision = route("write a cover letter for a junior data analyst job", budget_used=0.81)

    assert (decision.intended_tier, decision.tier) == ("sonnet", "haiku")


def test_a_prefix_beats_the_downgrades_but_the_notice_shows_the_budget():
    decision = route("/opus compare these two job offers", budget_used=0.97)

    assert (decision.tier, decision.downgraded) == ("opus", False)
    assert decision.notice == "(Using Opus as asked — budget at 97%)"


def test_force_model_replaces_classification_and_is_still_downgraded():
    config = RouterConfig(force_tier="opus")

    assert route("hi", config=config).tier == "opus"
    assert route("hi", config=config).override == "force"
    downgraded = route("hi", config=config, budget_used=0.9)
    assert (downgraded.tier, downgraded.downgrade_reason) == ("sonnet", "budget_downgrade")


def test_band_edges_come_from_the_config():
    message = "write a cover letter for a junior data analyst job"

    score = route(message).score

    assert route(message).tier == "sonnet"
    assert route(message, config=RouterConfig(opus_from=score - 0.01)).tier == "opus"
    assert route(message, config=RouterConfig(sonnet_from=score + 0.01)).tier == "haiku"


def test_the_decision_has_exactly_the_contract_fields():
    assert set(route("hi").to_dict()) == {
        "text",
        "tier",
        "intended_tier",
        "model",
        "score",
        "reasons",
        "override",
        "downgraded",
        "downgrade_reason",
        "notice",
        "budget_used",
    }


@pytest.mark.parametrize(
    "message",
    ["", "   ", "\u200f\u200b", "🙂" * 5000, "\ud800 lone surrogate", "a" * 1_000_000, "```" * 999],
)
def test_odd_input_still_gets_a_decision(message):
    decision = route(message)

    assert decision.tier in ("haiku", "sonnet", "opus")
    assert 0 <= decision.score <= 1


@pytest.mark.parametrize(
    ("message", "absent"),
    [
        ("ugh stuck in traffic again", "a technical fault to hunt"),  # an idiom, not a bug
        ("¿por dónde empiezo a investigar?", "legal, medical or financial stakes"),  # not "invest"
        (
            "how do you say 'proof by induction' in Spanish?",
            "hard task (proof, system design, concurrency)",
        ),
    ],
)
def test_cues_match_words_of_their_own_language_outside_quotes(message, absent):
    assert absent not in route(message).reasons


def test_the_reasons_are_the_signals_that_moved_the_score_most():
    contributions = classify("prove that the halting problem is undecidable").contributions

    assert [abs(c) for _, c in contributions] == sorted(
        (abs(c) for _, c in contributions), reverse=True
    )
    assert route("prove that the halting problem is undecidable").reasons[:2] == [
        TEXT[code] for code, _ in contributions[:2]
    ]


def test_agreeing_to_hard_work_the_assistant_offered_stays_high():
    thread = [
        {"role": "user", "content": "is there a reduction from 3-SAT to independent set?"},
        {
            "role": "assistant",
            "content": "Yes, the classic one. Want me to write the full "
            "reduction with the gadget proofs in both directions?",
        },
    ]

    assert route("yes please", thread).tier != "haiku"


@pytest.mark.parametrize("message", ["ok thanks", "ok cool, thanks!", "great, thank you 🙏"])
def test_ok_and_thanks_after_a_hard_thread_are_a_closing(message):
    assert route(message, HARD_THREAD).tier == "haiku"


@pytest.mark.parametrize("message", ["ok, go ahead", "ok dale, hacelo", "ok, continue"])
def test_ok_with_a_go_ahead_is_agreement_not_a_closing(message):
    values = signal_values(message, HARD_THREAD)

    assert Signal.CLOSING not in values and Signal.GREETING_ONLY not in values
    assert route(message, HARD_THREAD).tier != "haiku"


@pytest.mark.parametrize(
    "message",
    [
        "Architecture question: how tall is the Galata tower?",
        "quick proof question: what is 7 times 8?",
        "system design q: what year was Kafka released?",
    ],
)
def test_a_light_ask_in_heavy_words_has_no_substance_floor(message):
    values = signal_values(message)
    decision = route(message)

    assert Signal.HARD in values and Signal.LIGHT_DRESSED_UP in values
    assert TEXT[Signal.SUBSTANCE_FLOOR] not in decision.reasons
    assert decision.tier == "haiku"
