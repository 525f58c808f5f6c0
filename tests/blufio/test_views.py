import pytest


@pytest.fixture
def broker_down(switch_broker):
    switch_broker("redis://127.0.0.1:1/0")  # nothing listens on port 1


@pytest.mark.django_db
def test_it_reports_database_and_broker_up(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "ok",
        "anthropic": "configured",
        "telegram": "configured",
    }


@pytest.mark.django_db
def test_it_answers_503_when_the_broker_is_down(client, broker_down):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["broker"] == "down"
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_it_names_missing_credentials_without_showing_them(client, settings):
    settings.ANTHROPIC_API_KEY = ""

    body = client.get("/healthz").json()

    assert body["anthropic"] == "ANTHROPIC_API_KEY not set"
    assert "TEST-TOKEN" not in str(body)
