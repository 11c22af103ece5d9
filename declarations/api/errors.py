"""How the API refuses a request: JSON that names each bad query parameter.

Every error has a ``detail``; a 400 also lists ``errors``, one per problem, each
with the ``parameter`` it is about (when it is about one) and a ``message``.
"""

from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

BAD_QUERY = "The query cannot be answered as asked."


class BadParameters(exceptions.APIException):
    """One or more query parameters the API cannot use: a 400 naming them."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "bad_parameters"

    def __init__(self, problems: dict[str, list[str] | str]):
        self.problems = {
            name: [messages] if isinstance(messages, str) else list(messages)
            for name, messages in problems.items()
        }
        super().__init__(BAD_QUERY)


def _problems(detail) -> list[dict]:
    """A ValidationError's detail as a list of {parameter, message}."""
    if isinstance(detail, dict):
        return [
            {"parameter": name, "message": str(message)}
            for name, messages in detail.items()
            for message in (messages if isinstance(messages, list) else [messages])
        ]
    if isinstance(detail, list):
        return [{"parameter": None, "message": str(message)} for message in detail]
    return [{"parameter": None, "message": str(detail)}]


def exception_handler(exc, context):
    """DRF's handler, with 400s listing their parameters and 404s in words."""
    if isinstance(exc, BadParameters):
        return Response(
            {"detail": BAD_QUERY, "errors": _problems(exc.problems)},
            status=exc.status_code,
        )
    if isinstance(exc, exceptions.ValidationError):
        return Response(
            {"detail": BAD_QUERY, "errors": _problems(exc.detail)},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Http404) and str(exc):
        # Our own 404s say what was not found; DRF would say "Not found."
        return Response({"detail": str(exc)}, status=status.HTTP_404_NOT_FOUND)
    return drf_exception_handler(exc, context)
