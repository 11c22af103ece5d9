"""The public tables. Rendering only: every value comes from the QuerySet's
annotations and prefetches, so no cell runs a query; downloads use the same
columns (``value_*`` gives the plain text)."""

import datetime

import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django_tables2.data import TableQuerysetData

from .models import (
    Body,
    Commitment,
    DeadlineKind,
    Declaration,
    OverdueBand,
    Role,
    Status,
)
from .models.scorecards import Scorecard

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


def _iso(value) -> str:
    return value.isoformat() if value else ""


def _deadline(record):
    # A commitment imported without a deadline row has no deadline at all.
    return getattr(record, "deadline", None)


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
        keys = list(self.data.values_list("pk", flat=True)[key])
        rows = {row.pk: row for row in self.data.order_by().filter(pk__in=keys)}
        return [rows[pk] for pk in keys if pk in rows]


class AsOfTable(tables.Table):
    """A table whose links carry the page's as-of date."""

    def __init__(self, *args, as_of: datetime.date | None = None, as_of_param="", **kw):
        super().__init__(*args, **kw)
        self.as_of = as_of
        self.as_of_param = as_of_param

    def url_for(self, record) -> str:
        url = record.get_absolute_url()
        return (
            f"{url}?{urlencode({'as_of': self.as_of_param})}"
            if self.as_of_param
            else url
        )


class CommitmentTable(AsOfTable):
    reference = tables.Column(
        linkify=lambda record, table: table.url_for(record),
        attrs={**HEADER, "td": {"class": "reference-cell"}},
    )
    title = tables.Column(attrs=HEADER)
    bodies = tables.Column(
        accessor="pk", verbose_name="Bodies", orderable=False, attrs=HEADER
    )
    deadline = tables.Column(
        accessor="deadline__earliest",
        verbose_name="Deadline",
        empty_values=(),
        order_by=("deadline__earliest", "deadline__latest"),
        attrs=HEADER,
    )
    status_on = tables.Column(
        verbose_name="Status", order_by=("status_rank",), attrs=HEADER
    )
    overdue_band = tables.Column(verbose_name="Overdue", attrs=HEADER)
    last_evidence_on = tables.DateColumn(
        verbose_name="Last evidence", format=DAY, attrs=HEADER
    )
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
                            ((b.get_absolute_url(), b.label) for b in bodies),
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

    name = tables.Column(
        linkify=lambda record, table: table.url_for(record),
        verbose_name="Body",
        attrs=HEADER,
    )
    kind = tables.Column(order_by=("kind_rank", "name"), attrs=HEADER)
    parent = tables.Column(
        linkify=lambda record, table: table.url_for(record.parent),
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
        accessor="pk", verbose_name="Implementation rate", orderable=False, attrs=NUMBER
    )
    on_time_rate = tables.Column(
        accessor="pk", verbose_name="On-time rate", orderable=False, attrs=NUMBER
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
            rows = self.page.object_list if self.page else self.rows
            self._cards = self.scorecards([row.record.pk for row in rows])
        return self._cards.get((record.pk, Role.RESPONSIBLE), Scorecard())

    def render_name(self, record):
        if record.short_name and record.short_name != record.name:
            return format_html(
                '{} <span class="muted">({})</span>', record.name, record.short_name
            )
        return record.name

    def value_name(self, record):
        return record.name

    def render_responsible(self, record):
        return self.card(record).total

    def render_overdue(self, record):
        return self.card(record).overdue

    def render_implementation_rate(self, record):
        return percent(self.card(record).implementation_rate)

    def render_on_time_rate(self, record):
        return percent(self.card(record).on_time_rate)


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{round(rate * 100)}%"


class DeclarationTable(AsOfTable):
    title = tables.Column(
        linkify=lambda record, table: table.url_for(record), attrs=HEADER
    )
    place = tables.Column(attrs=HEADER)
    date = tables.DateColumn(format=DAY, attrs=HEADER)
    paragraph_count = tables.Column(verbose_name="Paragraphs", attrs=HEADER)
    commitment_count = tables.Column(verbose_name="Commitments", attrs=HEADER)

    class Meta:
        model = Declaration
        template_name = TEMPLATE
        fields = []
        attrs = {"class": "data declarations"}
        empty_text = "No declaration matches."
