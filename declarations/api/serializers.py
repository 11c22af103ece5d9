"""What the API says about each record: the fields the public pages show.

Each serializer declares its fields (the schema is generated from them) and
writes its records out by hand in ``to_representation``: DRF's generic path
costs two thirds of a page's time at 200 rows. ``tests/test_api.py`` checks that
both give the same result for every serializer.

Declarations, bodies and commitments are named by their slug or reference, as in
their page addresses; paragraphs by their declaration and number. Evidence,
assessments and deadline revisions, which have no other name, by their number
(``id``): evidence and assessment numbers are already the anchors of their page
(``#evidence-12``). Nothing else of the database's own keys is served, and of the
people who wrote a record only the user name the pages print: no e-mail address,
no account number, no staff flag.
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import (
    Assessment,
    Body,
    BodyKind,
    Commitment,
    CommitmentKind,
    CommitmentLink,
    Confidence,
    DatePrecision,
    DeadlineKind,
    DeadlineRevision,
    Declaration,
    Direction,
    Evidence,
    LinkType,
    OverdueBand,
    Paragraph,
    Precision,
    Role,
    Status,
)
from ..models.scorecards import Timeliness

# Choices that are not a whole TextChoices class, named for the schema's enums
# (settings.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).
ASSESSED_STATUS_CHOICES = Status.assessable()


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


# Placeholders that each URL converter accepts, to reverse a route once.
_PLACEHOLDER = {"int": 987654321, "slug": "key-placeholder", "str": "KEY-PLACEHOLDER"}


class Links:
    """Absolute URLs of records for one request: each route is reversed once and
    the key put in its place, since a page of 200 rows would otherwise reverse
    400 URLs (a tenth of the time the page takes)."""

    def __init__(self, request):
        self.request = request
        self.templates: dict[str, tuple[str, str]] = {}

    def url(self, route: str, key, converter: str = "str") -> str:
        template = self.templates.get(route)
        if template is None:
            placeholder = _PLACEHOLDER[converter]
            path = _absolute(self.request, reverse(route, args=[placeholder]))
            before, _, after = path.partition(str(placeholder))
            template = self.templates[route] = (before, after)
        return f"{template[0]}{key}{template[1]}"

    # The pages (as get_absolute_url gives them) and the API's records.
    def commitment(self, reference: str) -> str:
        return self.url("declarations:commitment-detail", reference)

    def declaration(self, slug: str) -> str:
        return self.url("declarations:declaration-detail", slug, "slug")

    def body(self, slug: str) -> str:
        return self.url("declarations:body-detail", slug, "slug")

    def api(self, name: str, key, converter: str = "str") -> str:
        return self.url(f"api:{name}", key, converter)


def links_of(context) -> Links:
    links = context.get("links")
    if links is None:
        links = context["links"] = Links(context.get("request"))
    return links


_DATETIME = serializers.DateTimeField()


def _date(value):
    return None if value is None else value.isoformat()


def _moment(value):
    return None if value is None else _DATETIME.to_representation(value)


def _username(user):
    return None if user is None else user.get_username()


class PageUrlField(serializers.Field):
    """The record's public page (``get_absolute_url``), as an absolute URL."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("source", "*")
        kwargs.setdefault("help_text", "The record's page on the tracker.")
        super().__init__(**kwargs)

    def to_representation(self, value):
        return _absolute(self.context.get("request"), value.get_absolute_url())


class ApiUrlField(serializers.Field):
    """The record's address in the API."""

    def __init__(self, view_name: str, lookup: str, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("source", "*")
        kwargs.setdefault("help_text", "The record in the API.")
        self.view_name, self.lookup = view_name, lookup
        super().__init__(**kwargs)

    def to_representation(self, value):
        path = reverse(f"api:{self.view_name}", args=[getattr(value, self.lookup)])
        return _absolute(self.context.get("request"), path)


extend_schema_field({"type": "string", "format": "uri"})(PageUrlField)
extend_schema_field({"type": "string", "format": "uri"})(ApiUrlField)


class UserNameField(serializers.CharField):
    """Who wrote a record: the user name the pages print, or null (the codebook)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        user = super().get_attribute(instance)
        return None if user is None else user.get_username()

    def to_representation(self, value):
        return value


def choice(choices, **kwargs) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=choices, read_only=True, **kwargs)


# -- declarations, paragraphs, bodies ---------------------------------------------


class DeclarationSerializer(serializers.ModelSerializer):
    api_url = ApiUrlField("declaration-detail", "slug")
    url = PageUrlField()
    paragraph_count = serializers.IntegerField(read_only=True)
    commitment_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Declaration
        fields = [
            "slug",
            "title",
            "place",
            "date",
            "source",
            "reference_prefix",
            "header_fields",
            "paragraph_count",
            "commitment_count",
            "url",
            "api_url",
        ]
        read_only_fields = fields

    def to_representation(self, declaration):
        links = links_of(self.context)
        return {
            "slug": declaration.slug,
            "title": declaration.title,
            "place": declaration.place,
            "date": _date(declaration.date),
            "source": declaration.source,
            "reference_prefix": declaration.reference_prefix,
            "header_fields": declaration.header_fields,
            "paragraph_count": declaration.paragraph_count,
            "commitment_count": declaration.commitment_count,
            "url": links.declaration(declaration.slug),
            "api_url": links.api("declaration-detail", declaration.slug, "slug"),
        }


class DeclarationDetailSerializer(DeclarationSerializer):
    class Meta(DeclarationSerializer.Meta):
        fields = [*DeclarationSerializer.Meta.fields, "full_text"]
        read_only_fields = fields

    def to_representation(self, declaration):
        return {
            **super().to_representation(declaration),
            "full_text": declaration.full_text,
        }


class ParagraphSerializer(serializers.ModelSerializer):
    declaration = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    url = PageUrlField(help_text="The paragraph in the declaration's reader.")

    class Meta:
        model = Paragraph
        fields = ["declaration", "number", "section", "text", "url"]
        read_only_fields = fields

    def to_representation(self, paragraph):
        slug = paragraph.declaration.slug
        return {
            "declaration": slug,
            "number": paragraph.number,
            "section": paragraph.section,
            "text": paragraph.text,
            # The reader page that holds it (Paragraph.get_absolute_url).
            "url": f"{links_of(self.context).declaration(slug)}"
            f"?paragraph={paragraph.number}#{paragraph.anchor}",
        }


class BodySerializer(serializers.ModelSerializer):
    kind = choice(BodyKind.choices)
    parent = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        help_text="The slug of the body this one sits under, or null.",
    )
    api_url = ApiUrlField("body-detail", "slug")
    url = PageUrlField()

    class Meta:
        model = Body
        fields = [
            "slug",
            "name",
            "short_name",
            "kind",
            "parent",
            "description",
            "url",
            "api_url",
        ]
        read_only_fields = fields

    def to_representation(self, body):
        links = links_of(self.context)
        return {
            "slug": body.slug,
            "name": body.name,
            "short_name": body.short_name,
            "kind": body.kind,
            "parent": body.parent.slug if body.parent_id else None,
            "description": body.description,
            "url": links.body(body.slug),
            "api_url": links.api("body-detail", body.slug, "slug"),
        }


class RateSerializer(serializers.Serializer):
    """A share with the two counts it is made of: ``value`` is ``part / whole``,
    null when the whole is 0."""

    part = serializers.IntegerField()
    whole = serializers.IntegerField()
    value = serializers.FloatField(allow_null=True)


class ScorecardSerializer(serializers.Serializer):
    """A body's figures in one role on the date (see the methodology page)."""

    role = choice(Role.choices)
    total = serializers.IntegerField()
    by_status = serializers.DictField(child=serializers.IntegerField())
    by_overdue_band = serializers.DictField(
        child=serializers.IntegerField(), source="by_band"
    )
    implemented_on_time = serializers.IntegerField(source="on_time")
    implemented_late = serializers.IntegerField(source="late")
    deadline_tested = serializers.IntegerField()
    implemented = serializers.IntegerField()
    assessed = serializers.IntegerField()
    implementation_rate = RateSerializer(help_text="Implemented, of all counted.")
    implementation_rate_assessed = RateSerializer(
        help_text="Implemented, of those assessed."
    )
    coverage = RateSerializer(help_text="Assessed, of all counted.")
    on_time_rate = RateSerializer(
        help_text="Implemented on time, of those whose window has closed."
    )


class BodyDetailSerializer(BodySerializer):
    as_of = serializers.SerializerMethodField()
    scorecards = serializers.SerializerMethodField()

    class Meta(BodySerializer.Meta):
        fields = [*BodySerializer.Meta.fields, "as_of", "scorecards"]
        read_only_fields = fields

    def to_representation(self, body):
        return {
            **super().to_representation(body),
            "as_of": self.get_as_of(body),
            "scorecards": self.get_scorecards(body),
        }

    @extend_schema_field(OpenApiTypes.DATE)
    def get_as_of(self, body):
        return self.context["as_of"].isoformat()

    @extend_schema_field(ScorecardSerializer(many=True))
    def get_scorecards(self, body):
        cards = self.context["scorecards"]
        return [
            ScorecardSerializer(
                {"role": role, **_card_fields(cards[(body.pk, role)])}
            ).data
            for role in Role.values
        ]


def _card_fields(card) -> dict:
    return {
        "total": card.total,
        "by_status": {status: card.count(status) for status in Status.values},
        "by_band": {band: card.by_band.get(band, 0) for band in OverdueBand.values},
        "on_time": card.on_time,
        "late": card.late,
        "deadline_tested": card.deadline_tested,
        "implemented": card.implemented,
        "assessed": card.assessed,
        "implementation_rate": card.implementation_rate,
        "implementation_rate_assessed": card.implementation_rate_assessed,
        "coverage": card.coverage,
        "on_time_rate": card.on_time_rate,
    }


# -- commitments ------------------------------------------------------------------


class CommitmentBodySerializer(serializers.Serializer):
    body = serializers.CharField(source="body.slug", help_text="The body's slug.")
    name = serializers.CharField(source="body.name")
    short_name = serializers.CharField(source="body.short_name")
    role = choice(Role.choices)


class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The event's number (events.csv).")
    name = serializers.CharField()
    body = serializers.CharField(
        source="body.slug",
        allow_null=True,
        help_text="The slug of the organ that meets, if any.",
    )
    expected_earliest = serializers.DateField(allow_null=True)
    expected_latest = serializers.DateField(allow_null=True)
    expected_precision = choice(Precision.choices, allow_blank=True)
    expected_window = serializers.CharField(
        source="expected_window_display", help_text="In words."
    )
    held_on = serializers.DateField(
        allow_null=True, help_text="When it was held; null until known."
    )
    held_precision = choice(Precision.choices, allow_blank=True)
    held = serializers.SerializerMethodField(
        help_text="When it was held, in words; null until known."
    )
    place = serializers.CharField()
    source_url = serializers.CharField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_held(self, event):
        return event.held_display if event.is_held else None


def event_record(event) -> dict | None:
    """The event a deadline waits for, as the API gives it (None if none)."""
    if event is None:
        return None
    return {
        "id": event.pk,
        "name": event.name,
        "body": event.body.slug if event.body else None,
        "expected_earliest": _date(event.expected_earliest),
        "expected_latest": _date(event.expected_latest),
        "expected_precision": event.expected_precision,
        "expected_window": event.expected_window_display,
        "held_on": _date(event.held_on),
        "held_precision": event.held_precision,
        "held": event.held_display if event.is_held else None,
        "place": event.place,
        "source_url": event.source_url,
    }


class DeadlineSerializer(serializers.Serializer):
    wording = serializers.CharField(help_text="Verbatim from the text; may be empty.")
    kind = choice(DeadlineKind.choices)
    event = serializers.CharField()
    waits_for = EventSerializer(
        allow_null=True,
        help_text="For event deadlines: the event's record, with its date once held.",
    )
    earliest = serializers.DateField(
        allow_null=True, help_text="First day of the due window."
    )
    latest = serializers.DateField(
        allow_null=True, help_text="Last day of the due window."
    )
    precision = choice(Precision.choices, allow_blank=True)
    window = serializers.CharField(source="window_display", help_text="In words.")
    note = serializers.CharField(help_text="How the wording was read.")
    review_date = serializers.DateField(allow_null=True)


class CommitmentSerializer(serializers.ModelSerializer):
    declaration = serializers.CharField(
        source="declaration.slug", read_only=True, help_text="The declaration's slug."
    )
    paragraph = serializers.IntegerField(
        source="paragraph.number", read_only=True, help_text="Its paragraph's number."
    )
    kind = choice(CommitmentKind.choices)
    bodies = CommitmentBodySerializer(source="body_links", many=True, read_only=True)
    deadline = DeadlineSerializer(read_only=True, allow_null=True)
    status_as_of = serializers.SerializerMethodField(
        help_text="The date the status and overdue band are judged on (`as_of`)."
    )
    status = choice(Status.choices, source="status_on")
    status_since = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text="The first day of the run of assessments that gave the status.",
    )
    overdue_band = choice(OverdueBand.choices)
    implemented_on = serializers.DateField(read_only=True, allow_null=True)
    timeliness = choice(Timeliness.choices, allow_null=True)
    last_evidence_on = serializers.DateField(read_only=True, allow_null=True)
    url = PageUrlField()
    api_url = ApiUrlField("commitment-detail", "reference")

    class Meta:
        model = Commitment
        fields = [
            "reference",
            "declaration",
            "paragraph",
            "title",
            "theme",
            "kind",
            "quote",
            "notes",
            "bodies",
            "deadline",
            "status_as_of",
            "status",
            "status_since",
            "overdue_band",
            "implemented_on",
            "timeliness",
            "last_evidence_on",
            "url",
            "api_url",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.DATE)
    def get_status_as_of(self, commitment):
        return self.context["as_of"].isoformat()

    def to_representation(self, commitment):
        links = links_of(self.context)
        # A commitment coded without a deadline row has none (null).
        deadline = getattr(commitment, "deadline", None)
        return {
            "reference": commitment.reference,
            "declaration": commitment.declaration.slug,
            "paragraph": commitment.paragraph.number,
            "title": commitment.title,
            "theme": commitment.theme,
            "kind": commitment.kind,
            "quote": commitment.quote,
            "notes": commitment.notes,
            "bodies": [
                {
                    "body": link.body.slug,
                    "name": link.body.name,
                    "short_name": link.body.short_name,
                    "role": link.role,
                }
                for link in commitment.body_links.all()
            ],
            "deadline": None
            if deadline is None
            else {
                "wording": deadline.wording,
                "kind": deadline.kind,
                "event": deadline.event,
                "waits_for": event_record(deadline.waits_for),
                "earliest": _date(deadline.earliest),
                "latest": _date(deadline.latest),
                "precision": deadline.precision,
                "window": deadline.window_display,
                "note": deadline.note,
                "review_date": _date(deadline.review_date),
            },
            "status_as_of": self.get_status_as_of(commitment),
            "status": commitment.status_on,
            "status_since": _date(commitment.status_since),
            "overdue_band": commitment.overdue_band,
            "implemented_on": _date(commitment.implemented_on),
            "timeliness": commitment.timeliness,
            "last_evidence_on": _date(commitment.last_evidence_on),
            "url": links.commitment(commitment.reference),
            "api_url": links.api("commitment-detail", commitment.reference),
        }


class CommitmentLinkSerializer(serializers.ModelSerializer):
    """A confirmed link, read from the later commitment (``from``) to the
    earlier one (``to``): "from follows up to"."""

    from_commitment = serializers.CharField(
        source="from_commitment.reference",
        read_only=True,
        help_text="The later commitment's reference.",
    )
    from_declaration = serializers.CharField(
        source="from_commitment.declaration.slug", read_only=True
    )
    type = choice(LinkType.choices)
    to_commitment = serializers.CharField(
        source="to_commitment.reference",
        read_only=True,
        help_text="The earlier commitment's reference.",
    )
    to_declaration = serializers.CharField(
        source="to_commitment.declaration.slug", read_only=True
    )
    inverse = serializers.CharField(
        source="inverse_label",
        read_only=True,
        help_text="The link read from the earlier commitment (e.g. 'Followed up by').",
    )
    confirmed_at = serializers.DateTimeField(source="decided_at", read_only=True)

    class Meta:
        model = CommitmentLink
        fields = [
            "id",
            "from_commitment",
            "from_declaration",
            "type",
            "to_commitment",
            "to_declaration",
            "inverse",
            "note",
            "confirmed_at",
        ]
        read_only_fields = fields

    def to_representation(self, link):
        return {
            "id": link.pk,
            "from_commitment": link.from_commitment.reference,
            "from_declaration": link.from_commitment.declaration.slug,
            "type": link.type,
            "to_commitment": link.to_commitment.reference,
            "to_declaration": link.to_commitment.declaration.slug,
            "inverse": link.inverse_label,
            "note": link.note,
            "confirmed_at": _moment(link.decided_at),
        }


class CommitmentDetailSerializer(CommitmentSerializer):
    links = serializers.SerializerMethodField(
        help_text="Its confirmed links, from it and to it."
    )

    class Meta(CommitmentSerializer.Meta):
        fields = [*CommitmentSerializer.Meta.fields, "links"]
        read_only_fields = fields

    def to_representation(self, commitment):
        return {
            **super().to_representation(commitment),
            "links": self.get_links(commitment),
        }

    @extend_schema_field(CommitmentLinkSerializer(many=True))
    def get_links(self, commitment):
        rows = CommitmentLink.objects.for_public().touching([commitment.pk])
        return [
            CommitmentLinkSerializer(context=self.context).to_representation(link)
            for link in rows
        ]


# -- the record: evidence, assessments, revisions ----------------------------------


class EvidenceSerializer(serializers.ModelSerializer):
    commitment = serializers.CharField(
        source="commitment.reference", read_only=True, help_text="Its reference."
    )
    event_date_precision = choice(DatePrecision.choices)
    direction = choice(Direction.choices)
    confidence = choice(Confidence.choices, allow_blank=True)
    logged_by = UserNameField()
    retracted = serializers.BooleanField(source="is_retracted", read_only=True)
    retracted_by = UserNameField()
    url = PageUrlField()
    api_url = ApiUrlField("evidence-detail", "pk")

    class Meta:
        model = Evidence
        fields = [
            "id",
            "commitment",
            "event_date",
            "event_date_precision",
            "summary",
            "source_title",
            "source_publisher",
            "source_url",
            "source_language",
            "archived_url",
            "accessed_on",
            "excerpt",
            "confidence",
            "direction",
            "logged_at",
            "logged_by",
            "retracted",
            "retracted_at",
            "retracted_by",
            "retraction_reason",
            "url",
            "api_url",
        ]
        read_only_fields = fields

    def to_representation(self, evidence):
        links = links_of(self.context)
        reference = evidence.commitment.reference
        return {
            "id": evidence.pk,
            "commitment": reference,
            "event_date": _date(evidence.event_date),
            "event_date_precision": evidence.event_date_precision,
            "summary": evidence.summary,
            "source_title": evidence.source_title,
            "source_publisher": evidence.source_publisher,
            "source_url": evidence.source_url,
            "source_language": evidence.source_language,
            "archived_url": evidence.archived_url,
            "accessed_on": _date(evidence.accessed_on),
            "excerpt": evidence.excerpt,
            "confidence": evidence.confidence,
            "direction": evidence.direction,
            "logged_at": _moment(evidence.logged_at),
            "logged_by": _username(evidence.logged_by),
            "retracted": evidence.is_retracted,
            "retracted_at": _moment(evidence.retracted_at),
            "retracted_by": _username(evidence.retracted_by),
            "retraction_reason": evidence.retraction_reason,
            "url": f"{links.commitment(reference)}#{evidence.anchor}",
            "api_url": links.api("evidence-detail", evidence.pk, "int"),
        }


class AssessmentSerializer(serializers.ModelSerializer):
    commitment = serializers.CharField(
        source="commitment.reference", read_only=True, help_text="Its reference."
    )
    status = choice(ASSESSED_STATUS_CHOICES)
    confidence = choice(Confidence.choices)
    recorded_by = UserNameField()
    reviewed_by = UserNameField(
        help_text="Who approved it (null: published without a second review)."
    )
    corrects = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text="The number of the assessment this one corrects."
    )
    corrected_by = serializers.SerializerMethodField(
        help_text="The number of the assessment that corrects this one: a corrected "
        "assessment no longer counts towards any status."
    )
    superseded_by = serializers.SlugRelatedField(
        slug_field="reference",
        read_only=True,
        help_text="For 'superseded': the commitment that replaced this one.",
    )
    evidence = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="The numbers of the evidence it cites."
    )
    url = PageUrlField()
    api_url = ApiUrlField("assessment-detail", "pk")

    class Meta:
        model = Assessment
        fields = [
            "id",
            "commitment",
            "status",
            "as_of",
            "confidence",
            "rationale",
            "evidence",
            "recorded_at",
            "recorded_by",
            "published_at",
            "reviewed_by",
            "corrects",
            "corrected_by",
            "superseded_by",
            "superseding_decision",
            "url",
            "api_url",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_corrected_by(self, assessment):
        corrections = assessment.corrections.all()
        return corrections[0].pk if corrections else None

    detail_route = "assessment-detail"

    def to_representation(self, assessment):
        links = links_of(self.context)
        reference = assessment.commitment.reference
        superseded_by = assessment.superseded_by
        data = {
            "id": assessment.pk,
            "commitment": reference,
            "status": assessment.status,
            "as_of": _date(assessment.as_of),
            "confidence": assessment.confidence,
            "rationale": assessment.rationale,
            "evidence": [evidence.pk for evidence in assessment.evidence.all()],
            "recorded_at": _moment(assessment.recorded_at),
            "recorded_by": _username(assessment.recorded_by),
            "published_at": _moment(assessment.published_at),
            "reviewed_by": _username(assessment.reviewed_by),
            "corrects": assessment.corrects_id,
            "corrected_by": self.get_corrected_by(assessment),
            "superseded_by": superseded_by.reference if superseded_by else None,
            "superseding_decision": assessment.superseding_decision,
            "url": f"{links.commitment(reference)}#{assessment.anchor}",
            "api_url": links.api(self.detail_route, assessment.pk, "int"),
        }
        if "member_state" in self.fields:
            data = {
                key: data[key]
                if key != "member_state"
                else assessment.member_state.slug
                for key in self.Meta.fields
            }
        return data


class MemberStateAssessmentSerializer(AssessmentSerializer):
    member_state = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text="The member state's slug."
    )
    api_url = ApiUrlField("member-state-assessment-detail", "pk")
    detail_route = "member-state-assessment-detail"

    class Meta(AssessmentSerializer.Meta):
        fields = [
            *AssessmentSerializer.Meta.fields[:2],
            "member_state",
            *AssessmentSerializer.Meta.fields[2:],
        ]
        read_only_fields = fields


class DeadlineRevisionSerializer(serializers.ModelSerializer):
    commitment = serializers.CharField(
        source="deadline.commitment.reference", read_only=True
    )
    revised_by = UserNameField()
    old_kind = choice(DeadlineKind.choices)
    new_kind = choice(DeadlineKind.choices)
    old_precision = choice(Precision.choices, allow_blank=True)
    new_precision = choice(Precision.choices, allow_blank=True)
    old_window = serializers.CharField(source="old_window_display", read_only=True)
    new_window = serializers.CharField(source="new_window_display", read_only=True)

    class Meta:
        model = DeadlineRevision
        fields = [
            "id",
            "commitment",
            "revised_at",
            "revised_by",
            "reason",
            "old_wording",
            "old_kind",
            "old_earliest",
            "old_latest",
            "old_precision",
            "old_window",
            "new_wording",
            "new_kind",
            "new_earliest",
            "new_latest",
            "new_precision",
            "new_window",
        ]
        read_only_fields = fields

    def to_representation(self, revision):
        return {
            "id": revision.pk,
            "commitment": revision.deadline.commitment.reference,
            "revised_at": _moment(revision.revised_at),
            "revised_by": _username(revision.revised_by),
            "reason": revision.reason,
            **{
                f"{side}_{name}": (
                    _date(value) if name in ("earliest", "latest") else value
                )
                for side in ("old", "new")
                for name, value in (
                    ("wording", getattr(revision, f"{side}_wording")),
                    ("kind", getattr(revision, f"{side}_kind")),
                    ("earliest", getattr(revision, f"{side}_earliest")),
                    ("latest", getattr(revision, f"{side}_latest")),
                    ("precision", getattr(revision, f"{side}_precision")),
                    ("window", getattr(revision, f"{side}_window_display")),
                )
            },
        }
