"""Downgrade reason codes name the rule, not a percentage (the thresholds are settings):
budget_80 becomes budget_downgrade and budget_95 becomes budget_haiku_only, in the
ledger, its daily totals and the calls of budget holds still open."""

from django.db import migrations

RENAMES = {"budget_80": "budget_downgrade", "budget_95": "budget_haiku_only"}


def _rename(apps, mapping: dict[str, str]) -> None:
    for model_name in ("LedgerEntry", "LedgerDay"):
        model = apps.get_model("costs", model_name)
        for old, new in mapping.items():
            model.objects.filter(reason=old).update(reason=new)
    Reservation = apps.get_model("costs", "Reservation")
    for reservation in Reservation.objects.filter(status="held"):
        reason = (reservation.call or {}).get("reason")
        if reason in mapping:
            reservation.call = {**reservation.call, "reason": mapping[reason]}
            reservation.save(update_fields=["call"])


def forwards(apps, schema_editor) -> None:
    _rename(apps, RENAMES)


def backwards(apps, schema_editor) -> None:
    _rename(apps, {new: old for old, new in RENAMES.items()})


class Migration(migrations.Migration):
    dependencies = [("costs", "0009_interrupted_calls")]

    operations = [migrations.RunPython(forwards, backwards)]
