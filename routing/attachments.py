"""What an attachment adds to a routing decision: a floor under the tier of its caption.

Pure Python, like the router core. The router reads the caption as any message; the
attachment can only raise the tier it intends, never lower it, and is judged by the
labelling guide (shared LABELLING.md):

- A photo or image **with a caption**: the caption says what is asked, and it decides
  ("what's in this photo?" may stay Haiku; "why does this error happen?" is routed by its
  words). No floor.
- A photo or image **without a caption**: nothing says what is wanted, so the guide's
  "default up" applies: at least Sonnet.
- A **PDF**: at least Sonnet. The router cannot read the document, so it cannot tell a
  lookup in a receipt from the review of a contract; reading one document is at least
  "summarising one moderately long text" (Sonnet), and when in doubt the guide goes up.
- A PDF of **LONG_DOCUMENT_PAGES pages or more**: Opus. A many-page contract, report or
  paper is the guide's "nuanced legal, medical or financial analysis" or "research
  synthesis"; it is no longer a moderately long text.

The owner's explicit choices win, as everywhere: a /prefix or `force_model` has no floor
under it. The budget downgrades still apply to the raised tier, with their notice.
"""

from dataclasses import dataclass, replace
from enum import StrEnum

from routing.core import Decision, RouterConfig, route
from routing.tiers import TIERS

LONG_DOCUMENT_PAGES = 20


class AttachmentRule(StrEnum):
    """Why an attachment raised the tier (the reason code; its words are in TEXT)."""

    IMAGE_WITHOUT_CAPTION = "image_without_caption"
    DOCUMENT = "document"
    LONG_DOCUMENT = "long_document"


TEXT = {
    AttachmentRule.IMAGE_WITHOUT_CAPTION: "an image without a question: at least Sonnet",
    AttachmentRule.DOCUMENT: "a PDF to read: at least Sonnet",
    AttachmentRule.LONG_DOCUMENT: f"a PDF of {LONG_DOCUMENT_PAGES}+ pages: Opus",
}


@dataclass(frozen=True)
class AttachmentFacts:
    """What the router knows of an attachment: its kind and size, never its content."""

    kind: str  # "image" or "pdf"
    pages: int = 0  # of a PDF
    captioned: bool = False


def attachment_floor(facts: AttachmentFacts) -> tuple[str, AttachmentRule] | None:
    """The lowest tier the attachment deserves, and why; None when the caption decides."""
    if facts.kind == "pdf":
        if facts.pages >= LONG_DOCUMENT_PAGES:
            return "opus", AttachmentRule.LONG_DOCUMENT
        return "sonnet", AttachmentRule.DOCUMENT
    if not facts.captioned:
        return "sonnet", AttachmentRule.IMAGE_WITHOUT_CAPTION
    return None


def attachment_route(
    decision: Decision,
    facts: AttachmentFacts | None,
    *,
    context: list[dict] | None,
    config: RouterConfig,
) -> Decision:
    """The decision for a message that carries `facts`, given the caption's `decision`.

    A floor above the intended tier is applied as the core applies `force_model` (the
    same budget downgrades and notice), but reported as routing, not as an override.
    """
    floor = attachment_floor(facts) if facts is not None and decision.override is None else None
    if floor is None or TIERS.index(floor[0]) <= TIERS.index(decision.intended_tier):
        return decision
    tier, rule = floor
    forced = replace(config, force_tier=tier)
    raised = route(decision.text, context, budget_used=decision.budget_used, config=forced)
    # The forced decision's reasons are "force_model is …", the caption's, then any budget one.
    return replace(raised, override=None, reasons=[TEXT[rule], *raised.reasons[1:]])
