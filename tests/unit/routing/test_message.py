"""The cheap checks `parse` makes before a scan never change what the scan counts."""

from hypothesis import example, given
from hypothesis import strategies as st

from routing import message

# Pieces the patterns' matches start and end with (Arabic-Indic digits, the operators,
# the units of the digit terms, wide characters), joined in any order.
PIECES = [
    "5", "250", "٤٥", "99", " ", "\n", "-", "+", "*", "/", "x", "×", "÷", "^", "%", ".", ",",
    "p", "ms", "gb", "mb", "kb", "tb", "rps", "qps", "xx", "s", "b", "m", "a", "P", "中", "한",
]  # fmt: skip
TEXT = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)


@given(TEXT)
@example("5%")
@example("3 x 4")
@example("2^8")
@example("6÷2")
def test_the_operator_precheck_never_hides_an_operator(text):
    gated = message._has_any(text, message.OPERATORS)

    assert gated or not message.OPERATOR.findall(text)


@given(TEXT)
@example("250ms")
@example("p99")
@example("5xx")
@example("2gb")
@example("900rps")
def test_the_digit_term_precheck_never_hides_a_term(text):
    gated = message._has_any(text, message.DIGIT_TERM_LETTERS)

    assert gated or not message.DIGIT_TERM.findall(text)


@given(TEXT)
def test_the_length_of_a_text_without_wide_characters_is_its_length(text):
    share = sum(map(len, message.WIDE_RUN.findall(text))) / max(1, len(text))

    assert message._weighted_length(text) == int(len(text) * (1 + share))
