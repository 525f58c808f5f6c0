import json
import sys

from django.core.management.base import BaseCommand, CommandError

from routing.core import route
from routing.models import RoutingSettings


class Command(BaseCommand):
    help = (
        "Show the routing decision for a message, or for every line of a JSONL file "
        '({"message": ..., "context": [...], "budget_used": 0.85}) with --jsonl FILE '
        "(- for stdin). No model is called. --budget-used is the share of today's budget "
        "spent (default 0)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("text", nargs="?", help="The message, as the owner would type it.")
        parser.add_argument("--json", action="store_true", help="Print the decision as JSON.")
        parser.add_argument("--budget-used", type=float, default=0.0, metavar="SHARE")
        parser.add_argument(
            "--jsonl", metavar="FILE", help="Route every line of FILE ('-': stdin)."
        )

    def handle(self, *args, text=None, json=False, budget_used=0.0, jsonl=None, **options):
        if (text is None) == (jsonl is None):
            raise CommandError('Give either "TEXT" or --jsonl FILE.')
        if not 0 <= budget_used <= 10:
            raise CommandError("--budget-used is a share: 0.85 means 85%.")
        config = RoutingSettings.get_solo().to_config()
        if jsonl:
            self.route_lines(jsonl, config, budget_used)
            return
        decision = route(text, budget_used=budget_used, config=config)
        if json:
            self.stdout.write(_dumps(decision.to_dict()))
            return
        line = f"{decision.tier} ({decision.model}), score {decision.score:.2f}"
        if decision.downgraded:
            line += f", downgraded from {decision.intended_tier} ({decision.downgrade_reason})"
        if decision.override:
            line += f", override: {decision.override}"
        self.stdout.write(line)
        for reason in decision.reasons:
            self.stdout.write(f"  - {reason}")
        if decision.notice:
            self.stdout.write(f"notice: {decision.notice}")

    def route_lines(self, path: str, config, default_budget: float) -> None:
        stream = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115
        out = []
        try:
            for number, line in enumerate(stream, start=1):
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                    message = item["message"]
                    context = item.get("context") or []
                    budget = float(item.get("budget_used", default_budget))
                    if not isinstance(message, str) or not isinstance(context, list):
                        raise TypeError
                except (ValueError, KeyError, TypeError, AttributeError) as exc:
                    raise CommandError(
                        f'line {number}: expected {{"message": str, "context": [...]}}'
                    ) from exc
                decision = route(message, context, budget_used=budget, config=config)
                out.append(_dumps(decision.to_dict()))
                if len(out) >= 1000:
                    self.stdout.write("\n".join(out))
                    out.clear()
        finally:
            if stream is not sys.stdin:
                stream.close()
        if out:
            self.stdout.write("\n".join(out))


def _dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False)
