from django.db import models
from django.utils import timezone

from routing.tiers import TIERS


class ChatSession(models.Model):
    """One Telegram chat with the owner."""

    chat_id = models.BigIntegerField(unique=True)
    user_id = models.BigIntegerField(help_text="Telegram user id of the owner in this chat.")
    private = models.BooleanField(
        default=True,
        db_default=True,
        help_text="A private chat with the owner, not a group: spend is posted only here.",
    )
    summary = models.TextField(
        blank=True, help_text="Summary of older turns that no longer fit the context."
    )
    compacted_through_id = models.PositiveBigIntegerField(
        default=0, help_text="Messages up to this id are in the summary and leave the context."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(null=True, blank=True)
    unreachable_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Telegram refused to deliver here (403: the bot was blocked, …). Nothing "
        "is sent unprompted (check-ins, digests) until the owner writes again.",
    )
    unreachable_reason = models.CharField(max_length=200, blank=True, default="", db_default="")

    def __str__(self) -> str:
        return f"chat {self.chat_id}"


class AllowedGroup(models.Model):
    """A group chat where the owner is answered; in every other group the bot is silent."""

    chat_id = models.BigIntegerField(
        unique=True,
        help_text="The group's Telegram chat id (negative). A message of yours in a group "
        "that is not listed is kept under Inbound updates with result 'group', with its id.",
    )
    name = models.CharField(max_length=100, help_text="What you call this group.")
    added_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.chat_id})"


# Room for the API's stop reasons ("model_context_window_exceeded" has 29 characters);
# a longer, unknown one is kept cut to it, never refused after the call is paid.
STOP_REASON_LENGTH = 40


class ChatMessage(models.Model):
    class Role(models.TextChoices):
        USER = "user"
        ASSISTANT = "assistant"

    session = models.ForeignKey(ChatSession, on_delete=models.CASCADE, related_name="messages")
    role = models.CharField(max_length=10, choices=Role.choices)
    text = models.TextField()
    input_tokens = models.PositiveIntegerField(default=0)
    output_tokens = models.PositiveIntegerField(default=0)
    model = models.CharField(max_length=100, blank=True)
    telegram_message_id = models.BigIntegerField(null=True, blank=True)
    forwarded = models.BooleanField(
        default=False,
        db_default=False,
        help_text="Forwarded by the owner: someone else's words, not the owner's own.",
    )
    attachment_kind = models.CharField(
        max_length=10,
        blank=True,
        default="",
        db_default="",
        help_text="What the owner attached (image, pdf), if anything.",
    )
    attachment_file_id = models.CharField(
        max_length=255,
        blank=True,
        default="",
        db_default="",
        help_text="Telegram's id of the attached file. The file itself is not kept: it is "
        "downloaded for the call that answers it and dropped after.",
    )
    refused = models.BooleanField(
        default=False,
        db_default=False,
        help_text="A reply Claude's safety checks stopped: it and the message it answers are "
        "left out of later prompts.",
    )
    answers = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="answer",
        help_text="For a reply: the owner's message it answers. Kept before it is sent, so "
        "a retry sends it again instead of paying for a new one.",
    )
    tier = models.CharField(
        max_length=10,
        blank=True,
        default="",
        db_default="",
        help_text="For a reply: the tier that wrote it.",
    )
    stop_reason = models.CharField(
        max_length=STOP_REASON_LENGTH,
        blank=True,
        default="",
        db_default="",
        help_text="For a reply: why Claude stopped (max_tokens: cut at the tier's limit).",
    )
    continues = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="continuation",
        help_text="For a reply the owner asked to continue: the reply it goes on from. One "
        "continuation per reply, so a second tap on Continue is not paid for again.",
    )
    ledger_entry = models.OneToOneField(
        "costs.LedgerEntry",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reply",
        help_text="For a reply: the call that paid for it (what the owner's verdict judges).",
    )
    retry_of = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="retried_by",
        help_text="For an answer the owner asked Opus for: the reply it follows. That reply "
        "stays in the chat but leaves the context, and this one answers the message.",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.role}: {self.text[:40]}"


class ReplyPart(models.Model):
    """A Telegram message of a reply, one per part of a reply split over several (the
    first is also the reply's own `telegram_message_id`), so a 👍 or 👎 on any part
    judges the reply, and a retry after a part failed resends only the parts after it."""

    reply = models.ForeignKey(ChatMessage, on_delete=models.CASCADE, related_name="parts")
    telegram_message_id = models.BigIntegerField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reply", "telegram_message_id"], name="reply_part_once")
        ]

    def __str__(self) -> str:
        return f"part {self.telegram_message_id} of reply {self.reply_id}"


class InboundUpdate(models.Model):
    """A Telegram update as received, stored before anything else happens to it."""

    class Status(models.TextChoices):
        RECEIVED = "received"
        PROCESSING = "processing"
        DONE = "done"
        FAILED = "failed"
        IGNORED = "ignored"

    update_id = models.BigIntegerField(unique=True)
    raw = models.JSONField()
    chat_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    result = models.CharField(
        max_length=40, blank=True, help_text="What became of it: replied, stranger, budget, …"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="A retry is planned for then; the sweeper waits until."
    )
    last_error = models.TextField(blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(
        null=True, blank=True, help_text="A worker last took it then; the sweeper waits from here."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            # A chat's waiting updates, in order: what the webhook and the worker look for.
            models.Index(
                fields=["chat_id", "update_id"],
                condition=models.Q(status="received"),
                name="inbound_waiting_in_chat",
            )
        ]

    def __str__(self) -> str:
        return f"update {self.update_id} ({self.status})"


class ApiToken(models.Model):
    """A key for the JSON API. Only its SHA-256 is stored; the key is shown once."""

    name = models.CharField(max_length=100, help_text="Who or what uses this token.")
    prefix = models.CharField(max_length=12, editable=False, help_text="Start of the key.")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class JobRun(models.Model):
    """When a periodic job last ran: the health check reads the sweeper's to see beat."""

    job = models.CharField(max_length=50, unique=True)
    ran_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.job} at {self.ran_at:%Y-%m-%d %H:%M:%S}"


class RoutingFeedback(models.Model):
    """The owner's verdict on one routing decision: one row per signal, linked to the
    ledger row of the call it judges. `blufio.conversation.verdict` holds the rules."""

    class Signal(models.TextChoices):
        THUMBS_UP = "thumbs_up", "👍"
        THUMBS_DOWN = "thumbs_down", "👎"
        ASK_OPUS = "ask_opus", "asked Opus"
        PREFIX = "prefix", "/prefix next"
        REASK = "reask", "asked again"

    ledger_entry = models.ForeignKey(
        "costs.LedgerEntry", on_delete=models.CASCADE, related_name="feedback"
    )
    message = models.ForeignKey(
        ChatMessage,
        on_delete=models.CASCADE,
        related_name="feedback",
        help_text="The owner's message whose routing is judged.",
    )
    signal = models.CharField(max_length=12, choices=Signal.choices)
    asked_tier = models.CharField(
        max_length=10,
        blank=True,
        help_text="For “Ask Opus” and a /prefix: the tier the owner asked for.",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ledger_entry", "signal"], name="one_feedback_per_signal"
            )
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_signal_display()} on ledger entry {self.ledger_entry_id}"

    def under_routed(self, answered_tier: str) -> bool:
        """The owner asked for a stronger tier than the one that answered."""
        if self.asked_tier not in TIERS or answered_tier not in TIERS:
            return False
        return TIERS.index(self.asked_tier) > TIERS.index(answered_tier)
