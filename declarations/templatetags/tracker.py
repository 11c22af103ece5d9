"""Small display helpers: links that keep the as-of date, labels, badges."""

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from ..models import OverdueBand, Role, Status
from ..models.scorecards import Timeliness
from ..tables import band_badge, percent, status_badge

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, viewname, *args, **params):
    """The URL of a page with the given query, carrying the page's as-of date
    and, on a page narrowed to declarations, its ``declaration``.

    Pass ``as_of=""`` to drop the date (for example, for calendar feeds), and
    ``declaration=""`` to drop the declarations.
    """
    as_of = context.get("as_of_param", "")
    if as_of and "as_of" not in params:
        params["as_of"] = as_of
    declaration = context.get("declaration_param", "")
    if declaration and "declaration" not in params:
        params["declaration"] = declaration
    query = urlencode(
        {k: v for k, v in params.items() if v not in (None, "")}, doseq=True
    )
    url = reverse(viewname, args=args)
    return f"{url}?{query}" if query else url


def with_as_of(url: str, as_of_param: str, anchor: str = "") -> str:
    """The URL with ``?as_of=`` (when given) placed before any #fragment."""
    url, _, fragment = url.partition("#")
    if as_of_param:
        url = f"{url}{'&' if '?' in url else '?'}{urlencode({'as_of': as_of_param})}"
    fragment = anchor or fragment
    return f"{url}#{fragment}" if fragment else url


@register.simple_tag(takes_context=True)
def object_url(context, obj, anchor=""):
    """An object's page, on the page's as-of date, optionally at an anchor."""
    return with_as_of(obj.get_absolute_url(), context.get("as_of_param", ""), anchor)


@register.filter
def status_label(value) -> str:
    return Status(value).label if value in Status.values else ""


@register.filter
def band_label(value) -> str:
    return OverdueBand(value).label if value in OverdueBand.values else ""


@register.filter
def role_label(value) -> str:
    return Role(value).label if value in Role.values else ""


@register.filter
def timeliness_label(value) -> str:
    return Timeliness(value).label if value in Timeliness.values else ""


@register.filter(name="percent")
def percent_filter(rate) -> str:
    return percent(rate)


@register.simple_tag
def status(value):
    """The status as a badge: its name in words, styled by its value."""
    return status_badge(value)


@register.simple_tag
def band(value):
    return band_badge(value)
