"""The address a request came from, behind `settings.PROXY_COUNT` reverse proxies."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The client's address: `REMOTE_ADDR`, or with proxies in front, the entry of
    `X-Forwarded-For` that the outermost of them wrote.

    Each proxy appends the address it was connected from, so the last `PROXY_COUNT`
    entries are written by our proxies and anything left of them by the client
    (which may claim any address it likes). A request that did not pass through all
    our proxies, or an entry that is not an address, falls back to `REMOTE_ADDR`.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.PROXY_COUNT
    if count == 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < count:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote
