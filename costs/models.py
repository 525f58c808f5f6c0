import zoneinfo
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from solo.models import SingletonModel

from costs.capabilities import Capabilities
from costs.pricing import DEFAULT_MIN_CACHEABLE_TOKENS, PriceRule, Rates
from routing.tiers import EFFORTS

USD = {"max_digits": 18, "decimal_places": 10}
PER_MTOK = {"max_digits": 12, "decimal_places": 4, "validators": [MinValueValidator(0)]}


class Price(models.Model):
    """One row of the price table: USD per million tokens for the models a pattern matches."""

    pattern = models.CharField(
        max_length=100,
        unique=True,
        help_text="A model id such as claude-haiku-4-5; dated ids (claude-haiku-4-5-20251001) "
        "find it too. * and ? are wildcards. The most specific matching pattern wins.",
    )
    input_per_mtok = models.DecimalField(
        "input", help_text="USD per million uncached input tokens.", **PER_MTOK
    )
    output_per_mtok = models.DecimalField(
        "output", help_text="USD per million output tokens (thinking included).", **PER_MTOK
    )
    cache_write_5m_per_mtok = models.DecimalField(
        "5-minute cache write",
        help_text="USD per million tokens written to a 5-minute cache.",
        **PER_MTOK,
    )
    cache_write_1h_per_mtok = models.DecimalField(
        "1-hour cache write",
        help_text="USD per million tokens written to a 1-hour cache.",
        **PER_MTOK,
    )
    cache_read_per_mtok = models.DecimalField(
        "cache read", help_text="USD per million tokens read from the cache.", **PER_MTOK
    )
    long_prompt_threshold = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Prompt length in tokens (input + cache writes + cache reads) above which "
        "the long-prompt prices below apply to the whole request. Empty: no such tier.",
    )
    long_input_per_mtok = models.DecimalField(
        "long-prompt input",
        null=True,
        blank=True,
        help_text="USD per million input tokens above the threshold.",
        **PER_MTOK,
    )
    long_output_per_mtok = models.DecimalField(
        "long-prompt output",
        null=True,
        blank=True,
        help_text="USD per million output tokens above the threshold.",
        **PER_MTOK,
    )
    long_cache_write_5m_per_mtok = models.DecimalField(
        "long-prompt 5-minute cache write",
        null=True,
        blank=True,
        help_text="USD per million 5-minute cache write tokens above the threshold.",
        **PER_MTOK,
    )
    long_cache_write_1h_per_mtok = models.DecimalField(
        "long-prompt 1-hour cache write",
        null=True,
        blank=True,
        help_text="USD per million 1-hour cache write tokens above the threshold.",
        **PER_MTOK,
    )
    long_cache_read_per_mtok = models.DecimalField(
        "long-prompt cache read",
        null=True,
        blank=True,
        help_text="USD per million cache read tokens above the threshold.",
        **PER_MTOK,
    )
    us_geo_multiplier = models.DecimalField(
        max_digits=6,
        decimal_places=3,
        default=Decimal("1.1"),
        validators=[MinValueValidator(1)],
        help_text="Applied to the whole call when usage reports inference_geo 'us'.",
    )
    fast_multiplier = models.DecimalField(
        max_digits=6,
        decimal_places=3,
        default=Decimal(1),
        validators=[MinValueValidator(1)],
        help_text="Applied to the whole call when usage reports speed 'fast'.",
    )
    min_cacheable_tokens = models.PositiveIntegerField(
        "minimum cacheable prompt",
        default=DEFAULT_MIN_CACHEABLE_TOKENS,
        db_default=DEFAULT_MIN_CACHEABLE_TOKENS,
        help_text="Tokens: a shorter prompt prefix is not cached even when marked (the API "
        "then charges it as plain input). From the model's page, 'Good to know'.",
    )
    thinking = models.CharField(
        max_length=10,
        choices=[
            ("none", "cannot think"),
            ("off", "thinks only when asked"),
            ("on", "thinks unless turned off"),
            ("always", "always thinks (or not known)"),
        ],
        default="always",
        db_default="always",
        help_text="How the model thinks when a request does not say. Internal calls "
        "(memory, compaction, check-ins) turn thinking off where the model allows it.",
    )
    thinking_off = models.CharField(
        "thinking off with",
        max_length=20,
        blank=True,
        default="",
        db_default="",
        choices=[("", "(nothing)"), ("disabled", "disabled"), ("between_tools", "between_tools")],
        help_text="The thinking.type that turns thinking off, for a model that thinks "
        "unless turned off.",
    )
    efforts = models.CharField(
        max_length=60,
        blank=True,
        default="",
        db_default="",
        help_text="The output_config.effort levels the model takes, comma-separated "
        f"({', '.join(EFFORTS)}). Empty: it takes no effort parameter, and none is sent.",
    )
    forced_tool_use = models.BooleanField(
        default=False,
        db_default=False,
        help_text="Accepts a tool_choice that forces a tool (with thinking off). Off: "
        "tools are offered, never forced.",
    )
    structured_outputs = models.BooleanField(
        default=False,
        db_default=False,
        help_text="Accepts output_config.format with a JSON schema. Off: structured "
        "answers come through a tool the model may call.",
    )
    source = models.TextField(
        blank=True, help_text="Where these prices and capabilities come from, and when."
    )
    updated_at = models.DateTimeField(auto_now=True)

    LONG_FIELDS = (
        "long_input_per_mtok",
        "long_output_per_mtok",
        "long_cache_write_5m_per_mtok",
        "long_cache_write_1h_per_mtok",
        "long_cache_read_per_mtok",
    )

    class Meta:
        ordering = ["pattern"]

    def __str__(self) -> str:
        return self.pattern

    def clean(self) -> None:
        filled = [getattr(self, name) is not None for name in self.LONG_FIELDS]
        if self.long_prompt_threshold is None and any(filled):
            raise ValidationError("Long-prompt prices need a long-prompt threshold.")
        if self.long_prompt_threshold is not None and not all(filled):
            raise ValidationError("A long-prompt threshold needs all five long-prompt prices.")
        unknown = [level for level in self.effort_levels if level not in EFFORTS]
        if unknown:
            raise ValidationError({"efforts": f"Not an effort level: {', '.join(unknown)}."})
        if self.thinking == "on" and not self.thinking_off:
            raise ValidationError({"thinking_off": "Say which thinking.type turns it off."})

    @property
    def effort_levels(self) -> tuple[str, ...]:
        return tuple(part.strip().lower() for part in self.efforts.split(",") if part.strip())

    def to_capabilities(self) -> Capabilities:
        return Capabilities(
            thinking=self.thinking,
            thinking_off=self.thinking_off if self.thinking == "on" else "",
            efforts=self.effort_levels,
            forced_tool_use=self.forced_tool_use,
            structured_outputs=self.structured_outputs,
        )

    def to_rule(self) -> PriceRule:
        long_rates = None
        if self.long_prompt_threshold is not None:
            long_rates = Rates(
                input=self.long_input_per_mtok,
                output=self.long_output_per_mtok,
                cache_write_5m=self.long_cache_write_5m_per_mtok,
                cache_write_1h=self.long_cache_write_1h_per_mtok,
                cache_read=self.long_cache_read_per_mtok,
            )
        return PriceRule(
            pattern=self.pattern,
            rates=Rates(
                input=self.input_per_mtok,
                output=self.output_per_mtok,
                cache_write_5m=self.cache_write_5m_per_mtok,
                cache_write_1h=self.cache_write_1h_per_mtok,
                cache_read=self.cache_read_per_mtok,
            ),
            long_prompt_threshold=self.long_prompt_threshold,
            long_rates=long_rates,
            us_geo_multiplier=self.us_geo_multiplier,
            fast_multiplier=self.fast_multiplier,
            min_cacheable_tokens=self.min_cacheable_tokens,
        )


def validate_timezone(value: str) -> None:
    # A region's folder ("Europe") is not a zone: ZoneInfo raises IsADirectoryError for it.
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValidationError(f"{value!r} is not a known time zone (try Europe/Berlin).") from exc


class BudgetSettings(SingletonModel):
    """The single row of budget settings (`BudgetSettings.get_solo()`)."""

    daily_budget_usd = models.DecimalField(
        "daily conversation budget (USD)",
        max_digits=10,
        decimal_places=2,
        default=Decimal("5.00"),
        validators=[MinValueValidator(0)],
        help_text="Hard cap on what replies to the owner may cost per day. Never crossed.",
    )
    heartbeat_monthly_budget_usd = models.DecimalField(
        "monthly heartbeat budget (USD)",
        max_digits=10,
        decimal_places=2,
        default=Decimal("10.00"),
        validators=[MinValueValidator(0)],
        help_text="Hard cap on what proactive check-ins may cost per calendar month. "
        "Separate from the daily budget: neither ever spends the other.",
    )
    timezone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text="The owner's time zone: budget days start at midnight here.",
    )
    local_when_spent = models.BooleanField(
        "answer locally when the budget is spent",
        default=False,
        help_text="Once today's budget is spent, answer with the local model (free, "
        "LOCAL_MODEL_URL and LOCAL_MODEL_NAME) instead of saying so. Without those "
        "variables this does nothing.",
    )
    cost_footer = models.BooleanField(
        "cost line under each reply",
        default=False,
        db_default=False,
        help_text="End each reply in a private chat with a small line such as "
        "'Sonnet · $0.004 · today $0.62 of $5'. Groups never see spend.",
    )

    class Meta:
        verbose_name = "budget settings"
        verbose_name_plural = "budget settings"

    def __str__(self) -> str:
        return f"${self.daily_budget_usd} a day ({self.timezone})"


class BudgetWindow(models.Model):
    """Money spent and held in one budget period: a day of the conversation budget,
    or a month of the heartbeat budget.

    Reservations and settlements change `reserved_usd` and `spent_usd` under a row
    lock, so concurrent calls can never together pass the cap.
    """

    class Pool(models.TextChoices):
        CONVERSATION = "conversation"
        HEARTBEAT = "heartbeat"

    pool = models.CharField(max_length=20, choices=Pool.choices)
    starts_on = models.DateField(help_text="First day of the period, in the budget's time zone.")
    spent_usd = models.DecimalField(default=Decimal(0), **USD)
    reserved_usd = models.DecimalField(default=Decimal(0), **USD)
    alerted_share = models.FloatField(
        default=0.0, help_text="Highest budget share the owner has been alerted about."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pool", "starts_on"], name="one_window_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.pool} {self.starts_on}"


class Reservation(models.Model):
    """Worst-case cost held against a budget window until the call settles."""

    class Status(models.TextChoices):
        HELD = "held"
        SETTLED = "settled"
        RELEASED = "released"

    window = models.ForeignKey(BudgetWindow, on_delete=models.PROTECT, related_name="reservations")
    amount_usd = models.DecimalField(**USD)
    cost_usd = models.DecimalField(null=True, blank=True, **USD)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.HELD)
    call = models.JSONField(
        default=dict,
        blank=True,
        help_text="The call's ledger fields, for its row if its worker stops before it settles.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    interrupted_entry = models.OneToOneField(
        "LedgerEntry",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The row the sweeper wrote when it charged this hold as interrupted; a "
        "call that settles later corrects it instead of adding a second row.",
    )

    def __str__(self) -> str:
        return f"{self.status} ${self.amount_usd}"


class LedgerEntry(models.Model):
    """One row per model call, whatever its outcome."""

    class Feature(models.TextChoices):
        MESSAGE = "message"
        COMPACTION = "compaction"
        EXTRACTION = "extraction"
        HEARTBEAT = "heartbeat"

    class Outcome(models.TextChoices):
        OK = "ok"
        ERROR = "error"
        # The worker stopped during the call: it may have been billed, so the worst
        # case that was held is charged.
        INTERRUPTED = "interrupted"

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # A plain id (blufio.ChatSession), so costs does not depend on the agent app.
    session_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    feature = models.CharField(max_length=20, choices=Feature.choices)
    intended_model = models.CharField(max_length=100)
    actual_model = models.CharField(max_length=100)
    intended_tier = models.CharField(max_length=10, blank=True)
    tier = models.CharField(max_length=10, blank=True, help_text="The tier actually used.")
    override = models.CharField(max_length=10, blank=True, help_text="prefix, force or empty.")
    score = models.FloatField(null=True, blank=True, help_text="Router complexity score.")
    routing_reasons = models.JSONField(default=list, blank=True)
    input_tokens = models.PositiveIntegerField(default=0)
    output_tokens = models.PositiveIntegerField(default=0)
    cache_write_tokens = models.PositiveIntegerField(
        default=0, help_text="Tokens written to the cache, 5-minute and 1-hour together."
    )
    cache_write_1h_tokens = models.PositiveIntegerField(
        default=0, db_default=0, help_text="Of the cache writes, those to the 1-hour cache."
    )
    cache_read_tokens = models.PositiveIntegerField(default=0)
    inference_geo = models.CharField(
        max_length=20,
        blank=True,
        default="",
        db_default="",
        help_text="As the usage reported it ('us' costs more).",
    )
    speed = models.CharField(
        max_length=20,
        blank=True,
        default="",
        db_default="",
        help_text="As the usage reported it ('fast' costs more).",
    )
    cost_usd = models.DecimalField(default=Decimal(0), **USD)
    latency_ms = models.PositiveIntegerField(default=0)
    reason = models.CharField(
        max_length=30, blank=True, help_text="Why the actual model differs (downgrade or fallback)."
    )
    effort = models.CharField(
        max_length=10,
        blank=True,
        default="",
        db_default="",
        help_text="The output_config.effort sent; empty: none.",
    )
    attachment_kind = models.CharField(
        max_length=10,
        blank=True,
        default="",
        db_default="",
        help_text="What the owner attached to the message this call answers (image, pdf), if any.",
    )
    retry_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="retries",
        help_text="For a retry_up call (the owner tapped “Ask Opus”): the call it asked again.",
    )
    request_id = models.CharField(max_length=100, blank=True)
    message_id = models.CharField(
        max_length=100,
        blank=True,
        help_text="The API's id of the answer (msg_…): the next reply asks the API's cache "
        "diagnostics to compare its prompt with this one's.",
    )
    cache_miss_reason = models.CharField(
        max_length=40,
        blank=True,
        help_text="Why the prompt cache could not reuse the previous reply's prompt, as the "
        "API's cache diagnostics said (model_changed, system_changed, messages_changed, …).",
    )
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.OK)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name_plural = "ledger entries"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.feature} {self.actual_model} ${self.cost_usd}"
        )


LEDGER_DAY_KEY = (
    "day",
    "actual_model",
    "feature",
    "tier",
    "reason",
    "override",
    "inference_geo",
    "speed",
)


class LedgerDay(models.Model):
    """Running totals of the ledger per day (budget time zone) and kind of call.

    Kept up to date as each entry is written, so the dashboard reads a few hundred
    rows instead of scanning every call.
    """

    day = models.DateField(db_index=True)
    actual_model = models.CharField(max_length=100)
    feature = models.CharField(max_length=20)
    tier = models.CharField(max_length=10, blank=True)
    reason = models.CharField(max_length=30, blank=True)
    override = models.CharField(max_length=10, blank=True)
    inference_geo = models.CharField(max_length=20, blank=True, default="", db_default="")
    speed = models.CharField(max_length=20, blank=True, default="", db_default="")
    calls = models.PositiveIntegerField(default=0)
    cost_usd = models.DecimalField(default=Decimal(0), **USD)
    input_tokens = models.BigIntegerField(default=0)
    output_tokens = models.BigIntegerField(default=0)
    cache_write_tokens = models.BigIntegerField(default=0)
    cache_write_1h_tokens = models.BigIntegerField(default=0, db_default=0)
    cache_read_tokens = models.BigIntegerField(default=0)

    KEY = LEDGER_DAY_KEY
    SUMS = (
        "cost_usd",
        "input_tokens",
        "output_tokens",
        "cache_write_tokens",
        "cache_write_1h_tokens",
        "cache_read_tokens",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=LEDGER_DAY_KEY, name="one_ledger_day_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.actual_model} {self.feature}: {self.calls} calls"
