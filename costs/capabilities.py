"""What a Claude model accepts on a request: whether and how it thinks, which effort
levels it takes, and how it can be asked for structured output.

Pure: the price table's rows (`costs.models.Price`, edited in admin) become
`Capabilities` first. The seeded values and their sources are in
`costs/migrations/0012_model_capabilities.py`; where the model pages are silent the
safe value is kept, so a request is never refused for something we assumed.
"""

from dataclasses import dataclass
from typing import Literal

# How a model thinks when a request does not say:
#   none   it cannot think;
#   off    it thinks only when a request asks (Claude Haiku 4.5);
#   on     it thinks by default and `thinking_off` (a `thinking.type`) turns it off;
#   always it thinks and cannot be told not to (Claude Opus 5.5), or we do not know.
Thinking = Literal["none", "off", "on", "always"]


@dataclass(frozen=True)
class Capabilities:
    thinking: Thinking = "always"
    thinking_off: str = ""  # the `thinking.type` that turns thinking off, for "on"
    efforts: tuple[str, ...] = ()  # the `output_config.effort` levels it takes; () none
    forced_tool_use: bool = False  # a `tool_choice` of "any" or "tool", with thinking off
    structured_outputs: bool = False  # `output_config.format` with a JSON schema

    def effort(self, wanted: str | None) -> str | None:
        """`wanted` if the model takes it, else None: the effort is then not sent."""
        return wanted if wanted in self.efforts else None

    def quiet_thinking(self) -> dict | None:
        """The `thinking` parameter that keeps the model from thinking, where it can be
        kept from it; None sends none (the model does not think, or cannot be stopped)."""
        if self.thinking == "on" and self.thinking_off:
            return {"type": self.thinking_off}
        return None

    def thinks(self, thinking: dict | None) -> bool:
        """Whether a request with this `thinking` parameter (None: not sent) may think."""
        if thinking is not None:
            return thinking.get("type") in ("adaptive", "enabled")
        return self.thinking in ("on", "always")


# What a model missing from the table is assumed to accept: no effort, no format, no
# forced tool, and it may think whatever we send.
UNKNOWN_MODEL = Capabilities()
