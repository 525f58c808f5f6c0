"""Fit the router's weights on the tuning cases and write `routing/weights.py`.

    .venv/bin/python -m routing.fit_weights            # fit and write the table
    .venv/bin/python -m routing.fit_weights --check    # exit 1 if the table is stale
    .venv/bin/python -m routing.fit_weights --choose   # compare settings on validation

A cost-weighted multinomial logistic model: each tier has its own weights for the
named signals and for the words of the ask (Haiku's are the reference, so the table
holds Sonnet's and Opus's against it). Each case weighs what its worst miss would
cost, so an Opus case sent to Haiku costs far more than a Haiku case sent to Sonnet.
The expected tier under the model (Haiku 0, Sonnet ½, Opus 1) is then cut at the two
points that cost least on the tuning cases; the runtime maps those cuts onto the
default band edges, 0.30 and 0.65. `bench/router_models.py` compares this shape with
the ordinal one it replaced, on writers each fold has not seen.

Momentum signals depend on the weights themselves (they use the tier of the
thread's earlier turns), so the fit is repeated a few times, each round scoring
the thread with the previous round's weights. Needs scikit-learn (the `fit` extra);
the runtime never imports it.
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression

from routing import core
from routing.core import Weights
from routing.message import parse, words
from routing.signals import ORDER, TEXT, agrees_to_offer, is_follow_up, momentum, own_values

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
TABLE = Path(__file__).resolve().parent / "weights.py"
TIERS = core.TIERS
# What a decision costs, by expected tier (rows) and routed tier (columns).
COST = {"haiku": (0.0, 1.0, 2.0), "sonnet": (1.2, 0.0, 1.0), "opus": (4.0, 1.2, 0.0)}
ACCEPTABLE_COST = 0.25  # a tier the label accepts, though not the expected one
REGULARISATION = 0.3  # inverse strength (scikit-learn's C), chosen on validation
ROUNDS = 3  # momentum rounds
MIN_CASES = 3  # a word weighs only if this many tuning cases use it
SMALLEST_WEIGHT = 0.005  # word weights below this (both tiers) are left out of the table
CUT_GRID = [i / 200 for i in range(2, 199)]  # expected-tier values tried as cuts
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
                    case["context"],
                    table.latent(values, parsed.ask),
                    table,
                    follow=follow,
                    agrees=agrees,
                )
                values = values | momentum(parsed, thread)
        rows.append([values.get(code, 0.0) for code in ORDER])
    return np.array(rows, dtype=float)


def fit(cases: list[dict], regularisation: float = REGULARISATION) -> Weights:
    """Fit all weights together; the momentum signals are recomputed each round."""
    cases = classified(cases)
    bag = CountVectorizer(analyzer=words, min_df=MIN_CASES, binary=True)
    worded = bag.fit_transform([parse(case["message"]).ask for case in cases])
    vocabulary = bag.get_feature_names_out()
    table = None
    for _ in range(ROUNDS):
        x = hstack([worded, csr_matrix(features(cases, table))]).tocsr()
        table = _fit_round(x, cases, vocabulary, regularisation)
    rounded = {
        word: (round(s, 4), round(o, 4))
        for word, (s, o) in table.words.items()
        if max(abs(s), abs(o)) >= SMALLEST_WEIGHT
    }
    return Weights(
        (round(table.bias[0], 4), round(table.bias[1], 4)),
        {code: (round(s, 4), round(o, 4)) for code, (s, o) in table.by_code.items()},
        rounded,
        table.cuts,
    )


def _fit_round(x, cases: list[dict], vocabulary, regularisation: float) -> Weights:
    labels = [TIERS.index(case["expected"]) for case in cases]
    sample_weights = [max(case_costs(case)) for case in cases]
    model = LogisticRegression(C=regularisation, max_iter=5000)
    model.fit(x, labels, sample_weight=sample_weights)
    against_haiku = model.coef_[1:] - model.coef_[0]
    bias = model.intercept_[1:] - model.intercept_[0]
    columns = list(zip(against_haiku[0], against_haiku[1], strict=True))
    words_part, signals_part = columns[: len(vocabulary)], columns[len(vocabulary) :]
    return Weights(
        (float(bias[0]), float(bias[1])),
        {code: (float(s), float(o)) for code, (s, o) in zip(ORDER, signals_part, strict=True)},
        {str(w): (float(s), float(o)) for w, (s, o) in zip(vocabulary, words_part, strict=True)},
        _cuts(x, model, cases),
    )


def _cuts(x, model: LogisticRegression, cases: list[dict]) -> tuple[float, float]:
    """The two expected-tier values that route the tuning cases at least cost."""
    probabilities = model.predict_proba(x)
    expected = probabilities[:, 1] / 2 + probabilities[:, 2]
    costs = np.array([case_costs(case) for case in cases])
    best = None
    for low in CUT_GRID:
        above_low = expected >= low
        for high in CUT_GRID:
            if high <= low:
                continue
            tier = above_low.astype(int) + (expected >= high)
            total = costs[np.arange(len(cases)), tier].sum()
            if best is None or total < best[0] - 1e-9:
                best = (total, low, high)
    return best[1], best[2]


def render(table: Weights, cases: int) -> str:
    lines = [
        '"""The router\'s weights, fitted by `python -m routing.fit_weights`: do not edit.',
        "",
        f"Fitted on {cases} tuning cases (tests/data/routing_tuning.jsonl). Sonnet's and",
        "Opus's scores against Haiku's are BIAS plus each signal's value times its weights",
        "(see routing/signals.py) plus the weights of the ask's words; the score is the",
        "expected tier under their softmax, with the fitted CUTS mapped onto the default",
        "band edges below.",
        '"""',
        "",
        f"SONNET_FROM = {SONNET_FROM}",
        f"OPUS_FROM = {OPUS_FROM}",
        f"CUTS = {table.cuts}  # the expected tier (Haiku 0, Sonnet 0.5, Opus 1) cut here",
        f"BIAS = {table.bias}  # Sonnet's and Opus's against Haiku's",
        "WEIGHTS = {  # signal: (towards Sonnet, towards Opus), against Haiku",
    ]
    lines += [f'    "{code}": {table.by_code[code]},  # {TEXT[code]}' for code in ORDER]
    lines += [
        "}",
        "WORDS = {  # a word of the ask, or a stem ('<analy'): (towards Sonnet, towards Opus)",
    ]
    lines += [f'    "{word}": {table.words[word]},' for word in sorted(table.words)]
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
        for regularisation in (0.1, 0.3, 1.0, 3.0):
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
