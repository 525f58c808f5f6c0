import io
import json

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def simulate(tmp_path, messages, *args):
    path = tmp_path / "traffic.jsonl"
    path.write_text("\n".join(json.dumps({"message": m}) for m in messages))
    out = io.StringIO()
    call_command("simulate", str(path), *args, stdout=out)
    return out.getvalue().splitlines()


def test_it_compares_routing_with_one_tier_for_everything(tmp_path):
    lines = simulate(
        tmp_path,
        [
            "hi",
            "write a cover letter for a barista job",
            "prove that the halting problem is undecidable",
        ],
        "--haiku-tokens",
        "1000:100",
        "--sonnet-tokens",
        "1000:100",
        "--opus-tokens",
        "1000:100",
    )

    assert lines[0] == "3 messages routed: haiku 1, sonnet 1, opus 1"
    # Each message: ~1,000 input and 100 output tokens (plus its text / 4).
    assert lines[1].startswith("with routing  $    0.0092")
    assert lines[2].startswith("all Haiku     $    0.0005")
    assert lines[3].startswith("all Sonnet    $    0.0090")
    assert lines[4].startswith("all Opus      $    0.0181")
    assert lines[4].endswith("routing saves 49%")


def test_labelled_lines_are_also_priced_at_their_labelled_tiers(tmp_path):
    path = tmp_path / "labelled.jsonl"
    rows = [
        {"message": "hi", "expected": "haiku", "traffic": "realistic"},
        {
            "message": "prove that the halting problem is undecidable",
            "expected": "opus",
            "traffic": "realistic",
        },
        {"message": "what's 2+2? think step by step", "expected": "haiku", "traffic": "tricky"},
    ]
    path.write_text("\n".join(json.dumps(row) for row in rows))
    out = io.StringIO()
    tokens = ["--haiku-tokens", "1000:100", "--sonnet-tokens", "1000:100"]
    call_command(
        "simulate",
        str(path),
        "--traffic",
        "realistic",
        *tokens,
        "--opus-tokens",
        "1000:100",
        stdout=out,
    )
    lines = out.getvalue().splitlines()

    assert lines[0] == "2 messages routed: haiku 1, sonnet 0, opus 1"
    # The router picks the labelled tiers here, so it costs exactly the oracle.
    assert lines[-1].startswith("labelled tiers $    0.0062")
    assert lines[-1].endswith("routing costs +0% against them")


def test_a_line_s_budget_used_downgrades_its_routed_tier_as_route_does(tmp_path):
    path = tmp_path / "traffic.jsonl"
    hard = "prove that the halting problem is undecidable"
    path.write_text(
        json.dumps({"message": hard}) + "\n" + json.dumps({"message": hard, "budget_used": 0.85})
    )
    out = io.StringIO()

    call_command("simulate", str(path), stdout=out)

    assert out.getvalue().splitlines()[0] == "2 messages routed: haiku 0, sonnet 1, opus 1"


def test_an_unreadable_line_is_a_clear_error(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text("not json\n")

    with pytest.raises(CommandError, match="Every line must be"):
        call_command("simulate", str(path))


def test_prompt_caching_is_priced_when_the_admin_has_it_on(tmp_path):
    lines = simulate(tmp_path, ["hi", "thanks", "ok"], "--haiku-tokens", "1000:100")

    assert lines[0] == "3 messages routed: haiku 3, sonnet 0, opus 0"
    # Routed: 3 x (1,000 + text/4) input at $0.10/M and 100 output at $0.50/M. Cached: the
    # first writes its 1,000 at $0.125/M; the next two read 1,000 at $0.01/M.
    assert lines[1].startswith("with routing  $    0.0005")
    assert lines[-1].startswith("with caching  $    0.0003")
    assert lines[-1].endswith("prompt caching saves 34% of routing's cost")
