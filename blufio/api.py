"""The JSON API (django-ninja): staff session or `Authorization: Bearer <API token>`.

Every error has one shape: {"error": {"code": ..., "message": ..., "details": ...}}.
"""

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
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
api.add_router("/", "costs.api.router")


def _error(request, status: int, code: str, message: str, details=None):
    body = {"error": {"code": code, "message": message, "details": details}}
    return api.create_response(request, body, status=status)


@api.exception_handler(ValidationError)
def invalid_input(request, exc: ValidationError):
    return _error(request, 422, "invalid_input", "The request is not valid.", exc.errors)


@api.exception_handler(AuthenticationError)
def unauthorized(request, exc: AuthenticationError):
    return _error(
        request, 401, "unauthorized", "Log in as staff or send Authorization: Bearer <API token>."
    )


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return _error(request, exc.status_code, "http_error", str(exc))


@api.exception_handler(Http404)
def not_found(request, exc: Http404):
    return _error(request, 404, "not_found", "Not found.")
