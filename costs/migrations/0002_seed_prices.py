"""Seed the price table (USD per million tokens), checked on 2026-11-21.

Sources: Anthropic's model overview and pricing pages (platform.claude.com/docs,
"Pricing" and each model's "Specifications"). Cells DESIGN.md left open are filled
from them; Sonnet 5.5's cache read fell from $0.20 to $0.10 on 2026-10-07, so the
current $0.10 is seeded. US-only inference (usage.inference_geo == "us") costs 1.1x
on every token kind; fast mode (usage.speed == "fast") is 2x on Opus 5.5.
"""

from decimal import Decimal as D

from django.db import migrations

SOURCE = "Anthropic pricing and model overview pages, checked 2026-11-21."

PRICES = [
    # pattern, input, output, 5m write, 1h write, cache read, extra fields
    ("claude-opus-5-5", "4", "20", "5", "8", "0.20", {"fast_multiplier": D("2")}),
    ("claude-opus-5", "5", "25", "6.25", "10", "0.50", {}),
    ("claude-sonnet-5-5", "2", "10", "2.50", "4", "0.10", {}),
    ("claude-sonnet-5", "2", "10", "2.50", "4", "0.20", {}),
    (
        "claude-haiku-5-5",
        "0.10",
        "0.50",
        "0.125",
        "0.20",
        "0.01",
        {
            "long_prompt_threshold": 100_000,
            "long_input_per_mtok": D("0.50"),
            "long_output_per_mtok": D("2.50"),
            "long_cache_write_5m_per_mtok": D("0.625"),
            "long_cache_write_1h_per_mtok": D("1.00"),
            "long_cache_read_per_mtok": D("0.05"),
        },
    ),
    ("claude-haiku-4-5", "1", "5", "1.25", "2", "0.10", {}),
]


def seed(apps, schema_editor):
    Price = apps.get_model("costs", "Price")
    for pattern, inp, out, w5, w1, read, extra in PRICES:
        Price.objects.update_or_create(
            pattern=pattern,
            defaults={
                "input_per_mtok": D(inp),
                "output_per_mtok": D(out),
                "cache_write_5m_per_mtok": D(w5),
                "cache_write_1h_per_mtok": D(w1),
                "cache_read_per_mtok": D(read),
                "source": SOURCE,
                **extra,
            },
        )


def unseed(apps, schema_editor):
    Price = apps.get_model("costs", "Price")
    Price.objects.filter(pattern__in=[row[0] for row in PRICES]).delete()


class Migration(migrations.Migration):
    dependencies = [("costs", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
