import io
import json

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def run(*args, stdin: str | None = None, monkeypatch=None) -> str:
    out = io.StringIO()
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    call_command("route", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_decision_as_json():
    decision = json.loads(
        run("prove that sqrt(2) is irrational", "--json", "--budget-used", "0.85")
    )

    assert decision["tier"] == "sonnet"
    assert decision["intended_tier"] == "opus"
    assert decision["downgrade_reason"] == "budget_downgrade"
    assert decision["notice"] == "(Using Sonnet — budget at 85%)"


def test_it_prints_a_readable_summary():
    out = run("hello!")

    assert out.startswith("haiku (claude-haiku-5-5), score 0.")
    assert "  - greeting or small talk" in out


def test_jsonl_gives_one_line_per_input_in_order(tmp_path):
    lines = [
        {"message": "hi"},
        {
            "message": "and the edge cases?",
            "context": [{"role": "user", "content": "design a consensus protocol with trade-offs"}],
        },
        {"message": "explain how a heat pump works", "budget_used": 0.96},
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")

    out = [json.loads(line) for line in run("--jsonl", str(path)).splitlines()]

    assert [d["tier"] for d in out] == ["haiku", "opus", "haiku"]
    assert out[2]["downgrade_reason"] == "budget_haiku_only"


def test_jsonl_reads_stdin(monkeypatch):
    out = run("--jsonl", "-", stdin='{"message": "/sonnet hi"}\n', monkeypatch=monkeypatch)

    assert json.loads(out)["tier"] == "sonnet"


def test_a_bad_jsonl_line_is_named(monkeypatch):
    with pytest.raises(CommandError, match="line 2"):
        run("--jsonl", "-", stdin='{"message": "a"}\nnope\n', monkeypatch=monkeypatch)


def test_it_needs_text_or_a_file():
    with pytest.raises(CommandError, match="TEXT"):
        call_command("route")
