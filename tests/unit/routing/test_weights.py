"""The weight table the router reads is the one the fitting script produces."""

from pathlib import Path

from routing import fit_weights, weights
from routing.signals import ORDER


def test_the_committed_table_is_what_the_fit_writes():
    tuning = fit_weights.load("tuning")
    table = fit_weights.fit(tuning)
    text = fit_weights.render(table, len(fit_weights.classified(tuning)))

    assert Path(weights.__file__).read_text(encoding="utf-8") == text


def test_every_signal_has_a_weight_and_the_bands_sit_at_the_default_edges():
    assert set(weights.WEIGHTS) == {code.value for code in ORDER}
    assert (weights.SONNET_FROM, weights.OPUS_FROM) == (0.30, 0.65)
