"""The bare floor of a list page: the same rows, by one query, written as a plain
table through the same middleware. It is what showing those rows costs with no
filters, table, template or figures around them; a page's median over its floor
says what the rest costs.

The URLs are the site's own plus ``/__floor__/<kind>/?keys=...`` (the benchmark
installs them as ROOT_URLCONF while it runs; they are never in the product's).
"""

from html import escape

from django.http import HttpResponse
from django.urls import include, path

from declarations.models import Body, Commitment, Declaration

ROWS = {
    "commitments": (
        Commitment.objects.all(),
        "reference",
        (
            "reference",
            "title",
            "derived__status",
            "derived__earliest",
            "derived__latest",
        ),
    ),
    "bodies": (Body.objects.all(), "slug", ("slug", "name", "short_name", "kind")),
    "declarations": (
        Declaration.objects.all(),
        "slug",
        ("slug", "title", "place", "date"),
    ),
}


def floor(request, kind):
    queryset, key, columns = ROWS[kind]
    keys = [k for k in request.GET.get("keys", "").split(",") if k]
    rows = queryset.filter(**{f"{key}__in": keys}).values_list(*columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>"
        for row in rows
    )
    return HttpResponse(
        f"<!doctype html><title>floor</title><table><tbody>{body}</tbody></table>"
    )


urlpatterns = [
    path("__floor__/<str:kind>/", floor, name="benchmark-floor"),
    path("", include("tracker.urls")),
]
