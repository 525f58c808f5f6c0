from django.contrib import admin
from django.http import HttpResponse
from solo.admin import SingletonModelAdmin

from costs.models import BudgetSettings, BudgetWindow, LedgerEntry, Price
from costs.selectors import ledger_csv

# Shown as what a delete of the whole price table would take away.
EMPTY_PRICE_TABLE = "the last prices: keep at least one, or no call can be held or charged"


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

    def get_deleted_objects(self, objs, request):
        """Deleting every price is refused (as a protected object is): each call is held
        and charged at a price, and an unknown model at the dearest known one."""
        deletable, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if not Price.objects.exclude(pk__in=[obj.pk for obj in objs]).exists():
            protected = [*protected, EMPTY_PRICE_TABLE]
        return deletable, counts, perms_needed, protected


@admin.register(BudgetSettings)
class BudgetSettingsAdmin(SingletonModelAdmin):
    """One row, opened straight from the admin index (and made on first visit)."""


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
