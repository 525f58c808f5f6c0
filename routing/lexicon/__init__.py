"""Cue words, one module per language, found in one linear pass.

Each language module (`en.py`, `he.py`, …) defines `CUES`, a dict from family
name to cue list, and how its cues meet a word:
- `SPACED = True` (Latin, Cyrillic, Devanagari scripts): a cue starts at a word
  boundary and ends at one, or after one of the language's `ENDINGS` ("fix",
  "fixes"); a cue ending in `*` is a stem and may run on ("analy*" finds
  "analysis"). So "invest" (English) does not fire on "investigar" (Spanish).
- `SPACED = False` (Hebrew, Arabic, Chinese, Japanese, Korean): prefixes and
  particles attach to words, or there are no spaces, so cues match anywhere.

Adding a language is one module here plus labelled cases. Families are listed in
`FAMILIES`; a module may leave any out. Routing signals and the memory-extraction
skip rules both read cues through `find()`.
"""

import importlib
import re
from types import ModuleType

import ahocorasick_rs

SHORTEST_INFLECTED = 3  # shorter cues match whole words only, without endings
LANGUAGES: tuple[str, ...] = (
    "en", "es", "fr", "de", "pt", "it", "tr", "ru", "he", "ar", "zh", "ja", "ko", "hi",
    "nl", "pl", "uk",
)  # fmt: skip

FAMILIES: tuple[str, ...] = (
    "greeting",  # hello, how are you: small talk
    "thanks",  # thanks, bye, good night: closings and acknowledgements
    "affirm",  # yes, sure, go ahead, do it: agreeing to what was offered
    "lookup",  # a fact, a definition, a conversion, a time or date
    "remind",  # set, move or cancel a reminder
    "arithmetic",  # times, plus, percent of: simple sums in words
    "notation",  # log, sin, mod: mathematical functions written out
    "format",  # sort, list, table, capitalise, fix the spelling, translate
    "explain",  # how does, why, explain
    "write",  # draft, write an email, rewrite
    "summarise",  # summarise, tl;dr
    "advise",  # plan, compare, recommend, should I, ideas
    "code",  # small code: function, script, regex, query
    "build",  # implement, build, create a program or service
    "tech",  # technical nouns: cache, thread, replica, endpoint
    "hard",  # proofs, system design, concurrency, consensus, threat models
    "design",  # design, architect: with technical nouns, a system design
    "deep",  # analyse, trade-offs, optimise, edge cases
    "research",  # studies, evidence, literature, where sources disagree
    "stakes",  # legal, medical, financial situations
    "symptom",  # hangs, leaks, crashes, only sometimes
    "simpler",  # eli5, briefly, the basics
    "effort",  # think hard, step by step, deepest reasoning
    "creative",  # poem, story, joke
    "what_if",  # a new condition added to the thread
    "offer",  # (assistant) want me to …, shall I …
    "continue",  # go on, continue, more, next
    "commit",  # I'll, I need to, I promised: the owner's own commitments
    "when",  # tomorrow, tonight, next week: times and dates in words
    "done",  # done, sent, called: closing a pending item
    "question",  # question words that open an information question
    "first_person",  # I, my, we: the owner describes their own situation
)


# Characters that separate words: everything but letters, digits, "_" and Devanagari
# (whose vowel signs are not alphanumeric to Python). Each becomes one space, so offsets
# in the text are kept and a word boundary is always a space.
_SEPARATOR = re.compile(r"[^\w\u0900-\u097f ]")


# The same for ASCII text, as a byte table: no regex engine for most messages.
ASCII_SEPARATORS = bytes(
    c if c >= 128 or chr(c).isalnum() or chr(c) in "_ " else 32 for c in range(256)
)


def _spaced(text: str) -> str:
    if text.isascii():
        return text.encode().translate(ASCII_SEPARATORS).decode()
    return _SEPARATOR.sub(" ", text)


class CueIndex:
    """Every cue of every language in one Aho–Corasick automaton over spaced-out text.

    Word boundaries are part of the patterns (" fix ", " fixes ", " analy"), so every
    match the automaton reports is a cue; only cues with punctuation in them ("c++",
    "tl;dr") are checked against the original text, since separators all look alike.
    """

    def __init__(self, languages: dict[str, ModuleType]) -> None:
        targets: dict[str, dict[tuple[str, str, bool, int], None]] = {}
        for module in languages.values():
            spaced = getattr(module, "SPACED", True)
            endings = tuple(getattr(module, "ENDINGS", ()))
            for family, cues in module.CUES.items():
                if family not in FAMILIES:
                    raise ValueError(f"{module.__name__}: unknown cue family {family!r}")
                for cue in cues:
                    cue = cue.lower()
                    word = cue.rstrip("*")
                    check = _spaced(word) != word
                    for pattern, shift in _patterns(cue, spaced, endings):
                        targets.setdefault(pattern, {})[(family, word, check, shift)] = None
        patterns = list(targets)
        self.automaton = ahocorasick_rs.AhoCorasick(patterns)
        # Per pattern: the families and cues it finds, each with whether it has punctuation
        # to check in the text and where it starts relative to the match. Two cues can
        # share a pattern from different starts: " quieres que " is "quieres que" and,
        # one character earlier, "¿quieres que".
        self.targets = [tuple(targets[pattern]) for pattern in patterns]

    def find(self, text: str) -> dict[str, list[tuple[str, int]]]:
        """Distinct cues per family in `text` (lowercased), with where each first appears."""
        padded = " " + _spaced(text) + " "
        try:
            matches = self.automaton.find_matches_as_indexes(padded, overlapping=True)
        except UnicodeEncodeError:  # lone surrogates: one "?" each keeps the offsets
            padded = padded.encode("utf-8", "replace").decode("utf-8")
            matches = self.automaton.find_matches_as_indexes(padded, overlapping=True)
        found: dict[str, dict[str, int]] = {}
        targets = self.targets
        for index, match, _ in matches:
            for family, cue, check, shift in targets[index]:
                start = match + shift
                if check and not text.startswith(cue, start):
                    continue
                cues = found.get(family)
                if cues is None:
                    found[family] = {cue: start}
                elif cue not in cues:
                    cues[cue] = start
        return {family: list(cues.items()) for family, cues in found.items()}


def _patterns(cue: str, spaced: bool, endings: tuple[str, ...]) -> list[tuple[str, int]]:
    """The spaced-out forms of a cue the automaton looks for, boundaries included, each
    with where the cue starts relative to a match in the padded text."""
    if not spaced:
        return [(_spaced(cue), -1)]
    stem = cue.endswith("*")
    body = _spaced(cue.rstrip("*"))
    lead = " " if _word_char(body[:1]) else ""
    shift = len(lead) - 1
    if stem or not _word_char(body[-1:]):
        return [(lead + body, shift)]
    forms = (body,) + (
        tuple(body + _spaced(ending) for ending in endings)
        if len(body) >= SHORTEST_INFLECTED else ()
    )  # fmt: skip
    return [(lead + form + " ", shift) for form in forms]


def _word_char(char: str) -> bool:
    return bool(char) and (char.isalnum() or char == "_" or "\u0900" <= char <= "\u097f")


MODULES = {code: importlib.import_module(f"routing.lexicon.{code}") for code in LANGUAGES}
INDEX = CueIndex(MODULES)


def find(text: str) -> dict[str, list[tuple[str, int]]]:
    """Distinct cues of every language in `text`, per family, with their first offset."""
    return INDEX.find(text.lower().replace("’", "'"))
