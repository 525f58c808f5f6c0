"""The Django side of routing: decisions with the settings stored in admin."""

from routing.core import Decision, route
from routing.models import RoutingSettings


def route_message(
    *, message: str, context: list[dict] | None = None, budget_used: float = 0.0
) -> Decision:
    return route(
        message, context, budget_used=budget_used, config=RoutingSettings.load().to_config()
    )
