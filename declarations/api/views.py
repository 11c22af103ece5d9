"""The API's endpoints: one read-only viewset per kind of record, and the changes.

Each list reads its rows with the same QuerySet methods as the pages, filters them
with the same FilterSets, and pages them by cursor in an order that an index
serves. A query parameter a list does not know, a date it cannot read, a cursor
it did not issue or a page size over the limit is refused with a 400 naming it.
"""

import datetime

from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from ..filters import (
    AssessmentFilter,
    BodyFilter,
    CommitmentFilter,
    CommitmentLinkFilter,
    DeadlineRevisionFilter,
    DeclarationFilter,
    DeclarationSearchFilter,
    EvidenceFilter,
    KeyChoiceFilter,
    MemberStateAssessmentFilter,
    ParagraphFilter,
)
from ..models import (
    Assessment,
    Body,
    Commitment,
    CommitmentLink,
    DeadlineRevision,
    Declaration,
    Evidence,
    FigureTally,
    Paragraph,
    Role,
)
from ..models.commitments import REFERENCE_PATTERN
from ..views import changes as changelog
from ..views.as_of import BadQuery, parse_as_of
from . import serializers as s
from .errors import BadParameters
from .pagination import (
    PARAMETERS,
    SCHEMA_PARAMETERS,
    KeysetPagination,
    encode_key_value,
)

AS_OF = OpenApiParameter(
    "as_of",
    OpenApiTypes.DATE,
    description="Judge status and overdue as they stood on this date (YYYY-MM-DD, "
    "1900-01-01 to 2199-12-31; default today): the status in force is the latest "
    "assessment whose as-of date is on or before it.",
)


# In the schema, a record chosen by its slug or reference is a string, and so is
# the declaration search.
extend_schema_field(OpenApiTypes.STR)(KeyChoiceFilter)
extend_schema_field(OpenApiTypes.STR)(DeclarationSearchFilter)

# What the web form says beside these filters, said for the API.
BODY = OpenApiParameter(
    "body",
    str,
    description="A body's slug: the commitments it is party to (in `role`, if given).",
)
MEMBER_STATE = OpenApiParameter(
    "member_state",
    str,
    description="A member state's slug: the commitments it is party to.",
)
THEME = OpenApiParameter("theme", str, description="A theme, exactly as written.")


class FilterBackend(DjangoFilterBackend):
    """django-filter's DRF backend, giving each FilterSet the view's ``as_of``."""

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        return {**kwargs, "as_of": getattr(view, "as_of", None)}


def parameter_names(request) -> list[str]:
    return list(request.query_params.keys())


class PublicReadViewSet(viewsets.ReadOnlyModelViewSet):
    """A list and its records, read-only, as the public pages show them.

    ``keyset`` is the list's order (ORM paths, ``-`` for descending), unique and
    index-backed; ``takes_as_of`` says whether ``?as_of=`` means anything here.
    """

    filter_backends = [FilterBackend]
    pagination_class = KeysetPagination
    keyset: tuple[str, ...] = ("pk",)
    takes_as_of = False
    as_of = None  # read from the query by initial()
    what = "record"  # for the 404: "There is no <what> ..."

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        problems = self.unknown_parameters(request)
        try:
            self.as_of = self.read_as_of(request)
        except BadParameters as error:
            problems.update(error.problems)
        if self.action == "list":
            problems.update(self.paginator.problems(request, self))
        if problems:
            raise BadParameters(problems)

    def allowed_parameters(self) -> set[str]:
        allowed = {"as_of"} if self.takes_as_of else set()
        if self.action == "list":
            allowed.update(PARAMETERS)
            if self.filterset_class is not None:
                allowed.update(self.filterset_class.base_filters)
        return allowed

    def unknown_parameters(self, request) -> dict[str, str]:
        """A problem for each query parameter this list (or record) does not take."""
        allowed = self.allowed_parameters()
        takes = ", ".join(sorted(allowed)) or "no parameter"
        what = "list" if self.action == "list" else "record"
        return {
            name: f"“{name[:40]}” is not a parameter of this {what}. It takes: {takes}."
            for name in parameter_names(request)
            if name not in allowed
        }

    def read_as_of(self, request):
        if not self.takes_as_of:
            return None
        try:
            return parse_as_of(request.query_params)
        except BadQuery as error:
            raise BadParameters({"as_of": str(error)}) from None

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["as_of"] = self.as_of or timezone.localdate()
        return context

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            value = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)
            raise Http404(f"There is no {self.what} “{str(value)[:80]}”.") from None


@extend_schema_view(
    list=extend_schema(summary="Declarations, newest first"),
    retrieve=extend_schema(summary="A declaration, with its full text"),
)
class DeclarationViewSet(PublicReadViewSet):
    filterset_class = DeclarationFilter
    keyset = ("-date", "slug")
    lookup_field = "slug"
    what = "declaration"

    def get_queryset(self):
        declarations = Declaration.objects.for_public_table().defer(
            "banner", "source_file", "content_hash"
        )
        if self.action == "list":
            declarations = declarations.defer("full_text")
        return declarations

    def get_serializer_class(self):
        if self.action == "retrieve":
            return s.DeclarationDetailSerializer
        return s.DeclarationSerializer


@extend_schema_view(list=extend_schema(summary="Paragraphs, in document order"))
class ParagraphViewSet(PublicReadViewSet):
    filterset_class = ParagraphFilter
    serializer_class = s.ParagraphSerializer
    keyset = ("declaration_id", "number")

    def get_queryset(self):
        return Paragraph.objects.select_related("declaration").only(
            "number", "section", "text", "declaration__slug"
        )


@extend_schema_view(
    list=extend_schema(summary="Bodies, by slug"),
    retrieve=extend_schema(
        summary="A body, with its scorecard in each role", parameters=[AS_OF]
    ),
)
class BodyViewSet(PublicReadViewSet):
    filterset_class = BodyFilter
    keyset = ("slug",)
    lookup_field = "slug"
    what = "body"

    @property
    def takes_as_of(self):
        return self.action == "retrieve"

    def get_queryset(self):
        return Body.objects.select_related("parent").only(
            "slug",
            "name",
            "short_name",
            "kind",
            "description",
            "parent__slug",
            "parent__name",
        )

    def get_serializer_class(self):
        if self.action == "retrieve":
            return s.BodyDetailSerializer
        return s.BodySerializer

    def retrieve(self, request, *args, **kwargs):
        body = self.get_object()
        context = self.get_serializer_context()
        context["scorecards"] = FigureTally.objects.body_scorecards(
            self.as_of, [body.pk], roles=Role.values
        )
        return Response(s.BodyDetailSerializer(body, context=context).data)


@extend_schema_view(
    list=extend_schema(
        summary="Commitments, in document order, with their status on a date",
        parameters=[AS_OF, BODY, MEMBER_STATE, THEME],
    ),
    retrieve=extend_schema(summary="A commitment", parameters=[AS_OF]),
)
class CommitmentViewSet(PublicReadViewSet):
    """The commitment table's rows: the filters of /commitments/, on ``as_of``."""

    filterset_class = CommitmentFilter
    serializer_class = s.CommitmentSerializer
    # Document order, as the derived state keeps it (one index).
    keyset = (
        "derived__declared_on",
        "derived__declaration_id",
        "derived__paragraph_number",
        "derived__reference",
    )
    takes_as_of = True
    lookup_field = "reference"
    lookup_value_regex = REFERENCE_PATTERN.strip("^$")
    what = "commitment with the reference"

    def get_queryset(self):
        # (The schema generator asks without a request, so without a date.)
        as_of = self.as_of or timezone.localdate()
        commitments = Commitment.objects.for_api(as_of)
        if self.action == "list":
            # As on the web: the list on a date holds the commitments that existed
            # then; a commitment's own record answers on any date.
            commitments = commitments.existing_on(as_of)
        return commitments

    def retrieve(self, request, *args, **kwargs):
        commitment = self.get_object()
        if commitment.is_withdrawn:
            return Response(
                {
                    "detail": f"{commitment.reference} was withdrawn.",
                    "withdrawn_at": commitment.withdrawn_at,
                    "withdrawal_reason": commitment.withdrawal_reason,
                    "url": request.build_absolute_uri(commitment.get_absolute_url()),
                },
                status=410,
            )
        return Response(self.get_serializer(commitment).data)

    def get_serializer_class(self):
        if self.action == "retrieve":
            return s.CommitmentDetailSerializer
        return s.CommitmentSerializer


@extend_schema_view(
    list=extend_schema(
        summary="Confirmed links between commitments, in the order confirmed"
    ),
    retrieve=extend_schema(summary="A confirmed link between two commitments"),
)
class CommitmentLinkViewSet(PublicReadViewSet):
    """Links an editor confirmed; suggestions are never served."""

    filterset_class = CommitmentLinkFilter
    serializer_class = s.CommitmentLinkSerializer
    keyset = ("pk",)
    lookup_value_regex = "[0-9]+"
    what = "confirmed link numbered"

    def get_queryset(self):
        return CommitmentLink.objects.for_public().order_by()


@extend_schema_view(
    list=extend_schema(summary="Evidence, by number (the order it was logged in)"),
    retrieve=extend_schema(summary="An evidence entry"),
)
class EvidenceViewSet(PublicReadViewSet):
    filterset_class = EvidenceFilter
    serializer_class = s.EvidenceSerializer
    keyset = ("pk",)
    lookup_value_regex = "[0-9]+"
    what = "evidence numbered"

    def get_queryset(self):
        return Evidence.objects.select_related(
            "commitment", "logged_by", "retracted_by"
        ).only(
            *EVIDENCE_FIELDS,
            "commitment__reference",
            "logged_by__username",
            "retracted_by__username",
        )


def _own_fields(model) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


# The records' own columns; of the rows they point to, only what is shown.
EVIDENCE_FIELDS = _own_fields(Evidence)


def _assessments():
    """Published assessments only: a draft is never served (nor are the drafts
    correcting a published one)."""
    return (
        Assessment.objects.published()
        .select_related(
            "commitment", "recorded_by", "reviewed_by", "superseded_by", "member_state"
        )
        .only(
            *_own_fields(Assessment),
            "commitment__reference",
            "recorded_by__username",
            "reviewed_by__username",
            "superseded_by__reference",
            "member_state__slug",
        )
        .prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.only("pk")),
            Prefetch(
                "corrections",
                queryset=Assessment.objects.published().only("pk", "corrects"),
            ),
        )
    )


@extend_schema_view(
    list=extend_schema(
        summary="Assessments of commitments as a whole, by number",
        description="Overall assessments; a corrected one (`corrected_by` set) "
        "no longer counts. Member-state assessments are listed apart.",
    ),
    retrieve=extend_schema(summary="An overall assessment"),
)
class AssessmentViewSet(PublicReadViewSet):
    filterset_class = AssessmentFilter
    serializer_class = s.AssessmentSerializer
    keyset = ("pk",)
    lookup_value_regex = "[0-9]+"
    what = "overall assessment numbered"

    def get_queryset(self):
        return _assessments().overall()


@extend_schema_view(
    list=extend_schema(summary="Assessments of one member state's record, by number"),
    retrieve=extend_schema(summary="A member-state assessment"),
)
class MemberStateAssessmentViewSet(PublicReadViewSet):
    filterset_class = MemberStateAssessmentFilter
    serializer_class = s.MemberStateAssessmentSerializer
    keyset = ("pk",)
    lookup_value_regex = "[0-9]+"
    what = "member-state assessment numbered"

    def get_queryset(self):
        return _assessments().filter(member_state__isnull=False)


@extend_schema_view(
    list=extend_schema(summary="Revisions of deadlines, by number"),
    retrieve=extend_schema(summary="A revision of a deadline"),
)
class DeadlineRevisionViewSet(PublicReadViewSet):
    filterset_class = DeadlineRevisionFilter
    serializer_class = s.DeadlineRevisionSerializer
    keyset = ("pk",)
    lookup_value_regex = "[0-9]+"
    what = "deadline revision numbered"

    def get_queryset(self):
        return DeadlineRevision.objects.select_related(
            "deadline__commitment", "revised_by"
        ).only(
            *_own_fields(DeadlineRevision),
            "deadline__commitment__reference",
            "revised_by__username",
        )


# -- the changes log ------------------------------------------------------------------


class ChangeSerializer(serializers.Serializer):
    """One entry of the changes log, as /changes/ lists it."""

    kind = serializers.ChoiceField(choices=changelog.KIND_CHOICES, read_only=True)
    when = serializers.DateTimeField(read_only=True)
    who = serializers.CharField(allow_null=True, help_text="A user name, or null.")
    commitment = serializers.CharField(
        allow_null=True, help_text="The reference of the commitment it concerns."
    )
    record = serializers.CharField(
        allow_null=True,
        help_text="The record in the API (an assessment, evidence or revision).",
    )
    subject = serializers.CharField(help_text="What was changed, in words.")
    action = serializers.CharField(
        allow_blank=True, help_text="Codebook edits: created, changed or deleted."
    )
    changes = serializers.ListField(
        child=inline_serializer(
            "FieldChange",
            {
                "field": serializers.CharField(),
                "old": serializers.CharField(allow_null=True),
                "new": serializers.CharField(allow_null=True),
            },
        ),
        help_text="Codebook edits: each field before and after.",
    )
    reason = serializers.CharField(allow_blank=True)


def _text(value):
    return None if value is None else str(value)


def change_entry(change, request) -> dict:
    """A ``views.changes.Change`` as the API gives it."""
    record = change.record
    who = change.who.get_username() if change.who is not None else None
    entry = {
        "kind": change.kind,
        "when": change.when,
        "who": who,
        "commitment": None,
        "record": None,
        "subject": "",
        "action": change.action,
        "changes": [],
        "reason": "",
    }

    def api(name, pk):
        return request.build_absolute_uri(reverse(f"api:{name}", args=[pk]))

    if change.kind in ("assessments", "corrections"):
        name = (
            "member-state-assessment-detail"
            if record.member_state_id
            else "assessment-detail"
        )
        state = f" ({record.member_state})" if record.member_state_id else ""
        entry.update(
            commitment=record.commitment.reference,
            record=api(name, record.pk),
            subject=f"{record.get_status_display()} as of {record.as_of}{state}",
        )
    elif change.kind in ("evidence", "retractions"):
        entry.update(
            commitment=record.commitment.reference,
            record=api("evidence-detail", record.pk),
            subject=f"{record.event_date_display}: {record.summary[:160]}",
            reason=record.retraction_reason if change.kind == "retractions" else "",
        )
    elif change.kind == "deadlines":
        entry.update(
            commitment=record.deadline.commitment.reference,
            record=api("deadline-revision-detail", record.pk),
            subject=f"{record.old_window_display} → {record.new_window_display}",
            reason=record.reason,
        )
    elif change.kind == "links":
        entry.update(
            commitment=record.from_commitment.reference,
            record=api("commitment-link-detail", record.pk),
            subject=f"{record.from_commitment.reference} "
            f"{record.get_type_display().lower()} {record.to_commitment.reference}",
            reason=record.note,
        )
    elif change.kind == "proposals":
        # As the page prints an accepted proposal: what it proposed, and where.
        entry.update(
            commitment=record.commitment.reference if record.commitment else None,
            subject=f"Proposal accepted: “{record.title}” (paragraph "
            f"{record.paragraph.number} of {record.declaration.title})",
        )
    else:
        commitment = getattr(record, "commitment", None)
        reference = getattr(record, "reference", None)
        entry.update(
            commitment=reference or (commitment.reference if commitment else None),
            subject=change.subject,
            changes=[
                {
                    "field": delta.field,
                    "old": _text(delta.old),
                    "new": _text(delta.new),
                }
                for delta in change.changes
            ],
            reason=record.history_change_reason or "",
        )
    return entry


class ChangeList(APIView):
    """The changes log, newest first: every new assessment and evidence entry, each
    correction, retraction and deadline revision, and every codebook edit."""

    keyset = ("-when", "-kind", "-id")  # for the cursor's salt
    basename = "change"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        allowed = {"kind", *PARAMETERS}
        unknown = [name for name in parameter_names(request) if name not in allowed]
        problems = {
            name: f"“{name[:40]}” is not a parameter of this list. It takes: "
            f"{', '.join(sorted(allowed))}."
            for name in unknown
        }
        kinds = request.query_params.getlist("kind")
        wrong = [kind for kind in kinds if kind not in changelog.KINDS]
        problems.update(ChangePagination().problems(request, self))
        if wrong:
            problems["kind"] = (
                f"“{wrong[0][:40]}” is not a kind of change. Choose from "
                f"{', '.join(changelog.KINDS)}."
            )
        if problems:
            raise BadParameters(problems)
        self.kinds = kinds or list(changelog.KINDS)

    @extend_schema(
        summary="The log of changes, newest first",
        parameters=[
            OpenApiParameter(
                "kind",
                str,
                enum=list(changelog.KINDS),
                many=True,
                description="Only changes of these kinds (repeat for several).",
            ),
            *SCHEMA_PARAMETERS,
        ],
        responses=ChangeSerializer(many=True),
    )
    def get(self, request):
        paginator = ChangePagination()
        rows = paginator.paginate(self.kinds, request, self)
        changes = changelog.load_changes(rows)
        data = [change_entry(change, request) for change in changes]
        return paginator.get_paginated_response(ChangeSerializer(data, many=True).data)


class ChangePagination(KeysetPagination):
    """Cursor paging over the changes log, by the log's own positions
    (``views.changes.log_page``: each kind read down its index)."""

    def paginate(self, kinds, request, view):
        self.request, self.view = request, view
        self.parts = [None, None, None]  # a position: when, kind, number
        self.page_size = self.read_page_size(request)
        direction, values = self.read_cursor(request)
        position = None
        if values is not None:
            when, kind, ident = values
            if not (isinstance(when, datetime.datetime) and isinstance(ident, int)):
                raise BadParameters({"cursor": "This cursor is unknown."})
            position = changelog.Position(when, str(kind), ident)
        # The log runs newest first: the next page holds the changes made before
        # the position, the previous page those made after it.
        rows, has_older, has_newer = changelog.log_page(
            kinds,
            before=position if direction == "next" else None,
            after=position if direction == "previous" else None,
            size=self.page_size,
        )
        self.has_next, self.has_previous = has_older, has_newer
        self.first_key = self._key(rows[0]) if rows else None
        self.last_key = self._key(rows[-1]) if rows else None
        return rows

    @staticmethod
    def _key(row) -> list:
        kind, ident, when = row
        return [encode_key_value(when), kind, ident]


class ApiRoot(APIView):
    """Where everything is: each list, the schema and the documentation."""

    @extend_schema(
        summary="The API's lists, its schema and its documentation",
        responses=inline_serializer(
            "ApiRoot",
            {
                "lists": serializers.DictField(child=serializers.URLField()),
                "schema": serializers.URLField(),
                "docs": serializers.URLField(),
                "data_releases": serializers.URLField(),
                "licence": serializers.CharField(),
            },
        ),
    )
    def get(self, request):
        def url(name):
            return request.build_absolute_uri(reverse(f"api:{name}"))

        if request.query_params:
            name = next(iter(request.query_params))
            raise BadParameters(
                {name: f"“{name[:40]}” is not a parameter here: it takes none."}
            )
        return Response(
            {
                "lists": {
                    "declarations": url("declaration-list"),
                    "paragraphs": url("paragraph-list"),
                    "bodies": url("body-list"),
                    "commitments": url("commitment-list"),
                    "commitment_links": url("commitment-link-list"),
                    "evidence": url("evidence-list"),
                    "assessments": url("assessment-list"),
                    "member_state_assessments": url("member-state-assessment-list"),
                    "deadline_revisions": url("deadline-revision-list"),
                    "changes": url("change-list"),
                },
                "schema": url("schema"),
                "docs": url("docs"),
                "data_releases": request.build_absolute_uri(
                    reverse("declarations:data-releases")
                ),
                "licence": "Data: CC BY 4.0 (https://creativecommons.org/licenses/"
                "by/4.0/). Cite the data release you used; see /data/.",
            }
        )
