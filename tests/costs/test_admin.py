"""The ledger in admin: read-only, exported as CSV with the API's columns."""

import pytest
from django.contrib.auth.models import User

from tests.helpers import ledger_row

pytestmark = pytest.mark.django_db


def test_the_ledger_admin_exports_selected_entries_as_csv(client):
    client.force_login(User.objects.create_superuser("owner", "o@example.com", "pw"))
    entry = ledger_row(
        "claude-sonnet-5-5",
        "0.0123",
        intended_model="claude-opus-5-5",
        reason="budget_downgrade",
        tier="sonnet",
        intended_tier="opus",
    )

    response = client.post(
        "/admin/costs/ledgerentry/",
        {"action": "export_csv", "_selected_action": [entry.pk]},
    )

    lines = response.content.decode().splitlines()
    assert lines[0].startswith("created_at,feature,intended_model,actual_model,tier")
    assert "claude-opus-5-5,claude-sonnet-5-5,sonnet,opus,budget_downgrade" in lines[1]
