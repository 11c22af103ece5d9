"""What was overdue, possibly overdue or due soon on a date."""

from django_filters.views import FilterView

from ..filters import OverdueFilter
from ..models import Commitment
from ..tables import OverdueTable
from .listing import PublicListMixin


class OverdueView(PublicListMixin, FilterView):
    """The overdue bands on the date, most overdue first, filterable by body."""

    template_name = "declarations/overdue_list.html"
    filterset_class = OverdueFilter
    table_class = OverdueTable
    export_name = "overdue"

    def get_queryset(self):
        return Commitment.objects.for_overdue_list(self.as_of)

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "as_of": self.as_of}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["card"] = (
            None if self.filter_is_invalid() else self.object_list.scorecard(self.as_of)
        )
        return context
