"""The declarations, and the reader: the full text with every commitment in place.

A long declaration is read in pages of whole paragraphs, each at most
``READER_PAGE_CHARACTERS`` of text or ``READER_PAGE_PARAGRAPHS`` paragraphs (a
paragraph longer than that is a page of its own, and the importer refuses any
longer than ``TRACKER_MAX_PARAGRAPH_CHARACTERS``): a page is never more than a few
hundred kilobytes, whatever the declaration's size. ``?paragraph=N`` opens the page
that holds paragraph N, which is where every link to a paragraph points.
"""

import itertools

from django.db.models.functions import Length
from django.http import Http404
from django.views.generic import DetailView
from django_filters.views import FilterView

from ..filters import DeclarationFilter
from ..models import Declaration
from ..tables import DeclarationTable
from ..templatetags.reader import quote_segments
from .as_of import AsOfMixin, BadQuery
from .listing import PublicListMixin

READER_PAGE_CHARACTERS = 60_000
READER_PAGE_PARAGRAPHS = 200


def reader_pages(
    lengths,
    characters: int = READER_PAGE_CHARACTERS,
    paragraphs: int = READER_PAGE_PARAGRAPHS,
) -> list[tuple[int, int]]:
    """The reader's pages as (first, last) paragraph numbers, from the paragraphs'
    (number, length) in order: each page as many whole paragraphs as fit."""
    pages: list[list[int]] = []
    used = 0
    for number, length in lengths:
        if (
            pages
            and used + length <= characters
            and (number - pages[-1][0] < paragraphs)
        ):
            pages[-1][1] = number
            used += length
        else:
            pages.append([number, number])
            used = length
    return [(first, last) for first, last in pages]


class DeclarationListView(PublicListMixin, FilterView):
    """Every declaration carried, newest first."""

    template_name = "declarations/declaration_list.html"
    filterset_class = DeclarationFilter
    table_class = DeclarationTable
    export_name = "declarations"

    def get_queryset(self):
        return Declaration.objects.for_public_table()


class DeclarationDetailView(AsOfMixin, DetailView):
    """The reader: numbered, anchored paragraphs; each quote highlighted with the
    status of its commitment on the date."""

    template_name = "declarations/declaration_detail.html"
    context_object_name = "declaration"

    def get_queryset(self):
        return Declaration.objects.all()

    def get_object(self, queryset=None):
        try:
            return super().get_object(queryset)
        except Http404:
            raise Http404(f"There is no declaration “{self.kwargs['slug']}”.") from None

    def reader_page(self, pages: list[tuple[int, int]]) -> int:
        """The 1-based page asked for: the one holding ``?paragraph=``, or
        ``?page=`` (the first by default)."""
        for param in ("paragraph", "page"):
            raw = self.request.GET.get(param, "").strip()[:20]
            if not raw:
                continue
            if not raw.isdigit():
                raise BadQuery(f"“{param}={raw}” is not a number.")
            number = int(raw)
            if param == "page":
                if not 1 <= number <= max(len(pages), 1):
                    raise Http404(f"There is no page {number} of this declaration.")
                return number
            for index, (first, last) in enumerate(pages, 1):
                if first <= number <= last:
                    return index
            raise Http404(f"This declaration has no paragraph {number}.")
        return 1

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        declaration = self.object
        pages = reader_pages(
            declaration.paragraphs.order_by("number").values_list(
                "number", Length("text")
            )
        )
        page = self.reader_page(pages)
        first, last = pages[page - 1] if pages else (0, 0)
        commitments = list(
            declaration.commitments.filter(
                paragraph__number__range=(first, last)
            ).for_reader(self.as_of)
        )
        by_paragraph = {
            pid: list(group)
            for pid, group in itertools.groupby(
                sorted(commitments, key=lambda c: c.paragraph_id),
                key=lambda c: c.paragraph_id,
            )
        }
        paragraphs = []
        shown = declaration.paragraphs.filter(number__range=(first, last))
        for paragraph in shown.order_by("number"):
            mine = by_paragraph.get(paragraph.pk, [])
            segments, unmatched = quote_segments(
                paragraph.text, [(c.quote, c) for c in mine]
            )
            paragraphs.append(
                {
                    "paragraph": paragraph,
                    "segments": segments,
                    "unmatched": unmatched,
                    "commitments": mine,
                }
            )
        context.update(
            sections=[
                list(group)
                for _, group in itertools.groupby(
                    paragraphs, key=lambda p: p["paragraph"].section
                )
            ],
            commitments=commitments,
            commitment_count=declaration.commitments.standing().count(),
            reader_page=page,
            reader_page_count=len(pages),
            first_paragraph=first,
            last_paragraph=last,
            paragraph_count=pages[-1][1] if pages else 0,
            previous_page=page - 1 if page > 1 else None,
            next_page=page + 1 if page < len(pages) else None,
        )
        return context
