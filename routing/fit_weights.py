"""Fit the router's weights on the tuning cases and write `routing/weights.py`.

    .venv/bin/python -m routing.fit_weights            # fit and write the table
    .venv/bin/python -m routing.fit_weights --check    # exit 1 if the table is stale
    .venv/bin/python -m routing.fit_weights --choose   # compare settings on validation

A cost-weighted ordinal logistic model: the tiers are ordered, and the two cut
points share one weight vector. It is fitted as two weighted binary problems
("above Haiku?", "above Sonnet?"), the reduction of Li and Lin (2007), where each
case weighs what a wrong side of that cut would cost: sending an Opus case to
Haiku costs far more than sending a Haiku case to Sonnet, and a tier the label
accepts costs little. The latent score is then rescaled so that the fitted cut
points land on the default band edges, 0.30 and 0.65.

Momentum signals depend on the weights themselves (they use the tier of the
thread's earlier turns), so the fit is repeated a few times, each round scoring
the thread with the previous round's weights. Needs scikit-learn (the `fit` extra);
the runtime never imports it.
"""

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from routing import core
from routing.core import Weights
from routing.message import parse
from routing.signals import ORDER, TEXT, agrees_to_offer, is_follow_up, momentum, own_values

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
TABLE = Path(__file__).resolve().parent / "weights.py"
TIERS = core.TIERS
# What a decision costs, by expected tier (rows) and routed tier (columns).
COST = {"haiku": (0.0, 1.0, 2.0), "sonnet": (1.2, 0.0, 1.0), "opus": (4.0, 1.2, 0.0)}
ACCEPTABLE_COST = 0.25  # a tier the label accepts, though not the expected one
REGULARISATION = 10.0  # inverse strength (scikit-learn's C), chosen on validation
ROUNDS = 3  # momentum rounds
CUT_SCALE = 100.0  # the cut points' columns are scaled up so the penalty barely touches them
SONNET_FROM, OPUS_FROM = 0.30, 0.65


def load(part: str) -> list[dict]:
    with (DATA / f"routing_{part}.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def classified(cases: list[dict]) -> list[dict]:
    """The cases whose tier the classifier decides (a /tier prefix decides the others)."""
    return [case for case in cases if core.parse_prefix(case["message"])[0] is None]


def case_costs(case: dict) -> tuple[float, float, float]:
    base = COST[case["expected"]]
    return tuple(
        0.0 if tier == case["expected"] else ACCEPTABLE_COST if tier in case["acceptable"] else c
        for tier, c in zip(TIERS, base, strict=True)
    )


def features(cases: list[dict], table: Weights | None) -> np.ndarray:
    """One row of signal values per case; momentum from `table` (none in round one)."""
    rows = []
    for case in cases:
        parsed = parse(case["message"])
        values = own_values(parsed)
        if table is not None and case["context"]:
            follow, agrees = is_follow_up(parsed), agrees_to_offer(parsed)
            if follow or agrees:
                thread = core.thread_of(
                    case["context"], table.latent(values), table, follow=follow, agrees=agrees
                )
                values = values | momentum(parsed, thread)
        rows.append([values.get(code, 0.0) for code in ORDER])
    return np.array(rows, dtype=float)


def fit(cases: list[dict], regularisation: float = REGULARISATION) -> Weights:
    """Fit all weights together; the momentum signals are recomputed each round."""
    cases = classified(cases)
    table = None
    for _ in range(ROUNDS):
        table = _fit_round(features(cases, table), cases, regularisation)
    return Weights(round(table.bias, 4), {code: round(w, 4) for code, w in table.by_code.items()})


def _cut_rows(cases: list[dict]):
    """(case index, cut, label, weight) for the two binary problems of the reduction."""
    for index, case in enumerate(cases):
        costs = case_costs(case)
        expected = TIERS.index(case["expected"])
        for cut in (0, 1):
            weight = abs(costs[cut] - costs[cut + 1])
            if weight:
                yield index, cut, int(expected > cut), weight


def _fit_round(x: np.ndarray, cases: list[dict], regularisation: float) -> Weights:
    rows, labels, sample_weights = [], [], []
    for index, cut, label, weight in _cut_rows(cases):
        cuts = [-CUT_SCALE * (cut == 0), -CUT_SCALE * (cut == 1)]
        rows.append(np.concatenate([x[index], cuts]))
        labels.append(label)
        sample_weights.append(weight)
    model = LogisticRegression(C=regularisation, fit_intercept=False, max_iter=5000)
    model.fit(np.array(rows), np.array(labels), sample_weight=np.array(sample_weights))
    scaling = np.r_[np.ones(len(ORDER)), CUT_SCALE, CUT_SCALE]
    *coefficients, low_cut, high_cut = model.coef_[0] * scaling
    scale = (_logit(OPUS_FROM) - _logit(SONNET_FROM)) / (high_cut - low_cut)
    bias = _logit(SONNET_FROM) - scale * low_cut
    by_code = {code: scale * c for code, c in zip(ORDER, coefficients, strict=True)}
    return Weights(bias, by_code, SONNET_FROM, OPUS_FROM)


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def render(table: Weights, cases: int) -> str:
    lines = [
        '"""The router\'s weights, fitted by `python -m routing.fit_weights`: do not edit.',
        "",
        f"Fitted on {cases} tuning cases (tests/data/routing_tuning.jsonl). Each weight",
        "multiplies its signal's value (see routing/signals.py); the latent score is",
        "BIAS plus their sum, and the score is its logistic. The fit places its two cut",
        "points at the default band edges below.",
        '"""',
        "",
        f"SONNET_FROM = {SONNET_FROM}",
        f"OPUS_FROM = {OPUS_FROM}",
        f"BIAS = {table.bias}",
        "WEIGHTS = {",
    ]
    lines += [f'    "{code}": {table.by_code[code]},  # {TEXT[code]}' for code in ORDER]
    lines.append("}")
    return "\n".join(lines) + "\n"


def score(cases: list[dict], table: Weights) -> dict:
    """Exact and acceptable shares, and the cost, of routing `cases` with `table`."""
    routed = [core.route(c["message"], c["context"], table=table).tier for c in cases]
    exact = sum(t == c["expected"] for t, c in zip(routed, cases, strict=True)) / len(cases)
    ok = sum(t in c["acceptable"] for t, c in zip(routed, cases, strict=True)) / len(cases)
    opus_haiku = sum(
        t == "haiku" and c["expected"] == "opus" for t, c in zip(routed, cases, strict=True)
    )
    cost = sum(case_costs(c)[TIERS.index(t)] for t, c in zip(routed, cases, strict=True)) / len(
        cases
    )
    return {"exact": exact, "acceptable": ok, "opus_to_haiku": opus_haiku, "cost": cost}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the table is stale")
    parser.add_argument("--choose", action="store_true", help="compare settings on validation")
    args = parser.parse_args(argv)
    tuning = load("tuning")
    if args.choose:
        validation = load("validation")
        for regularisation in (0.1, 0.3, 1.0, 3.0, 10.0):
            table = fit(tuning, regularisation)
            print(f"C={regularisation:<5} tuning {score(tuning, table)}")
            print(f"{'':8} validation {score(validation, table)}")
        return 0
    text = render(fit(tuning), len(classified(tuning)))
    if args.check:
        stale = TABLE.read_text(encoding="utf-8") != text
        print("routing/weights.py is stale: re-run the fit" if stale else "up to date")
        return int(stale)
    TABLE.write_text(text, encoding="utf-8")
    print(f"wrote {TABLE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
