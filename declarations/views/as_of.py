"""The "as of" date every public page takes, and how pages refuse bad queries.

Every page reads ``?as_of=`` here, once. A value the page cannot read gets a 400
page saying what was wrong and how to write it; something that does not exist (a
body, a reference, a page past the end) gets a 404 page saying what was not found.
Neither is ever a traceback.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from ..models import OverdueBand

# Dates outside this range are refused rather than computed (and 9999-12-31 plus
# the due-soon days would overflow).
EARLIEST_AS_OF = datetime.date(1900, 1, 1)
LATEST_AS_OF = datetime.date(2199, 12, 31)


class BadQuery(Exception):
    """A query parameter the page cannot use; the page answers 400 with the reason."""


def parse_as_of(params) -> datetime.date:
    """The ``as_of`` date of a query (today when absent); BadQuery when unreadable."""
    raw = params.get("as_of", "").strip()[:40]
    if not raw:
        return timezone.localdate()
    try:
        value = datetime.date.fromisoformat(raw)
    except ValueError:
        raise BadQuery(
            f"“as_of={raw}” is not a date. Write the date as YYYY-MM-DD, for "
            "example as_of=2006-12-31, or leave it out for today."
        ) from None
    if not EARLIEST_AS_OF <= value <= LATEST_AS_OF:
        raise BadQuery(
            f"“as_of={raw}” is out of range: give a date between "
            f"{EARLIEST_AS_OF:%-d %B %Y} and {LATEST_AS_OF:%-d %B %Y}."
        )
    return value


# How many declarations a page names when ``?declaration=`` matches several.
DECLARATIONS_NAMED = 5


def parse_declarations(params):
    """The declarations ``?declaration=`` names (its slug, or words of their
    title or place), as a queryset; None when absent; BadQuery when none does."""
    from ..filters import DeclarationSearchField

    raw = params.get("declaration", "")
    try:
        return DeclarationSearchField(required=False, max_length=200).clean(raw)
    except ValidationError as error:
        raise BadQuery(f"declaration: {' '.join(error.messages)}") from None


class DeclarationScopeMixin:
    """A page whose figures can be narrowed to declarations (``?declaration=``):
    sets ``self.declarations`` (a queryset, or None for all) and puts the
    declarations named (``scope_declarations``) and the query's text
    (``declaration_param``, which ``page_url`` carries) in the context."""

    def dispatch(self, request, *args, **kwargs):
        try:
            self.declarations = parse_declarations(request.GET)
        except BadQuery as error:
            return bad_query(request, [str(error)])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        named = []
        if self.declarations is not None:
            named = list(
                self.declarations.only("slug", "title", "place", "date").order_by(
                    "-date", "title"
                )[: DECLARATIONS_NAMED + 1]
            )
        context.update(
            scope_declarations=named[:DECLARATIONS_NAMED],
            scope_more=len(named) > DECLARATIONS_NAMED,
            declaration_param=self.request.GET.get("declaration", "").strip()[:200]
            if self.declarations is not None
            else "",
        )
        return context


def bad_query(request, problems: list[str]):
    """The 400 page listing what was wrong with the query."""
    return render(
        request, "declarations/bad_query.html", {"problems": problems}, status=400
    )


def not_found(request, message: str):
    """The 404 page saying what was not found."""
    return render(
        request, "declarations/not_found.html", {"message": message}, status=404
    )


class AsOfMixin:
    """A public, read-only page that takes ``?as_of=`` (default today).

    Sets ``self.as_of`` before the view runs and puts ``as_of``, ``as_of_param``
    (empty for today, so links stay short) and ``today`` in the context.
    """

    http_method_names = ["get", "head", "options"]

    def dispatch(self, request, *args, **kwargs):
        try:
            self.as_of = parse_as_of(request.GET)
            return super().dispatch(request, *args, **kwargs)
        except BadQuery as error:
            return bad_query(request, [str(error)])
        except Http404 as error:
            return not_found(request, str(error))

    def as_of_param(self) -> str:
        today = timezone.localdate()
        return "" if self.as_of == today else self.as_of.isoformat()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            as_of=self.as_of,
            as_of_param=self.as_of_param(),
            today=timezone.localdate(),
            due_soon_days=settings.TRACKER_DUE_SOON_DAYS,
            overdue_bands=[OverdueBand.DEFINITELY, OverdueBand.POSSIBLY],
        )
        return context
