"""Memory after each reply: pending items extracted from the owner's words, and older
turns compacted into the session summary. Both are internal Haiku calls, never routed,
paid from the conversation budget (they serve the conversation)."""

import logging
from datetime import datetime, timedelta
from itertools import takewhile
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.db.models.functions import Length
from django.utils import timezone
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
)
from pydantic_core import PydanticCustomError

from blufio.clients.anthropic import ClaudeError, StructuredOutput
from blufio.conversation.calls import call_pay
from blufio.models import ChatMessage, ChatSession, InboundUpdate
from costs.models import BudgetSettings, BudgetWindow, LedgerEntry
from costs.pricing import CHARS_PER_TOKEN, estimated_tokens
from costs.services import BudgetExhausted
from heartbeat.models import ExtractionRun, HeartbeatSettings, PendingItem
from heartbeat.rules import due_in_window, needs_extraction

logger = logging.getLogger(__name__)

EXTRACTION_MAX_TOKENS = 600
MAX_OPEN_ITEMS_SHOWN = 20
PREVIOUS_REPLY_CHARS = 600
MESSAGE_CHARS = 4000
FORWARDS_SHOWN = 3  # forwarded messages just before the owner's, shown as someone's words

NULLABLE_TEXT = {"anyOf": [{"type": "string"}, {"type": "null"}]}
# In the JSON schema subset `output_config.format` takes (every object closed, nullable
# fields as anyOf, no array bounds): valid as a tool's input schema too. The bounds are
# checked when the answer is read (`Extraction`).
EXTRACTION = StructuredOutput(
    name="record_pending_items",
    description="Record what the owner committed to or asked to be reminded of, and "
    "changes to items already pending.",
    schema={
        "type": "object",
        "properties": {
            "new_items": {
                "type": "array",
                "description": "At most 10.",
                "items": {
                    "type": "object",
                    "properties": {
                        "kind": {"type": "string", "enum": ["commitment", "reminder", "follow_up"]},
                        "text": {
                            "type": "string",
                            "description": "Short imperative, e.g. 'Call mom'.",
                        },
                        "due": {
                            **NULLABLE_TEXT,
                            "description": "Local date and time, ISO 8601 without offset "
                            "(2026-11-27T17:00), or null when no time was given.",
                        },
                    },
                    "required": ["kind", "text", "due"],
                    "additionalProperties": False,
                },
            },
            "updates": {
                "type": "array",
                "description": "At most 20.",
                "items": {
                    "type": "object",
                    "properties": {
                        "item_id": {"type": "integer"},
                        "status": {"type": "string", "enum": ["done", "snoozed", "dismissed"]},
                        "until": {
                            **NULLABLE_TEXT,
                            "description": "For snoozed: local ISO 8601 date and time; else null.",
                        },
                    },
                    "required": ["item_id", "status", "until"],
                    "additionalProperties": False,
                },
            },
        },
        "required": ["new_items", "updates"],
        "additionalProperties": False,
    },
)

EXTRACTION_SYSTEM = (
    "You keep Blufio's memory of what its owner must do. Read the owner's newest "
    "message and record what it holds once, with the record_pending_items tool when it "
    "is offered, else as the JSON answer. New items: things the owner says they will do "
    "(commitment), asks to be reminded of (reminder), or must come back to "
    "(follow_up). Not questions, opinions or things already done. Resolve times "
    "like 'Friday at 5' or 'tomorrow' against the current local time given below; "
    "use null when no time is given. Updates: when the message says a pending item "
    "is done, should wait (snoozed, with until), or is no longer wanted (dismissed). "
    "Text the owner forwarded is someone else's words, not the owner's: take an item "
    "from it only when the owner's newest message asks for one. "
    "When there is nothing, record empty lists."
)

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


def _plausible(moment: datetime, info: ValidationInfo) -> datetime:
    """A model-given time as an aware datetime (without an offset it is the owner's local
    time), refused outside `rules.DUE_WINDOW_*` around the extraction's `now`.

    Validated with `context={"zone": …, "now": …}`. A year-9999 date in a zone west of
    UTC would be stored as year 10000, which PostgreSQL keeps and nothing can read back.
    """
    zone, now = info.context["zone"], info.context["now"]
    aware = moment.replace(tzinfo=zone) if moment.tzinfo is None else moment
    if not due_in_window(aware, now=now):
        raise PydanticCustomError("implausible_time", "more than a year ago or 5 years ahead")
    return aware


DueTime = Annotated[datetime, AfterValidator(_plausible)]


class NewItem(BaseModel):
    model_config = ConfigDict(extra="ignore")
    kind: Literal["commitment", "reminder", "follow_up"]
    text: Text
    due: DueTime | None = None


class ItemUpdate(BaseModel):
    model_config = ConfigDict(extra="ignore")
    item_id: int
    status: Literal["done", "snoozed", "dismissed"]
    until: DueTime | None = None


class Extraction(BaseModel):
    model_config = ConfigDict(extra="ignore")
    new_items: list[NewItem] = Field(max_length=10)
    updates: list[ItemUpdate] = Field(default_factory=list, max_length=20)


def extraction_prompt(
    message: ChatMessage,
    open_items: list[PendingItem],
    zone: ZoneInfo,
    now: datetime,
    forwards_after: list[ChatMessage] | None = None,
) -> str:
    """What extraction reads: the owner's message, and what was forwarded around it, in
    the order the owner sent them (a comment on a forward comes first, then the forward)."""
    local = now.astimezone(zone)
    lines = [f"Current local time: {local:%A %Y-%m-%d %H:%M} ({zone.key})."]
    if open_items:
        lines.append("Pending items:")
        for item in open_items:
            due = f" (due {item.due_at.astimezone(zone):%a %Y-%m-%d %H:%M})" if item.due_at else ""
            lines.append(f"- id {item.pk}, {item.kind}: {item.text}{due}")
    previous = (
        ChatMessage.objects.filter(
            session=message.session_id, role=ChatMessage.Role.ASSISTANT, id__lt=message.pk
        )
        .order_by("-id")
        .values_list("text", flat=True)
        .first()
    )
    if previous:
        lines.append(f"Blufio's previous message: {previous[:PREVIOUS_REPLY_CHARS]}")
    earlier = (
        ChatMessage.objects.filter(
            session=message.session_id, role=ChatMessage.Role.USER, id__lt=message.pk
        )
        .order_by("-id")
        .values_list("forwarded", "text")[:FORWARDS_SHOWN]
    )
    forwards = [text for _, text in takewhile(lambda row: row[0], earlier)]
    if forwards:
        lines.append("Forwarded by the owner just before (someone else's words):")
        lines.extend(f"- {text[:MESSAGE_CHARS]}" for text in reversed(forwards))
    lines.append(f"The owner's newest message: {message.text[:MESSAGE_CHARS]}")
    if forwards_after:
        lines.append("Forwarded by the owner with it, right after (someone else's words):")
        lines.extend(f"- {forward.text[:MESSAGE_CHARS]}" for forward in forwards_after)
    return "\n".join(lines)


def memory_after_reply(*, message_id: int) -> None:
    """After a reply: read the owner's message for memory, then compact a long history
    (even when the reading failed: one bad message must not stop the chat's compaction)."""
    session_id = ChatMessage.objects.values_list("session_id", flat=True).get(pk=message_id)
    try:
        outcome = memory_extract(message_id=message_id)
        logger.info("Memory extraction for message %s: %s", message_id, outcome)
    finally:
        history_compact(session_id=session_id)


def memory_extract(*, message_id: int, now: datetime | None = None) -> str:
    """Read one owner message for pending items; returns the run's outcome.

    Runs once per message (the run row is unique). Malformed model output is logged
    and dropped; nothing here can affect the conversation. A forwarded message is
    someone else's words: it is not read on its own, only beside the owner's own words,
    in the order sent. A forward with a comment comes as the comment, then the forward:
    the comment waits (`deferred`) and is read when the forward's turn comes, comment
    first. A forward the owner comments on afterwards is shown before that comment.
    """
    message = ChatMessage.objects.get(pk=message_id)
    now = now or timezone.now()
    forwards: list[ChatMessage] = []
    if message.forwarded:
        first = ExtractionRun.Outcome.FORWARDED
    elif _forward_follows(message):
        first = ExtractionRun.Outcome.DEFERRED
    else:
        first = ExtractionRun.Outcome.SKIPPED
    run = _run_start(message, first)
    if run is None:
        logger.info("Message %s was already read for memory", message_id)
        return "already"
    if message.forwarded:
        comment = _comment_sent_before(message)
        if comment is None or not _reading_taken_over(comment):
            return run.outcome
        message, forwards = comment, [message]  # read the owner's words, then the forward
    elif run.outcome == ExtractionRun.Outcome.DEFERRED:
        return run.outcome
    open_items = list(
        PendingItem.objects.filter(
            session=message.session_id, status__in=PendingItem.PENDING
        ).order_by("-id")[:MAX_OPEN_ITEMS_SHOWN]
    )
    if not needs_extraction(message.text, has_open_items=bool(open_items)):
        return run.outcome
    settings = HeartbeatSettings.get_solo()
    zone = ZoneInfo(BudgetSettings.get_solo().timezone)
    outcome, created, updated = _extract(message, open_items, settings, zone, now, forwards)
    ExtractionRun.objects.filter(pk=run.pk).update(
        outcome=outcome, items_created=created, items_updated=updated
    )
    return outcome


def _run_start(message: ChatMessage, outcome: str) -> ExtractionRun | None:
    """The message's run, or None if it has one already (it is read once)."""
    try:
        with transaction.atomic():
            return ExtractionRun.objects.create(message=message, outcome=outcome)
    except IntegrityError:
        return None


# Forwarding with a comment, Telegram sends the comment first and the forward right
# after it: consecutive message ids, with nothing (not even a reply) in between.
def _forward_follows(message: ChatMessage) -> bool:
    """Whether the owner sent a forward right after this message (stored, maybe not yet
    answered): then the two are read together, when the forward's turn comes."""
    if message.telegram_message_id is None:
        return False
    return InboundUpdate.objects.filter(
        chat_id=message.session.chat_id,
        raw__message__message_id=message.telegram_message_id + 1,
        raw__message__forward_origin__isnull=False,
    ).exists()


def _comment_sent_before(forward: ChatMessage) -> ChatMessage | None:
    """The owner's own message sent right before a forward: its comment, if any."""
    if forward.telegram_message_id is None:
        return None
    return ChatMessage.objects.filter(
        session=forward.session_id,
        role=ChatMessage.Role.USER,
        forwarded=False,
        telegram_message_id=forward.telegram_message_id - 1,
    ).first()


def _reading_taken_over(comment: ChatMessage) -> bool:
    """Whether the forward reads its comment: the comment deferred to it, or has not been
    looked at yet (and now never will be on its own). A comment already read alone is
    not read again."""
    if _run_start(comment, ExtractionRun.Outcome.DEFERRED) is not None:
        return True
    return ExtractionRun.objects.filter(
        message=comment, outcome=ExtractionRun.Outcome.DEFERRED
    ).exists()


def _extract(message, open_items, settings, zone, now, forwards) -> tuple[str, int, int]:
    try:
        completion = call_pay(
            pool=BudgetWindow.Pool.CONVERSATION,
            model=settings.extraction_model,
            system=EXTRACTION_SYSTEM,
            messages=[
                {
                    "role": "user",
                    "content": extraction_prompt(message, open_items, zone, now, forwards),
                }
            ],
            max_tokens=EXTRACTION_MAX_TOKENS,
            ledger={
                "feature": LedgerEntry.Feature.EXTRACTION,
                "intended_model": settings.extraction_model,
                "session_id": message.session_id,
            },
            internal=True,
            structured=EXTRACTION,
        )
    except BudgetExhausted:
        logger.info("Budget reached: not reading message %s for memory", message.pk)
        return ExtractionRun.Outcome.BUDGET, 0, 0
    except ClaudeError:
        return ExtractionRun.Outcome.FAILED, 0, 0
    try:
        extraction = Extraction.model_validate(
            completion.structured(EXTRACTION), context={"zone": zone, "now": now}
        )
    except ValidationError as exc:
        # Where and what, never the values: they are the owner's words.
        problems = "; ".join(
            f"{'.'.join(map(str, error['loc'])) or 'input'}: {error['type']}"
            for error in exc.errors(include_input=False)
        )
        logger.warning(
            "Dropped malformed memory extraction for message %s: %s", message.pk, problems
        )
        return ExtractionRun.Outcome.MALFORMED, 0, 0
    updated = sum(
        item_status_set(
            item_id=change.item_id,
            session_id=message.session_id,
            status=change.status,
            until=change.until,
            now=now,
        )
        for change in extraction.updates
    )
    created = items_create(message, extraction.new_items, cap=settings.max_open_items)
    return ExtractionRun.Outcome.EXTRACTED, created, updated


def items_create(message: ChatMessage, new_items: list[NewItem], *, cap: int) -> int:
    """Store new items of the message's chat up to `cap` pending ones; returns how many.

    The chat's row is locked meanwhile, so extractions running side by side cannot
    pass the cap together.
    """
    with transaction.atomic():
        list(ChatSession.objects.select_for_update().filter(pk=message.session_id).values("pk"))
        pending = PendingItem.objects.filter(
            session=message.session_id, status__in=PendingItem.PENDING
        ).count()
        kept = new_items[: max(cap - pending, 0)]
        if len(kept) < len(new_items):
            logger.warning(
                "Session %s holds %s pending items (its cap is %s): %s new ones dropped",
                message.session_id,
                pending,
                cap,
                len(new_items) - len(kept),
            )
        return len(
            PendingItem.objects.bulk_create(
                PendingItem(
                    session_id=message.session_id,
                    kind=item.kind,
                    text=item.text,
                    due_at=item.due,
                    source_message=message,
                )
                for item in kept
            )
        )


SNOOZE_DEFAULT = timedelta(hours=1)


def item_status_set(
    *,
    item_id: int,
    session_id: int,
    status: str,
    until: datetime | None = None,
    now: datetime | None = None,
) -> bool:
    """Close or snooze a pending item of this session; False if there is no such item."""
    changes = {"status": status, "snoozed_until": None, "updated_at": now or timezone.now()}
    if status == PendingItem.Status.SNOOZED:
        changes["snoozed_until"] = until or changes["updated_at"] + SNOOZE_DEFAULT
    return bool(
        PendingItem.objects.filter(
            pk=item_id, session_id=session_id, status__in=PendingItem.PENDING
        ).update(**changes)
    )


COMPACTION_SYSTEM = (
    "You maintain the running summary of a conversation between the owner and Blufio, "
    "their assistant. Merge the earlier summary with the new turns into one summary of "
    "at most 250 words: facts about the owner, decisions, preferences, open questions "
    "and commitments. Plain sentences, no preamble."
)
COMPACTION_MAX_TOKENS = 600
COMPACTION_MESSAGE_CHARS = 2000


def history_compact(*, session_id: int) -> bool:
    """Summarise older turns once the unsummarised history passes the threshold.

    The newest turns (about `compaction_keep_tokens`, starting with an owner message)
    stay word for word; everything before them goes into the summary and leaves the
    context. Returns whether a summary was written.
    """
    settings = HeartbeatSettings.get_solo()
    session = ChatSession.objects.get(pk=session_id)
    unsummarised = ChatMessage.objects.filter(session=session, id__gt=session.compacted_through_id)
    # estimated_tokens() summed in the database: no rows are read until it is time.
    size = unsummarised.aggregate(tokens=Sum(Length("text") / CHARS_PER_TOKEN + 1))["tokens"] or 0
    if size <= settings.compaction_threshold_tokens:
        return False
    # A refused turn and its refusal stay out of the summary, as out of the context.
    answered = unsummarised.exclude(refused=True).exclude(answer__refused=True)
    turns = list(answered.order_by("id").values_list("id", "role", "text"))
    keep_from = len(turns)
    kept = 0
    while keep_from > 0 and kept + estimated_tokens(turns[keep_from - 1][2]) <= (
        settings.compaction_keep_tokens
    ):
        keep_from -= 1
        kept += estimated_tokens(turns[keep_from][2])
    while keep_from < len(turns) and turns[keep_from][1] != ChatMessage.Role.USER:
        keep_from += 1  # the kept turns start with the owner, as the API expects
    older = turns[:keep_from]
    if not older:
        return False
    speaker = {ChatMessage.Role.USER: "Owner", ChatMessage.Role.ASSISTANT: "Blufio"}
    transcript = "\n".join(
        f"{speaker[role]}: {text[:COMPACTION_MESSAGE_CHARS]}" for _, role, text in older
    )
    prompt = f"Earlier summary:\n{session.summary or '(none)'}\n\nNew turns:\n{transcript}"
    try:
        completion = call_pay(
            pool=BudgetWindow.Pool.CONVERSATION,
            model=settings.compaction_model,
            system=COMPACTION_SYSTEM,
            messages=[{"role": "user", "content": prompt}],
            max_tokens=COMPACTION_MAX_TOKENS,
            ledger={
                "feature": LedgerEntry.Feature.COMPACTION,
                "intended_model": settings.compaction_model,
                "session_id": session.pk,
            },
            internal=True,
        )
    except (BudgetExhausted, ClaudeError) as exc:
        logger.info("History of session %s not compacted: %s", session.pk, exc)
        return False
    summary = completion.text.strip()
    if not summary:
        logger.warning("Compaction of session %s returned no text; keeping the turns", session.pk)
        return False
    # Conditional: a concurrent compaction of the same turns must not apply twice.
    return bool(
        ChatSession.objects.filter(
            pk=session.pk, compacted_through_id=session.compacted_through_id
        ).update(summary=summary, compacted_through_id=older[-1][0])
    )
