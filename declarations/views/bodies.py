"""Bodies: the list with each one's record, and each body's page."""

from django.http import Http404
from django.views.generic import DetailView
from django_filters.views import FilterView

from ..filters import BodyFilter
from ..models import Body, BodyKind, Commitment, Declaration, FigureTally, Role
from ..models.scorecards import SUB_BODIES_NOTE, Scorecard
from ..tables import BodyCommitmentTable, BodyTable
from .as_of import BadQuery, DeclarationScopeMixin
from .listing import PublicListMixin

# ?include= on a body's page: absent (the body alone, the default) or "sub".
INCLUDE_SUB = "sub"
INCLUDE_CHOICES = ("", INCLUDE_SUB)
DECLARATIONS_SHOWN = 20  # a body's record declaration by declaration, latest first


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
        filterset = getattr(self, "filterset", None)
        chosen = None
        if filterset is not None and filterset.is_bound and filterset.is_valid():
            chosen = filterset.form.cleaned_data.get("declaration")
        return {
            **super().get_table_kwargs(),
            # Counted for the bodies the table shows, when it shows them (in
            # the declarations chosen, if any).
            "scorecards": lambda ids: FigureTally.objects.body_scorecards(
                as_of, ids, roles=[Role.RESPONSIBLE], declarations=chosen
            ),
        }


class BodyDetailView(DeclarationScopeMixin, PublicListMixin, DetailView):
    """One body: hierarchy, scorecard by role, and the table of its commitments.

    ``?include=sub`` counts the bodies under it in the scorecard too (by default
    only its own commitments are counted: the page says which); ``?declaration=``
    narrows the scorecard and the table to those declarations."""

    template_name = "declarations/body_detail.html"
    context_object_name = "body"
    table_class = BodyCommitmentTable

    def get(self, request, *args, **kwargs):
        raw = request.GET.get("include", "").strip()[:20]
        if raw not in INCLUDE_CHOICES:
            raise BadQuery(
                f"“include={raw}” is not a choice: give include=sub to count the "
                "bodies under this one too, or leave it out for the body alone."
            )
        self.include_sub = raw == INCLUDE_SUB
        return super().get(request, *args, **kwargs)

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
        commitments = Commitment.objects.owned_by(self.object)
        if self.declarations is not None:
            commitments = commitments.filter(declaration__in=self.declarations)
        return self.paged(
            commitments.for_public_list(self.as_of).with_role_of(self.object)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        body, as_of = self.object, self.as_of
        cards = FigureTally.objects.body_scorecards(
            as_of, [body.pk], tree=self.include_sub, declarations=self.declarations
        )
        members = (
            Body.objects.subtrees([body.pk])[body.pk] if self.include_sub else [body.pk]
        )
        owned = Commitment.objects.owned_by_any(members, Role.RESPONSIBLE)
        if self.declarations is not None:
            owned = owned.filter(declaration__in=self.declarations)
        per_declaration = owned.scorecards_by_declaration(as_of)
        declarations = (
            Declaration.objects.filter(pk__in=list(per_declaration))
            .only("slug", "title", "place", "date")
            .order_by("-date", "title")[:DECLARATIONS_SHOWN]
        )
        if body.kind == BodyKind.MEMBER_STATE:
            # The state's own record, from the assessments of its part alone.
            bound = Commitment.objects.owned_by(body)
            if self.declarations is not None:
                bound = bound.filter(declaration__in=self.declarations)
            context["state_record"] = bound.member_state_record(body, as_of)
        context.update(
            by_declaration=[(d, per_declaration[d.pk]) for d in declarations],
            declarations_not_shown=max(0, len(per_declaration) - DECLARATIONS_SHOWN),
            ancestors=self.object.ancestors(),
            cards=[
                (role, cards.get((self.object.pk, role), Scorecard())) for role in Role
            ],
            include_sub=self.include_sub,
            sub_bodies_note=SUB_BODIES_NOTE,
        )
        return context
