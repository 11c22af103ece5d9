"""Declarations side by side: their commitments, what was implemented, what is
overdue, what was on time, and each responsible body's record in each."""

import re

from django.http import Http404
from django.views.generic import TemplateView

from ..models import Body, Commitment, Declaration, Role
from ..models.scorecards import Scorecard
from .as_of import AsOfMixin, BadQuery

MAX_COMPARED = 6
OFFERED = 20  # the latest declarations offered when none is chosen
SLUG = re.compile(r"[-\w]{1,80}")


class DeclarationCompareView(AsOfMixin, TemplateView):
    """``?d=<slug>&d=<slug>``: each declaration's scorecard on the date, and each
    responsible body's, in a fixed number of queries whatever their size."""

    template_name = "declarations/declaration_compare.html"

    def chosen(self) -> list[Declaration]:
        slugs = list(dict.fromkeys(s.strip() for s in self.request.GET.getlist("d")))
        slugs = [s for s in slugs if s]
        if len(slugs) > MAX_COMPARED:
            raise BadQuery(
                f"{len(slugs)} declarations asked for: compare at most "
                f"{MAX_COMPARED} at a time."
            )
        bad = [s for s in slugs if not SLUG.fullmatch(s)]
        found = {
            d.slug: d
            for d in Declaration.objects.filter(slug__in=slugs).only(
                "slug", "title", "place", "date"
            )
        }
        missing = bad + [s for s in slugs if s not in found and s not in bad]
        if missing:
            raise Http404(
                "There is no declaration with the slug "
                + ", ".join(f"“{s[:80]}”" for s in missing)
                + "."
            )
        return sorted(found.values(), key=lambda d: (d.date, d.slug))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        declarations, as_of = self.chosen(), self.as_of
        ids = [d.pk for d in declarations]
        commitments = Commitment.objects.filter(declaration__in=ids)
        cards = commitments.scorecards_by_declaration(as_of) if ids else {}
        by_body = (
            commitments.scorecards_by_declaration_and_body(as_of, Role.RESPONSIBLE)
            if ids
            else {}
        )
        bodies = (
            Body.objects.filter(pk__in={body for _, body in by_body})
            .only("slug", "name", "short_name", "kind")
            .organs_first()
        )
        context.update(
            compared=[(d, cards.get(d.pk, Scorecard())) for d in declarations],
            body_rows=[
                (body, [by_body.get((pk, body.pk), Scorecard()) for pk in ids])
                for body in bodies
            ],
            offered=Declaration.objects.only("slug", "title", "place", "date").order_by(
                "-date", "title"
            )[:OFFERED],
            chosen_slugs={d.slug for d in declarations},
            max_compared=MAX_COMPARED,
        )
        return context
