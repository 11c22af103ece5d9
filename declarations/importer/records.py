"""Read an implementation record from CSV: evidence rows and assessment rows.

The column set (``COLUMNS``) is documented in ``import_evidence --help`` and the
README. Each row is an ``evidence`` or an ``assessment`` record with a ``key`` of
its own, stable across versions of the file, so that importing it again finds
what it wrote; an assessment cites evidence by key (``cites``, separated by
spaces).

Reading is pure, like the declaration importer: it checks what a row can say without
the database (the columns a record may fill, dates, vocabularies, keys) and returns
a ``ParsedRecord``: the rows that read well and every problem of the others as (row,
column, reason), so that the import can report them together with what the database
refuses. A file that cannot be read at all (not UTF-8, the header without the
documented columns) raises ``RecordFileError``. Rows are numbered as a spreadsheet
shows them: the header is row 1. The database's rules (the commitment exists, the
title is a real one, a closed status cites standing evidence) are applied by
``services.record_import`` through the same services the pages use."""

import csv
import dataclasses
import datetime
import io
import re

from ..models.choices import Confidence, DatePrecision, Direction, Status

COLUMNS = (
    "record",
    "key",
    "commitment",
    "event_date",
    "summary",
    "source_title",
    "source_publisher",
    "source_url",
    "source_language",
    "archived_url",
    "accessed_on",
    "excerpt",
    "direction",
    "confidence",
    "status",
    "as_of",
    "member_state",
    "rationale",
    "cites",
    "superseded_by",
    "searched",
)
# The columns each kind of record fills (besides record, key, commitment): a value
# in any other column is refused, so a row cannot say more than is imported.
EVIDENCE_COLUMNS = (
    "event_date",
    "summary",
    "source_title",
    "source_publisher",
    "source_url",
    "source_language",
    "archived_url",
    "accessed_on",
    "excerpt",
    "direction",
    "confidence",
)
ASSESSMENT_COLUMNS = (
    "confidence",
    "status",
    "as_of",
    "member_state",
    "rationale",
    "cites",
    "superseded_by",
    "searched",
)
EVIDENCE_REQUIRED = (
    "event_date",
    "summary",
    "source_title",
    "source_publisher",
    "source_url",
    "source_language",
    "accessed_on",
    "excerpt",
    "direction",
    "confidence",
)
ASSESSMENT_REQUIRED = ("confidence", "status", "as_of", "rationale")
KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
# How the rationale carries what was searched (status "no evidence available").
SEARCHED_LABEL = "What was searched:"


class RecordFileError(ValueError):
    """A record file that cannot be imported: every problem, as (row, column,
    reason); row None for the file as a whole."""

    def __init__(self, source: str, problems: list[tuple[int | None, str, str]]):
        self.source, self.problems = source, problems
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        """Each problem as ``FILE:ROW: column: reason``."""
        return [
            f"{self.source}:{row if row is not None else 1}: {column}: {reason}"
            for row, column, reason in self.problems
        ]


@dataclasses.dataclass(frozen=True)
class RecordRow:
    """One row, its values read: dates as dates, ``cites`` as a tuple of keys."""

    row: int
    record: str  # "evidence" or "assessment"
    key: str
    commitment: str
    values: dict

    def __getitem__(self, column):
        return self.values[column]


def read_event_date(value: str) -> tuple[datetime.date, str]:
    """'2006-06-15', '2006-06' or '2006' as (first day, precision)."""
    if re.fullmatch(r"\d{4}", value):
        return datetime.date(int(value), 1, 1), DatePrecision.YEAR
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return datetime.date(int(value[:4]), int(value[5:]), 1), DatePrecision.MONTH
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return datetime.date.fromisoformat(value), DatePrecision.DAY
    raise ValueError


def with_search(rationale: str, searched: str) -> str:
    """The rationale as stored: what was searched, where the row says, follows it."""
    searched = searched.strip()
    return (
        f"{rationale.strip()}\n\n{SEARCHED_LABEL} {searched}"
        if searched
        else (rationale.strip())
    )


def _choice(value, choices, column, problems, row):
    if value not in choices:
        problems.append((row, column, f"'{value}' is not one of: {', '.join(choices)}"))


def _read_row(number: int, raw: dict, problems: list) -> RecordRow | None:
    before = len(problems)
    record, key, commitment = raw["record"], raw["key"], raw["commitment"]
    if record not in ("evidence", "assessment"):
        problems.append(
            (number, "record", f"'{record}' is neither 'evidence' nor 'assessment'")
        )
        return None
    if not KEY.fullmatch(key):
        problems.append(
            (
                number,
                "key",
                "give each row a key of letters, digits, '.', '_' or '-', at most "
                "64 (E001, A012)" + (f", not '{key}'" if key else ""),
            )
        )
    if not commitment:
        problems.append((number, "commitment", "the commitment's reference is missing"))
    own = EVIDENCE_COLUMNS if record == "evidence" else ASSESSMENT_COLUMNS
    required = EVIDENCE_REQUIRED if record == "evidence" else ASSESSMENT_REQUIRED
    for column in COLUMNS[3:]:
        if column not in own and raw[column]:
            problems.append(
                (number, column, f"an {record} row leaves this column empty")
            )
    for column in required:
        if not raw[column]:
            problems.append((number, column, f"an {record} row needs it"))
    values = {column: raw[column] for column in own}
    if raw["confidence"]:
        _choice(raw["confidence"], Confidence.values, "confidence", problems, number)
    if record == "evidence":
        if raw["event_date"]:
            try:
                values["event_date"], values["event_date_precision"] = read_event_date(
                    raw["event_date"]
                )
            except ValueError:
                problems.append(
                    (
                        number,
                        "event_date",
                        f"'{raw['event_date']}' is not a date: write 2006-06-15, "
                        "or 2006-06 or 2006 where the source gives only the month "
                        "or the year",
                    )
                )
        if raw["accessed_on"]:
            try:
                values["accessed_on"] = datetime.date.fromisoformat(raw["accessed_on"])
            except ValueError:
                problems.append(
                    (
                        number,
                        "accessed_on",
                        f"'{raw['accessed_on']}' is not a day (2026-12-01)",
                    )
                )
        if raw["direction"]:
            _choice(raw["direction"], Direction.values, "direction", problems, number)
    else:
        assessable = [value for value, _ in Status.assessable()]
        if raw["status"]:
            _choice(raw["status"], assessable, "status", problems, number)
        if raw["as_of"]:
            try:
                values["as_of"] = datetime.date.fromisoformat(raw["as_of"])
            except ValueError:
                problems.append(
                    (number, "as_of", f"'{raw['as_of']}' is not a day (2006-06-15)")
                )
        if raw["status"] == Status.NO_EVIDENCE and not raw["searched"].strip():
            problems.append(
                (
                    number,
                    "searched",
                    "'no_evidence' says what was searched: where, and with which "
                    "queries",
                )
            )
        values["cites"] = tuple(raw["cites"].split())
        if len(set(values["cites"])) != len(values["cites"]):
            problems.append((number, "cites", "a key is cited twice"))
    if len(problems) > before:
        return None
    return RecordRow(number, record, key, commitment, values)


@dataclasses.dataclass
class ParsedRecord:
    """A record file read: the rows that read well, and the problems of the rest
    (``refused``: their keys, by row)."""

    source: str
    rows: list[RecordRow]
    problems: list[tuple[int | None, str, str]]
    refused: dict[str, int]


def parse_record(data: bytes, source: str) -> ParsedRecord:
    """A record file's rows and the problems of its rows; RecordFileError for a
    file that cannot be read as one."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RecordFileError(
            source, [(None, "file", f"not UTF-8 text (byte {exc.start + 1})")]
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise RecordFileError(source, [(1, "header", str(exc))]) from None
    if not header:
        raise RecordFileError(source, [(1, "header", "the file is empty")])
    header = [name.strip() for name in header]
    missing = [c for c in COLUMNS if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    problems = []
    if missing:
        problems.append((1, "header", f"missing column(s): {', '.join(missing)}"))
    if unknown:
        problems.append((1, "header", f"unknown column(s): {', '.join(unknown)}"))
    if len(set(header)) != len(header):
        problems.append((1, "header", "a column is named twice"))
    if problems:
        raise RecordFileError(source, problems)
    rows, keys, refused = [], {}, {}
    number = 1
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append((number, "row", f"unreadable CSV ({exc})"))
            break
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            problems.append(
                (
                    number,
                    "row",
                    f"{len(cells)} cells where the header has {len(header)} columns",
                )
            )
            continue
        raw = {name: cell.strip() for name, cell in zip(header, cells, strict=True)}
        if raw["key"] in keys:
            problems.append(
                (
                    number,
                    "key",
                    f"'{raw['key']}' is already the key of row {keys[raw['key']]}",
                )
            )
            continue
        keys[raw["key"]] = number
        if row := _read_row(number, raw, problems):
            rows.append(row)
        else:
            refused[raw["key"]] = number
    if not rows and not problems:
        raise RecordFileError(source, [(None, "file", "no evidence or assessment row")])
    return ParsedRecord(source, rows, problems, refused)


def read_record(path, max_bytes: int) -> ParsedRecord:
    """Read and parse a record file, refusing one larger than ``max_bytes``."""
    source = str(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise RecordFileError(
            source, [(None, "file", f"cannot read the file ({exc.strerror})")]
        ) from None
    if len(data) > max_bytes:
        raise RecordFileError(
            source, [(None, "file", f"the file is larger than {max_bytes:,} bytes")]
        )
    return parse_record(data, source)
