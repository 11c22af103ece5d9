"""Request plumbing for production: the Content-Security-Policy header, a clean 503
page when the database cannot be reached, a 404 for addresses holding control
characters, no shared caching of a signed-in user's pages, and the client address
that login throttling counts failures against."""

import logging
import re
import sys
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse
from django.template import loader
from django.utils.cache import patch_cache_control

logger = logging.getLogger(__name__)

# psycopg and sqlite3 raise these when the server is down, restarting, or drops the
# connection; Django wraps them in its own classes of the same names.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)

# Served if even the 503 template cannot be rendered: plain, and with no link to load.
FALLBACK_503 = (
    "<!doctype html><html lang=en><meta charset=utf-8>"
    "<title>Temporarily unavailable</title><h1>Temporarily unavailable</h1>"
    "<p>The tracker cannot reach its database. Nothing you sent was half-saved: "
    "try again in a moment.</p></html>"
)


def csp_header(policy: dict[str, list[str]]) -> str:
    """The header value of a policy given as {directive: [sources]}."""
    return "; ".join(" ".join([name, *sources]) for name, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    """Sets ``Content-Security-Policy`` from ``settings.SECURE_CSP`` on every response.

    The setting has the shape of Django 6.0's, whose built-in middleware replaces
    this one on upgrade. A response that sets its own policy keeps it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "SECURE_CSP", None)
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = csp_header(policy)
        return response


# Bytes no path of the site holds: C0 controls and DEL. A query may hold a tab or a
# line break (pasted into a search box), nothing else of the kind: PostgreSQL
# refuses a NUL with an error, which a lookup by the address would raise.
ODD_PATH_BYTES = re.compile(rb"[\x00-\x1f\x7f]")
ODD_QUERY_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class OddAddressMiddleware:
    """Answers 404 to a request whose path or query holds a control character
    (``/commitments/%00/assess/``) before any view looks anything up by it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw_path = request.path_info.encode("utf-8", "surrogateescape")
        query = request.META.get("QUERY_STRING", "")
        if ODD_PATH_BYTES.search(raw_path) or ODD_QUERY_BYTES.search(
            unquote_to_bytes(query)
        ):
            raise Http404("There is nothing at this address.")
        return self.get_response(request)


class PrivatePagesMiddleware:
    """``Cache-Control: private, no-store`` on every response to a signed-in user,
    so that no proxy or shared cache keeps a page with their name, their drafts or
    a form's token, and the browser does not keep it on disk either.

    A request carrying a session cookie counts as signed in without reading the
    session (that needs the database, which may be the reason for a 503)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if signed_in(request):
            patch_cache_control(response, private=True, no_store=True)
        return response


def signed_in(request) -> bool:
    """Whether the request comes from (or just made) a signed-in session."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return True
    # Without a session cookie the user is anonymous, and reading it queries
    # nothing, unless this request signed in (login() sets request.user).
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def database_unavailable_response() -> HttpResponse:
    """The 503 page, rendered without a request so that no context processor (and
    so no session, user or message lookup) touches the database."""
    retry_after = settings.TRACKER_RETRY_AFTER_SECONDS
    try:
        content = loader.render_to_string("503.html", {"retry_after": retry_after})
    except Exception:  # the page must go out whatever else is broken
        logger.exception("The 503 template could not be rendered")
        content = FALLBACK_503
    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


def _flag_database_errors(sender, request=None, **kwargs):
    # Django sends this while it handles an exception that escaped a view or a
    # middleware; the middleware below turns the resulting 500 into a 503.
    if request is not None and isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        request.database_unavailable = True


got_request_exception.connect(
    _flag_database_errors, dispatch_uid="declarations.database_unavailable"
)


class DatabaseUnavailableMiddleware:
    """Answers 503 with ``Retry-After`` when the database is unreachable.

    A database error in a view or its template is caught here (``process_exception``);
    one raised by an inner middleware (a session saved after the view, say) becomes a
    500 before it gets here, so the ``got_request_exception`` signal flags the request
    and the 500 is replaced. Each write is one transaction (services.py), so a
    request that fails this way has written nothing. With ``DEBUG`` on, the error
    goes through to Django's debug page instead, for the developer to read.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "database_unavailable", False) and not settings.DEBUG:
            return database_unavailable_response()
        return response

    def process_exception(self, request, exception):
        return answer_database_unavailable(request, exception)


def answer_database_unavailable(request, exception) -> HttpResponse | None:
    """The 503 page for a database error (logged), None for any other exception or
    when ``DEBUG`` is on."""
    if settings.DEBUG or not isinstance(exception, DATABASE_UNAVAILABLE):
        return None
    logger.warning(
        "Database unavailable, answered 503: %s %s: %s",
        request.method,
        request.path,
        str(exception).strip().splitlines()[0] if str(exception) else exception,
    )
    return database_unavailable_response()


def client_ip_address(request) -> str | None:
    """The client's address for login throttling (``AXES_CLIENT_IP_CALLABLE``).

    The peer address; behind a TLS proxy (``DJANGO_BEHIND_TLS_PROXY``) the last entry
    of X-Forwarded-For, which the proxy appends itself. Earlier entries come from the
    client and would let it pick a fresh address for every guess.
    """
    if settings.TRACKER_BEHIND_PROXY:
        hops = [
            hop.strip()
            for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if hop.strip()
        ]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR")
