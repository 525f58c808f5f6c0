"""The router playground: what tier a typed message would get, and why; no model call."""

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from costs.pricing import estimated_tokens
from routing.caching import WarmCache, cache_warm_stay
from routing.models import RoutingSettings
from routing.services import message_signals, route_message
from routing.simulation import TYPICAL_OUTPUT_TOKENS, tier_estimates
from routing.tiers import TIER_NAMES

BUDGET_LEVELS = [("0", "0%"), ("0.5", "50%"), ("0.85", "85%"), ("0.96", "96%"), ("1", "100%")]
WARM_TIERS = [("", "none"), *TIER_NAMES.items()]
# The conversation the playground assumes is cached on the warm tier: about a compaction's
# worth of turns.
PLAYGROUND_CACHED_TOKENS = 6000
PLAYGROUND = "dashboard/playground.html"


@staff_member_required
@require_http_methods(["GET", "POST"])
def playground(request: HttpRequest, *, system_prompt: str = "") -> HttpResponse:
    """What tier a typed message would get, and why; no model is called. With a warm tier
    chosen, the chat is taken to hold a cached conversation there, and the decision may
    stay on it (`cache_warm`).

    `system_prompt` is the agent's, passed in by the project's URLs (routing does not
    import the agent), so the estimates count it as a reply's prompt would.
    """
    message = request.POST.get("message", "")[:100_000]
    budget_used = request.POST.get("budget_used", "0")
    if budget_used not in dict(BUDGET_LEVELS):
        budget_used = "0"
    warm_tier = request.POST.get("warm_tier", "")
    if warm_tier not in dict(WARM_TIERS):
        warm_tier = ""
    context = {
        "message": message,
        "budget_used": budget_used,
        "budget_levels": BUDGET_LEVELS,
        "warm_tier": warm_tier,
        "warm_tiers": WARM_TIERS,
        "cached_tokens": PLAYGROUND_CACHED_TOKENS,
    }
    if message.strip():
        settings = RoutingSettings.get_solo()
        decision = route_message(message=message, budget_used=float(budget_used), settings=settings)
        if warm_tier:
            warm = WarmCache(tier=warm_tier, cached_tokens=PLAYGROUND_CACHED_TOKENS)
            stay = cache_warm_stay(
                decision,
                warm,
                new_tokens=TYPICAL_OUTPUT_TOKENS + estimated_tokens(decision.text),
                output_tokens=TYPICAL_OUTPUT_TOKENS,
                settings=settings,
            )
            context["router_tier"], context["stayed"] = decision.tier, stay is not None
            decision = stay or decision
        context["decision"] = decision
        context["signals"] = message_signals(message=decision.text or message)
        context["estimates"] = tier_estimates(decision.text or message, system=system_prompt)
    if request.htmx:
        return render(request, PLAYGROUND + "#result", context)
    return render(request, PLAYGROUND, context)
