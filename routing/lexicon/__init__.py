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

import ahocorasick_rs

SHORTEST_INFLECTED = 3  # shorter cues match whole words only, without endings
LANGUAGES = (
    "en", "es", "fr", "de", "pt", "it", "tr", "ru", "he", "ar", "zh", "ja", "ko", "hi",
    "nl", "pl", "uk",
)  # fmt: skip

FAMILIES = (
    "greeting",  # hello, how are you: small talk
    "thanks",  # thanks, bye, good night: closings and acknowledgements
    "affirm",  # yes, sure, go ahead, do it: agreeing to what was offered
    "lookup",  # a fact, a definition, a conversion, a time or date
    "remind",  # set, move or cancel a reminder
    "arithmetic",  # times, plus, percent of: simple sums in words
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


class CueIndex:
    """Every cue of every language in one Aho–Corasick automaton."""

    def __init__(self, languages: dict[str, object]) -> None:
        entries: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {}
        for module in languages.values():
            spaced = getattr(module, "SPACED", True)
            endings = tuple(getattr(module, "ENDINGS", ()))
            for family, cues in module.CUES.items():
                if family not in FAMILIES:
                    raise ValueError(f"{module.__name__}: unknown cue family {family!r}")
                for cue in cues:
                    cue = cue.lower()
                    if not spaced:
                        kind = "anywhere"
                    elif cue.endswith("*"):
                        cue, kind = cue[:-1], "stem"
                    else:
                        kind = "word"
                    entries.setdefault(cue, []).append((family, kind, endings))
        self.cues = list(entries)
        self.where = [tuple(entries[cue]) for cue in self.cues]
        # Cues that match anywhere in every family they belong to need no boundary check.
        self.anywhere = [
            tuple(family for family, _, _ in where) if all(k == "anywhere" for _, k, _ in where)
            else None
            for where in self.where
        ]  # fmt: skip
        self.automaton = ahocorasick_rs.AhoCorasick(self.cues)

    def find(self, text: str) -> dict[str, list[tuple[str, int]]]:
        """Distinct cues per family in `text` (lowercased), with where each first appears."""
        try:
            matches = self.automaton.find_matches_as_indexes(text, overlapping=True)
        except UnicodeEncodeError:  # lone surrogates: one "?" each keeps the offsets
            text = text.encode("utf-8", "replace").decode("utf-8")
            matches = self.automaton.find_matches_as_indexes(text, overlapping=True)
        found: dict[str, list[tuple[str, int]]] = {}
        seen: set[int] = set()
        for index, start, stop in matches:
            if index in seen:
                continue
            families = self.anywhere[index]
            if families is not None:
                for family in families:
                    found.setdefault(family, []).append((self.cues[index], start))
                seen.add(index)
                continue
            before = text[start - 1] if start else " "
            starts_word = not (before.isalnum() or before == "_" or "\u0900" <= before <= "\u097f")
            matched = False
            for family, kind, endings in self.where[index]:
                if kind == "anywhere" or (
                    starts_word
                    and (kind == "stem" or _ends_word(text, stop, endings, stop - start))
                ):
                    found.setdefault(family, []).append((self.cues[index], start))
                    matched = True
            if matched:
                seen.add(index)
        return found


def _word_char(char: str) -> bool:
    return char.isalnum() or char == "_" or "\u0900" <= char <= "\u097f"


def _ends_word(text: str, after: int, endings: tuple[str, ...], length: int) -> bool:
    if after >= len(text) or not _word_char(text[after]):
        return True
    if length < SHORTEST_INFLECTED:  # "i" + "s" is "is", not a form of "i"
        return False
    for ending in endings:
        stop = after + len(ending)
        if text.startswith(ending, after) and (stop >= len(text) or not _word_char(text[stop])):
            return True
    return False


MODULES = {code: importlib.import_module(f"routing.lexicon.{code}") for code in LANGUAGES}
INDEX = CueIndex(MODULES)


def find(text: str) -> dict[str, list[tuple[str, int]]]:
    """Distinct cues of every language in `text`, per family, with their first offset."""
    return INDEX.find(text.lower().replace("’", "'"))
