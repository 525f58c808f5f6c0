"""An attachment's floor under the tier of its caption (no Django)."""

from routing.attachments import TEXT, AttachmentFacts, AttachmentRule, attachment_route
from routing.core import RouterConfig, route
from routing.tiers import BUDGET_DOWNGRADE

CONFIG = RouterConfig()


def routed(caption: str, facts: AttachmentFacts | None, *, budget_used: float = 0.0, config=CONFIG):
    decision = route(caption, [], budget_used=budget_used, config=config)
    return attachment_route(decision, facts, context=[], config=config)


def test_a_photo_question_is_routed_by_its_caption_and_may_stay_haiku():
    decision = routed("What's in this photo?", AttachmentFacts("image", captioned=True))

    assert decision == route("What's in this photo?", [], config=CONFIG)
    assert decision.tier == "haiku"


def test_a_photo_without_a_caption_defaults_up_to_sonnet():
    decision = routed("", AttachmentFacts("image"))

    assert (decision.tier, decision.intended_tier, decision.override) == ("sonnet", "sonnet", None)
    assert decision.reasons[0] == TEXT[AttachmentRule.IMAGE_WITHOUT_CAPTION]
    assert decision.model == CONFIG.sonnet_model


def test_a_pdf_is_read_at_sonnet_at_least_and_a_long_one_at_opus():
    lookup = "what is the total on this receipt?"
    assert route(lookup, [], config=CONFIG).tier == "haiku"

    short = routed(lookup, AttachmentFacts("pdf", pages=2, captioned=True))
    long = routed(lookup, AttachmentFacts("pdf", pages=20, captioned=True))

    assert (short.tier, short.reasons[0]) == ("sonnet", TEXT[AttachmentRule.DOCUMENT])
    assert short.reasons[1:] == route(lookup, [], config=CONFIG).reasons
    assert (long.tier, long.reasons[0]) == ("opus", TEXT[AttachmentRule.LONG_DOCUMENT])


def test_a_floor_never_lowers_what_the_caption_asks():
    hard = "Prove that this contract's termination clause conflicts with clause 4 under German law"
    by_caption = route(hard, [], config=CONFIG)
    assert by_caption.tier == "opus"

    assert routed(hard, AttachmentFacts("pdf", pages=2, captioned=True)) == by_caption


def test_the_budget_still_downgrades_a_raised_tier_with_its_notice():
    decision = routed("", AttachmentFacts("pdf", pages=3), budget_used=0.85)

    assert (decision.intended_tier, decision.tier) == ("sonnet", "haiku")
    assert decision.downgrade_reason == BUDGET_DOWNGRADE
    assert decision.notice == "(Using Haiku — budget at 85%)"
    assert decision.reasons[0] == TEXT[AttachmentRule.DOCUMENT]
    assert decision.reasons[-1] == "budget at 85%: sonnet → haiku"
    assert decision.override is None


def test_a_prefix_or_force_model_is_the_owners_choice_and_has_no_floor():
    prefixed = routed("/haiku summarise", AttachmentFacts("pdf", pages=40, captioned=True))
    forced_config = RouterConfig(force_tier="haiku")
    forced = routed("", AttachmentFacts("pdf", pages=40), config=forced_config)

    assert (prefixed.tier, prefixed.override) == ("haiku", "prefix")
    assert (forced.tier, forced.override) == ("haiku", "force")


def test_a_message_without_an_attachment_is_left_as_routed():
    assert routed("hello", None) == route("hello", [], config=CONFIG)
