"""The router: a zero-latency heuristic that picks the cheapest Claude tier that will do.

Pure Python: no Django, no I/O, no model call. `route()` takes the message, the
last few turns, how much of today's budget is used and a `RouterConfig`, and
returns a `Decision` whose dict form is the routing decision contract.

How a message is scored (0 = trivial, 1 = hardest):
1. Split the message into the *ask* (what the owner wrote) and any *paste*
   (code fences, logs, stack traces, a long quoted text), so a 3,000-line log
   with "what's the date here?" is judged by its question, not its size.
2. Start at 0.45, which falls in Sonnet's band: with no clear signal, Sonnet.
3. Cues in the ask move the score: greetings and thanks pull it to the floor;
   simple lookups down; writing and explaining up a little; proofs, system
   design, concurrency bugs, trade-offs and security up a lot; legal, medical and
   financial stakes up, more when the owner describes a situation; shape adds
   to it (numbered requirements, several questions, a long ask, a trace to debug).
4. Momentum: a short follow-up in a hard thread keeps the thread's score
   ("and the edge cases?"), while thanks or a standalone lookup does not.
"""

import re
from dataclasses import asdict, dataclass, field

from routing import lexicon
from routing.tiers import BUDGET_DOWNGRADE, BUDGET_HAIKU_ONLY, DEFAULT_MODELS, TIER_NAMES, TIERS

BASE_SCORE = 0.45
PASTE_WINDOW = 1500  # characters of a message scanned for stakes and bug cues in its paste
REQUEST_WORDS = ("now ", "can you", "could you", "please", "pls", "next")
ARITHMETIC = re.compile(r"[\d\s.,()%=?]*\d\s*[-+*/x×÷^]\s*[\d\s.,()%=?+*/x×÷^-]*")
SUBSTANCE_FLOOR = 0.35  # a message with a hard, deep, debugging or stakes cue scores at least this
ASK_SCAN_LIMIT = 4000  # characters of the ask looked at for cues
LONG_PASTE = 600  # a multi-line message longer than this may hold a paste
EDGE_LINES = 40  # lines at each end of a long message examined for the ask
SIGNAL_WINDOW = 600  # characters of the ask scanned for numbers, terms and maths


@dataclass(frozen=True)
class RouterConfig:
    haiku_model: str = DEFAULT_MODELS["haiku"]
    sonnet_model: str = DEFAULT_MODELS["sonnet"]
    opus_model: str = DEFAULT_MODELS["opus"]
    sonnet_from: float = 0.30  # scores below this go to Haiku
    opus_from: float = 0.65  # scores from this up go to Opus
    downgrade_at: float = 0.80  # budget share: Opus→Sonnet, Sonnet→Haiku
    haiku_only_at: float = 0.95  # budget share: everything to Haiku
    force_tier: str = ""  # a tier that replaces classification, or ""

    def model_for(self, tier: str) -> str:
        return getattr(self, f"{tier}_model")

    def tier_for(self, score: float) -> str:
        if score >= self.opus_from:
            return "opus"
        if score >= self.sonnet_from:
            return "sonnet"
        return "haiku"


@dataclass(frozen=True)
class Classification:
    score: float
    reasons: list[str]
    social: bool = False
    lookup: bool = False


@dataclass(frozen=True)
class Decision:
    text: str
    tier: str
    intended_tier: str
    model: str
    score: float
    reasons: list[str] = field(default_factory=list)
    override: str | None = None
    downgraded: bool = False
    downgrade_reason: str | None = None
    notice: str | None = None
    budget_used: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)


def parse_prefix(message: str) -> tuple[str | None, str]:
    """A leading /haiku, /sonnet or /opus (any case, optionally @botname): tier and rest.

    Only the very start counts, and only these three words: "/gpt4 hi" and
    "use /opus for this" are ordinary messages.
    """
    stripped = message.lstrip()
    if not stripped.startswith("/"):
        return None, message
    head, _, rest = stripped.partition(" ")
    first_line_break = head.find("\n")
    if first_line_break != -1:
        head, rest = head[:first_line_break], head[first_line_break + 1 :] + " " + rest
    command = head[1:].split("@", 1)[0].lower()
    if command not in TIERS:
        return None, message
    return command, rest.strip()


def _is_paste_line(line: str) -> bool:
    """A line that looks copied from a log, a trace, code or an email header."""
    s = line.strip()
    if not s:
        return False
    if line[:1] in (" ", "\t") and len(s) > 3:
        return True
    head = s[:40]
    if s.startswith(("at ", 'File "', "Traceback", "Caused by", "#", "//", "$ ", ">>>", ">")):
        return True
    if any(marker in head for marker in ("ERROR", "WARN", "INFO", "DEBUG", "FATAL", "Exception")):
        return True
    if s[-1:] in ("{", "}", ";", "(", ","):
        return True
    if s[:4].isdigit() and s[4:5] in ("-", "/"):  # a date stamp: 2026-11-21 ...
        return True
    return s.split(":", 1)[0] in ("From", "To", "Subject", "Date", "Cc", "Von", "An", "De", "Para")


@dataclass(frozen=True)
class Parts:
    ask: str
    paste_chars: int
    has_trace: bool


def _short_paragraph(paragraph: str) -> bool:
    if not 0 < len(paragraph) <= 300:
        return False
    if "?" in paragraph or "？" in paragraph or "؟" in paragraph:
        return True
    return not any(_is_paste_line(line) for line in paragraph.split("\n") if line.strip())


def _greeting(paragraph: str) -> bool:
    """A paragraph that only greets ("Hi Carla, how are you?"): part of a pasted letter."""
    lowered = paragraph.lower()
    social = lexicon.SOCIAL_CUES.find(lowered)["social"]
    return bool(social) and len(lexicon.TOKEN.findall(lowered)) <= 5


def _is_question(paragraph: str) -> bool:
    return any(mark in paragraph for mark in ("?", "？", "؟"))


def split_ask(message: str) -> Parts:
    """Separate the owner's own words from pasted material (fenced code, logs, long quotes).

    In a long message, a short first or last paragraph is the ask and the rest is
    the paste; failing that, lines that look like logs, code or headers are the
    paste; failing that, it is all the owner's own words.
    """
    pieces = message.split("```")
    prose = "\n".join(pieces[0::2]).strip()
    pasted = sum(len(p) for p in pieces[1::2])
    ask = prose
    if len(prose) > LONG_PASTE and "\n" in prose:
        paragraphs = [p for p in prose.split("\n\n") if p.strip()]
        ends = [paragraphs[0], paragraphs[-1]] if len(paragraphs) > 1 else []
        asks = list(dict.fromkeys(p for p in ends if _short_paragraph(p) and not _greeting(p)))
        questions = [p for p in asks if _is_question(p)]
        asks = questions or asks
        if not asks:
            lines = [line for line in prose.split("\n") if line.strip()]
            asks = [ln for ln in (lines[0], lines[-1]) if len(ln) <= 150 and _is_question(ln)]
        if asks:
            ask = "\n".join(asks)
        else:
            lines = [line for line in prose.split("\n") if line.strip()]
            if len(lines) > 2 * EDGE_LINES:  # the ask sits at an end; the middle is pasted
                lines = lines[:EDGE_LINES] + lines[-EDGE_LINES:]
            own = [line for line in lines if not _is_paste_line(line)]
            if len(own) < len(lines) / 2:
                ask = "\n".join(own[:2] + own[-2:]) if len(own) > 4 else "\n".join(own)
        pasted += len(prose) - len(ask)
    head = message[:20_000]
    has_trace = any(marker in head for marker in TRACE_MARKERS)
    return Parts(ask=ask[:ASK_SCAN_LIMIT], paste_chars=pasted, has_trace=has_trace)


TRACE_MARKERS = (
    "Traceback",
    "Exception",
    "\n\tat ",
    "\n    at ",
    "panic:",
    "goroutine ",
    "ThreadSanitizer",
    "deadlock",
    "Segmentation fault",
    "FATAL",
    "core dumped",
)
QUOTES = (("'", "'"), ('"', '"'), ("“", "”"), ("«", "»"), ("「", "」"), ("‘", "’"), ("„", "“"))


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    """Spans of short quoted phrases: they are objects of the ask, not the ask."""
    spans = []
    for left, right in QUOTES:
        start = text.find(left)
        while start != -1:
            end = text.find(right, start + 1)
            if end == -1 or end - start > 300:
                break
            if left == "'" and (start and text[start - 1].isalnum() or text[end - 1 : end] == " "):
                start = text.find(left, start + 1)  # an apostrophe (I'm), not a quote
                continue
            spans.append((start, end + 1))
            start = text.find(left, end + 1)
    return spans


WIDE_CHARS = re.compile("[\u3040-\u9fff]")
NUMBER = re.compile(r"\d+")
MATH = re.compile(r"[=^²³√π∑∫≤≥±×÷]|\d\s*[-+*/]\s*\d")
# PostgreSQL, TTL, synchronous_commit, os.path, reset()
TECH_TERM = re.compile(
    r"(?<![\w.])(?:[A-Z][a-z]+[A-Z][A-Za-z]*|[A-Z]{2,}[a-z]?|[A-Za-z]+_[A-Za-z_]+"
    r"|[a-z]+\.[a-z]\w*|\w+\(\))(?![\w])"
)


def _weighted_length(text: str) -> int:
    """Length in Latin-letter terms: a Chinese or Japanese character says about three."""
    if text.isascii():
        return len(text)
    sample = text[:SIGNAL_WINDOW]
    wide_share = len(WIDE_CHARS.findall(sample)) / len(sample)
    return int(len(text) * (1 + 2 * wide_share))


def _technical_terms(ask: str) -> int:
    """Distinct tokens that look like names of technical things: SETNX, synchronous_commit."""
    return len({term.lower() for term in TECH_TERM.findall(ask)})


def _numbers(ask: str) -> int:
    return len(NUMBER.findall(ask))


def _list_items(ask: str) -> int:
    count = 0
    for line in ask.split("\n"):
        s = line.lstrip()
        numbered = s[:1].isdigit() and s[1:3].lstrip("0123456789")[:1] in (".", ")")
        if s[:1] in ("-", "*", "•") or numbered:
            count += 1
    return count


def classify_text(message: str) -> Classification:
    """Score one message on its own, with the reasons for the score."""
    parts = split_ask(message)
    ask = parts.ask
    lowered = ask.lower().replace("’", "'")
    cues = lexicon.CUES.find(lowered, skip=_quoted_spans(lowered))
    social = lexicon.SOCIAL_CUES.find(lowered)["social"] if len(ask) <= 300 else []
    lookup = cues["lookup"]
    if ARITHMETIC.fullmatch(ask.strip()):
        lookup = ["arithmetic"]
    hard, deep, stakes, task = cues["hard"], cues["deep"], cues["stakes"], cues["task"]
    simpler, debug = cues["simpler"], cues["debug"]
    task = [cue for cue in task if not any(cue.strip() in greeting for greeting in social)]
    opening = lowered.lstrip()[:30]
    opening_words = lexicon.TOKEN.findall(opening)[:3]
    if lookup and len(ask) <= 120 and any(cue in opening for cue in lookup):
        # "what year did Wiles prove ...", "remind me to prep the security audit":
        # the opening asks for a fact or a reminder; the rest is its subject.
        hard, deep, stakes, debug = [], [], [], []
    if cues["creative"] and task and not opening.startswith(tuple(hard)):
        hard, deep, stakes, debug = [], [], [], []  # a poem about proofs is a poem
    pasted_stakes: list[str] = []
    pasted_debug: list[str] = []
    if parts.paste_chars >= 400:
        pasted = lexicon.CUES.find(message[:PASTE_WINDOW].lower())
        pasted_stakes, pasted_debug = pasted["stakes"], pasted["debug"]
    words_left = 0
    if social:
        words_left = len(lexicon.TOKEN.findall(lowered)) - sum(
            len(lexicon.TOKEN.findall(cue)) for cue in social
        )

    if (
        social
        and not (hard or deep or task or lookup or stakes or parts.paste_chars)
        and words_left <= 4
    ):
        return Classification(0.05, ["greeting or thanks"], social=True)
    acknowledgement = social and opening.startswith(tuple(social)) and "?" not in ask
    asks_more = any(word in lowered for word in REQUEST_WORDS)
    if acknowledgement and len(ask) <= 120 and not (hard or deep or asks_more):
        return Classification(0.08, ["thanks or acknowledgement"], social=True)
    if not ask.strip() and not parts.paste_chars:
        return Classification(0.05, ["empty message"], social=True)

    score = BASE_SCORE
    reasons: list[str] = []
    if hard:
        score += 0.30 + 0.08 * min(len(hard) - 1, 2)
        reasons.append(f"hard task: {', '.join(hard[:3])}")
    if deep:
        score += 0.12 + 0.05 * min(len(deep) - 1, 2)
        reasons.append(f"depth asked: {', '.join(deep[:3])}")
    length = _weighted_length(ask)
    window = ask[:SIGNAL_WINDOW]
    numbers, terms = _numbers(window), _technical_terms(window)

    def personal() -> int:
        return len(lexicon.FIRST_PERSON_WORDS.findall(lowered[:SIGNAL_WINDOW]))

    detailed = not parts.paste_chars and (
        (length >= 120 and (numbers >= 3 or terms >= 2 or ask.count(",") >= 4 or personal() >= 2))
        or (stakes and length >= 80 and (numbers or personal()))
    )
    if stakes and cues["writing"]:
        score += 0.05
        reasons.append(f"stakes in ordinary writing: {stakes[0]}")
    elif stakes:
        score += 0.28 if detailed else 0.10
        reasons.append(
            f"stakes: {', '.join(stakes[:3])}" + (" (a real situation)" if detailed else "")
        )
    elif detailed:
        score += 0.10
        reasons.append("detailed situation")
    if terms >= 3:
        score += 0.08
        reasons.append(f"{terms} technical terms")
    if task:
        score += 0.06
        reasons.append(f"task: {', '.join(task[:3])}")
    if simpler and (hard or deep):
        score -= 0.25
        reasons.append(f"asked to keep it simple: {simpler[0]}")
    factual = bool(lookup) or any(word in lexicon.FACT_WORDS for word in opening_words)
    about_paste = parts.paste_chars >= 400 and len(ask) <= 150 and factual
    about_paste = about_paste and not (hard or deep or stakes or task or debug or parts.has_trace)
    if about_paste and not lookup:
        lookup = ["a question about the pasted text"]
    if lookup and not hard:
        light = len(ask) <= 200 and not deep
        score -= 0.25 if light else 0.08
        reasons.append(f"simple lookup: {', '.join(lookup[:2])}")

    maths = len(MATH.findall(window))
    if maths >= 3:
        score += 0.08
        reasons.append("maths")
    items = _list_items(ask)
    if items >= 4:
        score += 0.12 if items < 7 else 0.22
        reasons.append(f"{items} listed requirements")
    questions = ask.count("?") + ask.count("？") + ask.count("؟")
    if questions >= 3:
        score += 0.08
        reasons.append(f"{questions} questions")
    if length >= 1500:
        score += 0.15
        reasons.append("long message")
    elif length >= 700:
        score += 0.10
        reasons.append("long message")
    elif length >= 300:
        score += 0.05
    if not about_paste:
        debug = debug or pasted_debug
    if debug and not lookup:
        pasted_code = parts.paste_chars >= 200
        score += 0.20 if pasted_code else 0.08
        reasons.append(f"bug to hunt: {debug[0]}" + (" in pasted code" if pasted_code else ""))
    if parts.paste_chars:
        if (stakes or pasted_stakes) and not lookup and parts.paste_chars >= 400:
            score += 0.15
            reasons.append("a document with stakes to weigh")
        elif parts.has_trace and not (lookup and not hard):
            score += 0.15
            reasons.append("stack trace or race report to debug")
        elif lookup and not hard:
            reasons.append(f"{parts.paste_chars:,} pasted characters, simple ask")
        else:
            score += 0.04
            reasons.append("pasted code or text")
    if not reasons:
        tokens = lexicon.TOKEN.findall(lowered)
        is_question = questions == 1 or (tokens[:1] and tokens[0] in lexicon.QUESTION_WORDS)
        technical = terms or maths or numbers >= 2
        if not technical and (length <= 40 or (is_question and length <= 80)):
            score -= 0.18
            reasons.append("short plain question" if is_question else "short, no strong signal")
        else:
            reasons.append("no strong signal: default tier")
    substance = (hard or deep or debug or stakes) and not lookup
    if substance and not simpler and score < SUBSTANCE_FLOOR:
        score = SUBSTANCE_FLOOR  # uncertain, but not trivial: never the cheapest tier
        reasons.append("has substance: not below Sonnet")
    return Classification(min(1.0, max(0.0, score)), reasons, lookup=bool(lookup) and not hard)


def classify(message: str, context: list[dict] | None = None) -> Classification:
    """Score a message with the momentum of the last 2–3 turns."""
    own = classify_text(message)
    if not context or own.social or own.lookup:
        return own
    recent = context[-3:]
    thread = max(
        (classify_text(t.get("content", "")).score for t in recent if t.get("role") == "user"),
        default=0.0,
    )
    answer = max(
        (len(t.get("content", "")) for t in recent if t.get("role") == "assistant"), default=0
    )
    if answer > 1500:
        thread += 0.08
    elif answer > 600:
        thread += 0.04
    follow_up = (
        "?" in message
        or "？" in message
        or "؟" in message
        or own.reasons[0]
        not in (
            "no strong signal: default tier",
            "short, no strong signal",
        )
    )
    if len(message) > 200 or thread <= own.score:
        return own
    if follow_up:
        new_condition = lexicon.CUES.find(message[:200].lower())["what_if"]
        score = min(1.0, thread + (0.12 if new_condition else 0.05))
        return Classification(score, own.reasons + ["follow-up in a complex thread"])
    score = max(own.score, min(thread, 0.55))  # a short request ("more formal please")
    return Classification(score, own.reasons + ["continues the thread"])


def _percent(share: float) -> int:
    return int(share * 100)


def route(
    message: str,
    context: list[dict] | None = None,
    *,
    budget_used: float = 0.0,
    config: RouterConfig = RouterConfig(),
) -> Decision:
    """The routing decision for one user message.

    Precedence: a /tier prefix is the owner's explicit choice and beats the budget
    downgrades (the notice still says how much is used); `force_tier` replaces
    classification but is downgraded like any routed message. The hard cap at
    100% is enforced where the call is paid for, not here.
    """
    prefix_tier, text = parse_prefix(message)
    budget_used = max(0.0, float(budget_used))
    if prefix_tier:
        classification = Classification(BASE_SCORE, [f"/{prefix_tier} prefix"])
        if text:
            classification = classify(text, context)
        notice = None
        if budget_used >= config.downgrade_at:
            notice = (
                f"(Using {TIER_NAMES[prefix_tier]} as asked — budget at {_percent(budget_used)}%)"
            )
        return Decision(
            text=text,
            tier=prefix_tier,
            intended_tier=prefix_tier,
            model=config.model_for(prefix_tier),
            score=round(classification.score, 3),
            reasons=[f"/{prefix_tier} prefix"] + classification.reasons,
            override="prefix",
            notice=notice,
            budget_used=budget_used,
        )

    classification = classify(text, context)
    if config.force_tier in TIERS:
        intended, override = config.force_tier, "force"
        reasons = [f"force_model is {config.force_tier}"] + classification.reasons
    else:
        intended, override = config.tier_for(classification.score), None
        reasons = classification.reasons
    tier, downgrade_reason = intended, None
    if budget_used >= config.haiku_only_at and intended != "haiku":
        tier, downgrade_reason = "haiku", BUDGET_HAIKU_ONLY
    elif budget_used >= config.downgrade_at and intended != "haiku":
        tier, downgrade_reason = TIERS[TIERS.index(intended) - 1], BUDGET_DOWNGRADE
    notice = None
    if downgrade_reason:
        notice = f"(Using {TIER_NAMES[tier]} — budget at {_percent(budget_used)}%)"
        reasons = reasons + [f"budget at {_percent(budget_used)}%: {intended} → {tier}"]
    return Decision(
        text=text,
        tier=tier,
        intended_tier=intended,
        model=config.model_for(tier),
        score=round(classification.score, 3),
        reasons=reasons,
        override=override,
        downgraded=downgrade_reason is not None,
        downgrade_reason=downgrade_reason,
        notice=notice,
        budget_used=budget_used,
    )
