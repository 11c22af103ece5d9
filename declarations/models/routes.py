"""Object URLs without the URL resolver's cost on every call.

A list page links hundreds of bodies and commitments, and ``reverse`` walks the
URLconf each time. ``object_url`` reverses each route once per script prefix,
with a marker for the one argument, and fills it in: the same URL ``reverse``
gives for these routes, whose argument is a slug or a reference (str or slug
converters, characters that need no quoting beyond what ``quote`` does).
"""

import functools
from urllib.parse import quote

from django.urls import get_script_prefix, reverse

MARKER = "0marker0"


@functools.cache
def _route(viewname: str, prefix: str) -> str:
    return reverse(viewname, args=[MARKER])


def object_url(viewname: str, argument: str) -> str:
    """``reverse(viewname, args=[argument])``, reversed once per route."""
    route = _route(viewname, get_script_prefix())
    return route.replace(MARKER, quote(str(argument), safe="-._~"), 1)
