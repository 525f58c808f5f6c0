"""The owner's verdicts read back: the dashboard's routing-quality panel, the escalated
messages on the playground, and GET /api/feedback."""

import json
import re

import pytest

from blufio.models import ApiToken, ChatMessage
from blufio.tokens import api_token_create
from tests.helpers import ledger_row, verdict_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def verdicts():
    for _ in range(3):
        ledger_row("claude-haiku-5-5", tier="haiku")
    verdict_row("thumbs_down", tier="haiku")
    verdict_row("ask_opus", tier="haiku", asked_tier="opus", text="prove Fermat's little theorem")
    verdict_row("thumbs_up", tier="sonnet")
    verdict_row("prefix", tier="opus", asked_tier="haiku", text="what time is it in Lima")
    verdict_row("reask", tier="sonnet", days_ago=2)
    verdict_row("thumbs_down", tier="opus", days_ago=45)  # outside the panel's 30 days


def cells(html: str, tier: str) -> list[int]:
    """The counts in the panel's row of `tier`."""
    row = html.split(f'data-tier="{tier}"', 1)[1].split("</tr>", 1)[0]
    return [int(n) for n in re.findall(r'class="num"[^>]*>(\d+)', row)]


def test_the_panel_counts_each_tiers_verdicts_against_its_replies(staff, verdicts):
    response = staff.get("/dashboard/routing-quality/", headers={"HX-Request": "true"})

    html = response.content.decode()
    assert "<html" not in html  # the partial the dashboard loads
    # Replies, escalated, asked again, 👎, 👍 (each verdict_row adds one reply).
    assert cells(html, "haiku") == [5, 1, 0, 1, 0]
    assert cells(html, "sonnet") == [2, 0, 1, 0, 1]
    # A /haiku after an Opus reply is not an escalation; the 45-day-old 👎 is out.
    assert cells(html, "opus") == [1, 0, 0, 0, 0]
    assert "20%" in html.split('data-tier="haiku"', 1)[1].split("</tr>", 1)[0]


def test_a_continuation_is_no_reply_of_its_own_but_an_ask_opus_answer_is(staff, verdicts):
    ledger_row("claude-haiku-5-5", tier="haiku", reason="continue")  # 👎 on it judges the first
    ledger_row("claude-opus-5-5", tier="opus", reason="retry_up")  # takes its own reactions

    html = staff.get("/dashboard/routing-quality/").content.decode()

    assert (cells(html, "haiku")[0], cells(html, "opus")[0]) == (5, 2)


def test_the_dashboard_loads_the_panel(staff):
    html = staff.get("/dashboard/").content.decode()

    assert 'hx-get="/dashboard/routing-quality/"' in html


def test_the_playground_lists_escalated_messages_as_labelled_cases(staff, verdicts):
    ChatMessage.objects.create(
        session=ChatMessage.objects.first().session, role="user", text="later message"
    )
    html = staff.get("/dashboard/playground/escalated/").content.decode()

    assert "prove Fermat&#x27;s little theorem" in html
    assert "what time is it in Lima" not in html  # a /haiku is no escalation
    case = html.split('aria-label="Labelled case">', 1)[1].split("</textarea>")[0]
    case = json.loads(case.replace("&quot;", '"').replace("&#x27;", "'"))
    assert case["message"] == "prove Fermat's little theorem"
    assert case["expected"] == "opus"
    assert case["context"] == [  # the turns before it, as the router read them
        {"role": "user", "content": "What should I cook tonight with leeks, eggs and rice?"},
        {"role": "assistant", "content": "An answer."},
    ]
    assert "later message" not in html


@pytest.mark.parametrize(
    "path", ["/dashboard/routing-quality/", "/dashboard/playground/escalated/"]
)
def test_the_panels_are_for_staff_only(client, path):
    response = client.get(path)

    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_api_exports_verdicts_with_the_routers_input(client, verdicts):
    _, key = api_token_create(name="labeller")

    body = client.get(
        "/api/feedback?signal=ask_opus", headers={"Authorization": f"Bearer {key}"}
    ).json()

    assert body["count"] == 1
    [row] = body["items"]
    assert row["signal"] == "ask_opus"
    assert (row["tier"], row["asked_tier"], row["under_routed"]) == ("haiku", "opus", True)
    assert row["message"] == "prove Fermat's little theorem"
    assert row["model"] == "claude-haiku-5-5"
    assert isinstance(row["context"], list)
    assert ApiToken.objects.get().last_used_at is not None


def test_the_api_needs_a_token_and_is_in_the_openapi_schema(client, verdicts):
    assert client.get("/api/feedback").status_code == 401
    schema = client.get("/api/openapi.json").json()
    assert "/api/feedback" in schema["paths"]
    assert "under_routed" in json.dumps(schema["components"]["schemas"]["FeedbackRow"])
