"""Which model shape would generalise best to writers the fit has not seen.

Scores four models on the tuning and validation cases with leave-writers-out
cross-validation (each fold's writers are unseen by its fit, as a blind held-out
part's writers are): the cost-weighted ordinal model on the named signals that
router v2 used first, the same with the ask's words added, and a cost-weighted
multinomial model (each tier with its own weights; the tier of least expected
cost) on the signals alone and with the words, the shape `routing.fit_weights`
now fits (which cuts the expected tier at two fitted points instead), and that
shape with word pairs instead of the words' stems (what the fit used before). Momentum
signals use the committed table's weights in every fold. Needs scikit-learn (the
`fit` extra). Not a test; numbers only.

    .venv/bin/python bench/router_models.py [--folds 6]
"""

import argparse
import sys
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from routing import core  # noqa: E402
from routing.fit_weights import COST, TIERS, case_costs, classified, features, load  # noqa: E402
from routing.message import parse, tokens, words  # noqa: E402


def words_and_pairs(ask: str) -> list[str]:
    """The ask's words and adjacent word pairs: the fit's word features before stems."""
    found = tokens(ask)
    return found + [f"{a} {b}" for a, b in zip(found, found[1:], strict=False)]


def ordinal(train_x, train_cases, test_x, regularisation):
    """The fit of routing.fit_weights: two weighted cut problems sharing one weight vector."""
    rows, labels, weights = [], [], []
    for index, case in enumerate(train_cases):
        costs, expected = case_costs(case), TIERS.index(case["expected"])
        for cut in (0, 1):
            if weight := abs(costs[cut] - costs[cut + 1]):
                rows.append((index, cut))
                labels.append(int(expected > cut))
                weights.append(weight)
    cuts = csr_matrix(np.array([[-100.0 * (cut == 0), -100.0 * (cut == 1)] for _, cut in rows]))
    x = hstack([train_x[[index for index, _ in rows]], cuts]).tocsr()
    model = LogisticRegression(C=regularisation, fit_intercept=False, max_iter=5000)
    *weight_vector, low, high = model.fit(x, labels, sample_weight=weights).coef_[0]
    latent = test_x @ np.array(weight_vector)
    return (latent >= 100 * low).astype(int) + (latent >= 100 * high).astype(int)


def multinomial(train_x, train_cases, test_x, regularisation):
    """Three tiers with their own weights, each case weighted by its worst miss; the
    decision is the tier of least expected cost."""
    labels = [TIERS.index(case["expected"]) for case in train_cases]
    weights = [max(case_costs(case)) for case in train_cases]
    model = LogisticRegression(C=regularisation, max_iter=5000)
    probabilities = model.fit(train_x, labels, sample_weight=weights).predict_proba(test_x)
    return (probabilities @ np.array([COST[tier] for tier in TIERS])).argmin(axis=1)


def score(routed, cases) -> str:
    exact = np.mean([TIERS[t] == c["expected"] for t, c in zip(routed, cases, strict=True)])
    ok = np.mean([TIERS[t] in c["acceptable"] for t, c in zip(routed, cases, strict=True)])
    opus_haiku = sum(
        TIERS[t] == "haiku" and c["expected"] == "opus" for t, c in zip(routed, cases, strict=True)
    )
    return f"exact {exact:6.1%}  acceptable {ok:6.1%}  Opus to Haiku {opus_haiku:3d}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folds", type=int, default=6)
    args = parser.parse_args()
    cases = classified(load("tuning") + load("validation"))
    signals = csr_matrix(features(cases, core.FITTED))
    writers = [case["writer"] for case in cases]
    asks = [parse(case["message"]).ask for case in cases]
    folds = list(GroupKFold(n_splits=args.folds).split(signals, groups=writers))
    print(f"{len(cases)} cases by {len(set(writers))} writers, {args.folds} folds by writer")
    for name, fit, analyzer, regularisation in (
        ("ordinal, signals", ordinal, None, 3.0),
        ("ordinal, signals + words", ordinal, words, 0.3),
        ("multinomial, signals", multinomial, None, 3.0),
        ("multinomial, signals + words", multinomial, words, 0.3),
        ("multinomial, signals + word pairs", multinomial, words_and_pairs, 0.3),
    ):
        routed = np.zeros(len(cases), dtype=int)
        for train, test in folds:
            train_x, test_x = signals[train], signals[test]
            if analyzer:
                bag = CountVectorizer(analyzer=analyzer, min_df=3, binary=True)
                train_x = hstack([bag.fit_transform([asks[i] for i in train]), train_x])
                test_x = hstack([bag.transform([asks[i] for i in test]), test_x])
            train_cases = [cases[i] for i in train]
            routed[test] = fit(train_x.tocsr(), train_cases, test_x.tocsr(), regularisation)
        print(f"{name:<34} {score(routed, cases)}")


if __name__ == "__main__":
    main()
