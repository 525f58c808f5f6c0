import pytest
from django.contrib.auth.models import User

from blufio.models import ApiToken

pytestmark = pytest.mark.django_db


def test_creating_a_token_in_admin_shows_the_key_once_and_stores_its_hash(client):
    client.force_login(User.objects.create_superuser("owner", "o@example.com", "pw"))

    response = client.post("/admin/blufio/apitoken/add/", {"name": "scripts"}, follow=True)

    token = ApiToken.objects.get()
    [message] = [str(m) for m in response.context["messages"] if "new token" in str(m)]
    key = message.split("The new token is ", 1)[1].split(" ", 1)[0]
    assert key.startswith("bf_") and len(key) > 40
    assert key not in (token.key_hash, token.prefix)
    listing = client.get("/admin/blufio/apitoken/").content.decode()
    assert key not in listing
    api = client.post(
        "/api/route",
        {"message": "hi"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert api.status_code == 200
