from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from costs.selectors import period_bounds
from heartbeat.selectors import heartbeat_overview

TEMPLATE = "dashboard/heartbeats.html"


@staff_member_required
@require_GET
def heartbeats(request):
    """This month's check-ins and what is pending: a dashboard panel, or a page of its own."""
    month_start, _ = period_bounds("month")
    context = {"overview": heartbeat_overview(month_start=month_start)}
    return render(request, TEMPLATE + "#panel" if request.htmx else TEMPLATE, context)
