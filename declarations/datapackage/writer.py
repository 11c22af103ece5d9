"""Writing a data release: one folder per version, written once, never changed.

``release_write`` checks the target before it writes anything (a folder that
exists and is not empty, or a releases directory it cannot write to, is
refused), writes everything into a hidden staging folder beside it, and renames
that into place only when every file is complete: a failed or interrupted
release leaves nothing that /data/ would list. All the tables are read in one
read-only transaction, so they agree with each other.

On PostgreSQL each table is streamed with ``COPY (SELECT ...) TO STDOUT`` through
psycopg, formatted by the database; elsewhere the same querysets are read in
chunks and formatted in Python the same way (tests compare the two).
"""

import csv
import dataclasses
import datetime
import hashlib
import json
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from django.db import connection, models, transaction
from django.db.models import F, Func
from django.utils import timezone

from . import documents
from .documents import PACKAGE_NAME
from .tables import TABLES, Table, rows_of

VERSION_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$")
CHECKSUMS = "SHA256SUMS"
DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
CHUNK_ROWS = 5000


class ReleaseError(Exception):
    """A release that cannot be written; nothing was written."""


@dataclasses.dataclass
class WrittenFile:
    path: str  # relative to the release folder
    bytes: int
    sha256: str
    rows: int | None = None


@dataclasses.dataclass
class Release:
    version: str
    folder: Path
    created: datetime.datetime
    as_of: datetime.date
    tables: list[WrittenFile]
    content_checksum: str
    archive: WrittenFile


def zip_name(version: str) -> str:
    return f"{PACKAGE_NAME}-{version}.zip"


# -- checking the target, before anything is written ---------------------------------


def release_target(releases_dir: Path, version: str) -> Path:
    """The folder the version would be written to; ReleaseError if it cannot be."""
    if not VERSION_PATTERN.match(version):
        raise ReleaseError(
            f"Version {version!r}: use letters, digits, '.', '_' and '-' only "
            "(up to 40), starting with a letter or digit, e.g. 2026.1 or 2026-11-28."
        )
    releases_dir = Path(releases_dir)
    if releases_dir.exists() and not releases_dir.is_dir():
        raise ReleaseError(f"{releases_dir} is not a folder.")
    existing = releases_dir
    while not existing.exists():
        existing = existing.parent
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ReleaseError(f"Cannot write to {existing}: permission denied.")
    target = releases_dir / version
    if target.exists():
        if not target.is_dir():
            raise ReleaseError(f"{target} exists and is not a folder.")
        if any(target.iterdir()):
            raise ReleaseError(
                f"Release {version} already exists at {target}: a release is "
                "never overwritten. Choose a new version."
            )
        if not os.access(target, os.W_OK | os.X_OK):
            raise ReleaseError(f"Cannot write to {target}: permission denied.")
    return target


# -- writing -------------------------------------------------------------------------


class HashingFile:
    """A binary file that counts and hashes what is written to it."""

    def __init__(self, path: Path):
        self.file = open(path, "wb")  # noqa: SIM115 - closed by close()
        self.digest = hashlib.sha256()
        self.bytes = 0

    def write(self, data) -> None:
        self.file.write(data)
        self.digest.update(data)
        self.bytes += len(data)

    def close(self) -> None:
        self.file.close()


class _TextToBytes:
    """What csv.writer writes to: text, encoded as UTF-8 into a HashingFile."""

    def __init__(self, out: HashingFile):
        self.out = out

    def write(self, text: str) -> None:
        self.out.write(text.encode("utf-8"))


def csv_writer(out) -> "csv._writer":
    return csv.writer(out, lineterminator="\n")


def jsonb_text(value) -> str:
    """A JSON value as PostgreSQL prints a jsonb (keys by length, then bytes)."""
    if isinstance(value, dict):
        keys = sorted(value, key=lambda key: (len(key.encode()), key.encode()))
        return (
            "{"
            + ", ".join(
                f"{json.dumps(k, ensure_ascii=False)}: {jsonb_text(value[k])}"
                for k in keys
            )
            + "}"
        )
    if isinstance(value, list):
        return "[" + ", ".join(jsonb_text(item) for item in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _python_format(kind: str) -> Callable:
    def as_text(value):
        if value is None:
            return None
        if kind == "date":
            return value.isoformat()
        if kind == "datetime":
            return value.astimezone(datetime.UTC).strftime(DATETIME_FORMAT)
        if kind == "boolean":
            return "true" if value else "false"
        if kind == "object":
            return jsonb_text(value)
        return value

    return as_text


class _PgText(Func):
    """A value formatted by PostgreSQL as the CSV writes it."""

    output_field = models.TextField()

    TEMPLATES = {
        "date": "to_char(%(expressions)s, 'YYYY-MM-DD')",
        "datetime": "to_char(%(expressions)s AT TIME ZONE 'UTC', "
        '\'YYYY-MM-DD"T"HH24:MI:SS.US"Z"\')',
        "boolean": "CASE WHEN %(expressions)s THEN 'true' ELSE 'false' END",
        "object": "(%(expressions)s)::text",
    }

    def __init__(self, expression, kind: str):
        super().__init__(expression, template=self.TEMPLATES[kind])


def write_table_python(table: Table, as_of, out: HashingFile) -> int:
    """Write the table's rows as CSV, read in chunks and formatted in Python."""
    writer = csv_writer(_TextToBytes(out))
    formats = [_python_format(column.type) for column in table.columns]
    names = [f"c{index}" for index in range(len(table.columns))]
    rows = 0
    for row in (
        rows_of(table, as_of).values_list(*names).iterator(chunk_size=CHUNK_ROWS)
    ):
        writer.writerow([fmt(value) for fmt, value in zip(formats, row, strict=True)])
        rows += 1
    return rows


def copy_statement(table: Table, as_of) -> tuple[str, tuple]:
    """``COPY (SELECT ...) TO STDOUT`` of the table, each value formatted as text."""
    queryset = rows_of(table, as_of)
    formatted = {}
    for index, column in enumerate(table.columns):
        value = F(f"c{index}")
        formatted[f"t{index}"] = (
            _PgText(value, column.type) if column.type in _PgText.TEMPLATES else value
        )
    sql, params = (
        queryset.annotate(**formatted).values_list(*formatted).query.sql_with_params()
    )
    return f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params


def write_table_copy(table: Table, as_of, out: HashingFile) -> int:
    """Write the table's rows as CSV through PostgreSQL's COPY."""
    statement, params = copy_statement(table, as_of)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor
        with raw.copy(statement, params) as copy:
            for chunk in copy:
                out.write(chunk)
        return raw.rowcount


def uses_copy() -> bool:
    return connection.vendor == "postgresql"


def write_tables(folder: Path, as_of, *, copy: bool | None = None, progress=None):
    """Every table's CSV (header, then rows) under ``folder/data``, in one
    read-only transaction so that the tables agree."""
    copy = uses_copy() if copy is None else copy
    (folder / "data").mkdir()
    written = []
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            # One snapshot for every table (inside a caller's transaction, the
            # caller's snapshot is the one read).
            with connection.cursor() as cursor:
                cursor.execute(
                    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
                )
        for table in TABLES:
            if progress:
                progress(table.name)
            out = HashingFile(folder / table.path)
            try:
                csv_writer(_TextToBytes(out)).writerow(
                    [column.name for column in table.columns]
                )
                write = write_table_copy if copy else write_table_python
                rows = write(table, as_of, out)
            finally:
                out.close()
            written.append(
                WrittenFile(table.path, out.bytes, out.digest.hexdigest(), rows)
            )
    return written


def content_checksum(tables: list[WrittenFile]) -> str:
    """One digest of the data: SHA-256 of the data files' SHA256SUMS lines."""
    lines = "".join(
        f"{table.sha256}  {table.path}\n"
        for table in sorted(tables, key=lambda t: t.path)
    )
    return hashlib.sha256(lines.encode()).hexdigest()


def _write_text(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


def _file_digest(path: Path) -> WrittenFile:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return WrittenFile("", size, digest.hexdigest())


def release_write(
    *,
    releases_dir: Path,
    version: str,
    as_of: datetime.date | None = None,
    copy: bool | None = None,
    progress=None,
) -> Release:
    """Write release ``version`` of the whole ledger under ``releases_dir``.

    The statuses in ``commitments.csv`` are those on ``as_of`` (default today).
    Returns what was written; ReleaseError, with nothing written, when the
    target is taken or cannot be written to.
    """
    target = release_target(releases_dir, version)
    releases_dir = Path(releases_dir)
    try:
        releases_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(
            tempfile.mkdtemp(prefix=f".{version}.", suffix=".partial", dir=releases_dir)
        )
    except OSError as error:
        raise ReleaseError(f"Cannot write to {releases_dir}: {error}") from None
    created = timezone.now().replace(microsecond=0)
    as_of = as_of or timezone.localdate()
    try:
        tables = write_tables(staging, as_of, copy=copy, progress=progress)
        checksum = content_checksum(tables)
        descriptor = documents.datapackage(
            version=version,
            created=created,
            as_of=as_of,
            tables=tables,
            checksum=checksum,
        )
        _write_text(
            staging,
            "datapackage.json",
            json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n",
        )
        _write_text(staging, "README.md", documents.readme(descriptor))
        _write_text(staging, "codebook.md", documents.codebook())
        _write_text(staging, "LICENSE.md", documents.licence())
        _write_text(staging, "CITATION.cff", documents.citation(descriptor))
        if progress:
            progress("archive")
        archive = staging / zip_name(version)
        members = sorted(
            path for path in staging.rglob("*") if path.is_file() and path != archive
        )
        # Deflate's fastest level: at 100,000 commitments the default level took
        # half the release's time for an archive a quarter smaller.
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
            for path in members:
                z.write(path, f"{PACKAGE_NAME}-{version}/{path.relative_to(staging)}")
        archived = _file_digest(archive)
        archived.path = archive.name
        sums = {table.path: table.sha256 for table in tables}
        for path in members:
            relative = str(path.relative_to(staging))
            if relative not in sums:
                sums[relative] = _file_digest(path).sha256
        sums[archive.name] = archived.sha256
        _write_text(
            staging,
            CHECKSUMS,
            "".join(f"{digest}  {path}\n" for path, digest in sorted(sums.items())),
        )
        # Read-only files in an ordinary folder: a release is not edited in place.
        for path in staging.rglob("*"):
            if path.is_file():
                path.chmod(0o444)
        staging.chmod(0o755)
        if target.exists():
            target.rmdir()  # empty: checked above
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Release(version, target, created, as_of, tables, checksum, archived)
