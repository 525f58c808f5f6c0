"""How far the labels themselves agree: the ceiling a router could reach on them.

`tests/data/routing_agreement.jsonl` holds 360 validation messages (a seeded random
sample, with their context) labelled again by two labellers who saw only the
labelling guide and the messages, never the writers' labels, the router or each other.
Prints how often each pair picks the same tier, how often one's tier is among the
other's acceptable ones, and how often one says Haiku where the other says Opus, beside
the router's agreement with each. Not a test.

    .venv/bin/python bench/label_agreement.py
"""

import json
import sys
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from routing.core import route  # noqa: E402
from tests.routing_cases import DATA, load  # noqa: E402


def _key(message: str, context: list[dict]) -> str:
    return json.dumps([message, context], ensure_ascii=False)


def main() -> None:
    writers = {_key(c["message"], c.get("context") or []): c for c in load("validation")}
    lines = (DATA / "routing_agreement.jsonl").read_text(encoding="utf-8").splitlines()
    sample = [json.loads(line) for line in lines]
    labels: dict[str, list[dict]] = {"router": [], "writer": []}
    for case in sample:
        written = writers[_key(case["message"], case["context"])]
        labels["writer"].append(written)
        for name, label in case["labels"].items():
            labels.setdefault(name, []).append(label)
        tier = route(case["message"], case["context"]).intended_tier
        labels["router"].append({"expected": tier, "acceptable": [tier]})
    print(f"{len(sample)} validation messages, labelled by their writer and again blind")
    for first, second in combinations(labels, 2):
        pairs = list(zip(labels[first], labels[second], strict=True))
        same = sum(a["expected"] == b["expected"] for a, b in pairs) / len(pairs)
        inside = sum(a["expected"] in b["acceptable"] for a, b in pairs) / len(pairs)
        apart = sum({a["expected"], b["expected"]} == {"haiku", "opus"} for a, b in pairs)
        print(
            f"{first:>6} / {second:<6} same tier {same:6.1%}   "
            f"{first}'s tier acceptable to {second} {inside:6.1%}   Haiku against Opus {apart}"
        )


if __name__ == "__main__":
    main()
