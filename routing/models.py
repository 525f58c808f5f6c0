from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

MAX_TOKENS = {"validators": [MinValueValidator(1), MaxValueValidator(128_000)]}


class RoutingSettings(models.Model):
    """The single row of routing settings (pk 1): which model serves each tier."""

    TIERS = ("haiku", "sonnet", "opus")

    haiku_model = models.CharField(
        max_length=100, default="claude-haiku-5-5", help_text="Model id for the cheapest tier."
    )
    sonnet_model = models.CharField(
        max_length=100, default="claude-sonnet-5-5", help_text="Model id for the middle tier."
    )
    opus_model = models.CharField(
        max_length=100, default="claude-opus-5-5", help_text="Model id for the strongest tier."
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

    class Meta:
        verbose_name = "routing settings"
        verbose_name_plural = "routing settings"

    def __str__(self) -> str:
        return "Routing settings"

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> "RoutingSettings":
        return cls.objects.get_or_create(pk=1)[0]

    def model_for(self, tier: str) -> str:
        return getattr(self, f"{tier}_model")

    def max_tokens_for(self, tier: str) -> int:
        return getattr(self, f"{tier}_max_tokens")
