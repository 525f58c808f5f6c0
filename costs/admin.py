from django.contrib import admin
from django.http import HttpResponse

from costs.models import BudgetSettings, BudgetWindow, LedgerEntry, Price
from costs.selectors import ledger_csv


@admin.action(description="Export selected entries as CSV")
def export_csv(modeladmin, request, queryset):
    response = HttpResponse(ledger_csv(queryset.order_by("-created_at")), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="blufio-ledger.csv"'
    return response


@admin.register(Price)
class PriceAdmin(admin.ModelAdmin):
    list_display = (
        "pattern",
        "input_per_mtok",
        "output_per_mtok",
        "cache_write_5m_per_mtok",
        "cache_write_1h_per_mtok",
        "cache_read_per_mtok",
        "long_prompt_threshold",
        "thinking",
        "efforts",
        "structured_outputs",
        "updated_at",
    )
    search_fields = ("pattern",)


@admin.register(BudgetSettings)
class BudgetSettingsAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return not BudgetSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(BudgetWindow)
class BudgetWindowAdmin(admin.ModelAdmin):
    list_display = ("pool", "starts_on", "spent_usd", "reserved_usd")
    list_filter = ("pool",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "feature",
        "tier",
        "intended_model",
        "actual_model",
        "attachment_kind",
        "input_tokens",
        "output_tokens",
        "cost_usd",
        "latency_ms",
        "reason",
        "outcome",
    )
    list_filter = (
        "created_at",
        "feature",
        "actual_model",
        "tier",
        "reason",
        "attachment_kind",
        "outcome",
    )
    date_hierarchy = "created_at"
    actions = [export_csv]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
