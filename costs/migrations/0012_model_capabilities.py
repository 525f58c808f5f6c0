"""Each model's capabilities in the price table, read on 2026-12-02 from Anthropic's
model pages (the "What's new" and migration guide of each 5.5 model, the thinking and
structured outputs pages) and the Models API's capability fields.

- Opus 5.5: adaptive thinking always on (turning it off or a budget is a 400); effort
  low to max (default medium); forced tool use is a 400.
- Sonnet 5.5: adaptive thinking on by default; `between_tools` turns up-front thinking
  off (`disabled` is a 400); effort low to max (default high); forced tool use is a 400.
- Haiku 5.5: adaptive thinking on by default, `disabled` turns it off (with effort at
  high or lower); effort low to max (default medium). Non-default temperature, top_p and
  top_k and an assistant prefill are 400s; prompts cache from 512 tokens.
- Haiku 4.5: thinks only with `thinking: enabled` and a budget; no effort parameter;
  forced tool use with thinking off; structured outputs are generally available.
- Opus 5 and Sonnet 5: think by default, `disabled` accepted; effort low to max.

Thinking is never compatible with forced tool use. Where the pages are silent the safe
value is kept: structured outputs on the 5.x models and forced tools on Haiku 5.5,
Opus 5 and Sonnet 5 (an extraction then offers its tool without forcing it).
"""

from django.db import migrations, models

ALL_EFFORTS = "low,medium,high,xhigh,max"
CAPABILITIES = {
    # pattern: thinking, thinking off with, efforts, forced tool use, structured outputs
    "claude-opus-5-5": ("always", "", ALL_EFFORTS, False, False),
    "claude-opus-5": ("on", "disabled", ALL_EFFORTS, False, False),
    "claude-sonnet-5-5": ("on", "between_tools", ALL_EFFORTS, False, False),
    "claude-sonnet-5": ("on", "disabled", ALL_EFFORTS, False, False),
    "claude-haiku-5-5": ("on", "disabled", ALL_EFFORTS, False, False),
    "claude-haiku-4-5": ("off", "", "", True, True),
}
SOURCE = (
    "Capabilities: Anthropic model pages (What's new, migration guides, thinking, "
    "structured outputs), checked 2026-12-02."
)


def seed(apps, schema_editor):
    Price = apps.get_model("costs", "Price")
    for pattern, (thinking, off, efforts, forced, structured) in CAPABILITIES.items():
        for price in Price.objects.filter(pattern=pattern):
            price.thinking, price.thinking_off, price.efforts = thinking, off, efforts
            price.forced_tool_use, price.structured_outputs = forced, structured
            price.source = f"{price.source}\n{SOURCE}".strip()
            price.save()




class Migration(migrations.Migration):

    dependencies = [
        ('costs', '0011_ledger_cache_lifetime_geo_speed'),
    ]

    operations = [
        migrations.AddField(
            model_name='ledgerentry',
            name='effort',
            field=models.CharField(blank=True, help_text='The output_config.effort sent; empty: none.', max_length=10),
        ),
        migrations.AddField(
            model_name='price',
            name='efforts',
            field=models.CharField(blank=True, help_text='The output_config.effort levels the model takes, comma-separated (low, medium, high, xhigh, max). Empty: it takes no effort parameter, and none is sent.', max_length=60),
        ),
        migrations.AddField(
            model_name='price',
            name='forced_tool_use',
            field=models.BooleanField(default=False, help_text='Accepts a tool_choice that forces a tool (with thinking off). Off: tools are offered, never forced.'),
        ),
        migrations.AddField(
            model_name='price',
            name='structured_outputs',
            field=models.BooleanField(default=False, help_text='Accepts output_config.format with a JSON schema. Off: structured answers come through a tool the model may call.'),
        ),
        migrations.AddField(
            model_name='price',
            name='thinking',
            field=models.CharField(choices=[('none', 'cannot think'), ('off', 'thinks only when asked'), ('on', 'thinks unless turned off'), ('always', 'always thinks (or not known)')], default='always', help_text='How the model thinks when a request does not say. Internal calls (memory, compaction, check-ins) turn thinking off where the model allows it.', max_length=10),
        ),
        migrations.AddField(
            model_name='price',
            name='thinking_off',
            field=models.CharField(blank=True, choices=[('', '(nothing)'), ('disabled', 'disabled'), ('between_tools', 'between_tools')], help_text='The thinking.type that turns thinking off, for a model that thinks unless turned off.', max_length=20, verbose_name='thinking off with'),
        ),
        migrations.AlterField(
            model_name='price',
            name='source',
            field=models.TextField(blank=True, help_text='Where these prices and capabilities come from, and when.'),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
