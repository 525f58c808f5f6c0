"""The JSON API (django-ninja): staff session or `Authorization: Bearer <API token>`.

Every error has one shape: {"error": {"code": ..., "message": ..., "details": ...}}.
"""

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuthIsStaff

from blufio.tokens import api_token_check


class StaffSessionAuth(SessionAuthIsStaff):
    """A staff session; CSRF is checked only when the session is what authenticates.

    django-ninja checks CSRF before looking at the session, so a POST carrying only a
    bearer token (no CSRF cookie: curl, scripts) was refused with 403 before the token
    was tried. A bearer header cannot be forged cross-site, so it needs no CSRF token.
    """

    def __call__(self, request):
        if self.authenticate(request, None) is None:
            return None
        return super().__call__(request)


class ApiTokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        return api_token_check(key=token)


class ErrorBody(Schema):
    code: str
    message: str
    details: Any = None


class ErrorOut(Schema):
    error: ErrorBody


# The error responses the handlers below give, documented on every operation.
ERROR_RESPONSES = {
    401: "No staff session and no valid API token.",
    422: "The request is not valid.",
}
UNSAFE_ERROR_RESPONSES = {
    400: "The request body cannot be parsed.",
    403: "A staff session without a CSRF token.",
    413: "The request body is larger than DATA_UPLOAD_MAX_MEMORY_SIZE.",
}


class BlufioAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        error = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        schema["components"]["schemas"].update(error.pop("$defs"), ErrorOut=error)
        content = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for methods in schema["paths"].values():
            for method, operation in methods.items():
                errors = ERROR_RESPONSES | (UNSAFE_ERROR_RESPONSES if method != "get" else {})
                for status, description in sorted(errors.items()):
                    operation["responses"].setdefault(
                        status, {"description": description, "content": content}
                    )
        return schema


api = BlufioAPI(
    title="Blufio API",
    version="1",
    auth=[StaffSessionAuth(), ApiTokenAuth()],
    urls_namespace="api",
)
api.add_router("/", "routing.api.router")
api.add_router("/", "costs.api.router")
api.add_router("/", "blufio.feedback_api.router")


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


@api.exception_handler(RequestDataTooBig)
def too_large(request, exc: RequestDataTooBig):
    return _error(request, 413, "too_large", "The request body is too large.")


@api.exception_handler(Http404)
def not_found(request, exc: Http404):
    return _error(request, 404, "not_found", "Not found.")
