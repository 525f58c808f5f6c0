from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from solo.models import SingletonModel

from costs.pricing import MIXED_TTL
from costs.selectors import capabilities_for
from routing.core import DEFAULT_CONFIG, RouterConfig
from routing.tiers import DEFAULT_MODELS, EFFORTS, TIER_NAMES, TIERS

CACHE_TTL_SECONDS = {"5m": 5 * 60, "1h": 60 * 60}
MAX_TOKENS = {"validators": [MinValueValidator(1), MaxValueValidator(128_000)]}
SHARE = {"validators": [MinValueValidator(0.0), MaxValueValidator(1.0)]}
EFFORT = {
    "max_length": 10,
    "blank": True,
    "default": "",
    "db_default": "",
    "choices": [("", "the model's default (none sent)"), *((level, level) for level in EFFORTS)],
}


class RoutingSettings(SingletonModel):
    """The single row of routing settings (`RoutingSettings.get_solo()`)."""

    FORCE_TIER_CHOICES = [("", "no (classify every message)"), *TIER_NAMES.items()]
    CACHE_TTL_CHOICES = [
        (MIXED_TTL, "1 hour for the older part, 5 minutes for the newest message"),
        ("5m", "5 minutes"),
        ("1h", "1 hour"),
        ("", "off (no prompt caching)"),
    ]

    haiku_model = models.CharField(
        max_length=100, default=DEFAULT_MODELS["haiku"], help_text="Model id for the cheapest tier."
    )
    sonnet_model = models.CharField(
        max_length=100, default=DEFAULT_MODELS["sonnet"], help_text="Model id for the middle tier."
    )
    opus_model = models.CharField(
        max_length=100, default=DEFAULT_MODELS["opus"], help_text="Model id for the strongest tier."
    )
    haiku_max_tokens = models.PositiveIntegerField(
        default=1024, help_text="Most output tokens a Haiku reply may use.", **MAX_TOKENS
    )
    sonnet_max_tokens = models.PositiveIntegerField(
        default=2048, help_text="Most output tokens a Sonnet reply may use.", **MAX_TOKENS
    )
    opus_max_tokens = models.PositiveIntegerField(
        default=4096, help_text="Most output tokens an Opus reply may use.", **MAX_TOKENS
    )
    haiku_effort = models.CharField(
        help_text="output_config.effort of a Haiku reply (a /haiku+ or /haiku- prefix "
        "overrides it). Only levels the model takes, as its price table row says.",
        **EFFORT,
    )
    sonnet_effort = models.CharField(help_text="output_config.effort of a Sonnet reply.", **EFFORT)
    opus_effort = models.CharField(help_text="output_config.effort of an Opus reply.", **EFFORT)
    sonnet_from = models.FloatField(
        "Sonnet from score",
        default=DEFAULT_CONFIG.sonnet_from,
        help_text="Complexity scores (0–1) below this go to Haiku.",
        **SHARE,
    )
    opus_from = models.FloatField(
        "Opus from score",
        default=DEFAULT_CONFIG.opus_from,
        help_text="Complexity scores from this up go to Opus.",
        **SHARE,
    )
    downgrade_at = models.FloatField(
        "first downgrade at",
        default=DEFAULT_CONFIG.downgrade_at,
        help_text="Share of the daily budget spent (0.80 = 80%) from which Opus becomes "
        "Sonnet and Sonnet becomes Haiku. The owner also gets one alert that day.",
        **SHARE,
    )
    haiku_only_at = models.FloatField(
        "Haiku only at",
        default=DEFAULT_CONFIG.haiku_only_at,
        help_text="Share of the daily budget spent from which every routed message uses Haiku.",
        **SHARE,
    )
    opus_fallbacks = models.CharField(
        max_length=40,
        default="sonnet,haiku",
        blank=True,
        help_text="Tiers to try, in order, when Opus is overloaded or down (comma-separated).",
    )
    sonnet_fallbacks = models.CharField(
        max_length=40, default="haiku", blank=True, help_text="Tiers to try when Sonnet fails."
    )
    haiku_fallbacks = models.CharField(
        max_length=40, default="sonnet", blank=True, help_text="Tiers to try when Haiku fails."
    )
    cache_ttl = models.CharField(
        "prompt cache lifetime",
        max_length=5,
        choices=CACHE_TTL_CHOICES,
        blank=True,
        default=MIXED_TTL,
        db_default=MIXED_TTL,
        help_text="Replies mark their stable prefix (system prompt, summary, earlier turns) "
        "for Anthropic's prompt cache: a write costs 1.25x input for 5 minutes or 2x for an "
        "hour, a read a tenth. Mixed keeps the conversation up to the last answer for an "
        "hour (it outlives a pause) and writes only the owner's newest message for 5 minutes.",
    )
    cache_aware_routing = models.BooleanField(
        "stay on a warm cache",
        default=True,
        db_default=True,
        help_text="When the router picks another tier than the one holding this chat's warm "
        "cache, stay on the warm tier if switching would cost more and the warm tier is not "
        "weaker than the pick. Budget downgrades, /prefixes and forced tiers always win.",
    )
    force_model = models.CharField(
        max_length=10,
        choices=FORCE_TIER_CHOICES,
        blank=True,
        default="",
        help_text="Send every message to this tier instead of classifying it. Budget "
        "downgrades still apply; a /haiku, /sonnet or /opus prefix still wins.",
    )

    class Meta:
        verbose_name = "routing settings"
        verbose_name_plural = "routing settings"

    def __str__(self) -> str:
        return "Routing settings"

    def clean(self) -> None:
        errors = {}
        for tier in TIERS:
            value = getattr(self, f"{tier}_model").strip()
            setattr(self, f"{tier}_model", value)
            if not value:
                errors[f"{tier}_model"] = "A model id is needed."
        for tier in TIERS:
            effort, model = self.effort_for(tier), self.model_for(tier)
            if effort and capabilities_for(model=model).effort(effort) is None:
                errors[f"{tier}_effort"] = (
                    f"{model} does not take effort {effort} (see its row in Prices)."
                )
        if not 0 < self.sonnet_from < self.opus_from <= 1:
            errors["opus_from"] = "Need 0 < Sonnet-from < Opus-from ≤ 1."
        if not 0 < self.downgrade_at < self.haiku_only_at <= 1:
            errors["haiku_only_at"] = "Need 0 < first downgrade < Haiku-only ≤ 1."
        for tier in TIERS:
            chain = self.fallbacks_for(tier)
            if any(t not in TIERS or t == tier for t in chain) or len(set(chain)) != len(chain):
                errors[f"{tier}_fallbacks"] = "List other tiers (haiku, sonnet, opus) once each."
        if errors:
            raise ValidationError(errors)

    def model_for(self, tier: str) -> str:
        return getattr(self, f"{tier}_model")

    def max_tokens_for(self, tier: str) -> int:
        return getattr(self, f"{tier}_max_tokens")

    def effort_for(self, tier: str) -> str:
        """The effort set for the tier's replies; "" sends none."""
        return getattr(self, f"{tier}_effort")

    @property
    def cache_ttl_seconds(self) -> int:
        """How long the whole of a reply's cached prompt lives (mixed: its newest part)."""
        return CACHE_TTL_SECONDS.get(self.cache_ttl, CACHE_TTL_SECONDS["5m"])

    def fallbacks_for(self, tier: str) -> list[str]:
        raw = getattr(self, f"{tier}_fallbacks")
        return [part.strip().lower() for part in raw.split(",") if part.strip()]

    def to_config(self) -> RouterConfig:
        return RouterConfig(
            haiku_model=self.haiku_model,
            sonnet_model=self.sonnet_model,
            opus_model=self.opus_model,
            sonnet_from=self.sonnet_from,
            opus_from=self.opus_from,
            downgrade_at=self.downgrade_at,
            haiku_only_at=self.haiku_only_at,
            force_tier=self.force_model,
        )
