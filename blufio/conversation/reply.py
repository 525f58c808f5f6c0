"""One stored Telegram update answered: a button press, a bot command, or a message that
is routed, paid for (at most one charged answer, with the fallback chain) and delivered."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import telegram
from django.conf import settings
from django.utils import timezone

from blufio.clients import anthropic as claude_client
from blufio.clients import telegram as telegram_client
from blufio.conversation import buttons, texts
from blufio.conversation.caching import ReplyPrompt, reply_prompt, reply_stay
from blufio.conversation.calls import call_pay, decision_ledger
from blufio.conversation.commands import command_answer
from blufio.conversation.context import (
    continue_messages,
    forwarded_text,
    recent_messages,
    reply_chain,
    system_prompt,
)
from blufio.conversation.drafts import Drafts
from blufio.conversation.hooks import (
    ContextNote,
    button_dispatch,
    context_notes_collect,
    reply_announce,
)
from blufio.conversation.local import local_allowed_when_spent, local_answer
from blufio.conversation.media import (
    Attachment,
    AttachmentRefused,
    attachment_again,
    attachment_receive,
)
from blufio.conversation.reach import chat_reachable_mark
from blufio.conversation.verdict import (
    CONTINUE_REASON,
    RETRY_UP_REASON,
    feedback_record,
    next_message_judge,
    reaction_record,
)
from blufio.models import STOP_REASON_LENGTH, ChatMessage, ChatSession, ReplyPart, RoutingFeedback
from costs.models import BudgetSettings, BudgetWindow, LedgerEntry
from costs.selectors import budget_status
from costs.services import BudgetExhausted, budget_alert_claim
from routing.core import Decision
from routing.effort import prefix_effort
from routing.models import RoutingSettings
from routing.services import route_message
from routing.tiers import CACHE_WARM

logger = logging.getLogger(__name__)

ROUTING_CONTEXT_TURNS = 3


class ClaudeUnavailable(Exception):
    """Every model in the fallback chain failed."""


class ClaudeRefused(Exception):
    """Claude refused the request for good (bad request, key, model or size)."""

    def __init__(self, error: claude_client.ClaudeError) -> None:
        super().__init__(str(error))
        self.error = error


def update_answer(update: telegram.Update) -> str:
    """Answer one update; returns what happened, for the update's record."""
    chat_reachable_mark(chat_id=update.effective_chat.id)  # the owner is writing here
    if update.callback_query is not None:
        return press_answer(update.callback_query)
    if update.message_reaction is not None:
        return reaction_record(update.message_reaction)
    return message_answer(update.message)


def press_answer(query: telegram.CallbackQuery) -> str:
    """The owner pressed a button under one of our messages: a reply's own buttons are
    acted on here; any other button, the app that owns it acts."""
    press = buttons.button_read(query.data or "")
    if press is not None:
        return reply_press(query, press)
    answer = button_dispatch(
        chat_id=query.message.chat.id, message_id=query.message.message_id, data=query.data or ""
    )
    telegram_client.answer_button(query.id, answer or texts.EXPIRED_BUTTON_TEXT)
    return "button" if answer else "button_unknown"


def message_answer(message: telegram.Message) -> str:
    """Answer one message from the owner: text, or a photo, image or PDF with its caption;
    commands, and what Claude cannot read, without a model call."""
    chat_id = message.chat.id
    private = message.chat.type == message.chat.PRIVATE
    attachment = None
    if message.text:
        answer = command_answer(message.text, private=private)
        if answer is not None:
            telegram_client.send_text(chat_id, answer)
            return "command"
    else:
        try:
            attachment = attachment_receive(message)
        except AttachmentRefused as refused:
            telegram_client.send_text(chat_id, refused.reply)
            return refused.result
        if attachment is None:
            telegram_client.send_text(chat_id, texts.NON_TEXT_REPLY)
            return "non_text"
    session, _ = ChatSession.objects.get_or_create(
        chat_id=chat_id, defaults={"user_id": message.from_user.id, "private": private}
    )
    caption = message.caption if isinstance(message.caption, str) else ""
    return message_reply(
        session,
        message.text or caption,
        telegram_message_id=message.message_id,
        forwarded_from=forward_author(message),
        attachment=attachment,
    )


def forward_author(message: telegram.Message) -> str | None:
    """Who wrote a message the owner forwarded ("" if Telegram does not say), or None
    when it is the owner's own."""
    match message.forward_origin:
        case None:
            return None
        case telegram.MessageOriginUser(sender_user=user):
            return user.full_name
        case telegram.MessageOriginHiddenUser(sender_user_name=name):
            return name
        case (
            telegram.MessageOriginChat(sender_chat=chat) | telegram.MessageOriginChannel(chat=chat)
        ):
            return chat.effective_name or ""
    return ""


def message_reply(
    session: ChatSession,
    text: str,
    *,
    telegram_message_id: int | None = None,
    forwarded_from: str | None = None,
    attachment: Attachment | None = None,
) -> str:
    """Route the owner's message, pay for one Claude call within budget, and answer.

    A forwarded message (`forwarded_from` not None) is kept marked as someone else's words.
    With an `attachment`, `text` is its caption; the message is kept under the file's
    label, with the file's id and not the file.
    """
    routing = RoutingSettings.get_solo()
    decision = reply_route(
        session, text, routing=routing, attachment=attachment, update_message_id=telegram_message_id
    )
    if decision.override == "prefix" and not decision.text and attachment is None:
        telegram_client.send_text(session.chat_id, texts.bare_prefix_text(decision.tier))
        return "bare_prefix"
    user_message, earlier = user_message_store(
        session,
        decision.text,
        telegram_message_id,
        forwarded_from=forwarded_from,
        attachment=attachment,
    )
    prefix_tier = decision.tier if decision.override == "prefix" else None
    next_message_judge(session, user_message, prefix_tier=prefix_tier)
    if earlier is not None:  # paid for on an earlier attempt
        return earlier_answer_resend(session, user_message, earlier)
    if not settings.ANTHROPIC_API_KEY:
        logger.error("Cannot answer chat %s: ANTHROPIC_API_KEY is not set", session.chat_id)
        telegram_client.send_text(session.chat_id, texts.NOT_CONFIGURED_REPLY)
        return "not_configured"
    notes = context_notes_collect(session)
    stay = reply_stay(session, decision, decision.text, routing=routing)
    decision = stay or decision
    try:
        paid = answer_pay(
            session,
            user_message,
            decision,
            routing=routing,
            notes=notes,
            effort=prefix_effort(text),
            attachment=attachment,
            cache_warm=bool(stay),
        )
    except BudgetExhausted as exc:
        logger.info("Budget reached; not calling Claude for chat %s", session.chat_id)
        if attachment is not None and exc.status.spent_usd < exc.status.cap_usd:
            over = texts.attachment_over_budget_text(kind=attachment.kind)
            telegram_client.send_text(session.chat_id, over)
            return "budget"
        # The local model reads text only: a file waits for Claude.
        paid = (
            attachment is None
            and local_allowed_when_spent()
            and answer_locally(
                session, user_message, decision, routing=routing, notes=notes, because="budget"
            )
        )
        if not paid:
            cap = exc.status.cap_usd if session.private else None
            spent = texts.budget_spent_text(
                cap=cap, resets_at=exc.status.resets_at, now=timezone.now()
            )
            telegram_client.send_text(session.chat_id, spent)
            return "budget"
    except ClaudeUnavailable:
        paid = attachment is None and answer_locally(
            session, user_message, decision, routing=routing, notes=notes, because="claude"
        )
        if not paid:
            raise
    except ClaudeRefused as exc:  # answered at once: a retry would be refused again
        refused = texts.claude_refused_text(status=exc.error.status, detail=exc.error.detail)
        telegram_client.send_text(session.chat_id, refused)
        return "claude_refused"
    reply_deliver(session, paid.answer, shown=paid.shown)
    reply_announce(session, user_message, paid.answer, notes=notes)
    if session.private:  # a group never reads spend; the next private reply carries it
        budget_alert_send(session.chat_id, routing=routing)
    return "replied"


def routing_context(session: ChatSession, *, before: ChatMessage | None = None) -> list[dict]:
    """The last few turns, oldest first, as the router reads them (or read them for the
    owner's message `before`)."""
    latest = ChatMessage.objects.filter(session=session).order_by("-created_at", "-id")
    if before is not None:
        latest = latest.filter(id__lt=before.pk)
    return [{"role": m.role, "content": m.text} for m in reversed(latest[:ROUTING_CONTEXT_TURNS])]


def reply_route(
    session: ChatSession,
    text: str,
    *,
    routing: RoutingSettings,
    attachment: Attachment | None = None,
    update_message_id: int | None = None,
) -> Decision:
    """The router's decision for the message, with the last turns, today's budget and
    what is attached (its kind and size).

    A retried update reads the turns before its own stored copy, so it is routed as on
    its first attempt (its copy is no thread to follow).
    """
    stored = None
    if update_message_id is not None:
        stored = ChatMessage.objects.filter(
            session=session, role=ChatMessage.Role.USER, telegram_message_id=update_message_id
        ).first()
    return route_message(
        message=text,
        context=routing_context(session, before=stored),
        budget_used=budget_status().used_fraction,
        settings=routing,
        attachment=attachment.facts(caption=text) if attachment else None,
    )


def user_message_store(
    session: ChatSession,
    text: str,
    telegram_message_id: int | None,
    *,
    forwarded_from: str | None = None,
    attachment: Attachment | None = None,
) -> tuple[ChatMessage, ChatMessage | None]:
    """Store the owner's message once (a retried update finds it), and any answer kept for it."""
    forwarded = forwarded_from is not None
    if attachment is not None:
        text = f"{attachment.label}\n{text}" if text else attachment.label
    user_message, first_time = ChatMessage.objects.get_or_create(
        session=session,
        role=ChatMessage.Role.USER,
        telegram_message_id=telegram_message_id,
        defaults={
            "text": forwarded_text(text, origin=forwarded_from) if forwarded else text,
            "forwarded": forwarded,
            "attachment_kind": attachment.kind if attachment else "",
            "attachment_file_id": attachment.file_id if attachment else "",
        },
    )
    ChatSession.objects.filter(pk=session.pk).update(last_message_at=timezone.now())
    earlier = None if first_time else ChatMessage.objects.filter(answers=user_message).first()
    return user_message, earlier


def earlier_answer_resend(
    session: ChatSession, user_message: ChatMessage, earlier: ChatMessage
) -> str:
    """Send an answer paid for on an earlier attempt, unless it reached Telegram already."""
    if earlier.telegram_message_id is None:
        reply_deliver(session, earlier, shown=earlier.text)
        reply_announce(session, user_message, earlier, notes=[])
    return "replied"


@dataclass(frozen=True)
class PaidAnswer:
    answer: ChatMessage  # kept as it was settled
    tier: str  # the tier that answered ("" for the local model)
    notice: str | None  # the line shown above it (budget downgrade, fallback)

    @property
    def shown(self) -> str:
        """The answer as the owner sees it: under its notice, if any."""
        return f"{self.notice}\n\n{self.answer.text}" if self.notice else self.answer.text


def tier_notice(tier: str, *, intended: str, routing_notice: str | None) -> str | None:
    """The line above an answer written by `tier`: the fallback notice when it is not the
    intended tier, else the routing notice (a budget downgrade), if any."""
    if tier != intended:
        return texts.fallback_notice(answered_by=tier, intended=intended)
    return routing_notice


def answer_pay(
    session: ChatSession,
    user_message: ChatMessage,
    decision: Decision,
    *,
    routing: RoutingSettings,
    notes: list[ContextNote],
    effort: str | None = None,
    attachment: Attachment | None = None,
    cache_warm: bool = False,
) -> PaidAnswer:
    """Pay for one answer: the decided tier, then its fallback chain while Claude is down.
    `cache_warm` says the decided tier is a stay on the chat's warm cache.

    Each tier answers with the `effort` a /prefix asked for, else its own setting. The
    routing notice tells how much budget is used, so a group never reads it. An
    attachment goes before the text of the owner's turn, and its tokens into the hold.
    """
    messages = attached(recent_messages(session, user_message), attachment)
    return tiers_pay(
        session,
        tiers=[decision.tier, *routing.fallbacks_for(decision.tier)],
        prompt=partial(reply_prompt, session, notes, messages, ttl=routing.cache_ttl),
        routing=routing,
        ledger=partial(
            message_ledger,
            session,
            decision,
            routing=routing,
            attachment=attachment,
            cache_warm=cache_warm,
        ),
        keep=partial(answer_keep, session, answers=user_message),
        notice=partial(
            tier_notice,
            intended=decision.tier,
            routing_notice=decision.notice if session.private else None,
        ),
        effort=effort,
        media_tokens=attachment.tokens if attachment else 0,
    )


def attached(messages: list[dict], attachment: Attachment | None) -> list[dict]:
    """The turns Claude sees, the attachment (if any) before the text of the owner's last."""
    if attachment is not None:
        turn = {"type": "text", "text": messages[-1]["content"]}
        messages[-1] = {"role": "user", "content": [attachment.block(), turn]}
    return messages


def tiers_pay(
    session: ChatSession,
    *,
    tiers: list[str],
    prompt: Callable[..., ReplyPrompt],
    routing: RoutingSettings,
    ledger: Callable[..., dict],
    keep: Callable[..., ChatMessage],
    notice: Callable[[str], str | None],
    effort: str | None = None,
    media_tokens: int = 0,
) -> PaidAnswer:
    """Pay for one answer from the first of `tiers` that Claude can serve.

    `prompt(tier=…)` gives the request's prompt on a tier (`reply_prompt`): its cache
    markers depend on what that tier's cache holds, so a fallback tier, cold for this
    chat, is not asked to write an hour's entry. `ledger(tier=…)` gives the ledger
    fields of a call, `keep(paid, entry, tier=…)` stores its answer with the ledger row
    that paid for it, `notice(tier)` the line shown above it, from the first draft on;
    each tier answers with `effort`, else its own setting, and holds `media_tokens` more
    for an attachment. The answer is streamed and shown as drafts while it is written;
    only the kept answer is sent as a message, so a stream cut part way (the next tier
    then answers) never reaches the owner as if it were whole. Each attempt holds and
    settles its own budget. Raises BudgetExhausted (the first tier's hold did not fit),
    ClaudeRefused (a tier failed for good) or ClaudeUnavailable (every tier failed, or
    failed and a later one's hold did not fit: Claude is what was missing, so the
    message is retried, not told the budget is spent).
    """
    kept: list[ChatMessage] = []
    drafts = Drafts(session)
    telegram_client.send_typing(session.chat_id)
    for tier in tiers:
        request = prompt(tier=tier)
        try:
            call_pay(
                pool=BudgetWindow.Pool.CONVERSATION,
                model=routing.model_for(tier),
                system=request.system,
                messages=request.messages,
                max_tokens=routing.max_tokens_for(tier),
                cache_control=request.cache_control,
                diagnostics=request.diagnostics,
                ledger=ledger(tier=tier),
                effort=effort or routing.effort_for(tier),
                keep=lambda paid, entry, tier=tier: kept.append(keep(paid, entry, tier=tier)),
                media_tokens=media_tokens,
                on_text=partial(drafts.show, notice(tier)),
            )
        except claude_client.ClaudeError as exc:
            if exc.permanent:
                raise ClaudeRefused(exc) from exc
            continue
        except BudgetExhausted:
            if tier == tiers[0]:
                raise
            logger.info("No room in the budget for the %s fallback; skipping it", tier)
            continue
        return PaidAnswer(answer=kept[0], tier=tier, notice=notice(tier))
    raise ClaudeUnavailable()


def answer_locally(
    session: ChatSession,
    user_message: ChatMessage,
    decision: Decision,
    *,
    routing: RoutingSettings,
    notes: list[ContextNote],
    because: str,
) -> PaidAnswer | None:
    """The local model's answer when Claude could not give one (`because`: "claude" down
    or the "budget" spent), or None when there is no local model or it failed too."""
    kept = local_answer(
        session,
        user_message,
        decision,
        system=system_prompt(session, notes),
        messages=recent_messages(session, user_message),
        routing=routing,
    )
    if kept is None:
        return None
    notice = texts.local_notice(model=kept.model, because=because)
    return PaidAnswer(answer=kept, tier="", notice=notice)


def message_ledger(
    session: ChatSession,
    decision: Decision,
    *,
    routing: RoutingSettings,
    tier: str,
    attachment: Attachment | None = None,
    cache_warm: bool = False,
) -> dict:
    """The ledger fields of a reply's call at `tier` (besides usage and cost)."""
    fallback = tier != decision.tier
    reason = "fallback" if fallback else decision.downgrade_reason or ""
    if cache_warm and not fallback:
        reason = CACHE_WARM
    return {
        **decision_ledger(session, decision, routing=routing),
        "tier": tier,
        "reason": reason,
        "attachment_kind": attachment.kind if attachment else "",
    }


def answer_keep(
    session: ChatSession,
    paid: claude_client.Completion,
    entry: LedgerEntry | None,
    *,
    tier: str,
    answers: ChatMessage | None = None,
    continues: ChatMessage | None = None,
    retry_of: ChatMessage | None = None,
) -> ChatMessage:
    """Store a paid answer (in the settlement's transaction), linked to the message it
    answers or the reply it continues, and to the ledger row that paid for it.

    A reply Claude's safety checks stopped is kept as saying so, without the part that
    came before the stop. The space where a cut reply and its continuation meet is kept,
    so the parts join as written. An answer Opus gave on "Ask Opus" (`retry_of`, the
    reply it follows) becomes the message's answer in that reply's place."""
    refused = paid.stop_reason == "refusal"
    if refused:
        text = texts.refusal_text(paid.refusal_explanation)
    else:
        text = paid.text if continues else paid.text.lstrip()
        text = text if paid.stop_reason == "max_tokens" else text.rstrip()
        text = text if text.strip() else texts.EMPTY_ANSWER_REPLY
    if retry_of is not None:  # the message has one answer: Opus's now
        ChatMessage.objects.filter(pk=retry_of.pk).update(answers=None)
    return ChatMessage.objects.create(
        session=session,
        role=ChatMessage.Role.ASSISTANT,
        text=text,
        refused=refused,
        input_tokens=paid.usage.prompt_tokens,
        output_tokens=paid.usage.output_tokens,
        model=paid.model,
        tier=tier,
        stop_reason=(paid.stop_reason or "")[:STOP_REASON_LENGTH],
        answers=answers,
        continues=continues,
        ledger_entry=entry,
        retry_of=retry_of,
    )


def reply_deliver(
    session: ChatSession, reply: ChatMessage, *, shown: str, reply_to: int | None = None
) -> None:
    """Send a kept reply, with its buttons and (if the owner wants it) its cost line, and
    record its Telegram message ids: each part as it reached the chat, so a retry after
    a part failed sends only the rest; the first as the reply's own once all are out."""
    entry = reply.ledger_entry
    if entry is not None and session.private and BudgetSettings.get_solo().cost_footer:
        status = budget_status()
        footer = texts.cost_footer(
            tier=entry.tier, cost=entry.cost_usd, spent=status.spent_usd, cap=status.cap_usd
        )
        shown = f"{shown}\n\n{footer}"
    keyboard = buttons.reply_keyboard(reply)
    before = list(reply.parts.order_by("pk").values_list("telegram_message_id", flat=True))
    try:
        sent_ids = telegram_client.send_markdown(
            session.chat_id, shown, buttons=keyboard, reply_to=reply_to, skip=len(before)
        )
    except telegram_client.TelegramError as exc:
        _parts_keep(reply, exc.sent_ids)  # a retry sends only the parts after them
        raise
    _parts_keep(reply, sent_ids)
    ids = before + sent_ids
    reply.telegram_message_id = ids[0] if ids else None
    ChatMessage.objects.filter(pk=reply.pk).update(telegram_message_id=reply.telegram_message_id)


def _parts_keep(reply: ChatMessage, message_ids: list[int]) -> None:
    ReplyPart.objects.bulk_create(
        [ReplyPart(reply=reply, telegram_message_id=i) for i in message_ids],
        ignore_conflicts=True,
    )


def budget_alert_send(chat_id: int, *, routing: RoutingSettings) -> None:
    """Tell the owner, once a day per threshold, that spend passed a downgrade threshold."""
    status = budget_status()
    crossed = [
        t for t in (routing.downgrade_at, routing.haiku_only_at) if status.used_fraction >= t
    ]
    if not crossed or not budget_alert_claim(share=crossed[-1]):
        return
    alert = texts.budget_alert_text(
        share=crossed[-1],
        haiku_only=crossed[-1] == routing.haiku_only_at,
        spent=status.spent_usd,
        cap=status.cap_usd,
        resets_at=status.resets_at,
    )
    telegram_client.send_text(chat_id, alert)


def reply_press(query: telegram.CallbackQuery, press: buttons.Press) -> str:
    """A press on a reply's own button: the action, on a reply of this chat."""
    reply = (
        ChatMessage.objects.filter(
            pk=press.reply_id,
            role=ChatMessage.Role.ASSISTANT,
            session__chat_id=query.message.chat.id,
        )
        .select_related("session", "ledger_entry", "answers")
        .first()
    )
    if reply is None:
        telegram_client.answer_button(query.id, texts.EXPIRED_BUTTON_TEXT)
        return "button_unknown"
    return REPLY_ACTIONS[press.action](query, reply)


def reply_continue(query: telegram.CallbackQuery, reply: ChatMessage) -> str:
    """Continue: the reply's tier goes on from where `max_tokens` cut it, as a new message.

    One paid call per reply: its continuation is kept in the settling transaction and
    the chat's updates are answered one at a time, so a second tap finds it (and only
    sends it if the first attempt could not). The cap holds; the downgrade thresholds do
    not apply, as the owner asked for this tier.
    """
    session = reply.session
    earlier = ChatMessage.objects.filter(continues=reply).first()
    if earlier is not None:
        telegram_client.answer_button(query.id, texts.ALREADY_CONTINUED_TEXT)
        if earlier.telegram_message_id is None:  # paid for on an attempt that could not send
            reply_deliver(session, earlier, shown=earlier.text)
        return "button_stale"
    chain = reply_chain(reply)
    if not buttons.continue_offered(reply) or chain[0].answers is None:
        telegram_client.answer_button(query.id, texts.EXPIRED_BUTTON_TEXT)
        return "button_stale"
    telegram_client.answer_button(query.id, texts.CONTINUING_TEXT)
    routing = RoutingSettings.get_solo()
    try:
        paid = continuation_pay(session, chain, routing=routing)
    except BudgetExhausted as exc:
        cap = exc.status.cap_usd if session.private else None
        spent = texts.budget_spent_text(cap=cap, resets_at=exc.status.resets_at, now=timezone.now())
        telegram_client.send_text(session.chat_id, spent)
        return "budget"
    except ClaudeRefused as exc:
        refused = texts.claude_refused_text(status=exc.error.status, detail=exc.error.detail)
        telegram_client.send_text(session.chat_id, refused)
        return "claude_refused"
    reply_deliver(session, paid.answer, shown=paid.shown)
    keyboard_refresh(session, reply, message_id=query.message.message_id)
    return "continued"


def ask_opus_press(query: telegram.CallbackQuery, reply: ChatMessage) -> str:
    """Ask Opus: the message `reply` answered is asked again on Opus, once per reply, and
    the tap is recorded as the router's decision judged under-routed by the owner.

    Opus, not the next tier up: the owner taps because the answer fell short, and one
    tap should bring the strongest answer, not a step that may need a second tap and a
    second charge. The cap holds (the call is held like any other); the downgrade
    thresholds do not, as for a /opus prefix. The new answer follows the old one, as a
    reply to it: the old one may have been read, quoted or acted on, and editing it in
    place would lose it (and leave pieces of a long answer split over several messages).
    In the stored conversation Opus's answer takes the old one's place, so the next
    turns build on it. A message with a photo or PDF is asked again with its file,
    downloaded again by Telegram's file id (the bytes are never kept).
    """
    session = reply.session
    retry = ChatMessage.objects.filter(retry_of=reply).select_related("ledger_entry").first()
    if retry is not None and retry.telegram_message_id is None:  # paid for, not yet sent
        telegram_client.answer_button(query.id, texts.ASKING_OPUS_TEXT)
        reply_deliver(session, retry, shown=retry.text, reply_to=reply.telegram_message_id)
        return "retry_up"
    if not buttons.ask_opus_offered(reply):
        telegram_client.answer_button(query.id, texts.ALREADY_OPUS_TEXT)
        return "button_stale"
    telegram_client.answer_button(query.id, texts.ASKING_OPUS_TEXT)
    feedback_record(
        reply=reply, signal=RoutingFeedback.Signal.ASK_OPUS, asked_tier=buttons.ASK_OPUS_TIER
    )
    if not settings.ANTHROPIC_API_KEY:
        logger.error("Cannot ask Opus for chat %s: ANTHROPIC_API_KEY is not set", session.chat_id)
        telegram_client.send_text(session.chat_id, texts.NOT_CONFIGURED_REPLY)
        return "not_configured"
    asked, attachment = reply.answers, None
    if asked.attachment_file_id:
        try:
            attachment = attachment_again(
                kind=asked.attachment_kind, file_id=asked.attachment_file_id
            )
        except AttachmentRefused as refused:  # Telegram no longer has the file
            telegram_client.send_text(session.chat_id, refused.reply)
            return refused.result
    routing = RoutingSettings.get_solo()
    try:
        paid = tiers_pay(
            session,
            tiers=[buttons.ASK_OPUS_TIER],
            prompt=partial(
                reply_prompt,
                session,
                [],
                attached(recent_messages(session, asked), attachment),
                ttl=routing.cache_ttl,
            ),
            routing=routing,
            ledger=partial(
                retry_ledger,
                session,
                first=reply.ledger_entry,
                routing=routing,
                attachment_kind=asked.attachment_kind,
            ),
            keep=partial(answer_keep, session, answers=asked, retry_of=reply),
            notice=lambda tier: None,
            media_tokens=attachment.tokens if attachment else 0,
        )
    except BudgetExhausted as exc:
        cap = exc.status.cap_usd if session.private else None
        spent = texts.budget_spent_text(cap=cap, resets_at=exc.status.resets_at, now=timezone.now())
        telegram_client.send_text(session.chat_id, spent)
        return "budget"
    except ClaudeRefused as exc:
        refused = texts.claude_refused_text(status=exc.error.status, detail=exc.error.detail)
        telegram_client.send_text(session.chat_id, refused)
        return "claude_refused"
    reply_deliver(session, paid.answer, shown=paid.shown, reply_to=reply.telegram_message_id)
    reply.refresh_from_db()  # no longer the message's answer: its Ask Opus button goes
    keyboard_refresh(session, reply, message_id=query.message.message_id)
    return "retry_up"


def retry_ledger(
    session: ChatSession,
    *,
    first: LedgerEntry,
    routing: RoutingSettings,
    tier: str,
    attachment_kind: str = "",
) -> dict:
    """The ledger fields of an Ask Opus call: `retry_up`, linked to the call it asks again."""
    return {
        "feature": LedgerEntry.Feature.MESSAGE,
        "intended_model": routing.model_for(tier),
        "session_id": session.pk,
        "intended_tier": tier,
        "tier": tier,
        "reason": RETRY_UP_REASON,
        "retry_of_id": first.pk,
        "attachment_kind": attachment_kind,
    }


REPLY_ACTIONS: dict[str, Callable[[telegram.CallbackQuery, ChatMessage], str]] = {
    buttons.CONTINUE: reply_continue,
    buttons.ASK_OPUS: ask_opus_press,
}


def continuation_pay(
    session: ChatSession, chain: list[ChatMessage], *, routing: RoutingSettings
) -> PaidAnswer:
    """Pay for the continuation of the last reply of `chain` (see `reply_chain`) at its own
    tier, then its fallback chain."""
    reply = chain[-1]
    return tiers_pay(
        session,
        tiers=[reply.tier, *routing.fallbacks_for(reply.tier)],
        prompt=partial(
            reply_prompt, session, [], continue_messages(session, chain), ttl=routing.cache_ttl
        ),
        routing=routing,
        ledger=partial(continue_ledger, session, intended=reply.tier, routing=routing),
        keep=partial(answer_keep, session, continues=reply),
        notice=partial(tier_notice, intended=reply.tier, routing_notice=None),
    )


def continue_ledger(
    session: ChatSession, *, intended: str, routing: RoutingSettings, tier: str
) -> dict:
    """The ledger fields of a continuation's call at `tier`."""
    return {
        "feature": LedgerEntry.Feature.MESSAGE,
        "intended_model": routing.model_for(intended),
        "session_id": session.pk,
        "intended_tier": intended,
        "tier": tier,
        "reason": CONTINUE_REASON if tier == intended else "fallback",
    }


def keyboard_refresh(session: ChatSession, reply: ChatMessage, *, message_id: int) -> None:
    """Rebuild the buttons under a reply after one was used; failing to is not worth an
    error (the used button answers that it is stale)."""
    try:
        telegram_client.set_buttons(
            session.chat_id, message_id, buttons.reply_keyboard(reply) or None
        )
    except telegram_client.TelegramError as exc:
        logger.info("Could not update a reply's buttons: %s", exc)
