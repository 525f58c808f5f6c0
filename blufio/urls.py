from django.contrib import admin
from django.urls import path, re_path

from blufio import views
from blufio.api import api
from blufio.conversation.context import SYSTEM_PROMPT
from blufio.inbox import webhook
from costs import views as cost_views
from heartbeat import views as heartbeat_views
from routing import views as routing_views

urlpatterns = [
    # With or without the slash: Telegram does not follow a redirect, so a webhook set
    # without it would lose every update (and debug's APPEND_SLASH answers a POST 500).
    re_path(r"^telegram/webhook/?$", webhook.telegram_webhook, name="telegram-webhook"),
    path("healthz", views.healthz, name="healthz"),
    path("dashboard/", cost_views.dashboard, name="dashboard"),
    path("dashboard/decisions/", cost_views.decisions, name="dashboard-decisions"),
    path(
        "dashboard/playground/",
        routing_views.playground,
        {"system_prompt": SYSTEM_PROMPT},
        name="playground",
    ),
    path("dashboard/heartbeats/", heartbeat_views.heartbeats, name="dashboard-heartbeats"),
    path("dashboard/routing-quality/", views.routing_quality_panel, name="routing-quality"),
    path("dashboard/playground/escalated/", views.escalated_messages, name="playground-escalated"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
