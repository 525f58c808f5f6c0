"""Project-level views: the health check, and the agent's panels of the owner's pages
(the routing-quality panel of the dashboard, the escalated messages of the playground)."""

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from blufio.feedback import escalations, routing_quality
from blufio.health import health_report
from costs.selectors import period_bounds

ROUTING_QUALITY = "dashboard/routing_quality.html"
ESCALATIONS = "dashboard/escalations.html"


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 while the database and the broker are up (status `ok` or `degraded`), else 503."""
    report = health_report()
    return JsonResponse(report, status=503 if report["status"] == "down" else 200)


@staff_member_required
@require_GET
def routing_quality_panel(request: HttpRequest) -> HttpResponse:
    """The owner's verdicts per tier over 30 days: a dashboard panel, or a page of its own."""
    start, end = period_bounds("30d")
    context = {"quality": routing_quality(start=start, end=end)}
    return render(request, ROUTING_QUALITY + "#panel" if request.htmx else ROUTING_QUALITY, context)


@staff_member_required
@require_GET
def escalated_messages(request: HttpRequest) -> HttpResponse:
    """The messages the owner escalated, as labelled cases: the playground's panel, or a
    page of its own."""
    context = {"escalations": escalations()}
    return render(request, ESCALATIONS + "#panel" if request.htmx else ESCALATIONS, context)
