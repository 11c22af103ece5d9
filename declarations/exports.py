"""Downloads of a public table (CSV, JSON, Excel) that a spreadsheet opens right.

The download holds exactly the rows of the filtered, sorted table, in its order,
all pages. Its columns are named as the data release names them (``reference``,
``status``, ``deadline_earliest``, ...) and hold the same values: codes, not
labels, and real dates. The rows are read straight from the table's queryset
(one query, read in chunks, plus one query per chunk for the bodies) rather than
rendered cell by cell through the table, so 100,000 commitments take seconds and
never sit in memory together.

What each format does for spreadsheets:

- CSV starts with a UTF-8 byte-order mark (Excel otherwise reads UTF-8 as a
  legacy code page and garbles every non-ASCII letter) and neutralises any text
  cell a spreadsheet would run as a formula (one beginning with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return) by prefixing an apostrophe.
- Excel files have a named sheet of typed cells (dates are dates, numbers are
  numbers, every text is a text cell, so a formula-like text is shown, never
  run), and an "About" sheet saying what the download is.
- JSON keeps every value exact.
"""

import csv
import dataclasses
import datetime
import io
import json
import operator
import tempfile
import types
from collections.abc import Callable, Iterator

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .models import Role
from .models.deadlines import describe_window
from .models.scorecards import Scorecard
from .text import printable

CHUNK = 1000
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"


def neutralise(cell):
    """A text cell a spreadsheet would run as a formula, made inert (CSV injection),
    without the control characters old rows may hold."""
    cell = printable(cell)
    if isinstance(cell, str) and cell.startswith(FORMULA_START):
        return "'" + cell
    return cell


@dataclasses.dataclass(frozen=True)
class ExportColumn:
    """A column of a download: its name, the queryset values it reads, and how
    it computes its value from them (``None``: the one value as it is)."""

    name: str
    fields: tuple[str, ...] = ()
    compute: Callable | None = None  # (values of ``fields``..., export) -> value

    def getter(self, index: dict[str, int], export) -> Callable:
        """A function (row tuple) -> the cell's value."""
        if self.compute is None:
            return operator.itemgetter(index[self.fields[0]])
        positions = [index[name] for name in self.fields]
        compute = self.compute
        return lambda row: compute(*(row[i] for i in positions), export)


def field(name: str, path: str | None = None) -> ExportColumn:
    return ExportColumn(name, (path or name,))


def _window(kind, earliest, latest, precision, export):
    if kind is None:
        return "no dated window"
    return describe_window(earliest, latest, precision)


def _how_long(kind, earliest, latest, precision, band, export):
    from .tables import how_long

    deadline = None
    if kind is not None:
        deadline = types.SimpleNamespace(
            earliest=earliest,
            latest=latest,
            has_window=earliest is not None and latest is not None,
        )
    record = types.SimpleNamespace(deadline=deadline, overdue_band=band)
    return how_long(record, export.as_of)


def _bodies(export):
    return export.bodies


DEADLINE_FIELDS = (
    "deadline__kind",
    "deadline__earliest",
    "deadline__latest",
    "deadline__precision",
)

# The commitment tables' columns: the names and values of the data release
# (commitments.csv, deadlines.csv), plus a few a reader of one file needs.
COMMITMENT_COLUMNS = (
    field("reference"),
    field("title"),
    field("declaration", "declaration__slug"),
    field("paragraph", "paragraph__number"),
    field("theme"),
    field("kind"),
    field("quote"),
    ExportColumn("bodies", (), _bodies),
    field("deadline_wording", "deadline__wording"),
    field("deadline_kind", "deadline__kind"),
    ExportColumn("deadline_window", DEADLINE_FIELDS, _window),
    field("deadline_earliest", "deadline__earliest"),
    field("deadline_latest", "deadline__latest"),
    field("deadline_precision", "deadline__precision"),
    field("status", "status_on"),
    ExportColumn("status_as_of", (), lambda export: export.as_of),
    field("status_since"),
    field("overdue_band"),
    field("last_evidence_on"),
)
BODY_ROLE = field("body_role")
HOW_LONG = ExportColumn("how_long", (*DEADLINE_FIELDS, "overdue_band"), _how_long)

DECLARATION_COLUMNS = (
    field("slug"),
    field("title"),
    field("place"),
    field("date"),
    field("paragraph_count"),
    field("commitment_count"),
)


BODY_FIELDS = ("body_links__body__name", "body_links__role")


# Orderings that end on one of these name one row per commitment already.
UNIQUE_LAST = {"pk", "id", "reference", "derived__reference"}


def with_bodies(queryset):
    """The queryset with one row per body link (and one for a commitment with
    none), in the table's order: each commitment's rows come together, so its
    bodies are read in the same query. ``pk`` breaks ties when the order does
    not name a commitment (the rows of one commitment tie, and equal keys come
    together); the bodies' own order is ``grouped_by_commitment``'s."""
    ordering = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    last = str(ordering[-1]).lstrip("-") if ordering else ""
    if last not in UNIQUE_LAST:
        ordering.append("pk")
    return queryset.order_by(*ordering)


def grouped_by_commitment(rows, width: int):
    """(row, bodies text) for each commitment, from rows whose last two values
    are a body's name and role (see ``with_bodies``): "Name (role); ...", by
    role, then name."""
    current, first, links = None, None, []
    for row in rows:
        if row[0] != current:
            if first is not None:
                yield first, _bodies_text(links)
            current, first, links = row[0], row, []
        if row[width]:
            links.append((row[width + 1], row[width]))
    if first is not None:
        yield first, _bodies_text(links)


def _bodies_text(links) -> str:
    return "; ".join(f"{name} ({role})" for role, name in sorted(links))


class Export:
    """The header, then each row's values, of a download; iterate it once.

    ``sheet`` names the Excel sheet; ``as_of`` and ``about`` go on its "About"
    sheet.
    """

    def __init__(self, rows: Iterator[list], header: list[str], *, sheet, as_of):
        self.rows = rows
        self.header = header
        self.sheet = sheet
        self.as_of = as_of
        self.bodies = ""  # of the row being written
        self._started = False

    def __iter__(self):
        return self

    def __next__(self):
        if not self._started:
            self._started = True
            return self.header
        return next(self.rows)

    def about(self) -> list[tuple[str, object]]:
        return [
            ("What", f"{self.sheet}: the rows of the table as filtered, every page"),
            ("Statuses and overdue as of", self.as_of),
            ("Downloaded", timezone.now().replace(microsecond=0, tzinfo=None)),
            ("Licence", "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)"),
            (
                "Codes",
                "Coded columns hold codes; the methodology page and each data "
                "release's codebook give their labels and definitions.",
            ),
        ]


class _Rows:
    """Rows of the table's queryset as tuples, in its order, fetched a chunk at a
    time; ``index[field]`` is where each field is in them."""

    def __init__(self, queryset, fields):
        self.queryset = queryset.prefetch_related(None)
        self.fields = ["pk", *dict.fromkeys(fields)]
        self.index = {name: i for i, name in enumerate(self.fields)}

    def add(self, fields) -> None:
        """Read these fields too, after the others (not in ``index``)."""
        self.fields = [*self.fields, *fields]

    def rows(self):
        return self.queryset.values_list(*self.fields).iterator(chunk_size=CHUNK)


def _commitment_export(queryset, probe, exclude) -> Export:
    columns = list(COMMITMENT_COLUMNS)
    names = set(probe.base_columns)
    if "how_long" in names:
        columns.insert(
            next(i for i, c in enumerate(columns) if c.name == "overdue_band") + 1,
            HOW_LONG,
        )
    if "body_role" in names:
        columns.insert(0, BODY_ROLE)
    excluded = {*exclude, *(probe.exclude or ())}
    if "last_evidence_on" in excluded:
        columns = [c for c in columns if c.name != "last_evidence_on"]
    as_of = probe.as_of or timezone.localdate()
    source = _Rows(with_bodies(queryset), [f for c in columns for f in c.fields])
    width = len(source.fields)
    source.add(BODY_FIELDS)
    export = Export(
        iter(()), [c.name for c in columns], sheet=_sheet(probe), as_of=as_of
    )
    getters = [column.getter(source.index, export) for column in columns]

    def rows():
        for row, bodies in grouped_by_commitment(source.rows(), width):
            export.bodies = bodies
            yield [get(row) for get in getters]

    export.rows = rows()
    return export


def _declaration_export(queryset, probe) -> Export:
    columns = DECLARATION_COLUMNS
    source = _Rows(queryset, [f for c in columns for f in c.fields])
    getters = [column.getter(source.index, None) for column in columns]

    def rows():
        for row in source.rows():
            yield [get(row) for get in getters]

    return Export(
        rows(),
        [c.name for c in columns],
        sheet="Declarations",
        as_of=probe.as_of or timezone.localdate(),
    )


BODY_HEADER = [
    "slug",
    "name",
    "short_name",
    "kind",
    "parent",
    "commitment_count",
    "responsible_for",
    "assessed",
    "implemented",
    "deadline_tested",
    "implemented_on_time",
    "overdue",
    # The rates, each the quotient of two counts above (empty where the whole is 0).
    "implementation_rate",
    "implementation_rate_assessed",
    "coverage",
    "on_time_rate",
]


def _share(rate) -> float | None:
    return None if rate.value is None else round(rate.value, 4)


def _body_export(queryset, make_table) -> Export:
    """Bodies with their scorecard as responsible body, counted by the table's
    ``scorecards`` (asked once a chunk)."""
    keys = list(queryset.values_list("pk", flat=True))
    rows_qs = queryset.order_by().select_related("parent")
    probe = make_table([])

    def rows():
        for start in range(0, len(keys), CHUNK):
            chunk = keys[start : start + CHUNK]
            found = rows_qs.in_bulk(chunk)
            records = [found[pk] for pk in chunk if pk in found]
            cards = make_table(records).scorecards([r.pk for r in records])
            for record in records:
                card = cards.get((record.pk, Role.RESPONSIBLE), Scorecard())
                yield [
                    record.slug,
                    record.name,
                    record.short_name,
                    record.kind,
                    record.parent.slug if record.parent else None,
                    record.commitment_count,
                    card.total,
                    card.assessed,
                    card.implemented,
                    card.deadline_tested,
                    card.on_time,
                    card.overdue,
                    _share(card.implementation_rate),
                    _share(card.implementation_rate_assessed),
                    _share(card.coverage),
                    _share(card.on_time_rate),
                ]

    return Export(
        rows(),
        BODY_HEADER,
        sheet="Bodies",
        as_of=probe.as_of or timezone.localdate(),
    )


def _sheet(table) -> str:
    from .tables import BodyCommitmentTable, OverdueTable

    if isinstance(table, OverdueTable):
        return "Overdue"
    if isinstance(table, BodyCommitmentTable):
        return "Commitments of the body"
    return "Commitments"


def table_values(queryset, make_table: Callable, exclude=()) -> Export:
    """The header, then every row's values, in the queryset's order.

    ``make_table(rows)`` builds the page's table for a list of records; its class
    says which columns the download has (and, for bodies, counts the figures).
    """
    from .tables import BodyTable, CommitmentTable, DeclarationTable

    probe = make_table([])
    if isinstance(probe, CommitmentTable):
        return _commitment_export(queryset, probe, exclude)
    if isinstance(probe, DeclarationTable):
        return _declaration_export(queryset, probe)
    if isinstance(probe, BodyTable):
        return _body_export(queryset, make_table)
    raise TypeError(f"No download is defined for {type(probe).__name__}.")


# -- the three formats ----------------------------------------------------------------


FORMULA_CHARACTERS = frozenset("".join(FORMULA_START))


def csv_chunks(values, rows: int = 500) -> Iterator[str]:
    """The CSV, a few hundred rows at a time: the byte-order mark, then the
    header and the rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    written = 0
    formula = FORMULA_CHARACTERS
    for row in values:
        # Inline, for speed: a text starting like a formula gets an apostrophe;
        # the csv module writes numbers, dates (ISO) and None (empty) itself.
        writer.writerow(
            [
                "'" + cell if cell.__class__ is str and cell[:1] in formula else cell
                for cell in row
            ]
        )
        written += 1
        if written == rows:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            written = 0
    yield buffer.getvalue()


def csv_response(values, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_chunks(values), content_type=CONTENT_TYPES["csv"]
    )
    return _attach(response, filename)


def _batched(lines: Iterator[str], size: int = 256) -> Iterator[str]:
    """Lines joined in batches: a few large writes instead of many small ones."""
    batch = []
    for line in lines:
        batch.append(line)
        if len(batch) == size:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def _json_value(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def json_response(values, filename: str) -> StreamingHttpResponse:
    def chunks():
        header = next(values)
        yield "["
        for index, row in enumerate(values):
            record = dict(zip(header, row, strict=True))
            yield ("," if index else "") + json.dumps(
                record, default=_json_value, ensure_ascii=False
            )
        yield "]"

    response = StreamingHttpResponse(
        _batched(chunks()), content_type=CONTENT_TYPES["json"]
    )
    return _attach(response, filename)


def _xlsx_cell(sheet, value, bold=False):
    # Old rows may hold control characters a worksheet cannot store.
    cell = WriteOnlyCell(sheet, value=printable(value))
    if isinstance(value, str):
        # A text cell, whatever it starts with: "=..." is shown, never run.
        cell.data_type = "s"
    elif isinstance(value, datetime.datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, datetime.date):
        cell.number_format = DATE_FORMAT
    if bold:
        cell.font = Font(bold=True)
    return cell


def xlsx_response(values, filename: str) -> FileResponse:
    # A workbook is a zip file, written once at the end; write-only mode keeps
    # just the current row in memory and the file spools to disk when large.
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=getattr(values, "sheet", "Data")[:31])
    sheet.freeze_panes = "A2"
    header = next(values)
    sheet.append([_xlsx_cell(sheet, name, bold=True) for name in header])
    for row in values:
        sheet.append([_xlsx_cell(sheet, cell) for cell in row])
    if isinstance(values, Export):
        about = book.create_sheet(title="About")
        for label, value in values.about():
            about.append(
                [_xlsx_cell(about, label, bold=True), _xlsx_cell(about, value)]
            )
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - the response closes it
    book.save(spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=filename,
        content_type=CONTENT_TYPES["xlsx"],
    )


def _attach(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


RESPONSES = {"csv": csv_response, "json": json_response, "xlsx": xlsx_response}
