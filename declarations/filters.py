"""The public lists' filters: each declared here, each delegating to a QuerySet method.

The as-of date is not a filter: the view reads it once and gives it to the FilterSet,
so the status and overdue filters judge each commitment as it stood on that date.
"""

import datetime

import django_filters
from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import (
    Assessment,
    Body,
    BodyKind,
    Commitment,
    CommitmentLink,
    Confidence,
    DeadlineKind,
    DeadlineRevision,
    Declaration,
    Direction,
    Evidence,
    LinkType,
    OverdueBand,
    Paragraph,
    Role,
    Status,
)
from .models.scorecards import OVERDUE_PAGE_BANDS, Timeliness

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlainSelect(forms.Select):
    """A select whose options are written directly, not through a template each
    (a few hundred bodies would otherwise take longer than the rest of the page).

    For a model choice, ``label_field`` names the field its label is (what the
    model's ``__str__`` shows), so the options are read as plain values.
    """

    def __init__(self, *args, label_field: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_field = label_field

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.label_field = self.label_field
        return copy

    def render(self, name, value, attrs=None, renderer=None):
        options = self.options_html()
        if value not in (None, ""):
            chosen = f'value="{escape(value)}">'
            options = options.replace(chosen, f'value="{escape(value)}" selected>', 1)
        attrs = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<select name="{escape(name)}"{attrs}>{options}</select>')

    def options_html(self) -> str:
        return "".join(
            f'<option value="{escape(key)}">{escape(label)}</option>'
            for key, label in self.plain_choices()
        )

    def plain_choices(self):
        queryset = getattr(self.choices, "queryset", None)
        if queryset is None or self.label_field is None:
            return self.choices
        field = self.choices.field
        key = field.to_field_name or "pk"
        empty = [("", field.empty_label)] if field.empty_label is not None else []
        return [*empty, *queryset.values_list(key, self.label_field)]


def _no_such(what: str) -> dict:
    return {"invalid_choice": f"There is no {what} “%(value)s”."}


def _themes():
    return [(theme, theme) for theme in Commitment.objects.themes()]


class DeclarationSearchField(forms.CharField):
    """A declaration by its slug, or by words of its title or place.

    A text box instead of a list of every declaration: an organisation's record
    runs to thousands, and the box works without JavaScript. Cleans to the
    matching declarations (a queryset), or None when empty.
    """

    def clean(self, value):
        text = super().clean(value).strip()
        if not text:
            return None
        found = Declaration.objects.named(text)
        if not found.exists():
            raise forms.ValidationError(
                f"No declaration has the slug “{text}” or those words in its title "
                "or place.",
                code="invalid_choice",
            )
        return found


class DeclarationSearchFilter(django_filters.Filter):
    """The declaration search box; ``field_name`` is the path to the declaration."""

    field_class = DeclarationSearchField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("field_name", "declaration")
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value is None:
            return qs
        return qs.filter(**{f"{self.field_name}__in": value})


class KeyChoiceFilter(django_filters.ModelChoiceFilter):
    """A record chosen by its public key (a slug, a reference): a text in the
    query, the record once cleaned."""


def body_filter():
    """A body by its slug, for the commitment and overdue lists."""
    return KeyChoiceFilter(
        queryset=Body.objects.order_by("name"),
        to_field_name="slug",
        method="filter_body",
        widget=PlainSelect(label_field="name"),
        empty_label="Any body",
        label="Body",
        error_messages=_no_such("body"),
    )


def role_filter(**kwargs):
    return django_filters.ChoiceFilter(
        choices=Role.choices,
        method="filter_role",
        empty_label="Any role",
        label="Role",
        **kwargs,
    )


class AsOfFilterSet(django_filters.FilterSet):
    """A FilterSet whose methods judge status and overdue on ``as_of``."""

    def __init__(self, *args, as_of: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.as_of = as_of or timezone.localdate()

    def filter_text(self, queryset, name, value):
        return queryset.matching(value)

    def filter_body(self, queryset, name, body):
        return queryset.owned_by(body, self.form.cleaned_data.get("role") or None)

    def filter_role(self, queryset, name, role):
        if self.form.cleaned_data.get("body"):
            return queryset  # applied together with the body
        return queryset.with_party_in_role(role)

    def filter_bands(self, queryset, name, bands):
        return queryset.in_bands(bands, self.as_of)


class CommitmentFilter(AsOfFilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="filter_text",
        help_text="Words in the reference, title or quote.",
    )
    declaration = DeclarationSearchFilter(
        label="Declaration",
        max_length=200,
        help_text="Its slug (astana-2005) or words of its title or place.",
    )
    body = body_filter()
    role = role_filter(help_text="With a body: its role. Alone: any body in that role.")
    member_state = KeyChoiceFilter(
        queryset=Body.objects.member_states().order_by("name"),
        to_field_name="slug",
        method="filter_member_state",
        widget=PlainSelect(label_field="name"),
        empty_label="Any member state",
        label="Member state",
        error_messages=_no_such("member state"),
    )
    theme = django_filters.ChoiceFilter(
        choices=_themes,
        widget=PlainSelect,
        empty_label="Any theme",
        error_messages=_no_such("theme"),
    )
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices,
        method="filter_status",
        widget=forms.CheckboxSelectMultiple,
        label="Status on the date",
    )
    overdue_band = django_filters.MultipleChoiceFilter(
        choices=OverdueBand.choices,
        method="filter_bands",
        widget=forms.CheckboxSelectMultiple,
        label="Overdue on the date",
    )
    timeliness = django_filters.MultipleChoiceFilter(
        choices=Timeliness.choices,
        method="filter_timeliness",
        widget=forms.CheckboxSelectMultiple,
        label="Implemented by the date",
    )
    deadline_kind = django_filters.ChoiceFilter(
        field_name="deadline__kind",
        choices=DeadlineKind.choices,
        empty_label="Any kind of deadline",
        label="Kind of deadline",
    )
    due_after = django_filters.DateFilter(
        method="filter_due_after",
        widget=DATE_INPUT,
        label="Due window ends on or after",
    )
    due_before = django_filters.DateFilter(
        method="filter_due_before",
        widget=DATE_INPUT,
        label="Due window opens on or before",
    )

    class Meta:
        model = Commitment
        fields = []

    def filter_member_state(self, queryset, name, state):
        return queryset.owned_by(state)

    def filter_status(self, queryset, name, statuses):
        return queryset.with_status(statuses, self.as_of)

    def filter_timeliness(self, queryset, name, values):
        return queryset.implemented_in_time(values, self.as_of)

    def filter_due_after(self, queryset, name, day):
        return queryset.due_between(start=day)

    def filter_due_before(self, queryset, name, day):
        return queryset.due_between(end=day)


class OverdueFilter(AsOfFilterSet):
    declaration = DeclarationSearchFilter(
        label="Declaration",
        max_length=200,
        help_text="Its slug (astana-2005) or words of its title or place.",
    )
    body = body_filter()
    role = role_filter()
    band = django_filters.MultipleChoiceFilter(
        choices=[(b.value, b.label) for b in OVERDUE_PAGE_BANDS],
        method="filter_bands",
        widget=forms.CheckboxSelectMultiple,
        label="Show",
    )

    class Meta:
        model = Commitment
        fields = []


class BodyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Name", method="filter_text")
    kind = django_filters.ChoiceFilter(
        choices=BodyKind.choices, empty_label="Any kind", label="Kind"
    )
    declaration = DeclarationSearchFilter(
        label="Declaration",
        max_length=200,
        method="filter_declaration",
        help_text="Its slug (astana-2005) or words of its title or place: the "
        "bodies party to its commitments, with their record in it.",
    )

    class Meta:
        model = Body
        fields = []

    def __init__(self, *args, as_of=None, **kwargs):
        super().__init__(*args, **kwargs)

    def filter_text(self, queryset, name, value):
        return queryset.matching(value)

    def filter_declaration(self, queryset, name, declarations):
        return queryset.party_to_declarations(declarations)


class DeclarationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Title or place", method="filter_text")

    class Meta:
        model = Declaration
        fields = []

    def __init__(self, *args, as_of=None, **kwargs):
        super().__init__(*args, **kwargs)

    def filter_text(self, queryset, name, value):
        return queryset.matching(value)


# The record's lists. The pages show these records on each commitment's page; the
# API lists them across commitments, so they get filters of their own, declared
# here like the tables' (and usable by a page that lists them one day).


class YesNoField(forms.NullBooleanField):
    """``true`` or ``false`` (also 1/0, yes/no); anything else is refused rather
    than read as "either", so a mistyped value cannot quietly widen a list."""

    widget = forms.TextInput
    VALUES = {
        "true": True,
        "1": True,
        "yes": True,
        "false": False,
        "0": False,
        "no": False,
    }

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        try:
            return self.VALUES[str(value).strip().lower()]
        except KeyError:
            raise forms.ValidationError(
                f"“{str(value)[:20]}” is neither true nor false.", code="invalid"
            ) from None

    def validate(self, value):
        pass


class YesNoFilter(django_filters.BooleanFilter):
    field_class = YesNoField


def commitment_filter(field_name: str = "commitment"):
    """A commitment by its reference."""
    return KeyChoiceFilter(
        field_name=field_name,
        queryset=Commitment.objects.all(),
        to_field_name="reference",
        label="Commitment",
        help_text="Its reference, e.g. AST2005-05.",
        error_messages=_no_such("commitment"),
    )


def declaration_filter(field_name: str):
    return DeclarationSearchFilter(
        field_name=field_name,
        label="Declaration",
        max_length=200,
        help_text="Its slug (astana-2005) or words of its title or place.",
    )


class ParagraphFilter(django_filters.FilterSet):
    declaration = declaration_filter("declaration")

    class Meta:
        model = Paragraph
        fields = []

    def __init__(self, *args, as_of=None, **kwargs):
        super().__init__(*args, **kwargs)


class EvidenceFilter(django_filters.FilterSet):
    commitment = commitment_filter()
    declaration = declaration_filter("commitment__declaration")
    direction = django_filters.ChoiceFilter(
        choices=Direction.choices, label="Direction"
    )
    retracted = YesNoFilter(
        field_name="retracted_at",
        lookup_expr="isnull",
        exclude=True,
        label="Retracted",
        help_text="true: only retracted evidence; false: only standing evidence.",
    )
    event_after = django_filters.DateFilter(
        field_name="event_date", lookup_expr="gte", label="Event on or after"
    )
    event_before = django_filters.DateFilter(
        field_name="event_date", lookup_expr="lte", label="Event on or before"
    )

    class Meta:
        model = Evidence
        fields = []

    def __init__(self, *args, as_of=None, **kwargs):
        super().__init__(*args, **kwargs)


class AssessmentFilter(django_filters.FilterSet):
    commitment = commitment_filter()
    declaration = declaration_filter("commitment__declaration")
    status = django_filters.MultipleChoiceFilter(
        choices=Status.assessable(), label="Status"
    )
    confidence = django_filters.ChoiceFilter(
        choices=Confidence.choices, label="Confidence"
    )
    corrected = YesNoFilter(
        method="filter_corrected",
        label="Corrected",
        help_text="true: only assessments a later one corrects (they no longer "
        "count); false: only those that stand.",
    )

    class Meta:
        model = Assessment
        fields = []

    def __init__(self, *args, as_of=None, **kwargs):
        super().__init__(*args, **kwargs)

    def filter_corrected(self, queryset, name, corrected):
        # At most one correction names an assessment, so the join adds no rows.
        return queryset.filter(corrections__isnull=not corrected)


class MemberStateAssessmentFilter(AssessmentFilter):
    member_state = KeyChoiceFilter(
        queryset=Body.objects.member_states(),
        to_field_name="slug",
        label="Member state",
        error_messages=_no_such("member state"),
    )


class DeadlineRevisionFilter(django_filters.FilterSet):
    commitment = commitment_filter("deadline__commitment")
    declaration = declaration_filter("deadline__commitment__declaration")

    class Meta:
        model = DeadlineRevision
        fields = []

    def __init__(self, *args, as_of=None, **kwargs):
        super().__init__(*args, **kwargs)


class CommitmentLinkFilter(django_filters.FilterSet):
    commitment = KeyChoiceFilter(
        queryset=Commitment.objects.all(),
        to_field_name="reference",
        method="filter_commitment",
        label="Commitment",
        help_text="Its reference: the links from it and to it.",
        error_messages=_no_such("commitment"),
    )
    declaration = declaration_filter("from_commitment__declaration")
    type = django_filters.ChoiceFilter(choices=LinkType.choices, label="Type")

    class Meta:
        model = CommitmentLink
        fields = []

    def __init__(self, *args, as_of=None, **kwargs):
        super().__init__(*args, **kwargs)

    def filter_commitment(self, queryset, name, commitment):
        return queryset.touching([commitment.pk])
