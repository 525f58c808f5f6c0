import sys

from django.core.management.base import BaseCommand, CommandError

from routing.simulation import DEFAULT_TOKENS, simulate
from routing.tiers import TIER_NAMES, TIERS


def token_pair(value: str) -> tuple[int, int]:
    prompt, _, output = value.partition(":")
    return int(prompt), int(output)


class Command(BaseCommand):
    help = (
        "Route every message of a JSONL traffic file ('-' for stdin) and compare its cost "
        "with all-Haiku, all-Sonnet and all-Opus, and, for lines with an 'expected' tier "
        "(the labelled corpus), with those tiers themselves, and routing with the admin's "
        "prompt caching (the file read as one conversation). No model is called; prices "
        "come from the price table."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--traffic",
            choices=("realistic", "tricky"),
            help="Only the lines marked with this traffic kind (the labelled corpus).",
        )
        for tier, (prompt, output) in DEFAULT_TOKENS.items():
            parser.add_argument(
                f"--{tier}-tokens",
                type=token_pair,
                default=(prompt, output),
                metavar="IN:OUT",
                help=f"Assumed input:output tokens of a {tier}-class message "
                f"(default {prompt}:{output}); the message text is added to the input.",
            )

    def handle(self, *args, file: str, traffic: str | None = None, **options) -> None:
        tokens = {tier: options[f"{tier}_tokens"] for tier in DEFAULT_TOKENS}
        try:
            stream = sys.stdin if file == "-" else open(file, encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        try:
            result = simulate(stream, tokens=tokens, traffic=traffic)
        except (ValueError, KeyError, TypeError) as exc:
            raise CommandError(f'Every line must be {{"message": ...}}: {exc}') from exc
        finally:
            if stream is not sys.stdin:
                stream.close()
        if not result.messages:
            raise CommandError("No messages in the file.")
        mix = ", ".join(f"{tier} {result.mix[tier]}" for tier in DEFAULT_TOKENS)
        self.stdout.write(f"{result.messages} messages routed: {mix}")
        routed = result.cost["routed"]
        for name, label in [
            ("routed", "with routing"),
            *((tier, f"all {TIER_NAMES[tier]}") for tier in TIERS),
        ]:
            cost = result.cost[name]
            line = f"{label:<13} ${cost:>10.4f}   ${cost / result.messages:.5f}/message"
            if name in TIERS[1:] and cost:  # dearer than the cheapest tier
                line += f"   routing saves {1 - routed / cost:.0%}"
            self.stdout.write(line)
        cached = result.cost["cached"]
        if cached != routed:
            self.stdout.write(
                f"{'with caching':<13} ${cached:>10.4f}   ${cached / result.messages:.5f}/message"
                f"   prompt caching saves {1 - cached / routed:.0%} of routing's cost"
            )
        if result.labelled == result.messages and result.cost["oracle"]:
            oracle = result.cost["oracle"]
            self.stdout.write(
                f"{'labelled tiers':<13} ${oracle:>10.4f}   ${oracle / result.messages:.5f}/message"
                f"   routing costs {routed / oracle - 1:+.0%} against them"
            )
