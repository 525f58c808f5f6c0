from datetime import UTC, datetime, time

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from solo.models import SingletonModel

from blufio.models import ChatMessage, ChatSession
from routing.tiers import DEFAULT_MODELS

HAIKU = DEFAULT_MODELS["haiku"]  # internal calls are never routed: a model id each


class HeartbeatSettings(SingletonModel):
    """Memory and heartbeat tunables (one row, edited in admin).

    The monthly heartbeat budget sits with the other budget in "Budget settings".
    Quiet hours use the owner's time zone from there too.
    """

    class Delivery(models.TextChoices):
        IMMEDIATE = "immediate", "Immediately, as a 🔔 message"
        ON_NEXT_MESSAGE = "on_next_message", "With the reply to the owner's next message"

    enabled = models.BooleanField(default=True, help_text="Run heartbeat passes at all.")
    interval_minutes = models.PositiveSmallIntegerField(
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(24 * 60)],
        help_text="Minutes between passes. Saving here reschedules the periodic task.",
    )
    delivery = models.CharField(max_length=20, choices=Delivery.choices, default=Delivery.IMMEDIATE)
    quiet_hours_start = models.TimeField(
        default=time(22, 0), help_text="No check-ins from this local time…"
    )
    quiet_hours_end = models.TimeField(
        default=time(8, 0), help_text="…until this local time. Equal times: no quiet hours."
    )
    idle_after_days = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1)],
        help_text="A chat this many days without a message, with nothing due, is not polled.",
    )
    model = models.CharField(max_length=100, default=HAIKU, help_text="Model for check-ins.")
    max_output_tokens = models.PositiveIntegerField(
        default=200, validators=[MinValueValidator(16), MaxValueValidator(2000)]
    )
    extraction_model = models.CharField(
        max_length=100, default=HAIKU, help_text="Model that reads messages for commitments."
    )
    compaction_model = models.CharField(
        max_length=100, default=HAIKU, help_text="Model that summarises older turns."
    )
    compaction_threshold_tokens = models.PositiveIntegerField(
        default=6000,
        validators=[MinValueValidator(500)],
        help_text="Summarise older turns once the unsummarised history passes this estimate.",
    )
    compaction_keep_tokens = models.PositiveIntegerField(
        default=2000,
        validators=[MinValueValidator(100)],
        help_text="The newest turns kept word for word after a summary.",
    )
    max_open_items = models.PositiveSmallIntegerField(
        default=200,
        db_default=200,
        validators=[MinValueValidator(1), MaxValueValidator(5000)],
        help_text="Open or snoozed items a chat may hold; what extraction finds beyond them "
        "is dropped (and logged).",
    )

    class Meta:
        verbose_name = "memory and heartbeat settings"
        verbose_name_plural = "memory and heartbeat settings"

    def __str__(self) -> str:
        return "Memory and heartbeat settings"


# Stored times must read back in every time zone: PostgreSQL keeps years Python and
# psycopg cannot (10000, 0). Far outside any plan; extraction keeps to `rules.DUE_WINDOW_*`.
READABLE_FROM = datetime(2, 1, 1, tzinfo=UTC)
READABLE_UNTIL = datetime(9999, 1, 1, tzinfo=UTC)


def _readable(field: str, label: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__isnull": True})
        | models.Q(**{f"{field}__gte": READABLE_FROM, f"{field}__lt": READABLE_UNTIL}),
        name=f"pendingitem_{field}_readable",
        violation_error_message=f"The {label} must lie between the years {READABLE_FROM.year} "
        f"and {READABLE_UNTIL.year - 1}.",
    )


class PendingItem(models.Model):
    """Something the owner committed to, asked to be reminded of, or should follow up."""

    class Kind(models.TextChoices):
        COMMITMENT = "commitment"
        REMINDER = "reminder"
        FOLLOW_UP = "follow_up", "follow-up"

    class Status(models.TextChoices):
        OPEN = "open"
        DONE = "done"
        SNOOZED = "snoozed"
        DISMISSED = "dismissed"

    session = models.ForeignKey(ChatSession, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = models.CharField(max_length=500)
    due_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    snoozed_until = models.DateTimeField(null=True, blank=True)
    source_message = models.ForeignKey(
        ChatMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    PENDING = (Status.OPEN, Status.SNOOZED)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [_readable("due_at", "due time"), _readable("snoozed_until", "snooze")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind}: {self.text[:40]}"


class ExtractionRun(models.Model):
    """One owner message read (or skipped) for memory; unique, so it is read once."""

    class Outcome(models.TextChoices):
        SKIPPED = "skipped", "skipped by heuristics"
        EXTRACTED = "extracted"
        MALFORMED = "malformed", "malformed model output"
        FAILED = "failed", "Claude unavailable"
        BUDGET = "budget", "budget reached"
        FORWARDED = "forwarded", "forwarded, someone else's words"
        DEFERRED = "deferred", "read with the forward sent right after it"

    message = models.OneToOneField(ChatMessage, on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    items_created = models.PositiveSmallIntegerField(default=0)
    items_updated = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"message {self.message_id}: {self.outcome}"


class CheckIn(models.Model):
    """A heartbeat that went past the skip rules for one session in one time slot.

    (session, slot) is unique: it is the idempotency key that lets only one beat or
    worker handle a session's slot.
    """

    class Outcome(models.TextChoices):
        CLAIMED = "claimed", "in progress"
        NOTHING = "nothing", "nothing to say"
        SENT = "sent", "sent"
        STORED = "stored", "kept for the next reply"
        DELIVERED = "delivered", "woven into a reply"
        SUPPRESSED = "suppressed", "repeat, not sent"
        BUDGET = "budget", "budget reached"
        FAILED = "failed", "Claude unavailable"
        UNDELIVERED = "undelivered", "Telegram refused it"

    # A later pass with the same digest has nothing new to say after these.
    SETTLED = (
        Outcome.NOTHING,
        Outcome.SENT,
        Outcome.STORED,
        Outcome.DELIVERED,
        Outcome.SUPPRESSED,
    )

    session = models.ForeignKey(ChatSession, on_delete=models.CASCADE, related_name="checkins")
    slot = models.DateTimeField(help_text="Start of the heartbeat's time slot.")
    digest_key = models.CharField(max_length=64)
    digest = models.TextField()
    item_ids = models.JSONField(default=list)
    text = models.TextField(blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.CLAIMED)
    telegram_message_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "slot"], name="one_checkin_per_slot")
        ]
        ordering = ["-slot"]

    def __str__(self) -> str:
        return f"{self.session} {self.slot:%Y-%m-%d %H:%M} {self.outcome}"


class WeeklyDigest(models.Model):
    """A weekly 📊 cost summary sent to a chat; unique per chat and week, so sent once."""

    chat_id = models.BigIntegerField()
    week_starts_on = models.DateField()
    text = models.TextField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["chat_id", "week_starts_on"], name="one_digest_a_week")
        ]

    def __str__(self) -> str:
        return f"week of {self.week_starts_on} to chat {self.chat_id}"
