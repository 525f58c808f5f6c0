from django.contrib import admin

from routing.models import RoutingSettings


@admin.register(RoutingSettings)
class RoutingSettingsAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return not RoutingSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
