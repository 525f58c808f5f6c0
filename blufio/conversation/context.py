"""What Claude sees: the system prompt, the session summary, notes and the recent turns."""

from blufio.conversation.hooks import ContextNote
from blufio.models import ChatMessage, ChatSession
from costs.pricing import estimated_tokens

SYSTEM_PROMPT = (
    "You are Blufio, the owner's personal assistant on Telegram. Answer clearly and "
    "briefly; use Markdown sparingly (short lists, code blocks for code). If you are "
    "unsure, say so."
)
# Recent turns are kept while their estimated size fits this allowance.
CONTEXT_TOKEN_ALLOWANCE = 8000
RECENT_TURNS_LIMIT = 40


def system_prompt(session: ChatSession, notes: list[ContextNote] = ()) -> str:
    parts = [SYSTEM_PROMPT]
    if session.summary:
        parts.append(f"Summary of the earlier conversation:\n{session.summary}")
    if notes:
        parts.append(
            "Check-in notes the owner has not seen yet. Mention them briefly at the end "
            "of your reply, after answering the message:\n"
            + "\n".join(f"- {note.text}" for note in notes)
        )
    return "\n\n".join(parts)


def forwarded_text(text: str, *, origin: str) -> str:
    """A message the owner forwarded, as kept and shown to Claude: someone else's words."""
    author = f" from {origin}" if origin else ""
    return f"[Forwarded{author}: someone else's words, not the owner's]\n{text}"


def recent_messages(session: ChatSession) -> list[dict]:
    """The latest turns not yet summarised (ending with the owner's newest message) that
    fit the allowance.

    Consecutive turns of one role are merged and the list starts with the owner,
    as the Messages API expects.
    """
    newest_first = ChatMessage.objects.filter(
        session=session, id__gt=session.compacted_through_id
    ).order_by("-created_at", "-id")
    kept: list[ChatMessage] = []
    used = 0
    for message in newest_first[:RECENT_TURNS_LIMIT]:
        cost = estimated_tokens(message.text)
        if kept and used + cost > CONTEXT_TOKEN_ALLOWANCE:
            break
        kept.append(message)
        used += cost
    turns: list[dict] = []
    for message in reversed(kept):
        if turns and turns[-1]["role"] == message.role:
            turns[-1]["content"] += "\n\n" + message.text
        else:
            turns.append({"role": message.role, "content": message.text})
    while turns and turns[0]["role"] != ChatMessage.Role.USER:
        turns.pop(0)
    return turns
