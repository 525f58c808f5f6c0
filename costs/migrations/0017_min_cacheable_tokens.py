"""Each model's minimum cacheable prompt length, from its page's "Good to know" (checked
2026-12-02): 512 tokens on the 5 and 5.5 models but Sonnet 5 (1,024), 4,096 on Haiku 4.5."""

from django.db import migrations, models

MINIMUMS = {
    "claude-opus-5-5": 512,
    "claude-opus-5": 512,
    "claude-sonnet-5-5": 512,
    "claude-sonnet-5": 1024,
    "claude-haiku-5-5": 512,
    "claude-haiku-4-5": 4096,
}


def seed(apps, schema_editor):
    Price = apps.get_model("costs", "Price")
    for pattern, tokens in MINIMUMS.items():
        Price.objects.filter(pattern=pattern).update(min_cacheable_tokens=tokens)


class Migration(migrations.Migration):

    dependencies = [
        ('costs', '0016_reservation_interrupted_entry'),
    ]

    operations = [
        migrations.AddField(
            model_name='price',
            name='min_cacheable_tokens',
            field=models.PositiveIntegerField(default=1024, help_text="Tokens: a shorter prompt prefix is not cached even when marked (the API then charges it as plain input). From the model's page, 'Good to know'.", verbose_name='minimum cacheable prompt'),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
