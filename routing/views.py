"""The router playground: what tier a typed message would get, and why; no model call."""

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from routing.services import message_signals, route_message
from routing.simulation import tier_estimates

BUDGET_LEVELS = [("0", "0%"), ("0.5", "50%"), ("0.85", "85%"), ("0.96", "96%"), ("1", "100%")]
PLAYGROUND = "dashboard/playground.html"


@staff_member_required
@require_http_methods(["GET", "POST"])
def playground(request: HttpRequest, *, system_prompt: str = "") -> HttpResponse:
    """What tier a typed message would get, and why; no model is called.

    `system_prompt` is the agent's, passed in by the project's URLs (routing does not
    import the agent), so the estimates count it as a reply's prompt would.
    """
    message = request.POST.get("message", "")[:100_000]
    budget_used = request.POST.get("budget_used", "0")
    if budget_used not in dict(BUDGET_LEVELS):
        budget_used = "0"
    context = {"message": message, "budget_used": budget_used, "budget_levels": BUDGET_LEVELS}
    if message.strip():
        decision = route_message(message=message, budget_used=float(budget_used))
        context["decision"] = decision
        context["signals"] = message_signals(message=decision.text or message)
        context["estimates"] = tier_estimates(decision.text or message, system=system_prompt)
    if request.htmx:
        return render(request, PLAYGROUND + "#result", context)
    return render(request, PLAYGROUND, context)
