"""Downloads of a public table (CSV, JSON, Excel), streamed in chunks of rows.

The download holds exactly the rows and columns of the filtered, sorted table, as
django-tables2's ``as_values`` gives them, but the table is built a chunk of rows
at a time: 100,000 commitments start arriving at once and never sit in memory
together.
"""

import csv
import json
import tempfile
from collections.abc import Callable, Iterator

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook

CHUNK = 1000
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell):
    """A text cell a spreadsheet would run as a formula, made inert (CSV injection)."""
    if isinstance(cell, str) and cell.startswith(FORMULA_START):
        return "'" + cell
    return cell


def table_values(queryset, make_table: Callable, exclude=()) -> Iterator[list]:
    """The header, then every row's values, in the queryset's order.

    ``make_table(rows)`` builds the table for a list of records; the queryset
    is read as its ordered keys, then a chunk of rows at a time.
    """
    keys = list(queryset.values_list("pk", flat=True))
    rows = queryset.order_by()
    header_sent = False
    for start in range(0, len(keys) or 1, CHUNK):
        chunk = keys[start : start + CHUNK]
        found = rows.filter(pk__in=chunk).in_bulk() if chunk else {}
        values = make_table([found[pk] for pk in chunk if pk in found]).as_values(
            exclude_columns=exclude
        )
        header = next(values)
        if not header_sent:
            header_sent = True
            yield header
        yield from values


class _Echo:
    def write(self, value):
        return value


def csv_response(values: Iterator[list], filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow([neutralise(cell) for cell in row]) for row in values),
        content_type=CONTENT_TYPES["csv"],
    )
    return _attach(response, filename)


def json_response(values: Iterator[list], filename: str) -> StreamingHttpResponse:
    def chunks():
        header = next(values)
        yield "["
        for index, row in enumerate(values):
            record = dict(zip(header, row, strict=True))
            yield ("," if index else "") + json.dumps(record, default=str)
        yield "]"

    response = StreamingHttpResponse(chunks(), content_type=CONTENT_TYPES["json"])
    return _attach(response, filename)


def xlsx_response(values: Iterator[list], filename: str) -> FileResponse:
    # A workbook is a zip file, written once at the end; write-only mode keeps
    # just the current row in memory and the file spools to disk when large.
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in values:
        sheet.append([neutralise(cell) for cell in row])
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
