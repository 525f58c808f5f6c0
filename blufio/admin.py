from django.contrib import admin, messages

from blufio.models import (
    AllowedGroup,
    ApiToken,
    ChatMessage,
    ChatSession,
    InboundUpdate,
    RoutingFeedback,
)
from blufio.tokens import api_token_create


class ChatMessageInline(admin.TabularInline):
    model = ChatMessage
    extra = 0
    fields = (
        "created_at",
        "role",
        "forwarded",
        "text",
        "attachment_kind",
        "attachment_file_id",
        "model",
        "input_tokens",
        "output_tokens",
    )
    readonly_fields = fields
    can_delete = False


@admin.register(ChatSession)
class ChatSessionAdmin(admin.ModelAdmin):
    list_display = (
        "chat_id",
        "user_id",
        "private",
        "created_at",
        "last_message_at",
        "unreachable_since",
    )
    search_fields = ("chat_id", "user_id", "messages__text")
    inlines = [ChatMessageInline]


@admin.register(AllowedGroup)
class AllowedGroupAdmin(admin.ModelAdmin):
    """The bot answers the owner in private chats and in these groups only."""

    list_display = ("name", "chat_id", "added_at")


@admin.register(InboundUpdate)
class InboundUpdateAdmin(admin.ModelAdmin):
    list_display = ("update_id", "chat_id", "status", "result", "attempts", "received_at")
    list_filter = ("status", "result")
    search_fields = ("update_id", "chat_id")
    readonly_fields = ("update_id", "raw", "chat_id", "received_at", "updated_at")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "created_at", "last_used_at")
    fields = ("name",)

    def save_model(self, request, obj, form, change) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        token, key = api_token_create(name=obj.name)
        obj.pk = token.pk
        messages.warning(
            request,
            f"The new token is {key} — copy it now: it is stored hashed and not shown again.",
        )

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None


@admin.register(RoutingFeedback)
class RoutingFeedbackAdmin(admin.ModelAdmin):
    """The owner's verdicts, as recorded (read-only): the dashboard panel sums them."""

    list_display = ("created_at", "signal", "asked_tier", "ledger_entry")
    list_filter = ("signal", "asked_tier", "created_at")
    readonly_fields = ("created_at", "signal", "asked_tier", "ledger_entry", "message")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
