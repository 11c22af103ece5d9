"""The one cache layer: whole public pages, as anonymous readers get them.

Which cache is set by ``CACHE_URL`` (settings.py): local memory, Redis, or none.
A page is stored under the cache's current *generation*, a random token kept in
the same cache. Every write path calls ``pages_changed()``, which replaces the
token once the write has committed (``transaction.on_commit``): from then on no
process finds the old pages, whichever worker or command made the write. The
pages themselves never wait for the cache: a miss renders the page as if there
were no cache at all, with the same queries.

Only anonymous GET and HEAD requests without a session are served from it (a
signed-in user sees analyst controls and messages), only 200 responses that set
no cookie are stored, and the key holds the host, the full path with its query
and today's date (a page "as of today" changes at midnight without a write).
"""

import functools
import hashlib
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone

GENERATION_KEY = "tracker:pages:generation"
# Where django.contrib.messages keeps an anonymous visitor's messages.
MESSAGES_COOKIE = "messages"
# Larger responses (a calendar of every deadline) are not worth the cache's room.
MAX_PAGE_BYTES = 1024 * 1024


def _cache():
    return caches[settings.TRACKER_PAGE_CACHE]


def generation() -> str:
    """The current generation; a new one if the cache has none (or lost it)."""
    cache = _cache()
    token = cache.get(GENERATION_KEY)
    if token is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        token = cache.get(GENERATION_KEY) or "none"
    return token


def _new_generation() -> None:
    _cache().set(GENERATION_KEY, uuid.uuid4().hex, None)


def pages_changed(using: str | None = None) -> None:
    """Forget every cached page once the current transaction commits (at once
    outside one). Call it from every path that writes what a public page shows."""
    transaction.on_commit(_new_generation, using=using, robust=True)


def _cacheable_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and MESSAGES_COOKIE not in request.COOKIES
        and not request.user.is_authenticated
    )


def _key(request) -> str:
    where = f"{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(where.encode("utf-8", "surrogateescape")).hexdigest()
    return f"tracker:page:{generation()}:{timezone.localdate()}:{digest}"


def public_page(view):
    """Decorate a public view: serve anonymous readers from the page cache."""

    @functools.wraps(view)
    def cached(request, *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        cache = _cache()
        key = _key(request)
        response = cache.get(key)
        if response is not None:
            return response

        def store(response):
            if (
                response.status_code == 200
                and not response.streaming
                and not response.cookies
                and len(response.content) <= MAX_PAGE_BYTES
            ):
                cache.set(key, response, settings.TRACKER_PAGE_CACHE_SECONDS)

        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response.add_post_render_callback(store)
        else:
            store(response)
        return response

    return cached
