"""The cheap checks `parse` makes before a scan never change what the scan counts."""

import pytest
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


PRECHECKS = {  # a pattern, and the pieces one of which each of its matches holds
    "operator": (message.OPERATOR, message.OPERATORS),
    "digit term": (message.DIGIT_TERM, message.DIGIT_TERM_LETTERS),
}


@pytest.mark.parametrize("name", PRECHECKS)
@given(text=TEXT)
@example(text="5%")
@example(text="3 x 4")
@example(text="2^8")
@example(text="6÷2")
@example(text="250ms")
@example(text="p99")
@example(text="5xx")
@example(text="2gb")
@example(text="900rps")
def test_a_precheck_never_hides_a_match(name, text):
    pattern, pieces = PRECHECKS[name]

    assert message._has_any(text, pieces) or not pattern.findall(text)


@given(TEXT)
def test_the_length_of_a_text_without_wide_characters_is_its_length(text):
    share = sum(map(len, message.WIDE_RUN.findall(text))) / max(1, len(text))

    assert message._weighted_length(text) == int(len(text) * (1 + share))
