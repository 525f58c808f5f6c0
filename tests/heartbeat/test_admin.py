"""Heartbeat settings in admin: the interval change reschedules beat's periodic task; the
cap on a chat's open items is set here."""

import pytest
from django.contrib.auth.models import User
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from heartbeat.models import HeartbeatSettings

pytestmark = pytest.mark.django_db


def test_the_pass_runs_every_30_minutes_by_default():
    task = PeriodicTask.objects.get(task="heartbeat.run_pass")
    assert (task.interval.every, task.interval.period, task.enabled) == (30, "minutes", True)
    weekly = PeriodicTask.objects.get(task="heartbeat.weekly_digest")
    assert (weekly.crontab.day_of_week, weekly.crontab.hour) == ("1", "8")


def settings_form(**changes) -> dict:
    return {
        "enabled": "on",
        "interval_minutes": "15",
        "delivery": "on_next_message",
        "quiet_hours_start": "23:00",
        "quiet_hours_end": "07:00",
        "idle_after_days": "3",
        "model": "claude-haiku-5-5",
        "max_output_tokens": "200",
        "extraction_model": "claude-haiku-5-5",
        "compaction_model": "claude-haiku-5-5",
        "compaction_threshold_tokens": "6000",
        "compaction_keep_tokens": "2000",
        "max_open_items": "150",
    } | changes


def test_saving_a_new_interval_in_admin_reschedules_the_pass(client):
    client.force_login(User.objects.create_superuser("owner", password="x"))
    form = settings_form()
    HeartbeatSettings.get_solo()

    page = client.get("/admin/heartbeat/heartbeatsettings/1/change/").content.decode()
    assert "$10.00 a month" in page and "/admin/costs/budgetsettings/1/change/" in page

    response = client.post("/admin/heartbeat/heartbeatsettings/1/change/", form, follow=True)

    assert response.status_code == 200
    assert "The heartbeat now runs every 15 minutes." in response.content.decode()
    task = PeriodicTask.objects.get(task="heartbeat.run_pass")
    assert (task.interval.every, task.interval.period) == (15, "minutes")
    settings = HeartbeatSettings.get_solo()
    assert settings.delivery == "on_next_message" and settings.quiet_hours_start.hour == 23
    assert settings.max_open_items == 150


def test_an_interval_entered_twice_in_admin_still_reschedules_the_pass(client):
    # Regression: get_or_create found both rows and the save answered 500.
    for _ in range(2):
        IntervalSchedule.objects.create(every=45, period=IntervalSchedule.MINUTES)
    HeartbeatSettings.get_solo()
    client.force_login(User.objects.create_superuser("owner", password="x"))

    response = client.post(
        "/admin/heartbeat/heartbeatsettings/1/change/",
        settings_form(interval_minutes="45"),
        follow=True,
    )

    assert response.status_code == 200
    assert "The heartbeat now runs every 45 minutes." in response.content.decode()
    [task] = PeriodicTask.objects.filter(task="heartbeat.run_pass")
    assert (task.interval.every, task.interval.period) == (45, "minutes")


def test_each_settings_page_opens_as_its_form_from_the_admin_index(admin_client):
    HeartbeatSettings.objects.all().delete()  # a fresh install: nothing has read it yet
    for path in ("heartbeat/heartbeatsettings", "costs/budgetsettings", "routing/routingsettings"):
        response = admin_client.get(f"/admin/{path}/")

        assert response.status_code == 200
        assert response.context["title"].startswith("Change"), path  # the form, not a list
    assert HeartbeatSettings.objects.count() == 1
