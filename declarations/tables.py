"""The public tables. Rendering only: every value comes from the QuerySet's
annotations and prefetches, so no cell runs a query; downloads use the same
columns (``value_*`` gives the plain text)."""

import datetime
import functools
import inspect

import django_tables2 as tables
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django_tables2.data import TableQuerysetData

from .models import (
    Body,
    Commitment,
    CommitmentState,
    DeadlineKind,
    Declaration,
    OverdueBand,
    Role,
    Status,
)
from .models.scorecards import Rate, Scorecard

TEMPLATE = "django_tables2/tracker_table.html"
HEADER = {"th": {"scope": "col"}}
DAY = "j M Y"


def status_badge(value: str) -> str:
    return format_html(
        '<span class="status status-{}">{}</span>', value, Status(value).label
    )


def band_badge(value: str) -> str:
    return format_html(
        '<span class="band band-{}">{}</span>', value, OverdueBand(value).label
    )


def day_month_year(value: datetime.date) -> str:
    """'5 Jul 2005': Django's "j M Y" for English, without the locale machinery
    (it is most of a long table's time)."""
    return f"{value.day} {value:%b %Y}"


def _iso(value) -> str:
    return value.isoformat() if value else ""


def _deadline(record):
    # A commitment imported without a deadline row has no deadline at all.
    return getattr(record, "deadline", None)


DERIVED = "derived__"


class KeyedPageData(TableQuerysetData):
    """Table data that reads a page in two steps: its keys, then its rows.

    The keys of a page come from a narrow query that the database answers from
    indexes; only the page's own rows then carry the costly annotations. A deep
    page or a filter on the status of 100,000 commitments costs what a short
    list does.
    """

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return super().__getitem__(key)
        if key.start == key.stop:
            return []
        keys = self.keys(key)
        rows = {row.pk: row for row in self.data.order_by().filter(pk__in=keys)}
        return [rows[pk] for pk in keys if pk in rows]

    def keys(self, key: slice) -> list:
        """The page's keys. A list of commitments in an order the derived state
        holds (document order, the due window) is read from that table's covering
        index, the filters (if any) applied as a semi-join: a deep page is an
        index scan, not a sort of every matching row."""
        states = self.states_in_order()
        if states is not None:
            return list(states.values_list("commitment_id", flat=True)[key])
        return list(self.data.values_list("pk", flat=True)[key])

    def states_in_order(self):
        """The derived states of the listed commitments in the list's order, or
        None when the list is not of commitments in such an order."""
        query = self.data.query
        ordering = [field.lstrip("-") for field in query.order_by]
        if not (
            self.data.model is Commitment
            and ordering
            and all(field.startswith(DERIVED) for field in ordering)
        ):
            return None
        states = CommitmentState.objects.order_by(
            *(field.replace(DERIVED, "", 1) for field in query.order_by)
        )
        if query.where:
            states = states.filter(commitment__in=self.data.order_by().values("pk"))
        return states


class AsOfTable(tables.Table):
    """A table whose links carry the page's as-of date, and whose body rows are
    written by ``rows_html`` (the template's ``table.tbody``).

    django-tables2 renders a cell by resolving its accessor, looking up the
    model field and inspecting the render method's signature, every time: most
    of a 50-row page's time. ``rows_html`` does that once per column and then
    writes each cell with the same render methods, accessors, defaults and links;
    ``tests/test_tables.py`` checks that it gives django-tables2's own cells.
    """

    def __init__(self, *args, as_of: datetime.date | None = None, as_of_param="", **kw):
        super().__init__(*args, **kw)
        self.as_of = as_of
        self.as_of_param = as_of_param

    def rows_html(self) -> str:
        """The body rows of the page (or of every row when not paginated)."""
        page = getattr(self, "page", None)
        rows = list(page.object_list if page else self.rows)
        if not rows:
            return ""
        cells = [_CellWriter(self, column, rows[0].record) for column in self.columns]
        return mark_safe(
            "".join(
                "<tr>" + "".join(cell(row.record) for cell in cells) + "</tr>"
                for row in rows
            )
        )

    def link(self, record, text):
        """A link to the record's page on the table's date."""
        return format_html('<a href="{}">{}</a>', self.url_for(record), text)

    def url_for(self, record) -> str:
        url = record.get_absolute_url()
        return (
            f"{url}?{urlencode({'as_of': self.as_of_param})}"
            if self.as_of_param
            else url
        )


class _CellWriter:
    """Writes one column's cells as django-tables2 would, with the lookups done
    once: the render method and the arguments it takes, the accessor, whether the
    value is a choice shown by its label, the default and the link."""

    ARGUMENTS = ("value", "record", "column", "bound_column", "bound_row", "table")

    def __init__(self, table, bound_column, sample):
        self.table, self.bound = table, bound_column
        self.column = bound_column.column
        self.render = bound_column.render
        self.wants = _arguments(self.render)
        self.accessor = tables.A(bound_column.accessor)
        self.display = None
        penultimate, remainder = self.accessor.penultimate(sample)
        if isinstance(penultimate, models.Model) and remainder:
            try:
                field = self.accessor.get_field(sample)
            except FieldDoesNotExist:
                field = None
            if getattr(field, "choices", ()):
                self.display = f"get_{remainder}_display"
        self.open = format_html("<td {}>", bound_column.attrs["td"].as_html())
        self.default = bound_column.default

    def value(self, record):
        if self.display:
            penultimate, _ = self.accessor.penultimate(record)
            return getattr(penultimate, self.display)()
        try:
            return self.accessor.resolve(record)
        except Exception:  # django-tables2 treats an unresolvable cell as empty
            return None

    def __call__(self, record) -> str:
        value = self.value(record)
        if value in self.column.empty_values:
            content = self.default
        else:
            arguments = {
                "value": value,
                "record": record,
                "column": self.column,
                "bound_column": self.bound,
                "bound_row": None,
                "table": self.table,
            }
            content = self.render(**{k: arguments[k] for k in self.wants})
            if self.bound.link:
                content = self.bound.link(content, **arguments)
        return f"{self.open}{conditional_escape(content)}</td>"


@functools.cache
def _arguments_of(function) -> tuple[str, ...]:
    """The cell arguments a render function takes, as django-tables2 passes them:
    those it names, or all of them when it takes ``**kwargs``."""
    parameters = inspect.signature(function).parameters.values()
    if any(p.kind == p.VAR_KEYWORD for p in parameters):
        return _CellWriter.ARGUMENTS
    return tuple(p.name for p in parameters if p.name in _CellWriter.ARGUMENTS)


def _arguments(method) -> tuple[str, ...]:
    return _arguments_of(getattr(method, "__func__", method))


class CommitmentTable(AsOfTable):
    reference = tables.Column(attrs={**HEADER, "td": {"class": "reference-cell"}})
    title = tables.Column(attrs=HEADER)
    bodies = tables.Column(
        accessor="pk", verbose_name="Bodies", orderable=False, attrs=HEADER
    )
    deadline = tables.Column(
        accessor="deadline__earliest",
        verbose_name="Deadline",
        empty_values=(),
        order_by=("derived__earliest", "derived__latest", "derived__reference"),
        attrs=HEADER,
    )
    status_on = tables.Column(
        verbose_name="Status", order_by=("status_rank",), attrs=HEADER
    )
    overdue_band = tables.Column(verbose_name="Overdue", attrs=HEADER)
    last_evidence_on = tables.Column(verbose_name="Last evidence", attrs=HEADER)
    # Columns for the downloads only.
    window = tables.Column(
        accessor="deadline__earliest", visible=False, verbose_name="Due window"
    )
    declaration = tables.Column(
        accessor="declaration__slug", visible=False, verbose_name="Declaration"
    )
    paragraph = tables.Column(
        accessor="paragraph__number", visible=False, verbose_name="Paragraph"
    )
    theme = tables.Column(visible=False)
    quote = tables.Column(visible=False)
    window_first_day = tables.Column(
        accessor="deadline__earliest", visible=False, verbose_name="Window first day"
    )
    window_last_day = tables.Column(
        accessor="deadline__latest", visible=False, verbose_name="Window last day"
    )
    status_as_of = tables.Column(
        accessor="pk", visible=False, verbose_name="Status as of"
    )

    class Meta:
        model = Commitment
        template_name = TEMPLATE
        fields = []
        attrs = {"class": "data commitments"}
        empty_text = "No commitment matches these filters."

    def body_url(self, body) -> str:
        # Many rows name the same bodies: reverse each once per table.
        urls = self.__dict__.setdefault("_body_urls", {})
        if body.pk not in urls:
            urls[body.pk] = body.get_absolute_url()
        return urls[body.pk]

    def render_reference(self, record, value):
        return self.link(record, value)

    def value_reference(self, value):
        return value

    def render_bodies(self, record):
        by_role: dict[str, list] = {}
        for link in record.body_links.all():
            by_role.setdefault(link.get_role_display(), []).append(link.body)
        return format_html(
            '<ul class="bodies">{}</ul>',
            format_html_join(
                "",
                '<li><span class="role">{}:</span> {}</li>',
                (
                    (
                        role,
                        format_html_join(
                            ", ",
                            '<a href="{}">{}</a>',
                            ((self.body_url(b), b.label) for b in bodies),
                        ),
                    )
                    for role, bodies in by_role.items()
                ),
            ),
        )

    def value_bodies(self, record):
        return "; ".join(
            f"{link.body.name} ({link.get_role_display().lower()})"
            for link in record.body_links.all()
        )

    def render_deadline(self, record):
        deadline = _deadline(record)
        if deadline is None or deadline.kind == DeadlineKind.NONE:
            return format_html('<span class="muted">{}</span>', "None set")
        if not deadline.has_window:
            return format_html(
                '“{}”<br><span class="muted">{}</span>', deadline.wording, "no date"
            )
        return format_html(
            '“{}”<br><span class="window">{}</span>',
            deadline.wording,
            deadline.window_display,
        )

    def value_deadline(self, record):
        deadline = _deadline(record)
        return deadline.wording if deadline else ""

    def value_window(self, record):
        deadline = _deadline(record)
        return deadline.window_display if deadline else "no dated window"

    def render_status_on(self, value):
        return status_badge(value)

    def value_status_on(self, value):
        return Status(value).label

    def render_overdue_band(self, value):
        if value in (OverdueBand.NO_WINDOW, OverdueBand.CLOSED, OverdueBand.NOT_DUE):
            return format_html(
                '<span class="muted">{}</span>', OverdueBand(value).label
            )
        return band_badge(value)

    def value_overdue_band(self, value):
        return OverdueBand(value).label

    def value_window_first_day(self, value):
        return _iso(value)

    def value_window_last_day(self, value):
        return _iso(value)

    def value_status_as_of(self, record):
        return self.as_of.isoformat() if self.as_of else ""

    def render_last_evidence_on(self, value):
        return day_month_year(value)

    def value_last_evidence_on(self, value):
        return _iso(value)


class BodyCommitmentTable(CommitmentTable):
    """A body's commitments, with the role it plays in each."""

    body_role = tables.Column(verbose_name="Role", attrs=HEADER)

    class Meta(CommitmentTable.Meta):
        sequence = ("body_role", "reference", "...")
        empty_text = "This body is party to no commitment that matches."

    def render_body_role(self, value):
        return Role(value).label


class OverdueTable(CommitmentTable):
    """The overdue page: how far past (or how near) each window is on the date."""

    overdue_band = tables.Column(
        verbose_name="Band", order_by=("band_rank", "deadline__latest"), attrs=HEADER
    )
    how_long = tables.Column(
        accessor="deadline__latest",
        verbose_name="How long",
        order_by=("deadline__latest", "deadline__earliest"),
        attrs=HEADER,
    )

    class Meta(CommitmentTable.Meta):
        sequence = ("overdue_band", "how_long", "reference", "title", "...")
        exclude = ("last_evidence_on",)
        empty_text = "Nothing was overdue or due soon on this date."

    def render_overdue_band(self, value):
        return band_badge(value)

    def render_how_long(self, record):
        return how_long(record, self.as_of)

    def value_how_long(self, record):
        return how_long(record, self.as_of)


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def how_long(record, as_of: datetime.date) -> str:
    """The distance between the date and the window, in words, for the band."""
    deadline = _deadline(record)
    if deadline is None or not deadline.has_window or as_of is None:
        return ""
    if record.overdue_band == OverdueBand.DEFINITELY:
        return f"{_days((as_of - deadline.latest).days)} since the window closed"
    if record.overdue_band == OverdueBand.POSSIBLY:
        left = (deadline.latest - as_of).days
        return f"{_days((as_of - deadline.earliest).days)} into the window, " + (
            "last day" if left == 0 else f"{_days(left)} left"
        )
    if record.overdue_band == OverdueBand.DUE_SOON:
        ahead = (deadline.earliest - as_of).days
        return "window opens today" if ahead == 0 else f"window opens in {_days(ahead)}"
    return ""


NUMBER = {"th": {"scope": "col", "class": "num"}, "td": {"class": "num"}}


class BodyTable(AsOfTable):
    """Bodies with their scorecard as responsible body (figures passed in)."""

    name = tables.Column(verbose_name="Body", attrs=HEADER)
    kind = tables.Column(order_by=("kind_rank", "name"), attrs=HEADER)
    parent = tables.Column(
        verbose_name="Sits under",
        order_by=("parent__name",),
        attrs=HEADER,
    )
    commitment_count = tables.Column(verbose_name="Party to", attrs=NUMBER)
    responsible = tables.Column(
        accessor="pk", verbose_name="Responsible for", orderable=False, attrs=NUMBER
    )
    overdue = tables.Column(
        accessor="pk", verbose_name="Overdue", orderable=False, attrs=NUMBER
    )
    implementation_rate = tables.Column(
        accessor="pk", verbose_name="Implemented", orderable=False, attrs=NUMBER
    )
    coverage = tables.Column(
        accessor="pk", verbose_name="Assessed", orderable=False, attrs=NUMBER
    )
    on_time_rate = tables.Column(
        accessor="pk", verbose_name="On time", orderable=False, attrs=NUMBER
    )
    short_name = tables.Column(verbose_name="Short name", visible=False)

    class Meta:
        model = Body
        template_name = TEMPLATE
        fields = []
        attrs = {"class": "data bodies"}
        empty_text = "No body matches these filters."

    def __init__(self, *args, scorecards=None, **kwargs):
        super().__init__(*args, **kwargs)
        # scorecards(body ids) -> {(body id, role): Scorecard}, asked once for
        # the rows the table shows (one page, or every row of a download).
        self.scorecards = scorecards or (lambda ids: {})
        self._cards = None

    def card(self, record):
        if self._cards is None:
            page = getattr(self, "page", None)
            rows = page.object_list if page else self.rows
            self._cards = self.scorecards([row.record.pk for row in rows])
        return self._cards.get((record.pk, Role.RESPONSIBLE), Scorecard())

    def render_name(self, record):
        if record.short_name and record.short_name != record.name:
            return format_html(
                '{} <span class="muted">({})</span>',
                self.link(record, record.name),
                record.short_name,
            )
        return self.link(record, record.name)

    def render_parent(self, value):
        return self.link(value, value)

    def value_parent(self, value):
        return str(value) if value else ""

    def value_name(self, record):
        return record.name

    def render_responsible(self, record):
        return self.card(record).total

    def render_overdue(self, record):
        return self.card(record).overdue

    def render_implementation_rate(self, record):
        return str(self.card(record).implementation_rate)

    def render_coverage(self, record):
        return str(self.card(record).coverage)

    def render_on_time_rate(self, record):
        return str(self.card(record).on_time_rate)


def percent(rate) -> str:
    """A Rate as "8 of 42 (19%)"; a bare fraction (or None) as a percentage."""
    if isinstance(rate, Rate):
        return str(rate)
    return "—" if rate is None else f"{round(rate * 100)}%"


class DeclarationTable(AsOfTable):
    title = tables.Column(attrs=HEADER)
    place = tables.Column(attrs=HEADER)
    date = tables.Column(attrs=HEADER)
    paragraph_count = tables.Column(verbose_name="Paragraphs", attrs=HEADER)
    commitment_count = tables.Column(verbose_name="Commitments", attrs=HEADER)

    class Meta:
        model = Declaration
        template_name = TEMPLATE
        fields = []
        attrs = {"class": "data declarations"}
        empty_text = "No declaration matches."

    def render_title(self, record, value):
        return self.link(record, value)

    def value_title(self, value):
        return value

    def render_date(self, value):
        return day_month_year(value)
