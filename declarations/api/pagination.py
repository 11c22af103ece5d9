"""Keyset (cursor) paging: a page is "the next N rows after this key".

Each list orders its rows by a key that is unique and index-backed (a
commitment's place in document order, an evidence entry's number, ...). A cursor
carries the key of the row a page ends (or starts) at, so the next page is one
index range scan, whatever its depth: no OFFSET, no COUNT. Cursors are signed
tokens: they are opaque to clients, and one that was altered, belongs to another
list, or was never issued is refused with a 400 naming ``cursor``.
"""

import dataclasses
import datetime
from collections.abc import Sequence

from django.core import signing
from django.db import models
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from .errors import BadParameters

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
CURSOR_PARAM = "cursor"
PAGE_SIZE_PARAM = "page_size"
PARAMETERS = (CURSOR_PARAM, PAGE_SIZE_PARAM)


@dataclasses.dataclass(frozen=True)
class KeyPart:
    """One column of a list's key: an ORM path, ascending or descending."""

    path: str
    descending: bool = False

    @classmethod
    def parse(cls, spec: str) -> "KeyPart":
        return cls(spec.removeprefix("-"), spec.startswith("-"))


def encode_key_value(value):
    if isinstance(value, datetime.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"d": value.isoformat()}
    return value


def decode_key_value(value):
    if isinstance(value, dict):
        if "dt" in value:
            return datetime.datetime.fromisoformat(value["dt"])
        if "d" in value:
            return datetime.date.fromisoformat(value["d"])
        raise ValueError("not a key value")
    return value


def beyond(parts: Sequence[KeyPart], values: Sequence, backwards: bool) -> models.Q:
    """Rows strictly after ``values`` in the key's order (before, ``backwards``).

    (a, b, c) > (x, y, z) is written a > x OR (a = x AND (b > y OR ...)), with
    a >= x ANDed in front: the database answers that bound from the index and
    checks the rest only on the rows that tie on the first column.
    """

    def op(part: KeyPart, strict: bool = True) -> str:
        later = part.descending == backwards  # "after" means greater
        return ("gt" if later else "lt") + ("" if strict else "e")

    condition = models.Q()
    for index in reversed(range(len(parts))):
        part, value = parts[index], values[index]
        step = models.Q(**{f"{part.path}__{op(part)}": value})
        if index < len(parts) - 1:
            step |= models.Q(**{part.path: value}) & condition
        condition = step
    first = parts[0]
    return models.Q(**{f"{first.path}__{op(first, strict=False)}": values[0]}) & (
        condition
    )


def cursor_salt(view) -> str:
    """Cursors of one list only: its name and its key sign them."""
    keys = ",".join(spec for spec in view.keyset)
    return f"declarations.api.cursor:{view.basename}:{keys}"


def cursor_token(view, direction: str, key) -> str:
    """The cursor of the page after (``next``) or before (``previous``) the row
    with these key values (as ``encode_key_value`` writes them)."""
    return signing.dumps({"d": direction, "k": key}, salt=cursor_salt(view))


class KeysetPagination(BasePagination):
    """Pages of ``?page_size=`` rows (50 by default, at most 200) in the view's
    ``keyset`` order, linked by ``next`` and ``previous`` cursors."""

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.view = view
        self.parts = [KeyPart.parse(spec) for spec in view.keyset]
        self.page_size = self.read_page_size(request)
        direction, values = self.read_cursor(request)
        names = [f"keyset_{i}" for i in range(len(self.parts))]
        keyed = queryset.annotate(
            **{
                name: models.F(part.path)
                for name, part in zip(names, self.parts, strict=True)
            }
        )
        order_parts = [
            KeyPart(name, part.descending)
            for name, part in zip(names, self.parts, strict=True)
        ]
        backwards = direction == "previous"
        # Keys are never null; saying so also makes a join to the key's table an
        # inner join, which lets the database read the rows in the key's index
        # order instead of sorting them all.
        keyed = keyed.filter(**{f"{names[0]}__isnull": False})
        if values is not None:
            keyed = keyed.filter(beyond(order_parts, values, backwards))
        ordering = [
            ("-" if part.descending != backwards else "") + part.path
            for part in order_parts
        ]
        rows = list(keyed.order_by(*ordering)[: self.page_size + 1])
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if backwards:
            rows.reverse()
        self.has_next = more if not backwards else True
        self.has_previous = (values is not None) if not backwards else more
        self.first_key = self.key_of(rows[0], names) if rows else None
        self.last_key = self.key_of(rows[-1], names) if rows else None
        return rows

    # -- reading the query ------------------------------------------------------

    def problems(self, request, view) -> dict:
        """What is wrong with the query's page size and cursor, by parameter (so
        that a view can refuse them with its other problems, at once)."""
        self.view = view
        self.parts = [KeyPart.parse(spec) for spec in view.keyset]
        found = {}
        for read in (self.read_page_size, self.read_cursor):
            try:
                read(request)
            except BadParameters as error:
                found.update(error.problems)
        return found

    def read_page_size(self, request) -> int:
        raw = request.query_params.get(PAGE_SIZE_PARAM)
        if raw is None:
            return DEFAULT_PAGE_SIZE
        if not raw.strip().isdigit() or not 1 <= int(raw) <= MAX_PAGE_SIZE:
            raise BadParameters(
                {
                    PAGE_SIZE_PARAM: f"“{PAGE_SIZE_PARAM}={raw[:20]}” is not a "
                    f"number of rows from 1 to {MAX_PAGE_SIZE}."
                }
            )
        return int(raw)

    def salt(self) -> str:
        return cursor_salt(self.view)

    def read_cursor(self, request):
        """("next" or "previous", the key values) of the cursor, or (None, None)."""
        raw = request.query_params.get(CURSOR_PARAM)
        if raw is None:
            return None, None
        try:
            payload = signing.loads(raw, salt=self.salt())
            direction, values = (
                payload["d"],
                [decode_key_value(v) for v in payload["k"]],
            )
            if direction not in ("next", "previous") or len(values) != len(self.parts):
                raise ValueError
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            raise BadParameters(
                {
                    CURSOR_PARAM: "This cursor is unknown: use the next or "
                    "previous link of a page of this same list, as given."
                }
            ) from None
        return direction, values

    # -- writing the links --------------------------------------------------------

    @staticmethod
    def key_of(row, names) -> list:
        return [encode_key_value(getattr(row, name)) for name in names]

    def link(self, direction: str, key) -> str:
        token = cursor_token(self.view, direction, key)
        url = self.request.build_absolute_uri()
        return replace_query_param(url, CURSOR_PARAM, token)

    def get_next_link(self):
        if not self.has_next or self.last_key is None:
            return None
        return self.link("next", self.last_key)

    def get_previous_link(self):
        if not self.has_previous:
            return None
        if self.first_key is None:
            # An empty page reached backwards: start again from the beginning.
            return remove_query_param(self.request.build_absolute_uri(), CURSOR_PARAM)
        return self.link("previous", self.first_key)

    def get_paginated_response(self, data):
        return Response(
            {
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {**link, "description": "The next page, or null."},
                "previous": {**link, "description": "The previous page, or null."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": CURSOR_PARAM,
                "required": False,
                "in": "query",
                "description": "Where the page starts: take it from the `next` or "
                "`previous` link of a page of the same list.",
                "schema": {"type": "string"},
            },
            {
                "name": PAGE_SIZE_PARAM,
                "required": False,
                "in": "query",
                "description": f"Rows per page, 1 to {MAX_PAGE_SIZE} "
                f"(default {DEFAULT_PAGE_SIZE}).",
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": MAX_PAGE_SIZE,
                    "default": DEFAULT_PAGE_SIZE,
                },
            },
        ]


# The same two parameters, for views that page by hand (the changes log).
SCHEMA_PARAMETERS = [
    OpenApiParameter(
        CURSOR_PARAM,
        OpenApiTypes.STR,
        description="Where the page starts: take it from the `next` or `previous` "
        "link of a page of the same list.",
    ),
    OpenApiParameter(
        PAGE_SIZE_PARAM,
        OpenApiTypes.INT,
        description=f"Rows per page, 1 to {MAX_PAGE_SIZE} "
        f"(default {DEFAULT_PAGE_SIZE}).",
    ),
]
