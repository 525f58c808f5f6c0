from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from solo.admin import SingletonModelAdmin

from costs.models import BudgetSettings
from heartbeat.models import CheckIn, ExtractionRun, HeartbeatSettings, PendingItem, WeeklyDigest
from heartbeat.schedule import heartbeat_schedule_sync


@admin.register(HeartbeatSettings)
class HeartbeatSettingsAdmin(SingletonModelAdmin):
    fieldsets = (
        (
            "Heartbeats",
            {
                "fields": (
                    "enabled",
                    "interval_minutes",
                    "delivery",
                    ("quiet_hours_start", "quiet_hours_end"),
                    "idle_after_days",
                    "model",
                    "max_output_tokens",
                    "monthly_budget",
                ),
            },
        ),
        (
            "Memory",
            {
                "fields": (
                    "extraction_model",
                    "compaction_model",
                    "compaction_threshold_tokens",
                    "compaction_keep_tokens",
                    "max_open_items",
                )
            },
        ),
    )

    readonly_fields = ("monthly_budget",)

    @admin.display(description="Monthly budget")
    def monthly_budget(self, obj) -> str:
        budget = BudgetSettings.get_solo()
        link = reverse("admin:costs_budgetsettings_change", args=[budget.pk])
        return format_html(
            "${} a month, set with the daily budget and the owner's time zone in "
            '<a href="{}">Budget settings</a>.',
            budget.heartbeat_monthly_budget_usd,
            link,
        )

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if "interval_minutes" in form.changed_data:
            heartbeat_schedule_sync(interval_minutes=obj.interval_minutes)
            messages.info(request, f"The heartbeat now runs every {obj.interval_minutes} minutes.")


@admin.register(PendingItem)
class PendingItemAdmin(admin.ModelAdmin):
    list_display = ("id", "session", "kind", "text", "due_at", "status", "snoozed_until")
    list_filter = ("status", "kind")
    list_select_related = ("session",)
    search_fields = ("text",)
    raw_id_fields = ("session", "source_message")


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ("slot", "session", "outcome", "text", "delivered_at")
    list_filter = ("outcome",)
    readonly_fields = [f.name for f in CheckIn._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ExtractionRun)
class ExtractionRunAdmin(admin.ModelAdmin):
    list_display = ("created_at", "message", "outcome", "items_created", "items_updated")
    list_filter = ("outcome",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WeeklyDigest)
class WeeklyDigestAdmin(admin.ModelAdmin):
    list_display = ("week_starts_on", "chat_id", "sent_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
