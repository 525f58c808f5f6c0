"""The router: a zero-latency heuristic that picks the cheapest Claude tier that will do.

Pure Python: no Django, no I/O, no model call. `route()` takes the message, the
last few turns, how much of today's budget is used and a `RouterConfig`, and
returns a `Decision` whose dict form is the routing decision contract.

How a message is scored (0 = trivial, 1 = hardest):
1. `routing.message.parse` reads it once: the owner's own words apart from any
   paste (so a long log with "what's the date here?" is judged by its question),
   the cues of every language (`routing.lexicon`), and its shape.
2. Each named signal (`routing.signals`) turns that into a value; the latent
   score is their weighted sum with the fitted weights of `routing.weights`.
3. Momentum: a follow-up in a harder thread, or agreeing to work the assistant
   offered, adds a share of the gap to the thread's level (also fitted).
4. The score is the logistic of the latent one; the bands (settings) turn it
   into a tier, then prefixes, `force_model` and the budget rules apply.
"""

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from routing import lexicon, weights
from routing.effort import split_effort
from routing.message import Parsed, parse, words
from routing.records import Rebuilt
from routing.signals import (
    FLOOR_SIGNALS,
    TEXT,
    WEIGHTY_FAMILIES,
    Signal,
    Thread,
    agrees_to_offer,
    is_follow_up,
    momentum,
    own_values,
)
from routing.tiers import BUDGET_DOWNGRADE, BUDGET_HAIKU_ONLY, DEFAULT_MODELS, TIER_NAMES, TIERS

CONTEXT_TURNS = 3  # the last turns that carry momentum
OFFER_WINDOW = 400  # characters at the end of the assistant's turn read for an offer
TOP_REASONS = 3
SHOWN_WORDS = 5  # the heaviest words of the ask the playground names
NEGLIGIBLE = 0.05  # a contribution smaller than this is not shown as a reason
PREFIX_SCORE = 0.5  # the score shown for a bare prefix with nothing to classify
EDGE = 1e-6  # scores are kept this far inside (0, 1) so that their logit is finite
TURNS_KEPT = 4096  # earlier turns whose reading is memoised (many chats' worth)
KEPT_CHARS = 2048  # longer turns are not memoised: the memo keeps each text it is keyed by


@dataclass(frozen=True)
class Weights(Rebuilt):
    """A weight table: a Sonnet and an Opus score against Haiku's (bias + Σ weight × value
    over the signals that fired + the weights of the ask's words), and the two points of
    the expected tier that the fit cut at.

    The tiers' probabilities are the softmax of (0, Sonnet's, Opus's); the expected tier
    (Haiku 0, Sonnet ½, Opus 1) is mapped piecewise linearly so that the fitted cuts sit
    at the band edges: that mapped value is the router's score.
    """

    bias: tuple[float, float]
    by_code: dict[Signal, tuple[float, float]]
    words: dict[str, tuple[float, float]]
    cuts: tuple[float, float]
    sonnet_from: float = weights.SONNET_FROM
    opus_from: float = weights.OPUS_FROM
    # In a chat, each message is routed with the same earlier turns as the one before:
    # their latent scores are memoised per table, keyed by their text.
    kept_turns: Callable[[str], float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kept_turns", lru_cache(TURNS_KEPT)(self._text_latent))

    def pair(self, values: dict[Signal, float], worded: tuple[float, float]) -> tuple[float, float]:
        """Sonnet's and Opus's scores against Haiku's, given what the ask's words add."""
        sonnet, opus = self.bias
        sonnet += worded[0]
        opus += worded[1]
        by_code = self.by_code
        for code, value in values.items():
            to_sonnet, to_opus = by_code[code]
            sonnet += to_sonnet * value
            opus += to_opus * value
        return sonnet, opus

    def wording(self, ask: str) -> tuple[float, float]:
        """What the ask's words add to Sonnet's and Opus's scores."""
        sonnet = opus = 0.0
        table = self.words
        for word in dict.fromkeys(words(ask)):  # in order: the sum is the same every run
            found = table.get(word)
            if found is not None:
                sonnet += found[0]
                opus += found[1]
        return sonnet, opus

    def expected(self, sonnet: float, opus: float) -> tuple[float, float, float]:
        """The tiers' probabilities (Sonnet's, Opus's) and the score they give."""
        top = max(0.0, sonnet, opus)
        haiku_e, sonnet_e, opus_e = math.exp(-top), math.exp(sonnet - top), math.exp(opus - top)
        total = haiku_e + sonnet_e + opus_e
        p_sonnet, p_opus = sonnet_e / total, opus_e / total
        return p_sonnet, p_opus, self.scale(p_sonnet / 2 + p_opus)

    def scale(self, expected: float) -> float:
        """The expected tier mapped so that the fitted cuts land on the band edges."""
        start, value, slope = self.segment(expected)
        return value + slope * (expected - start)

    def segment(self, expected: float) -> tuple[float, float, float]:
        """The piece of the map `expected` falls on: where it starts, its value there, and
        its slope."""
        (low, high), (edge_low, edge_high) = self.cuts, (self.sonnet_from, self.opus_from)
        if expected < low:
            return 0.0, 0.0, edge_low / low
        if expected < high:
            return low, edge_low, (edge_high - edge_low) / (high - low)
        return high, edge_high, (1 - edge_high) / (1 - high)

    def latent(self, values: dict[Signal, float], ask: str) -> float:
        """The logit of the score: the scale momentum measures gaps on."""
        return self.worded_latent(values, self.wording(ask))

    def worded_latent(self, values: dict[Signal, float], worded: tuple[float, float]) -> float:
        """`latent`, given what the ask's words add (`wording`)."""
        return _logit(self.expected(*self.pair(values, worded))[2])

    def own_latent(self, parsed: Parsed) -> float:
        """The latent score of a message on its own, without the thread."""
        return self.latent(own_values(parsed), parsed.ask)

    def turn_latent(self, text: str) -> float:
        """The latent score of an earlier turn on its own, memoised unless it is long (a
        pasted log is rare, and parsed by its ends anyway)."""
        return self.kept_turns(text) if len(text) <= KEPT_CHARS else self._text_latent(text)

    def _text_latent(self, text: str) -> float:
        return self.own_latent(parse(text))

    def tier_index(self, latent: float) -> int:
        """The tier a latent score falls in at the band edges (0 Haiku … 2 Opus)."""
        return (latent >= _logit(self.sonnet_from)) + (latent >= _logit(self.opus_from))


def _logit(p: float) -> float:
    p = min(1 - EDGE, max(EDGE, p))
    return math.log(p / (1 - p))


FITTED = Weights(
    weights.BIAS,
    {Signal(code): w for code, w in weights.WEIGHTS.items()},
    weights.WORDS,
    weights.CUTS,
)


@dataclass(frozen=True)
class RouterConfig(Rebuilt):
    haiku_model: str = DEFAULT_MODELS["haiku"]
    sonnet_model: str = DEFAULT_MODELS["sonnet"]
    opus_model: str = DEFAULT_MODELS["opus"]
    sonnet_from: float = weights.SONNET_FROM  # scores below this go to Haiku
    opus_from: float = weights.OPUS_FROM  # scores from this up go to Opus
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


# The default bands and thresholds (the settings model reads them too), built once:
# compiled by mypyc, a default written as a call is made afresh at every call
# that omits it.
DEFAULT_CONFIG = RouterConfig()


@dataclass(slots=True)
class Classification:
    score: float
    contributions: tuple[tuple[Signal, float], ...]  # non-zero signals, largest effect first

    @property
    def reasons(self) -> list[str]:
        return [TEXT[code] for code, _ in self.contributions[:TOP_REASONS]]


@dataclass(slots=True)
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
    """A leading /haiku, /sonnet or /opus (any case, optionally an effort suffix such as
    /opus+ and @botname): tier and rest.

    Only the very start counts, and only these three words: "/gpt4 hi" and
    "use /opus for this" are ordinary messages.
    """
    stripped = message.lstrip()
    if not stripped.startswith("/"):
        return None, message
    head, *rest = stripped.split(maxsplit=1)  # any whitespace ends the prefix: tab, newline
    command, _ = split_effort(head[1:].split("@", 1)[0].lower())
    if command not in TIERS:
        return None, message
    return command, rest[0].strip() if rest else ""


def thread_of(
    context: list[dict], level: float, table: Weights = FITTED, *, follow=True, agrees=True
) -> Thread:
    """What the last turns say for momentum, measured against `level` (this message's own).

    The owner's earlier turns are read only for a follow-up, and the assistant's offer
    only for an agreement: the other momentum signals are zero then anyway.
    """
    recent = context[-CONTEXT_TURNS:]
    last = recent[-1] if recent else {}
    answer = (last.get("content") or "") if last.get("role") == "assistant" else ""
    tail = answer[-OFFER_WINDOW:]
    offers, weight = answer_cues(tail) if tail else (False, 0)
    offered = agrees and offers
    thread = offer = -math.inf
    if follow or offered:
        users = [t.get("content") or "" for t in recent if t.get("role") == "user"]
        thread = max((table.turn_latent(text) for text in users if text), default=thread)
    if offered:
        offer = max(thread, table.turn_latent(tail))
    tier, gap = _level(thread, level, table)
    offer_tier, offer_gap = _level(offer, level, table)
    return Thread(tier, gap, offer_tier, offer_gap, len(answer), weight)


@lru_cache(TURNS_KEPT)  # the tail is at most OFFER_WINDOW characters
def answer_cues(tail: str) -> tuple[bool, int]:
    """Whether the end of the assistant's answer offers more work, and how many heavy,
    technical and stakes cues it has: memoised, as the same answer ends the context of
    a message and of its retries."""
    cues = lexicon.find(tail)
    return bool(cues.get("offer")), sum(len(cues.get(family, ())) for family in WEIGHTY_FAMILIES)


def forget_turns(table: Weights = FITTED) -> None:
    """Empty the memos of earlier turns (the route bench times decisions without them)."""
    table.kept_turns.cache_clear()  # type: ignore[attr-defined]  # an lru_cache
    answer_cues.cache_clear()


def _level(latent: float, level: float, table: Weights) -> tuple[int, float]:
    return (0, 0.0) if latent == -math.inf else (table.tier_index(latent), latent - level)


def signal_values(
    message: str, context: list[dict] | None = None, table: Weights = FITTED
) -> dict[Signal, float]:
    """The signals that fired for a message in its thread, with their values."""
    parsed = parse(message)
    return _values(parsed, own_values(parsed), table.wording(parsed.ask), context, table)


def _values(
    parsed: Parsed,
    own: dict[Signal, float],
    worded: tuple[float, float],
    context: list[dict] | None,
    table: Weights,
) -> dict[Signal, float]:
    if not context:
        return own
    follow, agrees = is_follow_up(parsed), agrees_to_offer(parsed)
    if not (follow or agrees):
        return own
    level = table.worded_latent(own, worded)
    thread = thread_of(context, level, table, follow=follow, agrees=agrees)
    return own | {code: v for code, v in momentum(parsed, thread).items() if v}


def explain(message: str, context: list[dict] | None = None) -> list[dict]:
    """Each signal that fired (and the ask's words): its words, value, weights towards
    Sonnet and Opus, and its effect on the score's logit, largest first (the playground
    shows these)."""
    parsed = parse(message)
    worded = FITTED.wording(parsed.ask)
    values = _values(parsed, own_values(parsed), worded, context, FITTED)
    effects = dict(_effects(values, worded, FITTED)[1])
    rows = [
        {
            "code": code.value,
            "text": TEXT[code],
            "value": value,
            "to_sonnet": FITTED.by_code[code][0],
            "to_opus": FITTED.by_code[code][1],
            "contribution": effects[code],
        }
        for code, value in values.items()
    ]
    if Signal.WORDING in effects:
        to_sonnet, to_opus = worded
        weighed = [w for w in dict.fromkeys(words(parsed.ask)) if w in FITTED.words]
        heaviest = sorted(weighed, key=lambda w: -max(map(abs, FITTED.words[w])))[:SHOWN_WORDS]
        rows.append(
            {
                "code": Signal.WORDING.value,
                "text": f"{TEXT[Signal.WORDING]}: {', '.join(heaviest)}",
                "value": 1.0,
                "to_sonnet": to_sonnet,
                "to_opus": to_opus,
                "contribution": effects[Signal.WORDING],
            }
        )
    return sorted(rows, key=lambda row: -abs(row["contribution"]))


def _effects(
    values: dict[Signal, float], worded: tuple[float, float], table: Weights
) -> tuple[float, list[tuple[Signal, float]]]:
    """The score, and each signal's first-order effect on its logit (the ask's words as
    `Signal.WORDING`, which add `worded`): how far the score would move without it, to
    first order."""
    p_sonnet, p_opus, score = table.expected(*table.pair(values, worded))
    expected = p_sonnet / 2 + p_opus
    slope = table.segment(expected)[2]
    clamped = min(1 - EDGE, max(EDGE, score))
    per_logit = slope / (clamped * (1 - clamped))
    to_sonnet, to_opus = (
        per_logit * p_sonnet * (0.5 - expected),
        per_logit * p_opus * (1 - expected),
    )
    by_code = table.by_code
    effects = [
        (code, value * (by_code[code][0] * to_sonnet + by_code[code][1] * to_opus))
        for code, value in values.items()
    ]
    if worded != (0.0, 0.0):
        effects.append((Signal.WORDING, worded[0] * to_sonnet + worded[1] * to_opus))
    return score, effects


def classify(
    message: str, context: list[dict] | None = None, table: Weights = FITTED
) -> Classification:
    """Score a message with the momentum of the last turns, and say which signals decided.

    Default up: a message with substance (a heavy signal) or a follow-up in a
    thread above Haiku's level never scores below Sonnet's band, whatever the
    lighter signals say; the reasons then include `Signal.SUBSTANCE_FLOOR`. A light
    ask in heavy words (a keyword trap, LABELLING.md rule 7) has no such floor.
    """
    parsed = parse(message)
    worded = table.wording(parsed.ask)
    values = _values(parsed, own_values(parsed), worded, context, table)
    score, contributions = _effects(values, worded, table)
    trap = Signal.LIGHT_DRESSED_UP in values
    if score < table.sonnet_from and not trap and not FLOOR_SIGNALS.isdisjoint(values):
        contributions.append((Signal.SUBSTANCE_FLOOR, _logit(table.sonnet_from) - _logit(score)))
        score = table.sonnet_from
    ranked = sorted(
        ((c, v) for c, v in contributions if abs(v) >= NEGLIGIBLE), key=lambda cv: -abs(cv[1])
    )
    return Classification(score, tuple(ranked))


def _percent(share: float) -> int:
    return int(share * 100)


def route(
    message: str,
    context: list[dict] | None = None,
    *,
    budget_used: float = 0.0,
    config: RouterConfig = DEFAULT_CONFIG,
    table: Weights = FITTED,
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
        judged = classify(text, context, table) if text else None
        reasons = judged.reasons if judged else []
        score = judged.score if judged else PREFIX_SCORE
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
            score=round(score, 3),
            reasons=[f"/{prefix_tier} prefix"] + reasons,
            override="prefix",
            notice=notice,
            budget_used=budget_used,
        )

    classification = classify(text, context, table)
    intended: str
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
