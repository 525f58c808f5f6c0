"""Named signals: small pure functions of a parsed message that the score weighs.

Each signal returns a value, usually 0 or 1 or a share in [0, 1]; the score is
the weighted sum of these values (`routing.weights`), so a signal says what it
sees and the fitted weight says how much it matters. `Signal` is the code of each
one; `TEXT` holds the words the owner sees for it, kept apart from control flow.

Momentum signals read the recent turns: the tier the owner's recent turns get on
their own, and that of work the assistant offered. They fire only for a follow-up
or an agreement (not for thanks or a standalone light question).
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from routing.message import Parsed
from routing.records import Rebuilt

WEIGHTY_FAMILIES = ("hard", "deep", "research", "tech", "stakes", "code")
WRITING_FAMILIES = ("write", "summarise", "format")
FOLLOW_UP_WORDS = ("and ", "but ", "also ", "what about", "how about", "same for", "now ")
CLAUSE_MARKS = (",", "，", "、", ";", "；", " and ", " with ", "：", ":")
SHORT = 200  # a message up to this long may be a follow-up


class Signal(StrEnum):
    GREETING_ONLY = "greeting_only"
    AFFIRM_ONLY = "affirm_only"
    LIGHT_ASK = "light_ask"
    LIGHT_DRESSED_UP = "light_dressed_up"
    CLOSING = "closing"
    LOOKUP_OPENING = "lookup_opening"
    LOOKUP = "lookup"
    REMINDER = "reminder"
    ARITHMETIC = "arithmetic"
    FORMATTING = "formatting"
    SHORT_QUESTION = "short_question"
    SHORT_LIGHT = "short_light"
    NO_CUE = "no_cue"
    EXPLAIN = "explain"
    WRITE = "write"
    SUMMARISE = "summarise"
    ADVISE = "advise"
    CODE = "code"
    BUILD = "build"
    REQUIREMENTS = "requirements"
    TECHNICAL = "technical"
    HARD = "hard"
    HARD_MORE = "hard_more"
    HARD_OPENING = "hard_opening"
    SYSTEM_DESIGN = "system_design"
    DEEP = "deep"
    DEEP_MORE = "deep_more"
    RESEARCH = "research"
    STAKES = "stakes"
    STAKES_SITUATION = "stakes_situation"
    SYMPTOM = "symptom"
    INTERACTING_PARTS = "interacting_parts"
    TRACE = "trace"
    PASTE = "paste"
    PASTE_QUESTION = "paste_question"
    LENGTH = "length"
    QUESTIONS = "questions"
    LIST_ITEMS = "list_items"
    MATHS = "maths"
    NUMBERS = "numbers"
    SIMPLER = "simpler"
    EFFORT = "effort"
    CREATIVE = "creative"
    FIRST_PERSON = "first_person"
    SUBSTANCE_FLOOR = "substance_floor"
    WORDING = "wording"
    FOLLOW_LONG_ANSWER = "follow_long_answer"
    FOLLOW_HEAVY_ANSWER = "follow_heavy_answer"
    FOLLOW_GAP = "follow_gap"
    AGREE_GAP = "agree_gap"
    FOLLOW_SONNET = "follow_sonnet"
    FOLLOW_OPUS = "follow_opus"
    AGREE_SONNET = "agree_sonnet"
    AGREE_OPUS = "agree_opus"


TEXT = {
    Signal.GREETING_ONLY: "greeting or small talk",
    Signal.AFFIRM_ONLY: "only agreement",
    Signal.LIGHT_ASK: "a light ask with nothing heavy in it",
    Signal.LIGHT_DRESSED_UP: "a light ask in heavy words",
    Signal.CLOSING: "thanks or acknowledgement",
    Signal.LOOKUP_OPENING: "opens as a simple lookup",
    Signal.LOOKUP: "asks for a fact or conversion",
    Signal.REMINDER: "a reminder",
    Signal.ARITHMETIC: "simple arithmetic",
    Signal.FORMATTING: "a formatting or translation job",
    Signal.SHORT_QUESTION: "a short plain question",
    Signal.SHORT_LIGHT: "short, and asks for no work",
    Signal.NO_CUE: "no recognised cue",
    Signal.EXPLAIN: "asks for an explanation",
    Signal.WRITE: "asks for writing",
    Signal.SUMMARISE: "asks for a summary",
    Signal.ADVISE: "asks for a plan, comparison or advice",
    Signal.CODE: "asks for code",
    Signal.BUILD: "asks to build something",
    Signal.REQUIREMENTS: "several stated requirements",
    Signal.TECHNICAL: "technical detail",
    Signal.HARD: "hard task (proof, system design, concurrency)",
    Signal.HARD_MORE: "several hard cues",
    Signal.HARD_OPENING: "opens with the hard task",
    Signal.SYSTEM_DESIGN: "asks for a technical design",
    Signal.DEEP: "asks for depth (analysis, trade-offs, optimisation)",
    Signal.DEEP_MORE: "several depth cues",
    Signal.RESEARCH: "weighs research or sources",
    Signal.STAKES: "legal, medical or financial stakes",
    Signal.STAKES_SITUATION: "stakes in the owner's real situation",
    Signal.SYMPTOM: "a technical fault to hunt",
    Signal.INTERACTING_PARTS: "a fault across several components",
    Signal.TRACE: "stack trace or error log",
    Signal.PASTE: "pasted text or code",
    Signal.PASTE_QUESTION: "a simple question about pasted text",
    Signal.LENGTH: "length of the ask",
    Signal.QUESTIONS: "several questions",
    Signal.LIST_ITEMS: "a list of points",
    Signal.MATHS: "mathematical notation",
    Signal.NUMBERS: "many numbers",
    Signal.SIMPLER: "asked to keep it simple",
    Signal.EFFORT: "asks for effort (no weight on its own)",
    Signal.CREATIVE: "creative writing",
    Signal.FIRST_PERSON: "the owner's own situation",
    Signal.SUBSTANCE_FLOOR: "has substance: not below Sonnet",
    Signal.WORDING: "wording typical of asks at this level",
    Signal.FOLLOW_LONG_ANSWER: "follows a long answer",
    Signal.FOLLOW_HEAVY_ANSWER: "follows a technical or weighty answer",
    Signal.FOLLOW_GAP: "follow-up in a harder thread",
    Signal.AGREE_GAP: "agrees to harder work the assistant offered",
    Signal.FOLLOW_SONNET: "follow-up in a Sonnet-level thread",
    Signal.FOLLOW_OPUS: "follow-up in an Opus-level thread",
    Signal.AGREE_SONNET: "agrees to Sonnet-level work the assistant offered",
    Signal.AGREE_OPUS: "agrees to Opus-level work the assistant offered",
}

OWN: dict[Signal, Callable[[Parsed], float]] = {}
# Which signals to evaluate when a feature is present (`Parsed.present`), by their place
# in `OWN`: a signal is zero unless one of the features it reads is there, so most are
# never called. They run in `OWN`'s order, so sums (and the fit) do not depend on the
# order a set happens to iterate in.
_READ_BY: dict[str, list[int]] = {}
_ALWAYS: list[int] = []  # signals that read the message's shape, whatever it holds


def own(code: Signal, *reads: str):
    """Register a message's own signal, with the features of `Parsed.present` it needs."""

    def register(function: Callable[[Parsed], float]) -> Callable[[Parsed], float]:
        place = len(OWN)
        OWN[code] = function
        for feature in reads:
            _READ_BY.setdefault(feature, []).append(place)
        if not reads:
            _ALWAYS.append(place)
        return function

    return register


def _goes_on(m: Parsed) -> bool:
    """Agrees to more, asks to go on or adds a condition: "ok, go ahead" is no closing,
    though "ok" alone may be one (an affirm cue that is also a thanks cue is not agreement)."""
    thanks = {cue for cue, _ in m.cues.get("thanks", ())}
    agrees = any(cue not in thanks for cue, _ in m.cues.get("affirm", ()))
    return agrees or m.n["continue"] > 0 or m.n["what_if"] > 0


@own(Signal.GREETING_ONLY, "greeting", "thanks")
def greeting_only(m: Parsed) -> float:
    """Only greetings or small talk: nothing asked."""
    social = m.n["greeting"] + m.n["thanks"]
    chat = social > 0 and not m.content and m.words <= 6 and not m.paste_chars
    return float(chat and not _goes_on(m))


@own(Signal.AFFIRM_ONLY, "affirm")
def affirm_only(m: Parsed) -> float:
    """Only agreement ("sure", "go ahead"): its tier is the thread's, see momentum_offer."""
    return float(m.n["affirm"] > 0 and not m.content and m.words <= 6)


@own(Signal.LIGHT_ASK, "lookup", "remind", "format", "arithmetic")
def light_ask(m: Parsed) -> float:
    """A short ask of a light kind (lookup, sum, reminder, formatting) with nothing heavy in it."""
    light = m.n["lookup"] + m.n["remind"] + m.n["format"] + m.n["arithmetic"]
    heavy = m.heavy + m.has_trace
    work = m.requests - m.n["format"]
    return float(light > 0 and not heavy and not work and m.length <= 150)


@own(Signal.LIGHT_DRESSED_UP, "hard", "deep", "effort")
def light_dressed_up(m: Parsed) -> float:
    """A light ask (a sum, a lookup, a yes/no) dressed in heavy words: a keyword trap."""
    light = m.n["lookup"] + m.n["arithmetic"] + m.n["format"] + (m.operators > 0)
    heavy = m.n["hard"] + m.n["deep"] + m.n["effort"]
    return float(light > 0 and heavy > 0 and m.length <= 120)


@own(Signal.CLOSING, "thanks")
def closing(m: Parsed) -> float:
    """Opens with thanks or an acknowledgement and asks for nothing new."""
    asks = m.requests or m.questions or _goes_on(m)
    return float(m.opens_with("thanks", 12) and m.length <= 120 and not asks)


@own(Signal.LOOKUP_OPENING, "lookup")
def lookup_opening(m: Parsed) -> float:
    """A short message that opens as a lookup ("what year…", "how many…")."""
    return float(m.opens_with("lookup") and m.length <= 150)


@own(Signal.LOOKUP, "lookup")
def lookup(m: Parsed) -> float:
    return float(m.n["lookup"] > 0 and m.length <= 250)


@own(Signal.REMINDER, "remind")
def reminder(m: Parsed) -> float:
    return float(m.n["remind"] > 0)


@own(Signal.ARITHMETIC, "numbers")
def arithmetic(m: Parsed) -> float:
    """Numbers with an operator or a word for one, in a short ask."""
    sums = m.operators > 0 or m.n["arithmetic"] > 0
    maths = m.n["hard"] + m.n["deep"] + m.maths
    return float(sums and m.numbers >= 2 and m.length <= 120 and not maths)


@own(Signal.FORMATTING, "format")
def formatting(m: Parsed) -> float:
    return float(m.n["format"] > 0)


@own(Signal.SHORT_QUESTION, "questions", "question")
def short_question(m: Parsed) -> float:
    """A short question with no recognised task in it."""
    asks = m.questions > 0 or m.n["question"] > 0
    return float(asks and m.length <= 80 and not m.content)


@own(Signal.SHORT_LIGHT)
def short_light(m: Parsed) -> float:
    """A short message with no request for work and nothing heavy in it."""
    work = m.requests + m.heavy
    return float(m.length <= 60 and not work and not m.paste_chars)


@own(Signal.NO_CUE)
def no_cue(m: Parsed) -> float:
    social = m.n["greeting"] + m.n["thanks"] + m.n["affirm"]
    return float(not m.content and not social)


@own(Signal.EXPLAIN, "explain")
def explain(m: Parsed) -> float:
    return float(m.n["explain"] > 0)


@own(Signal.WRITE, "write")
def write(m: Parsed) -> float:
    return float(m.n["write"] > 0)


@own(Signal.SUMMARISE, "summarise")
def summarise(m: Parsed) -> float:
    return float(m.n["summarise"] > 0)


@own(Signal.ADVISE, "advise")
def advise(m: Parsed) -> float:
    return min(m.n["advise"], 2) / 2


@own(Signal.CODE, "code")
def code(m: Parsed) -> float:
    return float(m.n["code"] > 0)


@own(Signal.BUILD, "build")
def build(m: Parsed) -> float:
    """Asks to build a program, service or data structure (not an essay)."""
    return float(m.n["build"] > 0 and (m.n["tech"] + m.n["code"] + m.tech_terms) > 0)


@own(Signal.REQUIREMENTS, "build", "code")
def requirements(m: Parsed) -> float:
    """A build or code request with several stated requirements, each a clause or term."""
    if not (m.n["build"] or m.n["code"]):
        return 0.0
    clauses = sum(m.ask.count(mark) for mark in CLAUSE_MARKS) + m.list_items
    return min(clauses + m.n["tech"] + m.n["deep"], 8) / 8


@own(Signal.TECHNICAL, "tech", "tech_terms")
def technical(m: Parsed) -> float:
    return min(m.n["tech"] + m.tech_terms, 6) / 6


@own(Signal.HARD, "hard")
def hard(m: Parsed) -> float:
    return float(m.n["hard"] > 0)


@own(Signal.HARD_MORE, "hard")
def hard_more(m: Parsed) -> float:
    """More than one hard cue ("prove … by induction")."""
    return min(max(m.n["hard"] - 1, 0), 2) / 2


@own(Signal.HARD_OPENING, "hard")
def hard_opening(m: Parsed) -> float:
    """Opens with the hard task itself ("prove …", "just quickly: design a system …")."""
    light = m.n["lookup"] + m.n["arithmetic"] + m.n["format"]
    return float(m.opens_with("hard") and not light)


@own(Signal.SYSTEM_DESIGN, "design")
def system_design(m: Parsed) -> float:
    """Asks to design something technical (not a logo or a colour palette)."""
    return float(m.n["design"] > 0 and m.n["tech"] + m.tech_terms > 0)


@own(Signal.DEEP, "deep")
def deep(m: Parsed) -> float:
    return float(m.n["deep"] > 0)


@own(Signal.DEEP_MORE, "deep")
def deep_more(m: Parsed) -> float:
    return min(max(m.n["deep"] - 1, 0), 2) / 2


@own(Signal.RESEARCH, "research")
def research(m: Parsed) -> float:
    return min(m.n["research"], 2) / 2


@own(Signal.STAKES, "stakes")
def stakes(m: Parsed) -> float:
    return float(m.n["stakes"] > 0)


@own(Signal.STAKES_SITUATION, "stakes")
def stakes_situation(m: Parsed) -> float:
    """Stakes in a described situation: the owner's own facts, figures, several sentences."""
    if not m.n["stakes"] or m.length < 80 or any(m.n[f] for f in WRITING_FAMILIES):
        return 0.0  # writing a letter about a legal matter is writing
    return min(m.n["first_person"] + m.numbers + m.sentences - 1 + m.n["stakes"], 6) / 6


@own(Signal.SYMPTOM, "symptom")
def symptom(m: Parsed) -> float:
    """A fault in something technical ("stuck" in traffic is not one)."""
    technical_context = m.n["tech"] + m.n["code"] + m.tech_terms + (m.paste_chars >= 200)
    return float(m.n["symptom"] > 0 and technical_context > 0)


@own(Signal.INTERACTING_PARTS, "symptom")
def interacting_parts(m: Parsed) -> float:
    """A fault that involves several named components."""
    if not m.n["symptom"]:
        return 0.0
    parts = m.n["tech"] + m.tech_terms
    return min(max(parts - 1, 0), 5) / 5


@own(Signal.TRACE, "trace")
def trace(m: Parsed) -> float:
    return float(m.has_trace)


@own(Signal.PASTE, "paste")
def paste(m: Parsed) -> float:
    return min(m.paste_chars, 4000) / 4000


@own(Signal.PASTE_QUESTION, "paste")
def paste_question(m: Parsed) -> float:
    """A short factual question about a long paste ("what time did the first error happen?")."""
    factual = m.n["lookup"] or m.opens_with("question", 3)
    work = m.n["hard"] + m.n["deep"] + m.n["summarise"] + m.n["write"] + m.n["explain"]
    return float(m.paste_chars >= 400 and m.length <= 150 and bool(factual) and not work)


@own(Signal.LENGTH)
def length(m: Parsed) -> float:
    return min(m.length, 1500) / 1500


@own(Signal.QUESTIONS, "questions")
def questions(m: Parsed) -> float:
    return min(max(m.questions - 1, 0), 3) / 3


@own(Signal.LIST_ITEMS, "list_items")
def list_items(m: Parsed) -> float:
    return min(m.list_items, 8) / 8


@own(Signal.MATHS, "maths")
def maths(m: Parsed) -> float:
    return min(m.maths, 4) / 4


@own(Signal.NUMBERS, "numbers")
def numbers(m: Parsed) -> float:
    return min(m.numbers, 10) / 10


@own(Signal.SIMPLER, "simpler")
def simpler(m: Parsed) -> float:
    return float(m.n["simpler"] > 0)


@own(Signal.EFFORT, "effort")
def effort(m: Parsed) -> float:
    return float(m.n["effort"] > 0)


@own(Signal.CREATIVE, "creative")
def creative(m: Parsed) -> float:
    return float(m.n["creative"] > 0)


@own(Signal.FIRST_PERSON, "first_person")
def first_person(m: Parsed) -> float:
    return min(m.n["first_person"], 3) / 3


def is_follow_up(m: Parsed) -> bool:
    """A short message that continues the thread, not a closing or a new light question."""
    if m.length > SHORT or greeting_only(m) and not m.n["affirm"] or closing(m):
        return False
    light = lookup_opening(m) or arithmetic(m) or reminder(m)
    if light and not m.n["what_if"]:
        return False
    return bool(
        m.questions
        or m.n["affirm"]
        or m.n["continue"]
        or m.n["what_if"]
        or m.opening.startswith(FOLLOW_UP_WORDS)
        or m.words <= 8
    )


def agrees_to_offer(m: Parsed) -> bool:
    """A short yes or go-on: its tier is that of the work the assistant offered."""
    return bool(m.n["affirm"] or m.n["continue"]) and m.length <= SHORT


@dataclass(frozen=True, slots=True)
class Thread(Rebuilt):
    """What the recent turns say, as the momentum signals need it."""

    tier: int  # the tier (0 Haiku, 1 Sonnet, 2 Opus) of the owner's recent turns on their own
    gap: float  # how far their latent score is above this message's own
    offer_tier: int  # the same for the work the assistant just offered (0: no offer)
    offer_gap: float
    answer_chars: int  # length of the assistant's last turn
    answer_weight: int  # heavy, technical and stakes cues in it


def momentum(m: Parsed, thread: Thread) -> dict["Signal", float]:
    """Momentum signals: a follow-up in a harder thread, or agreeing to offered work."""
    follow, agrees = is_follow_up(m), agrees_to_offer(m)
    return {
        Signal.FOLLOW_GAP: max(thread.gap, 0.0) if follow else 0.0,
        Signal.AGREE_GAP: max(thread.offer_gap, 0.0) if agrees else 0.0,
        Signal.FOLLOW_SONNET: float(follow and thread.tier == 1),
        Signal.FOLLOW_OPUS: float(follow and thread.tier == 2),
        Signal.AGREE_SONNET: float(agrees and thread.offer_tier == 1),
        Signal.AGREE_OPUS: float(agrees and thread.offer_tier == 2),
        Signal.FOLLOW_LONG_ANSWER: min(thread.answer_chars, 2000) / 2000 if follow else 0.0,
        Signal.FOLLOW_HEAVY_ANSWER: min(thread.answer_weight, 4) / 4 if follow else 0.0,
    }


MOMENTUM = (
    Signal.FOLLOW_LONG_ANSWER,
    Signal.FOLLOW_HEAVY_ANSWER,
    Signal.FOLLOW_GAP,
    Signal.AGREE_GAP,
    Signal.FOLLOW_SONNET,
    Signal.FOLLOW_OPUS,
    Signal.AGREE_SONNET,
    Signal.AGREE_OPUS,
)
ORDER = tuple(OWN) + MOMENTUM
_REGISTERED = tuple(OWN.items())
# Signals that keep a message out of Haiku's band (the policy's "default up").
FLOOR_SIGNALS = frozenset((
    Signal.HARD, Signal.SYSTEM_DESIGN, Signal.RESEARCH, Signal.STAKES_SITUATION,
    Signal.INTERACTING_PARTS, Signal.BUILD, Signal.FOLLOW_SONNET, Signal.FOLLOW_OPUS,
    Signal.AGREE_SONNET, Signal.AGREE_OPUS,
))  # fmt: skip


def own_values(m: Parsed) -> dict[Signal, float]:
    """The message's own signals that fired, with their values, in `OWN`'s order."""
    todo = set(_ALWAYS)
    for feature in m.present:
        todo.update(_READ_BY.get(feature, ()))
    values = {}
    for place in sorted(todo):
        code, function = _REGISTERED[place]
        value = function(m)
        if value:
            values[code] = value
    return values
