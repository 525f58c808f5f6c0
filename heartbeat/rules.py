"""Pure rules of memory and heartbeats: no database, no network.

- `needs_extraction`: whether a message could hold a commitment worth a model call.
- `digest_build`: the small, bounded text a heartbeat sends to the model, and a key
  that changes only when its substance does (not every minute as time passes).
- `due_in_window`: whether a due time the model gave could be a real plan.
- `in_quiet_hours`, `is_nothing_to_say`, `repeats`: the other skip rules.
"""

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from difflib import SequenceMatcher
from typing import Protocol

from routing import lexicon

# The heartbeat model answers exactly this when nothing is worth saying.
NOTHING_TO_SAY = "NO_CHECKIN"
MAX_DIGEST_ITEMS = 8
MAX_ITEM_CHARS = 160
# Overdue by this much, an item is nudged once more (its state in the key changes).
LONG_OVERDUE = timedelta(days=1)
REPEAT_SIMILARITY = 0.8
# Due times a real plan falls in: a year back (a late "I did it last week") to five years
# ahead. Beyond them is the model's filler (9999-12-31), not the owner's plan.
DUE_WINDOW_PAST = timedelta(days=365)
DUE_WINDOW_AHEAD = timedelta(days=5 * 365)

_WEEKDAYS = (
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu(?:rs?)?|fri"
    r"|lunes|martes|miércoles|miercoles|jueves|viernes|sábado|sabado|domingo"
    r"|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
    r"|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag"
)
_MONTHS = (
    r"january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec"
)
# The owner committing to something, or asking to be reminded (English, Spanish,
# French, German).
_COMMITMENT = re.compile(
    r"""\b(
        i'?ll | i\s+will | i\s+shall | i'?m\s+going\s+to | i\s+am\s+going\s+to | gonna
      | (?:i\s+)?(?:need|needs|have|has|ought|plan|promised?|mean)\s+to | i\s+(?:must|should)
      | must | (?:i'?ve\s+)?got\s+to | gotta | let\s+me\s+(?:get\s+back|check|look)
      | get\s+back\s+to | remind(?:er)?\s+(?:me|us)\b(?!\s+(?:of|what|how|why|who|which)\b)
      | set\s+(?:a\s+|an\s+)?(?:reminder|alarm) | don'?t\s+(?:let\s+me\s+)?forget
      | remember\s+to | make\s+sure | note\s+to\s+self | to-?do | follow[-\s]?up | deadline
      | appointment | promised? | committed\s+to
      | recu[ée]rd[ae]me | recordarme | tengo\s+que | debo | no\s+(?:me\s+)?olvides? | cita
      | rappelle[-\s]moi | je\s+dois | il\s+faut\s+que | n'?oublie\s+pas | rdv | rendez-vous
      | je\s+vais
      | erinnere?\s+mich | ich\s+muss | nicht\s+vergessen | termin | ich\s+werde
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# Words that close, move or postpone something already pending.
_RESOLUTION = re.compile(
    r"""(?:\b(
        done | did\s+it | finished | completed | sorted | handled | taken\s+care | fixed
      | called | texted | emailed | sent | paid | booked | submitted | reviewed | renewed
      | returned | picked\s+up | dropped\s+off | cancel(?:led)? | never\s*mind
      | forget\s+(?:it|about) | no\s+longer | snooze | postpone | later | not\s+yet
      | pushed | moved | rescheduled
      | hecho | listo | ya\s+\w+[ée] | fait | erledigt | gemacht
    )\b|[✅✔])""",
    re.IGNORECASE | re.VERBOSE,
)
# A time or date: in a statement ("dentist thu 3pm") it is likely an item.
_WHEN = re.compile(
    rf"""\b(
        tomorrow | tmrw? | 2moro | tonight | today | this\s+(?:morning|afternoon|evening|week
                                                             |weekend)
      | (?:next|on|by|this|before|until)\s+(?:week|month|{_WEEKDAYS})
      | (?:{_WEEKDAYS})\s+\d | end\s+of\s+(?:the\s+)?(?:day|week|month) | eod | eow | due
      | \d{{1,2}}(?::\d{{2}})?\s*(?:am|pm) | \d{{1,2}}:\d{{2}} | \d{{1,2}}h\d{{0,2}}
      | (?:at|before|after|until|by)\s+\d{{1,2}}
      | in\s+(?:an?|\d+)\s+(?:minutes?|hours?|days?|weeks?)
      | (?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?
      | \d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})
      | the\s+\d{{1,2}}(?:st|nd|rd|th) | (?:in|by|before|until)\s+(?:{_MONTHS})
      | mañana | manana | hoy | esta\s+noche | demain | aujourd'?hui | ce\s+soir
      | morgen | heute | übermorgen
      | (?:el|le|am)\s+(?:{_WEEKDAYS}) | (?:{_WEEKDAYS})
    )\b""",
    re.IGNORECASE | re.VERBOSE,
)
# A question asking for information, answered now: its times are not plans.
_INFO_QUESTION = re.compile(
    r"^\W*(?:what|what's|whats|how|why|who|whom|which|where|when|is|are|do|does|did|was"
    r"|were|explain|tell\s+me|qu[ée]|c[óo]mo|por\s+qu[ée]|quel(?:le)?s?|comment|pourquoi"
    r"|was|wie|warum|welche[rs]?)\b",
    re.IGNORECASE,
)
# Quoted text (not an apostrophe inside a word: "kid's", "j'ai").
_QUOTED = re.compile(r"""(?<!\w)'[^']*'(?!\w)|"[^"]*"|“[^”]*”|«[^»]*»""")
_SENTENCES = re.compile(r"(?<=[.?!])\s+|(?<=[。！？])|\n+")
_QUESTION_MARKS = ("?", "？", "؟")
_LATIN_END = "\u024f"  # the last letter of Latin Extended-B
_QUESTION_OPENING = 2  # a question word this close to the start opens a question
# A date in digits: 3/20, 15.03, 3月15日, 30 तारीख, 10일.
_DATE = re.compile(r"\b\d{1,2}[/.]\d{1,2}\b|\d{1,2}\s*(?:月|日|号|號|일|तारीख)")
_CLOCK = re.compile(r"\b\d{1,2}[:h]\d{2}\b|\d{1,2}\s*(?:am|pm|點|点|時|시)", re.IGNORECASE)


def needs_extraction(text: str, *, has_open_items: bool) -> bool:
    """Whether a model call could find something to remember in the owner's message.

    Read: a commitment or reminder request ("I'll send it", "remind me…", "tengo
    que…", "תזכיר לי…"), or a statement with a time or date ("dentist thu 3pm").
    Skipped: greetings, acknowledgements, and questions that ask for information
    ("what should I cook tonight?"); quoted text is material to work on, not a plan.
    A message that closes or moves something ("done", "pushed to friday") is read
    only when something is open. Two sets of rules vote to read: detailed patterns
    for English, Spanish, French and German, and the router's cue lexicon
    (`routing.lexicon`: commitments, reminders, times, closings and question words
    in every language it knows). A message in another script that neither can read
    is read by the model: missing a commitment costs more than a spare Haiku call.
    """
    unquoted = _QUOTED.sub(" ", text)
    sentences = [part.strip() for part in _SENTENCES.split(unquoted) if part.strip()]
    if any(_pattern_reads(sentence) for sentence in sentences):
        return True
    found = [lexicon.find(sentence) for sentence in sentences]
    if any(_cues_read(sentence, cues) for sentence, cues in zip(sentences, found, strict=True)):
        return True
    if has_open_items and (_RESOLUTION.search(unquoted) or any(c.get("done") for c in found)):
        return True
    return _unreadable(unquoted, found)


def _pattern_reads(sentence: str) -> bool:
    asks = bool(_INFO_QUESTION.search(sentence)) or sentence.endswith("?")
    if _COMMITMENT.search(sentence) and not _INFO_QUESTION.search(sentence):
        return True
    return bool(_WHEN.search(sentence)) and not asks


def _cues_read(sentence: str, cues: dict) -> bool:
    """A reminder, a commitment or a time, in a sentence that is not a question."""
    asks = any(mark in sentence for mark in _QUESTION_MARKS) or any(
        start <= _QUESTION_OPENING for _, start in cues.get("question", ())
    )
    timed = cues.get("when") or _CLOCK.search(sentence) or _DATE.search(sentence)
    return bool(cues.get("remind") or cues.get("commit") or timed) and not asks


def _unreadable(text: str, found: list[dict]) -> bool:
    """No cue of any family, in a script beyond Latin (Cyrillic, Hebrew, Arabic, CJK, …):
    a language or wording the rules cannot read. Latin-script text without a cue is
    small talk the patterns and cues do read."""
    return not any(found) and any(char.isalpha() and char > _LATIN_END for char in text)


def due_in_window(moment: datetime, *, now: datetime) -> bool:
    """Whether an aware due time lies between DUE_WINDOW_PAST before `now` and
    DUE_WINDOW_AHEAD after it (compared without converting, so year 9999 cannot overflow)."""
    return now - DUE_WINDOW_PAST <= moment <= now + DUE_WINDOW_AHEAD


class Item(Protocol):
    id: int
    kind: str
    text: str
    due_at: datetime | None
    snoozed_until: datetime | None


@dataclass(frozen=True)
class Digest:
    text: str
    key: str
    due_ids: tuple[int, ...]
    open_ids: tuple[int, ...]

    @property
    def item_ids(self) -> tuple[int, ...]:
        return self.due_ids + self.open_ids

    @property
    def has_due(self) -> bool:
        return bool(self.due_ids)


def idle_bucket(since_last: timedelta | None) -> str:
    """Time since the last exchange, coarse enough not to change every pass."""
    if since_last is None:
        return "never"
    days = since_last.days
    if days < 1:
        return "today"
    return f"{days} day" if days == 1 else f"{min(days, 7)}{'+' if days >= 7 else ''} days"


def _ago(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} days"


def _when(moment: datetime, zone) -> str:
    return moment.astimezone(zone).strftime("%a %d %b %H:%M")


def due_state(item: Item, now: datetime, lookahead: timedelta) -> str | None:
    """`due`, `overdue` (by over a day), `open` (no due time) or None (not yet due)."""
    if item.snoozed_until is not None:
        return "due" if item.snoozed_until <= now else None
    if item.due_at is None:
        return "open"
    if item.due_at > now + lookahead:
        return None
    return "overdue" if now - item.due_at >= LONG_OVERDUE else "due"


def digest_build(
    items: Sequence[Item],
    *,
    now: datetime,
    zone,
    last_exchange: datetime | None,
    lookahead: timedelta,
) -> Digest:
    """The heartbeat's view of a session: due and open items, and time since the last talk.

    Bounded: at most MAX_DIGEST_ITEMS items (due ones first), each cut to
    MAX_ITEM_CHARS. The key hashes item ids, their states and the idle bucket, so it
    stays equal from pass to pass until something real changes.
    """
    states = [(item, due_state(item, now, lookahead)) for item in items]
    due = sorted(
        [(i, s) for i, s in states if s in ("due", "overdue")],
        key=lambda pair: pair[0].snoozed_until or pair[0].due_at,
    )
    open_ = [(i, s) for i, s in states if s == "open"]
    shown = (due + open_)[:MAX_DIGEST_ITEMS]
    idle = idle_bucket(now - last_exchange if last_exchange else None)
    lines = [f"Now: {_when(now, zone)} ({zone.key})."]
    if last_exchange:
        lines.append(f"Last message from the owner: {_ago(now - last_exchange)} ago.")
    due_shown = [(i, s) for i, s in shown if s != "open"]
    if due_shown:
        lines.append("Due now or overdue:")
        for item, _ in due_shown:
            moment = item.snoozed_until or item.due_at
            relation = f"in {_ago(moment - now)}" if moment > now else f"{_ago(now - moment)} ago"
            lines.append(
                f"- #{item.id} {item.kind}: {_clip(item.text)} (due {_when(moment, zone)}, "
                f"{relation}{', snoozed before' if item.snoozed_until else ''})"
            )
    open_shown = [i for i, s in shown if s == "open"]
    if open_shown:
        lines.append("Open, no due time:")
        lines.extend(f"- #{item.id} {item.kind}: {_clip(item.text)}" for item in open_shown)
    key_parts = [f"idle={idle}"] + [
        f"{item.id}:{state}:{item.snoozed_until.isoformat() if item.snoozed_until else ''}"
        for item, state in shown
    ]
    return Digest(
        text="\n".join(lines),
        key=hashlib.sha256("|".join(key_parts).encode()).hexdigest(),
        due_ids=tuple(item.id for item, _ in due_shown),
        open_ids=tuple(item.id for item in open_shown),
    )


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_ITEM_CHARS else text[: MAX_ITEM_CHARS - 1] + "…"


def in_quiet_hours(local: time, *, start: time, end: time) -> bool:
    """Whether a local time falls in the quiet window [start, end), which may span midnight."""
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def is_nothing_to_say(answer: str) -> bool:
    """The model's sentinel, allowing for stray punctuation or an empty answer."""
    cleaned = answer.strip().strip(".!`*\"' ").upper()
    return not cleaned or cleaned.startswith(NOTHING_TO_SAY)


def _normalised(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def repeats(text: str, previous: Iterable[str]) -> bool:
    """Whether a check-in says in substance what an earlier one already said."""
    new = _normalised(text)
    return any(
        SequenceMatcher(None, new, _normalised(old)).ratio() >= REPEAT_SIMILARITY
        for old in previous
    )
