from django.contrib import admin

from blufio.models import ChatMessage, ChatSession, InboundUpdate


class ChatMessageInline(admin.TabularInline):
    model = ChatMessage
    extra = 0
    fields = ("created_at", "role", "text", "model", "input_tokens", "output_tokens")
    readonly_fields = fields
    can_delete = False


@admin.register(ChatSession)
class ChatSessionAdmin(admin.ModelAdmin):
    list_display = ("chat_id", "user_id", "created_at", "last_message_at")
    search_fields = ("chat_id", "user_id", "messages__text")
    inlines = [ChatMessageInline]


@admin.register(InboundUpdate)
class InboundUpdateAdmin(admin.ModelAdmin):
    list_display = ("update_id", "chat_id", "status", "result", "attempts", "received_at")
    list_filter = ("status", "result")
    search_fields = ("update_id", "chat_id")
    readonly_fields = ("update_id", "raw", "chat_id", "received_at", "updated_at")
