"""The Django side of routing: decisions with the settings stored in admin."""

from routing.attachments import AttachmentFacts, attachment_route
from routing.core import Decision, explain, route
from routing.models import RoutingSettings


def route_message(
    *,
    message: str,
    context: list[dict] | None = None,
    budget_used: float = 0.0,
    settings: RoutingSettings | None = None,
    attachment: AttachmentFacts | None = None,
) -> Decision:
    """Route with the admin's settings (pass them in when the caller has loaded them); a
    message's `attachment` may raise the tier its text gets."""
    config = (settings or RoutingSettings.get_solo()).to_config()
    decision = route(message, context, budget_used=budget_used, config=config)
    return attachment_route(decision, attachment, context=context, config=config)


def message_signals(*, message: str, context: list[dict] | None = None) -> list[dict]:
    """Why a message scores as it does: each signal's value, weight and contribution."""
    return explain(message, context)
