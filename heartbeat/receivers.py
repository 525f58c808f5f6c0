"""Where the agent's signals reach the heartbeat app; each receiver calls one service."""

from django.db import transaction
from django.dispatch import receiver

from blufio.conversation.hooks import button_pressed, context_notes_requested, reply_sent
from heartbeat import checkins
from heartbeat.tasks import memory_after_reply_task


@receiver(context_notes_requested)
def add_kept_checkins(sender, *, session, **kwargs):
    return checkins.kept_checkin_notes(session=session)


@receiver(reply_sent)
def remember_after_reply(sender, *, user_message, notes, **kwargs):
    """Mark woven check-ins delivered; read the owner's message for memory in its own task."""
    checkins.kept_checkins_delivered(notes=notes)
    transaction.on_commit(lambda: memory_after_reply_task.delay(user_message.pk), robust=True)


@receiver(button_pressed)
def act_on_checkin_button(sender, *, chat_id, message_id, data, **kwargs):
    return checkins.button_press(chat_id=chat_id, message_id=message_id, data=data)
