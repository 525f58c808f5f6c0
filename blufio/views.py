"""Project-level views: the health check."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from blufio.health import health_report


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 while the database and the broker are up (status `ok` or `degraded`), else 503."""
    report = health_report()
    return JsonResponse(report, status=503 if report["status"] == "down" else 200)
