"""Parse documents in the World and Japan Database text format.

The format: a database banner, then bracketed header fields (``[Title]``, ``[Place]``,
``[Date]``, ``[Source]``, and any others), then ``[Full text]`` followed by the text.
Paragraphs are blocks separated by blank lines; a bulleted item is a paragraph of its
own; a gap of two or more blank lines starts a new section.

Parsing is pure: it reads bytes and returns a ``ParsedDocument`` or raises
``DocumentError`` naming the file, the line and the problem. Writing to the database
is ``services.declaration_import``'s job.
"""

import dataclasses
import datetime
import re

from ..models.declarations import BULLETS

FIELD_LINE = re.compile(
    r"^\[(?P<name>[A-Za-z][A-Za-z0-9 _-]{0,40})\][ \t]*(?P<value>.*)$"
)
FULL_TEXT = "full text"
DATE_FORMATS = (
    "%B %d, %Y",
    "%B %d %Y",
    "%d %B %Y",
    "%d %B, %Y",
    "%b %d, %Y",
    "%b %d %Y",
    "%d %b %Y",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y.%m.%d",
)
ORDINAL_SUFFIX = re.compile(r"(?<=\d)(st|nd|rd|th)\b", re.IGNORECASE)


class DocumentError(ValueError):
    """A document that cannot be imported, with where and why."""

    def __init__(self, source: str, line: int | None, problem: str):
        self.source, self.line, self.problem = source, line, problem
        where = f"{source}, line {line}" if line else source
        super().__init__(f"{where}: {problem}")


@dataclasses.dataclass(frozen=True)
class ParsedParagraph:
    number: int
    section: int
    text: str
    line: int


@dataclasses.dataclass(frozen=True)
class ParsedDocument:
    source: str
    banner: str
    fields: dict[str, str]
    title: str
    place: str
    date: datetime.date
    source_name: str
    full_text: str
    paragraphs: tuple[ParsedParagraph, ...]

    @property
    def section_count(self) -> int:
        return max((p.section for p in self.paragraphs), default=0)


def parse_date(value: str) -> datetime.date | None:
    """A date in any of the spellings the database uses, or None."""
    cleaned = ORDINAL_SUFFIX.sub("", " ".join(value.replace(",", ", ").split()))
    cleaned = cleaned.replace(" ,", ",")
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    return None


def decode(data: bytes, source: str) -> str:
    """UTF-8 text with its newlines normalised, or a DocumentError saying why not."""
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise DocumentError(source, line, "the file is binary, not text (NUL byte)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DocumentError(
            source,
            line,
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start})",
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_paragraphs(lines: list[str], first_line: int) -> list[ParsedParagraph]:
    """Paragraphs and sections of the full text; ``first_line`` numbers lines[0]."""
    paragraphs: list[ParsedParagraph] = []
    section, blank_run = 1, 0
    current: list[str] = []
    current_line = first_line

    def flush():
        nonlocal current
        text = "\n".join(current).strip()
        if text:
            paragraphs.append(
                ParsedParagraph(len(paragraphs) + 1, section, text, current_line)
            )
        current = []

    for offset, raw in enumerate(lines):
        line = raw.rstrip()
        if not line.strip():
            flush()
            blank_run += 1
            continue
        if blank_run >= 2 and paragraphs:
            section += 1
        blank_run = 0
        if current and line.lstrip().startswith(BULLETS):
            flush()
        if not current:
            current_line = first_line + offset
        current.append(line)
    flush()
    return paragraphs


def parse_document(data: bytes, source: str) -> ParsedDocument:
    """Parse one document; raise DocumentError for anything that is not importable."""
    lines = decode(data, source).split("\n")
    banner: list[str] = []
    fields: dict[str, str] = {}
    field_lines: dict[str, int] = {}
    last_field = None
    body_start = None
    for index, line in enumerate(lines):
        match = FIELD_LINE.match(line.strip())
        if match:
            name = " ".join(match["name"].split())
            key = name.lower()
            if key == FULL_TEXT:
                body_start = index
                lines[index] = match["value"]
                break
            if key in field_lines:
                raise DocumentError(
                    source,
                    index + 1,
                    f"the [{name}] field appears twice (first on line "
                    f"{field_lines[key]})",
                )
            fields[name] = match["value"].strip()
            field_lines[key] = index + 1
            last_field = name
        elif line.strip():
            if last_field is None:
                banner.append(line.rstrip())
            else:
                # A field's value may continue on the following lines.
                fields[last_field] = f"{fields[last_field]} {line.strip()}".strip()
        else:
            last_field = None
    if body_start is None:
        raise DocumentError(
            source,
            None,
            "no [Full text] marker: the text of the declaration is missing",
        )

    by_key = {name.lower(): name for name in fields}

    def field(key: str) -> str:
        return fields.get(by_key.get(key, ""), "")

    title = field("title")
    if not title:
        raise DocumentError(
            source, field_lines.get("title"), "no [Title]: every declaration needs one"
        )
    raw_date = field("date")
    if not raw_date:
        raise DocumentError(
            source, field_lines.get("date"), "no [Date]: every declaration needs one"
        )
    date = parse_date(raw_date)
    if date is None:
        raise DocumentError(
            source,
            field_lines["date"],
            f"the [Date] {raw_date!r} is not a date I can read; write it like "
            "'July 5, 2005', '5 July 2005' or '2005-07-05'",
        )

    body_lines = lines[body_start:]
    paragraphs = split_paragraphs(body_lines, first_line=body_start + 1)
    if not paragraphs:
        raise DocumentError(
            source, body_start + 1, "the [Full text] is empty: there are no paragraphs"
        )
    full_text = "\n".join(line.rstrip() for line in body_lines).strip("\n")
    return ParsedDocument(
        source=source,
        banner="\n".join(banner),
        fields=fields,
        title=title,
        place=field("place"),
        date=date,
        source_name=field("source"),
        full_text=full_text,
        paragraphs=tuple(paragraphs),
    )


def read_document(path, max_bytes: int) -> ParsedDocument:
    """Read and parse a file, refusing one larger than ``max_bytes`` unread."""
    source = str(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise DocumentError(
            source, None, f"cannot read the file ({exc.strerror})"
        ) from None
    if len(data) > max_bytes:
        raise DocumentError(
            source,
            None,
            f"the file is larger than {max_bytes:,} bytes, too large for a declaration",
        )
    return parse_document(data, source)


def render_document(
    *, banner: str, fields: dict[str, str], paragraphs: list[tuple[int, str]]
) -> str:
    """Write a document back in the same format (the inverse of ``parse_document``).

    ``paragraphs`` are (section, text) pairs in order.
    """
    head = [banner, ""] if banner else []
    head += [f"[{name}] {value}".rstrip() for name, value in fields.items()]
    head.append("[Full text]")
    body: list[str] = []
    previous_section = None
    for section, text in paragraphs:
        if previous_section is not None:
            # One blank line between paragraphs, two between sections.
            body.append("\n" if section != previous_section else "")
        body.append(text)
        previous_section = section
    return "\n".join(head) + "\n\n" + "\n".join(body) + "\n"
