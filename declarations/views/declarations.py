"""The declarations, and the reader: the full text with every commitment in place."""

import itertools

from django.http import Http404
from django.views.generic import DetailView
from django_filters.views import FilterView

from ..filters import DeclarationFilter
from ..models import Declaration
from ..tables import DeclarationTable
from ..templatetags.reader import quote_segments
from .as_of import AsOfMixin
from .listing import PublicListMixin


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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        declaration = self.object
        commitments = list(declaration.commitments.for_reader(self.as_of))
        by_paragraph = {
            pid: list(group)
            for pid, group in itertools.groupby(
                sorted(commitments, key=lambda c: c.paragraph_id),
                key=lambda c: c.paragraph_id,
            )
        }
        paragraphs = []
        for paragraph in declaration.paragraphs.order_by("number"):
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
        )
        return context
