"""One message, read once: the owner's own words apart from any paste, and what is in them.

Everything the signals look at is computed here in one pass over a bounded
window, so the cost of a decision grows linearly with the message and stays in
microseconds for ordinary ones.
"""

import re
from dataclasses import dataclass
from itertools import compress

from routing import lexicon

LONG_PASTE = 600  # a multi-line message longer than this may hold a paste
EDGE_LINES = 40  # lines at each end of a long message examined for the ask
ASK_WINDOW = 1200  # characters of the ask scanned for cues and shape
TRACE_WINDOW = 20_000  # characters scanned for stack-trace markers
SHORT_PARAGRAPH = 300  # a first or last paragraph up to this long may be the ask

TRACE_MARKERS = (
    "Traceback", "Exception", "\n\tat ", "\n    at ", "panic:", "goroutine ",
    "ThreadSanitizer", "Segmentation fault", "FATAL", "core dumped", "ERROR",
)  # fmt: skip
QUESTION_MARKS = ("?", "？", "؟")
WIDE_RUN = re.compile("[\u3040-\u9fff\uac00-\ud7af]+")  # runs: few matches in CJK text
NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
OPERATOR = re.compile(r"\d\s*[-+*/x×÷^%]\s*\d|\d\s*%")
OPERATORS = tuple("-+*/x×÷^%")  # OPERATOR matches none without one of these
MATH_SYMBOLS = re.compile(r"[=^²³√π∑∫≤≥±∀∃∈]")
DIGIT = re.compile(r"\d")
WORD = re.compile(r"\w+")
WORDS_READ = 400  # characters of the ask whose words the weight table weighs
CJK_START = 0x2E80  # from here on, scripts whose runs count as character pairs
_WIDE_SCRIPT = re.compile(f"[{chr(CJK_START)}-\U0010ffff]")
STEM = 5  # letters of a longer word that also weigh as its stem
SENTENCE_END = re.compile(r"[.!?。！？]\s")
QUOTE_MARKS = ("'", '"', "“", "«", "「", "„")
# A short quoted phrase is the object of the ask ("how do you say 'proof by induction'"),
# so its words are not cues. An apostrophe inside a word (it's, j'ai) is not a quote.
QUOTED = re.compile(
    r"""'(?<!\w')[^'\n]{1,60}'(?!\w)|"[^"\n]{1,60}"|“[^”\n]{1,60}”|«[^»\n]{1,60}»|「[^」\n]{1,60}」|„[^“\n]{1,60}“"""
)
# Identifier-like words and product names. Each pattern starts with a character class
# (the boundary is checked behind it), which lets the regex engine skip to candidates.
# PostgreSQL, TTL, HTTP2, O(1)
CAPITALISED_TERM = re.compile(
    r"[A-Z](?<![\w.][A-Z])(?:[a-z]+[A-Z][A-Za-z]*|[A-Z]+[a-z]?\d*|(?<=O)\([^)]{1,8}\))(?!\w)"
)
DIGIT_TERM = re.compile(  # p99, 5xx, 250ms
    r"[p\d](?<![\w.][p\d])(?:(?<=p)\d{2}|(?<=\d)\d*(?:xx|ms|gb|mb|kb|tb|rps|qps))(?!\w)"
)
DIGIT_TERM_LETTERS = ("p", "b", "xx", "ms")  # DIGIT_TERM matches none without one of these
DOTTED_TERM = re.compile(r"\.(?<=[a-z]\.)[a-z]\w*(?!\w)")  # os.path (the part after the dot)
SNAKE_TERM = re.compile(r"(?<![\w.])[A-Za-z]+_[A-Za-z_]+(?!\w)")  # synchronous_commit
CALL_TERM = re.compile(r"\w+\(\)")  # reset()
PROPER_NOUN = re.compile(r"[A-Z](?<=[a-z,;:] [A-Z])[a-zA-Z]{2,}")  # "we use Grafana"
CAPITAL = re.compile("[A-Z]")  # where both patterns above start


CONTENT_FAMILIES = (
    "lookup", "remind", "arithmetic", "format", "explain", "write", "summarise", "advise",
    "code", "build", "tech", "hard", "deep", "research", "stakes", "symptom", "creative",
)  # fmt: skip
REQUEST_FAMILIES = ("explain", "write", "summarise", "advise", "code", "build", "format")
HEAVY_FAMILIES = ("hard", "deep", "research", "build", "symptom")
_CONTENT, _REQUEST, _HEAVY = map(frozenset, (CONTENT_FAMILIES, REQUEST_FAMILIES, HEAVY_FAMILIES))
# Counted features a signal may need besides cue families (see `Parsed.present`).
FEATURES = (
    "operators", "numbers", "maths", "tech_terms", "paste", "trace", "questions", "list_items",
)  # fmt: skip
_NO_CUES = dict.fromkeys(lexicon.FAMILIES, 0)


@dataclass(slots=True)
class Parsed:
    ask: str  # the owner's own words (the whole message when nothing is pasted)
    length: int  # of the ask, in Latin-letter terms (a CJK character counts two)
    words: int
    paste_chars: int
    has_trace: bool
    cues: dict[str, list[tuple[str, int]]]  # family -> distinct cues and where they start
    n: dict[str, int]  # family -> how many distinct cues (every family present, 0 if none)
    content: int  # cues that name a task or a topic (CONTENT_FAMILIES)
    requests: int  # cues that ask for work (REQUEST_FAMILIES)
    heavy: int  # cues of hard work (HEAVY_FAMILIES)
    numbers: int
    operators: int
    maths: int
    tech_terms: int  # identifier-like tokens and product names
    questions: int
    list_items: int
    sentences: int
    opening: str  # the first 30 characters of the ask, lowercased
    present: frozenset[str]  # the cue families and FEATURES found: what signals read

    def opens_with(self, family: str, within: int = 30) -> bool:
        return any(start < within for _, start in self.cues.get(family, ()))


def _is_paste_line(line: str) -> bool:
    """A line that looks copied from a log, a trace, code or an email header."""
    s = line.strip()
    if not s:
        return False
    if line[:1] in (" ", "\t") and len(s) > 3:
        return True
    if s.startswith(("at ", 'File "', "Traceback", "Caused by", "#", "//", "$ ", ">>>", ">")):
        return True
    head = s[:40]
    if any(marker in head for marker in ("ERROR", "WARN", "INFO", "DEBUG", "FATAL", "Exception")):
        return True
    if s[-1:] in ("{", "}", ";", "(", ","):
        return True
    if s[:4].isdigit() and s[4:5] in ("-", "/"):  # a date stamp: 2026-11-21 ...
        return True
    return s.split(":", 1)[0] in ("From", "To", "Subject", "Date", "Cc", "Von", "An", "De", "Para")


def _is_question(text: str) -> bool:
    return _has_any(text, QUESTION_MARKS)


def _short_paragraph(paragraph: str) -> bool:
    if not 0 < len(paragraph) <= SHORT_PARAGRAPH:
        return False
    if _is_question(paragraph):
        return True
    return not any(_is_paste_line(line) for line in paragraph.split("\n") if line.strip())


def _greeting_only(paragraph: str) -> bool:
    """A paragraph that only greets ("Hi Carla, how are you?"): part of a pasted letter."""
    cues = lexicon.find(paragraph)
    return bool(cues.get("greeting")) and len(paragraph.split()) <= 5


def split_ask(message: str) -> tuple[str, int]:
    """The owner's own words and how many characters around them are pasted.

    Fenced code is pasted. In a long multi-line message, a short first or last
    paragraph is the ask and the rest is the paste; failing that, lines that look
    like logs, code or headers are the paste; failing that, it is all the owner's.
    Only the ends of a long message are split up, so a 1 MB paste costs one scan.
    """
    if "`" in message and "```" in message:  # one character is searched for at memchr speed
        pieces = message.split("```")
        prose = "\n".join(pieces[0::2]).strip()
        pasted = sum(len(p) for p in pieces[1::2])
    else:  # the same, without the pieces
        prose, pasted = message.strip(), 0
    if len(prose) <= LONG_PASTE or "\n" not in prose:
        return prose, pasted
    ask = prose
    ends = _end_paragraphs(prose)
    asks = list(dict.fromkeys(p for p in ends if _short_paragraph(p) and not _greeting_only(p)))
    asks = [p for p in asks if _is_question(p)] or asks
    lines = _edge_lines(prose)
    if not asks:
        asks = [ln for ln in (lines[0], lines[-1]) if len(ln) <= 150 and _is_question(ln)]
    if asks:
        ask = "\n".join(asks)
    else:
        own = [line for line in lines if not _is_paste_line(line)]
        if len(own) < len(lines) / 2:
            ask = "\n".join(own[:2] + own[-2:]) if len(own) > 4 else "\n".join(own)
    return ask, pasted + len(prose) - len(ask)


def _end_paragraphs(prose: str) -> list[str]:
    """The first and last paragraphs of a text, of those short enough to be its ask: a
    blank line is looked for only that near each end, not through a 1 MB paste."""
    ends = []
    first = prose.find("\n\n", 0, SHORT_PARAGRAPH + 2)
    if first >= 0:
        ends.append(prose[:first])
    last = prose.rfind("\n\n", len(prose) - SHORT_PARAGRAPH - 2)
    if last >= 0:
        ends.append(prose[last + 2 :])
    return ends


def _edge_lines(prose: str) -> list[str]:
    """The non-blank lines of a text, or of its first and last EDGE_LINES when longer."""
    head = prose.split("\n", 2 * EDGE_LINES)
    if len(head) <= 2 * EDGE_LINES:
        return list(filter(str.strip, head))
    tail = prose.rsplit("\n", EDGE_LINES)[1:]
    return list(filter(str.strip, head[:EDGE_LINES] + tail))


def _blank(match: re.Match) -> str:
    """Keep the offsets: a quoted phrase becomes spaces."""
    return " " * len(match.group())


def _weighted_length(text: str) -> int:
    if text.isascii():
        return len(text)
    sample = text[:ASK_WINDOW]
    if _WIDE_SCRIPT.search(sample) is None:  # a cheaper scan than the runs
        return len(text)
    wide_share = sum(map(len, WIDE_RUN.findall(sample))) / max(1, len(sample))
    return int(len(text) * (1 + wide_share))


def _list_items(text: str) -> int:
    count = 0
    for line in text.split("\n"):
        s = line.lstrip()
        numbered = s[:1].isdigit() and s[1:3].lstrip("0123456789")[:1] in (".", ")")
        if s[:1] in ("-", "*", "•") or numbered:
            count += 1
    return count


def _has_any(text: str, pieces: tuple[str, ...]) -> bool:
    """Whether any of `pieces` is in `text`: substring scans, cheaper than a regex's."""
    return any(piece in text for piece in pieces)


def _tech_terms(window: str, digits: bool) -> int:
    """Distinct identifier-like words and product names in the ask."""
    terms = set()
    if CAPITAL.search(window):  # more than half the asks have none, and so neither term
        terms.update(CAPITALISED_TERM.findall(window))
        terms.update(PROPER_NOUN.findall(window))
    if digits and _has_any(window, DIGIT_TERM_LETTERS):
        terms.update(DIGIT_TERM.findall(window))
    terms.update(DOTTED_TERM.findall(window))
    if "_" in window:
        terms.update(SNAKE_TERM.findall(window))
    if "()" in window:
        terms.update(CALL_TERM.findall(window))
    return len(terms)


def _list_items_one(line: str) -> int:
    s = line.lstrip()
    numbered = s[:1].isdigit() and s[1:3].lstrip("0123456789")[:1] in (".", ")")
    return int(s[:1] in ("-", "*", "•") or numbered)


def parse(message: str) -> Parsed:
    """Read a message once: its ask, paste, cues and shape."""
    ask, paste_chars = split_ask(message)
    window = ask if len(ask) <= ASK_WINDOW else ask[: ASK_WINDOW - 300] + "\n" + ask[-300:]
    head = message[:TRACE_WINDOW]
    cues = lexicon.find(QUOTED.sub(_blank, window) if _has_any(window, QUOTE_MARKS) else window)
    counts = _NO_CUES.copy()
    content = requests = heavy = 0  # over the families found, not all of them
    for family, found in cues.items():
        counts[family] = count = len(found)
        if family in _CONTENT:
            content += count
        if family in _REQUEST:
            requests += count
        if family in _HEAVY:
            heavy += count
    digits = DIGIT.search(window) is not None
    numbers = len(NUMBER.findall(window)) if digits else 0
    operators = len(OPERATOR.findall(window)) if digits and _has_any(window, OPERATORS) else 0
    maths = len(MATH_SYMBOLS.findall(window)) + counts["notation"]
    tech_terms = _tech_terms(window, digits)
    has_trace = paste_chars > 0 and any(marker in head for marker in TRACE_MARKERS)
    questions = window.count("?") if window.isascii() else sum(map(window.count, QUESTION_MARKS))
    list_items = _list_items(window) if "\n" in window else _list_items_one(window)
    flags = (operators, numbers, maths, tech_terms, paste_chars, has_trace, questions, list_items)
    present = frozenset(cues).union(compress(FEATURES, flags))
    length = _weighted_length(ask)
    word_count = len(window.split())
    sentences = 1 + len(SENTENCE_END.findall(window))
    opening = window.lstrip()[:30].lower()
    return Parsed(  # by position, in the fields' order: a third of the cost of keywords
        ask, length, word_count, paste_chars, has_trace, cues, counts, content, requests, heavy,
        numbers, operators, maths, tech_terms, questions, list_items, sentences, opening, present,
    )  # fmt: skip


def tokens(ask: str) -> list[str]:
    """The words of the ask's start, lower-cased; a run of a script written without
    spaces (Chinese, Japanese) counts as its character pairs."""
    head = ask[:WORDS_READ].lower()
    if head.isascii():  # the same split as WORD, without the regex engine
        return head.encode().translate(lexicon.ASCII_SEPARATORS).decode().split()
    if _WIDE_SCRIPT.search(head) is None:
        return WORD.findall(head)
    # A CJK character says about as much as two Latin letters: half as many are read.
    head = head[: WORDS_READ // 2]
    return [piece for word in WORD.findall(head) for piece in _pieces(word)]


def words(ask: str) -> list[str]:
    """The words of the ask's start that the weight table's word weights are keyed by (the
    fit's vocabulary): each word, and a longer one also by its stem, its first STEM
    letters after "<" ("<analy" for analyse, analysis, analizar), so that inflected
    forms share a weight."""
    found = tokens(ask)
    return found + ["<" + w[:STEM] for w in found if len(w) > STEM and ord(w[0]) < CJK_START]


def _pieces(word: str) -> list[str]:
    if _WIDE_SCRIPT.search(word) is None:
        return [word]
    return [word[i : i + 2] for i in range(max(1, len(word) - 1))]
