from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from costs.dashboard import dashboard_budget, dashboard_summary
from costs.selectors import recent_decisions
from routing.models import RoutingSettings

TEMPLATE = "dashboard/index.html"


def _filters(request) -> dict:
    return {
        "tier": request.GET.get("tier", "")[:10],
        "reason": request.GET.get("reason", "")[:20],
    }


@staff_member_required
@require_GET
def dashboard(request):
    filters = _filters(request)
    routing = RoutingSettings.get_solo()
    context = {
        **dashboard_budget(warn_at=routing.downgrade_at, stop_at=routing.haiku_only_at),
        **dashboard_summary(period=request.GET.get("period", "30d")),
        "decisions": recent_decisions(**filters),
        "filters": filters,
    }
    if request.htmx and request.htmx.target == "summary":
        return render(request, TEMPLATE + "#summary", context)
    return render(request, TEMPLATE, context)


@staff_member_required
@require_GET
def decisions(request):
    filters = _filters(request)
    context = {"decisions": recent_decisions(**filters), "filters": filters}
    return render(request, TEMPLATE + "#decisions", context)
