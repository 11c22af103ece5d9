"""Bodies: the list with each one's record, and each body's page."""

from django.http import Http404
from django.views.generic import DetailView
from django_filters.views import FilterView

from ..filters import BodyFilter
from ..models import Body, BodyKind, Commitment, FigureTally, Role
from ..models.scorecards import Scorecard
from ..tables import BodyCommitmentTable, BodyTable
from .listing import PublicListMixin


class BodyListView(PublicListMixin, FilterView):
    """Every body, its place in the hierarchy and its record on the date."""

    template_name = "declarations/body_list.html"
    filterset_class = BodyFilter
    table_class = BodyTable
    export_name = "bodies"

    def get_queryset(self):
        return Body.objects.for_public_list().organs_first()

    def get_table_kwargs(self):
        as_of = self.as_of
        return {
            **super().get_table_kwargs(),
            # Counted for the bodies the table shows, when it shows them.
            "scorecards": lambda ids: FigureTally.objects.body_scorecards(
                as_of, ids, roles=[Role.RESPONSIBLE]
            ),
        }


class BodyDetailView(PublicListMixin, DetailView):
    """One body: hierarchy, scorecard by role, and the table of its commitments."""

    template_name = "declarations/body_detail.html"
    context_object_name = "body"
    table_class = BodyCommitmentTable

    def get_queryset(self):
        return Body.objects.for_detail()

    def get_object(self, queryset=None):
        try:
            return super().get_object(queryset)
        except Http404:
            raise Http404(f"There is no body “{self.kwargs['slug']}”.") from None

    @property
    def export_name(self):
        return f"commitments-{self.object.slug}"

    def get_table_data(self):
        return self.paged(
            Commitment.objects.owned_by(self.object)
            .for_public_list(self.as_of)
            .with_role_of(self.object)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        body, as_of = self.object, self.as_of
        cards = FigureTally.objects.body_scorecards(as_of, [body.pk])
        if body.kind == BodyKind.MEMBER_STATE:
            # The state's own record, from the assessments of its part alone.
            context["state_record"] = Commitment.objects.owned_by(
                body
            ).member_state_record(body, as_of)
        context.update(
            ancestors=self.object.ancestors(),
            cards=[
                (role, cards.get((self.object.pk, role), Scorecard())) for role in Role
            ],
        )
        return context
