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

from dataclasses import asdict, dataclass, field

from routing import lexicon

TIERS = ("haiku", "sonnet", "opus")
TIER_NAMES = {"haiku": "Haiku", "sonnet": "Sonnet", "opus": "Opus"}
BASE_SCORE = 0.45
ASK_SCAN_LIMIT = 4000  # characters of the ask looked at for cues
LONG_PASTE = 600  # a multi-line message longer than this may hold a paste


@dataclass(frozen=True)
class RouterConfig:
    haiku_model: str = "claude-haiku-5-5"
    sonnet_model: str = "claude-sonnet-5-5"
    opus_model: str = "claude-opus-5-5"
    sonnet_from: float = 0.30  # scores below this go to Haiku
    opus_from: float = 0.70  # scores from this up go to Opus
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
    if s[-1:] in ("{", "}", ";", ")", "(", ","):
        return True
    if s[:4].isdigit() and s[4:5] in ("-", "/"):  # a date stamp: 2026-11-21 ...
        return True
    return s.split(":", 1)[0] in ("From", "To", "Subject", "Date", "Cc", "Von", "An", "De", "Para")


@dataclass(frozen=True)
class Parts:
    ask: str
    paste_chars: int
    paste_lines: int
    has_trace: bool


def split_ask(message: str) -> Parts:
    """Separate the owner's own words from pasted material (fenced code, logs, long quotes)."""
    pieces = message.split("```")
    prose = "\n".join(pieces[0::2])
    fenced = sum(len(p) for p in pieces[1::2])
    lines = prose.split("\n") if len(prose) > LONG_PASTE else [prose]
    if len(lines) == 1:
        ask_lines, pasted = lines, []
    else:
        ask_lines = [line for line in lines if line.strip() and not _is_paste_line(line)]
        pasted = [line for line in lines if _is_paste_line(line)]
        if len(ask_lines) > 6 and sum(len(line) for line in ask_lines) > LONG_PASTE * 2:
            # A long quoted text: the ask is its first and last lines.
            pasted.extend(ask_lines[2:-2])
            ask_lines = ask_lines[:2] + ask_lines[-2:]
    ask = "\n".join(ask_lines)
    pasted_chars = fenced + sum(len(line) for line in pasted)
    head = message[:20_000]
    has_trace = (
        "Traceback" in head
        or "Exception" in head
        or "\n\tat " in head
        or "\n    at " in head
        or "panic:" in head
        or "goroutine " in head
    )
    return Parts(
        ask=ask[:ASK_SCAN_LIMIT],
        paste_chars=pasted_chars,
        paste_lines=len(pasted),
        has_trace=has_trace,
    )


def _list_items(ask: str) -> int:
    count = 0
    for line in ask.split("\n"):
        s = line.lstrip()
        if s[:1] in ("-", "*", "•") or (
            s[:1].isdigit() and s[1:3].lstrip("0123456789")[:1] in (".", ")")
        ):
            count += 1
    return count


def classify_text(message: str) -> Classification:
    """Score one message on its own, with the reasons for the score."""
    parts = split_ask(message)
    ask = parts.ask
    lowered = ask.lower()
    tokens = lexicon.TOKEN.findall(lowered)
    social = lexicon.SOCIAL_CUES.find(tokens, lowered)
    lookup = lexicon.LOOKUP_CUES.find(tokens, lowered)
    hard = lexicon.HARD_STRONG_CUES.find(tokens, lowered)
    deep = lexicon.HARD_MEDIUM_CUES.find(tokens, lowered)
    stakes = lexicon.STAKES_CUES.find(tokens, lowered)
    task = lexicon.MEDIUM_CUES.find(tokens, lowered)

    words_left = len(tokens) - sum(len(cue.split()) for cue in social)
    if social and not (hard or deep or task or lookup) and words_left <= 3 and len(ask) <= 60:
        return Classification(0.05, ["greeting or thanks"], social=True)
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
    if stakes:
        situation = len(ask) >= 200 or ask.count(".") + ask.count("?") >= 3
        score += 0.22 if situation else 0.10
        reasons.append(
            f"stakes: {', '.join(stakes[:3])}" + (" (a real situation)" if situation else "")
        )
    if task:
        score += 0.06
        reasons.append(f"task: {', '.join(task[:3])}")
    if lookup and not hard:
        score -= 0.25 if not (deep or stakes) else 0.10
        reasons.append(f"simple lookup: {', '.join(lookup[:2])}")

    items = _list_items(ask)
    if items >= 4:
        score += 0.12 if items < 7 else 0.22
        reasons.append(f"{items} listed requirements")
    questions = ask.count("?") + ask.count("？") + ask.count("؟")
    if questions >= 3:
        score += 0.08
        reasons.append(f"{questions} questions")
    if len(ask) >= 1500:
        score += 0.15
        reasons.append("long message")
    elif len(ask) >= 700:
        score += 0.10
        reasons.append("long message")
    elif len(ask) >= 300:
        score += 0.05
    if parts.paste_chars:
        if parts.has_trace and (hard or deep or task) and not lookup:
            score += 0.12
            reasons.append("stack trace to debug")
        elif lookup and not hard:
            reasons.append(f"{parts.paste_chars:,} pasted characters, simple ask")
        else:
            score += 0.04
            reasons.append("pasted code or text")
    if not reasons:
        short_question = len(ask) <= 80 and (
            questions == 1 or (tokens[:1] and tokens[0] in lexicon.QUESTION_WORDS)
        )
        if short_question:
            score -= 0.18
            reasons.append("short plain question")
        elif len(ask) < 40:
            score -= 0.10
            reasons.append("short, no strong signal")
        else:
            reasons.append("no strong signal: default tier")
    return Classification(min(1.0, max(0.0, score)), reasons, lookup=bool(lookup) and not hard)


def classify(message: str, context: list[dict] | None = None) -> Classification:
    """Score a message with the momentum of the last 2–3 turns."""
    own = classify_text(message)
    if not context or own.social or own.lookup:
        return own
    recent = context[-3:]
    thread = max(
        (
            classify_text(turn.get("content", "")).score
            for turn in recent
            if turn.get("role") == "user"
        ),
        default=0.0,
    )
    technical_answer = any(
        turn.get("role") == "assistant"
        and ("```" in turn.get("content", "") or len(turn.get("content", "")) > 1500)
        for turn in recent
    )
    if technical_answer:
        thread += 0.05
    if len(message) <= 120 and thread - 0.03 > own.score:
        score = min(1.0, thread - 0.03)
        return Classification(score, own.reasons + ["follow-up in a complex thread"])
    return own


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
        tier, downgrade_reason = "haiku", "budget_95"
    elif budget_used >= config.downgrade_at and intended != "haiku":
        tier, downgrade_reason = TIERS[TIERS.index(intended) - 1], "budget_80"
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
