"""Requests the current models accept: internal calls that the strict fake takes on every
model we list, effort per tier and per /prefix, and thinking kept out of what the owner
reads but in what they pay and what is held."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from blufio.clients import anthropic as claude_client
from blufio.models import ChatMessage, ChatSession
from costs.models import LedgerEntry, Price, Reservation
from heartbeat.checkins import heartbeat_pass
from heartbeat.memory import EXTRACTION
from heartbeat.models import ExtractionRun, HeartbeatSettings, PendingItem
from routing.models import RoutingSettings
from tests.conftest import OWNER_CHAT_ID, text_update
from tests.helpers import quiet_hours_off

pytestmark = pytest.mark.django_db

LISTED_MODELS = ["claude-opus-5-5", "claude-sonnet-5-5", "claude-haiku-5-5", "claude-haiku-4-5"]
REMINDER = {
    "new_items": [{"kind": "reminder", "text": "Call mom", "due": None}],
    "updates": [],
}


def internal_on(model: str) -> None:
    HeartbeatSettings.objects.update_or_create(
        pk=1,
        defaults={
            "model": model,
            "extraction_model": model,
            "compaction_model": model,
            "compaction_threshold_tokens": 600,
            "compaction_keep_tokens": 200,
        },
    )


@pytest.mark.parametrize("model", LISTED_MODELS)
def test_every_internal_call_is_accepted_by_the_strict_fake_on_every_listed_model(
    model, post_update, fake_claude, fake_telegram
):
    internal_on(model)
    quiet_hours_off()
    session = ChatSession.objects.create(chat_id=OWNER_CHAT_ID, user_id=OWNER_CHAT_ID)
    for n in range(6):
        ChatMessage.objects.create(session=session, role="user", text=f"Old question {n} " * 40)
        ChatMessage.objects.create(session=session, role="assistant", text=f"Old answer {n} " * 40)
    fake_claude.tool_input = REMINDER
    fake_claude.text = "The owner asked old questions."

    post_update(text_update("Remind me to call mom"))
    fake_claude.text = "Time to call mom."
    [outcome] = heartbeat_pass()

    internal = LedgerEntry.objects.exclude(feature="message")
    assert sorted(internal.values_list("feature", "outcome")) == [
        ("compaction", "ok"),
        ("extraction", "ok"),
        ("heartbeat", "ok"),
    ]
    assert PendingItem.objects.get().text == "Call mom"
    session.refresh_from_db()
    # A model that thinks still gives only its text as the summary.
    assert session.summary == "The owner asked old questions."
    assert outcome.outcome == "sent"
    assert fake_telegram.sent_texts()[-1].startswith("🔔 Time to call mom.")
    calls = [c for c in fake_claude.calls if c.params["model"] == model][1:]  # internal only
    assert calls and all("tool_choice" not in c.params for c in calls)
    efforts = {entry.effort for entry in internal}
    assert efforts == ({""} if model == "claude-haiku-4-5" else {"low"})


def test_extraction_on_haiku_4_5_asks_for_the_format_and_reads_the_json_answer(
    post_update, fake_claude, fake_telegram
):
    internal_on("claude-haiku-4-5")
    fake_claude.tool_input = REMINDER

    post_update(text_update("Remind me to call mom"))

    [call] = [c for c in fake_claude.calls if "output_config" in c.params]
    assert call.params["output_config"] == {
        "format": {"type": "json_schema", "schema": EXTRACTION.schema}
    }
    assert "tools" not in call.params
    assert PendingItem.objects.get().text == "Call mom"
    assert ExtractionRun.objects.get().outcome == "extracted"


def test_the_old_forced_extraction_tool_is_refused_as_the_real_api_refuses_it(fake_claude):
    with pytest.raises(claude_client.ClaudeError) as refused:
        claude_client.complete(
            model="claude-haiku-5-5",
            system="",
            messages=[{"role": "user", "content": "I'll call mom"}],
            max_tokens=100,
            tools=[EXTRACTION.tool],
            tool_choice={"type": "tool", "name": EXTRACTION.name},
        )

    assert (refused.value.status, refused.value.permanent) == (400, True)
    assert refused.value.detail == "Thinking may not be enabled when tool_choice forces tool use."


@pytest.mark.parametrize(
    ("model", "options", "detail"),
    [
        ("claude-opus-5-5", {"thinking": {"type": "disabled"}}, '"thinking.type.disabled"'),
        ("claude-sonnet-5-5", {"thinking": {"type": "disabled"}}, '"thinking.type.disabled"'),
        ("claude-haiku-4-5", {"output_config": {"effort": "low"}}, "output_config.effort"),
        (
            "claude-haiku-5-5",
            {"thinking": {"type": "disabled"}, "output_config": {"effort": "max"}},
            "with thinking disabled",
        ),
        (
            "claude-haiku-4-5",
            {"output_config": {"format": {"type": "json_schema", "schema": {"type": "object"}}}},
            "additionalProperties",
        ),
    ],
)
def test_what_a_model_refuses_is_a_400_invalid_request(model, options, detail, fake_claude):
    with pytest.raises(claude_client.ClaudeError) as refused:
        claude_client.complete(
            model=model,
            system="",
            messages=[{"role": "user", "content": "hi"}],
            max_tokens=100,
            **options,
        )

    assert (refused.value.status, refused.value.permanent) == (400, True)
    assert detail in refused.value.detail


def test_haiku_5_5_refuses_sampling_parameters_and_a_prefill(fake_claude):
    client = claude_client._client("sk-ant-test-key", fake_claude.url, 0, 10)
    request = {"model": "claude-haiku-5-5", "max_tokens": 100}
    hi = [{"role": "user", "content": "hi"}]

    # This SDK no longer has the parameters: sent as extra body fields, as an older one would.
    for extra in ({"temperature": 0.2}, {"top_p": 0.9}, {"top_k": 5}):
        with pytest.raises(claude_client.anthropic.BadRequestError) as refused:
            client.messages.create(**request, messages=hi, extra_body=extra)
        assert refused.value.body["error"]["type"] == "invalid_request_error"
    prefill = [*hi, {"role": "assistant", "content": "{"}]
    with pytest.raises(claude_client.anthropic.BadRequestError) as refused:
        client.messages.create(**request, messages=prefill)
    assert "prefill" in refused.value.body["error"]["message"]
    # Haiku 4.5 takes both.
    haiku_4_5 = {**request, "model": "claude-haiku-4-5"}
    client.messages.create(**haiku_4_5, messages=prefill, extra_body={"temperature": 0.2})


def test_a_thinking_reply_shows_only_its_text_and_its_thinking_is_paid_as_output(
    post_update, fake_claude, fake_telegram
):
    fake_claude.thinking_tokens = 2000

    post_update(text_update("/opus is this proof right?"))

    [reply] = fake_telegram.sent_texts()
    assert reply == "Hello from Claude."
    assert fake_claude.thinking_text not in ChatMessage.objects.get(role="assistant").text
    entry = LedgerEntry.objects.get()
    # 1,200 input tokens at $4/M; 300 answer and 2,000 thinking tokens at $20/M.
    assert (entry.output_tokens, entry.cost_usd) == (2300, Decimal("0.0508"))
    assert Reservation.objects.get().amount_usd >= entry.cost_usd


def test_thinking_that_fills_max_tokens_costs_no_more_than_the_hold(
    post_update, fake_claude, fake_telegram, caplog
):
    fake_claude.thinking_tokens = 100_000

    post_update(text_update("/opus++ prove there are infinitely many primes"))

    entry = LedgerEntry.objects.get()
    assert entry.output_tokens == RoutingSettings.get_solo().opus_max_tokens
    assert entry.cost_usd <= Reservation.objects.get().amount_usd
    assert "more than the" not in caplog.text


@pytest.mark.parametrize(
    ("message", "effort"),
    [("/opus+ prove it", "high"), ("/opus++ prove it", "max"), ("/haiku- what time is it", "low")],
)
def test_a_prefix_effort_reaches_the_api_and_the_ledger(
    message, effort, post_update, fake_claude, fake_telegram
):
    post_update(text_update(message))

    [call] = fake_claude.calls
    assert call.params["output_config"] == {"effort": effort}
    assert call.params["messages"][-1]["content"] == message.split(maxsplit=1)[1]
    assert LedgerEntry.objects.get().effort == effort


def test_each_tier_answers_with_its_effort_and_a_model_without_effort_gets_none(
    post_update, fake_claude, fake_telegram
):
    RoutingSettings.objects.update_or_create(
        pk=1, defaults={"opus_effort": "medium", "sonnet_fallbacks": "haiku"}
    )
    post_update(text_update("/opus check this"))
    RoutingSettings.objects.filter(pk=1).update(haiku_model="claude-haiku-4-5", haiku_effort="")
    fake_claude.queue_error(529, times=3)
    post_update(text_update("/sonnet the same on sonnet", update_id=2))

    opus, *_, haiku = fake_claude.calls
    assert opus.params["output_config"] == {"effort": "medium"}
    assert haiku.params["model"] == "claude-haiku-4-5" and "output_config" not in haiku.params
    assert list(LedgerEntry.objects.filter(outcome="ok").values_list("tier", "effort")) == [
        ("haiku", ""),
        ("opus", "medium"),
    ]


def test_admin_refuses_an_effort_the_tiers_model_does_not_take():
    settings = RoutingSettings.get_solo()
    settings.haiku_model, settings.haiku_effort = "claude-haiku-4-5", "low"

    with pytest.raises(ValidationError) as refused:
        settings.full_clean()

    assert "claude-haiku-4-5 does not take effort low" in str(refused.value)
    settings.haiku_model = "claude-haiku-5-5"
    settings.full_clean()


def test_the_price_table_refuses_unknown_effort_levels():
    price = Price.objects.get(pattern="claude-opus-5-5")
    price.efforts = "low,turbo"

    with pytest.raises(ValidationError, match="Not an effort level: turbo"):
        price.full_clean()


def test_help_explains_the_effort_suffix(post_update, fake_claude, fake_telegram):
    post_update(text_update("/help"))

    assert "think harder (/opus+)" in fake_telegram.sent_texts()[0]
    assert fake_claude.calls == []
