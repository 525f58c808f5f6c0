"""What Claude sees: the system prompt, the session summary, notes and the recent turns."""

from django.db.models import Q

from blufio.conversation.hooks import ContextNote
from blufio.models import ChatMessage, ChatSession
from costs.pricing import estimated_tokens

SYSTEM_PROMPT = (
    "You are Blufio, the owner's personal assistant on Telegram. Answer clearly and "
    "briefly; use Markdown sparingly (short lists, code blocks for code). If you are "
    "unsure, say so."
)
# Told to Claude, after the part it wrote, when the owner taps Continue under a reply cut
# at its tier's max_tokens.
CONTINUE_PROMPT = (
    "Your previous answer was cut off at the length limit. Continue exactly where it "
    "stopped, without repeating anything and without any preamble."
)
# The turns Claude sees fit this estimated size and count. When they would not, the
# oldest are dropped a block of WINDOW_STEP messages at a time, so the window's start
# (and the cached prompt after the summary) stays put for many turns.
CONTEXT_TOKEN_ALLOWANCE = 8000
RECENT_TURNS_LIMIT = 40
WINDOW_STEP = RECENT_TURNS_LIMIT // 2
# How many unsummarised messages are read at most (compaction keeps far fewer).
HISTORY_READ_LIMIT = 4 * RECENT_TURNS_LIMIT


def system_prompt(session: ChatSession, notes: list[ContextNote] = ()) -> str:
    return "\n\n".join(system_parts(session, notes))


def system_parts(session: ChatSession, notes: list[ContextNote] = ()) -> list[str]:
    """The system prompt in parts: the stable part first (the prompt and the summary, which
    changes only when older turns are compacted), then any check-in notes (rare, and gone
    once mentioned), so the stable part can be cached on its own."""
    stable = [SYSTEM_PROMPT]
    if session.summary:
        stable.append(f"Summary of the earlier conversation:\n{session.summary}")
    parts = ["\n\n".join(stable)]
    if notes:
        parts.append(
            "Check-in notes the owner has not seen yet. Mention them briefly at the end "
            "of your reply, after answering the message:\n"
            + "\n".join(f"- {note.text}" for note in notes)
        )
    return parts


def forwarded_text(text: str, *, origin: str) -> str:
    """A message the owner forwarded, as kept and shown to Claude: someone else's words."""
    author = f" from {origin}" if origin else ""
    return f"[Forwarded{author}: someone else's words, not the owner's]\n{text}"


def recent_messages(session: ChatSession, current: ChatMessage) -> list[dict]:
    """The turns Claude sees for the owner's `current` message: the newest turns before
    it, not yet summarised, that fit the allowance, then `current`.

    An earlier message of the owner's is a turn only if it was answered, and its answer
    follows it however late it came; one that got a budget notice, no answer yet, or
    was refused (a permanent error, or a reply Claude's safety checks stopped) is left
    out, with the refusal: sent again, it would only be refused again. Check-ins stay
    where they were sent. Turns of one role in a row are merged and the list starts
    with the owner, as the Messages API expects.
    """
    before = Q(id__lt=current.pk) & (
        Q(role=ChatMessage.Role.USER, answer__isnull=False, answer__refused=False)  # answered
        # a check-in (not a reply an answer Opus gave has replaced)
        | Q(role=ChatMessage.Role.ASSISTANT, answers__isnull=True, retried_by__isnull=True)
    )
    newest_first = ChatMessage.objects.filter(
        before | Q(answers__lt=current.pk, refused=False),
        session=session,
        id__gt=session.compacted_through_id,
    ).order_by("-id")
    earlier = sorted(newest_first[:HISTORY_READ_LIMIT], key=_place)
    turns: list[dict] = []
    for message in [*window(earlier, current=current), current]:
        if turns and turns[-1]["role"] == message.role:
            turns[-1]["content"] += "\n\n" + message.text
        else:
            turns.append({"role": message.role, "content": message.text})
    while turns and turns[0]["role"] != ChatMessage.Role.USER:
        turns.pop(0)
    return turns


def window(earlier: list[ChatMessage], *, current: ChatMessage) -> list[ChatMessage]:
    """The earlier turns that go with `current`: from the first block start (every
    `WINDOW_STEP` messages, at an owner's message) after which they fit the limits, so the
    start moves only when the window is full and then jumps a block ahead; when even the
    last block does not fit (a huge paste), the newest turns that fit."""
    budget = CONTEXT_TOKEN_ALLOWANCE - estimated_tokens(current.text)
    sizes = [estimated_tokens(message.text) for message in earlier]
    for start in range(0, len(earlier), WINDOW_STEP):
        while start < len(earlier) and earlier[start].role != ChatMessage.Role.USER:
            start += 1
        if len(earlier) - start <= RECENT_TURNS_LIMIT and sum(sizes[start:]) <= budget:
            return earlier[start:]
    kept = 0
    while kept < len(earlier) and sizes[-kept - 1] <= budget:
        budget -= sizes[-kept - 1]
        kept += 1
    return earlier[len(earlier) - kept :]


def _place(message: ChatMessage) -> tuple[int, int]:
    """Where a turn reads: an answer right after the message it answers."""
    if message.answers_id is not None:
        return (message.answers_id, 1)
    return (message.id, 0)


def reply_chain(reply: ChatMessage) -> list[ChatMessage]:
    """A reply and the continuations that led to it, first first: the answer written so
    far. The first one's `answers` is the owner's message."""
    chain = [reply]
    while chain[0].continues_id is not None:
        chain.insert(0, ChatMessage.objects.get(pk=chain[0].continues_id))
    return chain


def continue_messages(session: ChatSession, chain: list[ChatMessage]) -> list[dict]:
    """The turns Claude sees to go on from a reply: those of the owner's message it
    answers, what was written so far (`reply_chain`), then the request to continue."""
    return [
        *recent_messages(session, chain[0].answers),
        {"role": ChatMessage.Role.ASSISTANT, "content": "".join(m.text for m in chain)},
        {"role": ChatMessage.Role.USER, "content": CONTINUE_PROMPT},
    ]
