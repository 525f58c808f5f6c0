"""Time to first visible text: webhook POST -> task -> fake Claude streaming at a realistic
pace -> drafts and the final message on the fake Telegram.

An Opus-routed question each time; the fake Claude waits `--first-token` seconds before
its first event, thinks (Opus 5.5 always does, and by default streams its thinking block
empty: the wait is that of the thinking's tokens at the same pace), then writes
`--tokens-per-second` (four characters a token, four tokens a delta). Runs in one process
with eager tasks against PostgreSQL (database `blufio_stream_bench`, created if missing)
and the loopback fakes, through the real SDKs (`reply_loop.py`). Prints time to the first
draft, to the first draft with answer text in it, and to the final message, p50/p99. Not
a test; numbers only.

    .venv/bin/python bench/stream_reply.py [--messages 20] [--first-token 0.5]
"""

import argparse
import math
import statistics

from reply_loop import percentile, reply_loop

QUESTION = "prove that there are infinitely many primes of the form 4k+3"
CHARS_PER_TOKEN = 4
TOKENS_PER_DELTA = 4
PARAGRAPH = (
    "Suppose there are only **finitely many** primes of the form 4k+3, say p1, …, pn. "
    "Consider N = 4·p1·…·pn − 1, which is itself of the form 4k+3 and odd.\n\n"
)


def line(label: str, values: list[float], note: str = "") -> str:
    p50, p99 = statistics.median(values), percentile(values, 0.99)
    return f"{label:<24} p50 {p50:7.1f} ms  p99 {p99:7.1f} ms{note}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--first-token", type=float, default=0.5, help="seconds")
    parser.add_argument("--tokens-per-second", type=float, default=50)
    parser.add_argument("--answer-chars", type=int, default=1200)
    args = parser.parse_args()

    with reply_loop("blufio_stream_bench") as loop:
        from costs.models import LedgerEntry
        from tests.fakes.anthropic import thinks

        claude = loop.claude
        claude.text = (PARAGRAPH * (args.answer_chars // len(PARAGRAPH) + 1))[: args.answer_chars]
        claude.stream_first_delay = args.first_token
        claude.stream_chunk_chars = CHARS_PER_TOKEN * TOKENS_PER_DELTA
        claude.stream_delta_delay = TOKENS_PER_DELTA / args.tokens_per_second
        first_draft, first_text, final, drafts, asked, claude_first_text = [], [], [], [], [], []
        for _ in range(args.messages):
            answered = loop.answer(QUESTION)
            call = answered.claude[0]
            asked.append((call.at - answered.started) * 1000)
            # The fake's own wait before its first text delta: the first token, then the
            # thinking's deltas (shown or not) and the signature, then its own.
            thinking = math.ceil(len(claude.thinking_text) / claude.stream_chunk_chars) + 1
            deltas = (thinking if thinks(call.params) else 0) + 1
            claude_first_text.append(args.first_token + deltas * claude.stream_delta_delay)
            shown = answered.telegram_at("sendMessageDraft")
            texts = [r.params.get("text") for r in answered.telegram if "Draft" in r.path]
            sent = answered.telegram_at("sendMessage")
            assert shown and len(sent) == 1, "no drafts, or not one final message"
            first_draft.append(shown[0])
            first_text.append(next(at for at, text in zip(shown, texts, strict=True) if text))
            final.append(sent[0])
            drafts.append(len(shown))
        answers = LedgerEntry.objects.filter(feature="message").order_by("created_at")[1:]
        tiers = sorted({entry.actual_model for entry in answers})  # after the warm-up
        claude_text = statistics.median(claude_first_text) * 1000
        writing = args.answer_chars / CHARS_PER_TOKEN / args.tokens_per_second

        print(
            f"messages: {args.messages}, routed to {', '.join(tiers)}; fake Claude: first "
            f"token after {args.first_token * 1000:.0f} ms, {args.tokens_per_second:.0f} "
            f"tokens/s, {args.answer_chars} characters ({writing:.1f} s of writing)"
        )
        print(line("webhook to Claude call:", asked))
        print(line("time to first draft:", first_draft))
        print(
            line(
                "first draft with text:",
                first_text,
                f"  (the fake Claude's first text: {claude_text:.0f} ms after the call)",
            )
        )
        print(line("time to final message:", final))
        print(f"drafts per reply: {statistics.mean(drafts):.1f} (at most one a second)")


if __name__ == "__main__":
    main()
