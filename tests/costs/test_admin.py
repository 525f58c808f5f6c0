"""The ledger in admin: read-only, exported as CSV with the API's columns."""

import pytest
from django.contrib.auth.models import User

from costs.models import BudgetSettings, Price
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


@pytest.mark.parametrize("zone", ["Europe", "America", "Etc", "Mars/Olympus"])
def test_a_time_zone_that_is_not_a_zone_gets_a_clear_error_not_a_500(client, zone):
    # Regression: a region's folder ("Europe") raised IsADirectoryError.
    client.force_login(User.objects.create_superuser("owner", "o@example.com", "pw"))
    settings = BudgetSettings.get_solo()
    values = {
        field.name: getattr(settings, field.attname)
        for field in BudgetSettings._meta.concrete_fields
        if field.editable and field.name != "id"
    }
    # As a browser posts the form: a ticked box as "on", an unticked one left out.
    form = {name: "on" if v is True else v for name, v in values.items() if v is not False}

    response = client.post("/admin/costs/budgetsettings/1/change/", form | {"timezone": zone})

    assert response.status_code == 200
    assert "is not a known time zone (try Europe/Berlin)." in response.content.decode()
    assert BudgetSettings.get_solo().timezone == settings.timezone


def test_the_whole_price_table_cannot_be_deleted(client):
    # Regression: with no price left, the dashboard, the API and every reply answered 500.
    client.force_login(User.objects.create_superuser("owner", "o@example.com", "pw"))
    every = list(Price.objects.values_list("pk", flat=True))

    response = client.post(
        "/admin/costs/price/",
        {"action": "delete_selected", "_selected_action": every, "post": "yes"},
    )

    assert response.status_code == 200
    assert "the last prices: keep at least one" in response.content.decode()
    assert Price.objects.count() == len(every)
    one = Price.objects.get(pattern="claude-opus-5")
    response = client.post(f"/admin/costs/price/{one.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302  # one of many may go
    assert Price.objects.count() == len(every) - 1
