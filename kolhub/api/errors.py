"""API errors as JSON a person can act on: {"detail": "...", "errors": {field: [...]}}."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    # Services raise Django's exceptions; give them the same shape as DRF's own.
    if isinstance(exc, DjangoValidationError):
        errors = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(errors)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        fields = ", ".join(k for k in errors if k != "non_field_errors")
        detail = f"Some fields need fixing: {fields}." if fields else _first(errors)
        response.data = {"detail": detail, "errors": errors}
    elif isinstance(data, dict) and "detail" in data:
        response.data = {"detail": str(data["detail"])}
    if response.status_code == status.HTTP_404_NOT_FOUND:
        response.data = {"detail": "Not found."}
    return response


def _first(errors: dict) -> str:
    for value in errors.values():
        if isinstance(value, list) and value:
            return str(value[0])
    return "The request is not valid."


def not_found() -> Response:
    return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
