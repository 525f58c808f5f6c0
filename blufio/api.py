"""The JSON API (django-ninja): staff session or `Authorization: Bearer <API token>`."""

from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth_is_staff

from blufio.tokens import api_token_check


class ApiTokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        return api_token_check(key=token)


api = NinjaAPI(
    title="Blufio API",
    version="1",
    auth=[django_auth_is_staff, ApiTokenAuth()],
    urls_namespace="api",
)
api.add_router("/", "routing.api.router")
