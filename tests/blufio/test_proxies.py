"""Logins lock out one username from one client address, also behind compose's proxy."""

import time
from datetime import timedelta

import httpx
import pytest
from django.contrib.auth.models import User
from django.test import RequestFactory

from blufio.proxies import client_address
from tests.fakes.proxy import FakeProxy

OWNER_ADDRESS = "127.0.0.3"
ATTACKER_ADDRESS = "127.0.0.2"


@pytest.fixture
def behind_proxy(live_server, settings):
    """The live server behind one proxy that appends the peer to X-Forwarded-For."""
    settings.PROXY_COUNT = 1
    proxy = FakeProxy(live_server.url).start()
    yield proxy
    proxy.stop()


@pytest.fixture
def owner(transactional_db):
    return User.objects.create_user("owner", password="the-right-password", is_staff=True)


def browser(proxy: FakeProxy, address: str) -> httpx.Client:
    """A visitor connecting to the proxy from its own loopback address."""
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=proxy.url, transport=transport, timeout=30)


def log_in(
    visitor: httpx.Client, username: str, password: str, headers: dict | None = None
) -> httpx.Response:
    visitor.get("/admin/login/")
    form = {
        "username": username,
        "password": password,
        "csrfmiddlewaretoken": visitor.cookies["csrftoken"],
        "next": "/dashboard/",
    }
    return visitor.post("/admin/login/?next=/dashboard/", data=form, headers=headers)


def test_failures_with_many_usernames_behind_the_proxy_do_not_lock_out_the_owner(
    behind_proxy, owner
):
    with browser(behind_proxy, ATTACKER_ADDRESS) as attacker:
        for n in range(5):
            assert log_in(attacker, f"guess{n}", "wrong").status_code == 200

    with browser(behind_proxy, OWNER_ADDRESS) as visitor:
        response = log_in(visitor, "owner", "the-right-password")

    assert response.status_code == 302
    assert response.headers["location"] == "/dashboard/"


def test_failures_with_the_owners_name_from_elsewhere_do_not_lock_out_the_owner(
    behind_proxy, owner
):
    with browser(behind_proxy, ATTACKER_ADDRESS) as attacker:
        for _ in range(7):
            log_in(attacker, "owner", "wrong")
        # Locked out, and a forged X-Forwarded-For naming the owner's address does not
        # move the lockout onto it: the proxy's own entry is the one read.
        forged = {"X-Forwarded-For": OWNER_ADDRESS}
        assert log_in(attacker, "owner", "wrong", headers=forged).status_code == 429

    with browser(behind_proxy, OWNER_ADDRESS) as visitor:
        response = log_in(visitor, "owner", "the-right-password")

    assert response.status_code == 302


def test_five_failures_from_one_client_behind_the_proxy_lock_that_client_out(behind_proxy, owner):
    with browser(behind_proxy, OWNER_ADDRESS) as visitor:
        for _ in range(5):
            log_in(visitor, "owner", "wrong")

        response = log_in(visitor, "owner", "the-right-password")

    assert response.status_code == 429


def request_from(remote: str, forwarded: str | None = None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


def test_without_proxies_forwarded_for_is_ignored(settings):
    settings.PROXY_COUNT = 0

    assert client_address(request_from("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


@pytest.mark.parametrize(
    "count, forwarded, expected",
    [
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "10.0.0.1, 198.51.100.7", "198.51.100.7"),  # the client's claim is skipped
        (2, "10.0.0.1, 198.51.100.7, 172.16.0.2", "198.51.100.7"),
        (2, "198.51.100.7", "172.18.0.5"),  # fewer hops than proxies: not through them
        (1, "", "172.18.0.5"),
        (1, "not-an-address", "172.18.0.5"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_behind_proxies_the_outermost_proxys_entry_is_the_client(
    settings, count, forwarded, expected
):
    settings.PROXY_COUNT = count

    assert client_address(request_from("172.18.0.5", forwarded)) == expected


@pytest.mark.django_db
def test_failures_during_a_lockout_do_not_extend_it(client, settings):
    settings.AXES_COOLOFF_TIME = timedelta(seconds=2)
    User.objects.create_user("owner", password="the-right-password", is_staff=True)
    for _ in range(5):
        client.post("/admin/login/", {"username": "owner", "password": "wrong"})
    time.sleep(1.2)
    client.post("/admin/login/", {"username": "owner", "password": "wrong"})  # while locked
    time.sleep(1.2)

    response = client.post(
        "/admin/login/?next=/dashboard/", {"username": "owner", "password": "the-right-password"}
    )

    assert response.status_code == 302
