"""The owner's verdict on routing decisions: what counts as one, and recording it.

Each signal is one `RoutingFeedback` row on the ledger row of the reply it judges:

- a 👍 or 👎 reaction on a reply, on any of its messages if it was split over several.
  The latest of the two stands: switching from one to the other replaces it. Taking a
  reaction away, or any other emoji, is no verdict and is ignored (logged);
- a tap on "Ask Opus" under a reply (`reply.ask_opus_press`);
- a /haiku, /sonnet or /opus prefix on the owner's next message, sent within
  `FOLLOW_UP_WINDOW` of an auto-routed reply;
- a re-asked question: the owner's next message, within the same window, says nearly
  what the message that reply answered said (`REASK_SIMILARITY` of the characters
  match, case and spacing aside). A prefixed re-ask is recorded once, as a prefix.

"Auto-routed" means the router chose the tier: a reply to a prefix, to `force_model`
or to "Ask Opus" was the owner's own choice, so what follows it judges no decision.
Nothing here logs a message's text.
"""

import difflib
import logging
from datetime import timedelta

import telegram
from django.db import IntegrityError, transaction
from django.db.models import Q

from blufio.models import ChatMessage, ChatSession, ReplyPart, RoutingFeedback
from costs.models import LedgerEntry

logger = logging.getLogger(__name__)

# The ledger reason of an answer the owner asked Opus for (DESIGN.md's reason codes).
RETRY_UP_REASON = "retry_up"
CONTINUE_REASON = "continue"  # a reply's continuation, on its Continue button
FOLLOW_UP_WINDOW = timedelta(minutes=10)
REASK_SIMILARITY = 0.8
THUMBS = {
    telegram.constants.ReactionEmoji.THUMBS_UP: RoutingFeedback.Signal.THUMBS_UP,
    telegram.constants.ReactionEmoji.THUMBS_DOWN: RoutingFeedback.Signal.THUMBS_DOWN,
}


def reply_head(reply: ChatMessage) -> ChatMessage:
    """The reply whose routing a reply stands for: itself, or for a continuation (the owner
    tapped Continue) the reply it goes on from."""
    while reply.continues_id is not None:
        reply = ChatMessage.objects.select_related("answers").get(pk=reply.continues_id)
    return reply


def judged_message(reply: ChatMessage) -> ChatMessage | None:
    """The owner's message a reply answered (an answer Opus gave since took its place)."""
    if reply.answers_id is not None:
        return reply.answers
    retry = ChatMessage.objects.filter(retry_of=reply).select_related("answers").first()
    return retry.answers if retry is not None else None


def feedback_record(*, reply: ChatMessage, signal: str, asked_tier: str = "") -> bool:
    """Record one signal on the decision behind `reply`, once; whether it is new."""
    reply = reply_head(reply)
    message = judged_message(reply)
    if reply.ledger_entry_id is None or message is None:
        return False
    try:
        with transaction.atomic():
            RoutingFeedback.objects.create(
                ledger_entry_id=reply.ledger_entry_id,
                message=message,
                signal=signal,
                asked_tier=asked_tier,
            )
    except IntegrityError:  # recorded before: a retried update, a second tap
        return False
    return True


def reaction_record(reaction: telegram.MessageReactionUpdated) -> str:
    """Record the owner's 👍 or 👎 on a reply; returns what became of the update."""
    emojis = [r.emoji for r in reaction.new_reaction if isinstance(r, telegram.ReactionTypeEmoji)]
    if not reaction.new_reaction:
        logger.info("Ignoring a removed reaction on message %s", reaction.message_id)
        return "reaction_removed"
    signals = [THUMBS[e] for e in emojis if e in THUMBS]
    if not signals:
        logger.info("Ignoring a reaction that is not 👍 or 👎 on message %s", reaction.message_id)
        return "reaction_other"
    parts = ReplyPart.objects.filter(telegram_message_id=reaction.message_id)
    reply = (
        ChatMessage.objects.filter(
            Q(telegram_message_id=reaction.message_id) | Q(pk__in=parts.values("reply_id")),
            session__chat_id=reaction.chat.id,
            role=ChatMessage.Role.ASSISTANT,
            ledger_entry__isnull=False,
        )
        .select_related("answers")
        .first()
    )
    if reply is None:
        logger.info(
            "Ignoring a reaction on message %s of chat %s: not a reply of ours",
            reaction.message_id,
            reaction.chat.id,
        )
        return "reaction_unknown"
    signal = signals[-1]
    with transaction.atomic():
        RoutingFeedback.objects.filter(
            ledger_entry_id=reply_head(reply).ledger_entry_id, signal__in=THUMBS.values()
        ).exclude(signal=signal).delete()
        feedback_record(reply=reply, signal=signal)
    return "reaction"


def _words(text: str) -> str:
    return " ".join(text.casefold().split())


def reasked(text: str, earlier: str) -> bool:
    """Whether `text` asks again what `earlier` asked (the rule in the module docstring)."""
    ratio = difflib.SequenceMatcher(None, _words(text), _words(earlier), autojunk=False).ratio()
    return ratio >= REASK_SIMILARITY


def next_message_judge(
    session: ChatSession, user_message: ChatMessage, *, prefix_tier: str | None
) -> str | None:
    """Record what the owner's new message says of the auto-routed reply right before it:
    a /prefix (`prefix_tier`, the tier it asks for) or a re-ask. Returns the signal."""
    previous = (
        ChatMessage.objects.filter(session=session, id__lt=user_message.pk)
        .select_related("ledger_entry", "answers")
        .order_by("-id")
        .first()
    )
    if previous is None or previous.created_at < user_message.created_at - FOLLOW_UP_WINDOW:
        return None
    head = reply_head(previous)
    entry = head.ledger_entry
    if (
        entry is None
        or head.answers is None
        or entry.feature != LedgerEntry.Feature.MESSAGE
        or entry.override
        or entry.reason == RETRY_UP_REASON
    ):
        return None
    if prefix_tier is not None:
        signal, asked = RoutingFeedback.Signal.PREFIX, prefix_tier
    elif reasked(user_message.text, head.answers.text):
        signal, asked = RoutingFeedback.Signal.REASK, ""
    else:
        return None
    feedback_record(reply=head, signal=signal, asked_tier=asked)
    return signal
