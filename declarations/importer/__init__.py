"""Parse documents in the World and Japan Database text format.

The format: a database banner, then bracketed header fields, then the full-text
marker followed by the text. The database writes the field names in the page's
language: ``[Title] [Place] [Date] [Source] [Full text]`` on English pages,
``[文書名] [場所] [年月日] [出典] [備考] [全文]`` on Japanese ones; Chinese names
(``[文件名称] [地点] [日期] [来源] [备注] [全文]``) are understood too. Each name
maps to a canonical key (``LABELS``); ``fields`` keeps the names as the page
spells them.

Paragraphs are blocks separated by blank lines; a bulleted item (``BULLETS``) or a
line opening with a parenthesised number ("(1)", "（１）", "（一）") is a paragraph
of its own; a gap of two or more blank lines starts a new section. Line breaks
inside a paragraph are kept.

Two variants are read as well, each noted in ``ParsedDocument.notes``:

- no title field (or an empty one): the title is the text's first paragraph when
  that is a heading line: a single line of at most ``HEADING_MAX`` characters that
  does not end like a sentence or a clause (``.`` ``。`` ``:`` ``,`` ``、`` ...), is not
  a list item and is followed by more text. It stays paragraph 1.
- the older header-less layout: a database banner, a blank line, the title line(s),
  a line holding the date (alone or with the place, "Astana, July 5, 2005"), then
  the text, with no bracketed field at all.

Parsing is pure: it reads bytes and returns a ``ParsedDocument`` or raises
``DocumentError`` naming the file, the line and the problem. Writing to the database
is ``services.declaration_import``'s job.
"""

import dataclasses
import datetime
import re
import unicodedata

from ..models.declarations import BULLETS
from ..text import describe, first_control_character
from .dates import DAY, EXAMPLES, DateReading, parse_date, read_date
from .identifiers import reference_letters, slug_base, transliterate

__all__ = [
    "DateReading",
    "DocumentError",
    "ParsedDocument",
    "ParsedParagraph",
    "parse_date",
    "parse_document",
    "read_date",
    "read_document",
    "reference_letters",
    "render_document",
    "slug_base",
    "split_paragraphs",
    "starts_item",
    "transliterate",
]

FIELD_LINE = re.compile(
    r"^[\[［][ \t\u3000]*(?P<name>[^\W\d_][\w .・/-]{0,40}?)[ \t\u3000]*[\]］]"
    r"[ \t\u3000]*(?P<value>.*)$"
)
FULL_TEXT = "full text"
# Canonical key -> language -> the field names the database uses (and, for Chinese,
# the names a Chinese page would use: none was found among the stored pages).
LABELS = {
    "title": {"en": ("Title",), "ja": ("文書名",), "zh": ("文件名称", "文件名稱")},
    "place": {"en": ("Place",), "ja": ("場所",), "zh": ("地点", "地點")},
    "date": {"en": ("Date",), "ja": ("年月日",), "zh": ("日期",)},
    "source": {
        "en": ("Source",),
        "ja": ("出典",),
        "zh": ("来源", "來源", "出处", "出處"),
    },
    "notes": {
        "en": ("Notes", "Note", "Remarks"),
        "ja": ("備考",),
        "zh": ("备注", "備註"),
    },
    FULL_TEXT: {"en": ("Full text",), "ja": ("全文",), "zh": ("全文",)},
}


def _label_key(name: str) -> str:
    """A field name folded for lookup: "[full  TEXT]" and "［Full text］" match."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def _label_keys() -> dict[str, tuple[str, str]]:
    """Folded field name -> (canonical key, language); a name two languages share
    ("全文") counts as the first one's (Japanese)."""
    keys: dict[str, tuple[str, str]] = {}
    for key, languages in LABELS.items():
        for language, names in languages.items():
            for name in names:
                keys.setdefault(_label_key(name), (key, language))
    return keys


LABEL_KEYS = _label_keys()
BANNER_MARKS = ("World and Japan", "世界と日本")
NUMBERED = re.compile(r"^[(（][0-9０-９一二三四五六七八九十]{1,3}[)）]")
HEADING_MAX = 200
SENTENCE_END = tuple(".。:：;；,，、!?！？")


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
    # "day", "month" or "year": how much of a calendar ``date`` stands for.
    date_precision: str = DAY
    # The last day of a range, month or year; None where the date is one day.
    date_end: datetime.date | None = None
    # Human-readable remarks on what the parser had to infer, in order.
    notes: tuple[str, ...] = ()
    # Canonical key ("title", "place", "date", "source", "notes", "full text") ->
    # the field name as the page spells it ("文書名").
    labels: dict[str, str] = dataclasses.field(default_factory=dict)
    # The language of the page's field names (or banner): "en", "ja" or "zh".
    language: str = "en"
    # Canonical key ("title", "date", ...) -> the line the value was read from.
    lines: dict[str, int] = dataclasses.field(default_factory=dict)

    @property
    def section_count(self) -> int:
        return max((p.section for p in self.paragraphs), default=0)

    @property
    def date_last(self) -> datetime.date:
        """The last day the date can mean (``date`` itself for a single day)."""
        return self.date_end or self.date


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


def starts_item(line: str) -> bool:
    """Whether a line opens a paragraph of its own: a bullet or a numbered item."""
    stripped = line.lstrip()
    return stripped.startswith(BULLETS) or bool(NUMBERED.match(stripped))


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
        if current and starts_item(line):
            flush()
        if not current:
            current_line = first_line + offset
        current.append(line)
    flush()
    return paragraphs


def _label(name: str) -> tuple[str, str] | None:
    """(canonical key, language) of a field name, or None for another field."""
    return LABEL_KEYS.get(_label_key(name))


@dataclasses.dataclass
class _Header:
    banner: list[str] = dataclasses.field(default_factory=list)
    fields: dict[str, str] = dataclasses.field(default_factory=dict)
    labels: dict[str, str] = dataclasses.field(default_factory=dict)
    lines: dict[str, int] = dataclasses.field(default_factory=dict)
    languages: set[str] = dataclasses.field(default_factory=set)
    body_start: int | None = None

    @property
    def language(self) -> str:
        if "zh" in self.languages:
            return "zh"
        if "ja" in self.languages:
            return "ja"
        if self.languages or any(BANNER_MARKS[0] in line for line in self.banner):
            return "en"
        if any(BANNER_MARKS[1] in line for line in self.banner):
            return "ja"
        return "en"

    def name(self, key: str) -> str:
        """The field's name as the page spells it, or as its language would."""
        return self.labels.get(key) or LABELS[key][self.language][0]

    def value(self, key: str) -> str:
        return self.fields.get(self.labels.get(key, ""), "")


def _read_header(lines: list[str], source: str) -> _Header:
    header = _Header()
    last_field = None
    for index, line in enumerate(lines):
        match = FIELD_LINE.match(line.strip())
        if match:
            name = " ".join(match["name"].split())
            label = _label(name)
            key = label[0] if label else name.casefold()
            if key == FULL_TEXT:
                header.languages.add(label[1])
                header.labels[FULL_TEXT] = name
                header.body_start = index
                lines[index] = match["value"]
                break
            if key in header.lines:
                first = header.labels.get(key, name)
                spelled = f" as [{first}]" if first != name else ""
                raise DocumentError(
                    source,
                    index + 1,
                    f"the [{name}] field appears twice (first on line "
                    f"{header.lines[key]}{spelled})",
                )
            if label:
                header.labels[key] = name
                header.languages.add(label[1])
            header.fields[name] = match["value"].strip()
            header.lines[key] = index + 1
            last_field = name
        elif line.strip():
            if last_field is None:
                header.banner.append(line.rstrip())
            else:
                # A field's value may continue on the following lines.
                value = f"{header.fields[last_field]} {line.strip()}".strip()
                header.fields[last_field] = value
        else:
            last_field = None
    return header


def _heading(paragraphs: list[ParsedParagraph]) -> str | None:
    """The first paragraph when it is a heading line (see the module docstring)."""
    if len(paragraphs) < 2:
        return None
    text = paragraphs[0].text
    if "\n" in text or len(text) > HEADING_MAX or text.endswith(SENTENCE_END):
        return None
    if starts_item(text) or not any(char.isalpha() for char in text):
        return None
    return text


PLACE_DATE_SEPARATOR = re.compile(r",\s*|、|，|\s+")


def _date_line(line: str) -> tuple[DateReading, str] | None:
    """(date, place) of a line holding a date alone or beside a place."""
    text = line.strip()
    reading = read_date(text)
    if reading:
        return reading, ""
    for match in PLACE_DATE_SEPARATOR.finditer(text):
        left, right = text[: match.start()].strip(), text[match.end() :].strip()
        for place, date in ((left, right), (right, left)):
            reading = read_date(date)
            if reading and 0 < len(place) <= 60 and any(c.isalpha() for c in place):
                return reading, place
    return None


def _read_headerless(lines: list[str], source: str) -> ParsedDocument | None:
    """A page in the older header-less layout, or None if it is not one."""
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), None)
    banner = [line.rstrip() for line in lines[start:end]]
    if end is None or not any(mark in "\n".join(banner) for mark in BANNER_MARKS):
        return None
    rest = [i for i in range(end, len(lines)) if lines[i].strip()]
    # The title takes one to three lines; the date line follows; then the text.
    for offset in range(1, min(4, len(rest) - 1)):
        found = _date_line(lines[rest[offset]])
        if not found:
            continue
        reading, place = found
        title = " ".join(lines[i].strip() for i in rest[:offset])
        body_start = rest[offset] + 1
        body_lines = lines[body_start:]
        paragraphs = split_paragraphs(body_lines, first_line=body_start + 1)
        if not paragraphs:
            return None
        return ParsedDocument(
            source=source,
            banner="\n".join(banner),
            fields={},
            title=title,
            place=place,
            date=reading.first,
            source_name="",
            full_text="\n".join(line.rstrip() for line in body_lines).strip("\n"),
            paragraphs=tuple(paragraphs),
            date_precision=reading.precision,
            date_end=reading.end,
            notes=(
                "No header fields (the older header-less layout): the title is "
                f"taken from line {rest[0] + 1} and the date"
                f"{' and place' if place else ''} from line {rest[offset] + 1}.",
            ),
            language="ja" if BANNER_MARKS[1] in "\n".join(banner) else "en",
            lines={
                "title": rest[0] + 1,
                "date": rest[offset] + 1,
                "place": rest[offset] + 1,
                FULL_TEXT: body_start + 1,
            },
        )
    return None


def _refuse_control_characters(lines: list[str], source: str) -> None:
    """A DocumentError for the first control character of the text, naming its
    line, its column and the field it is in (``text.refuse_control_characters``:
    no page, feed or download can carry one)."""
    for index, line in enumerate(lines):
        found = first_control_character(line)
        if found is None:
            continue
        column, character = found
        before = _read_header(lines[:index], source)  # a copy: it edits the lines
        match = FIELD_LINE.match(line.strip())
        if before.body_start is not None:
            where = f"[{before.name(FULL_TEXT)}]"
        elif match:
            where = f"[{' '.join(match['name'].split())}] field"
        elif before.fields:
            where = f"[{next(reversed(before.fields))}] field"
        else:
            where = "text"
        raise DocumentError(
            source,
            index + 1,
            f"the {where} holds {describe(character)} at column {column + 1}: "
            "remove it (no page, feed or download can carry a control character "
            "other than a tab or a line break)",
        )


def parse_document(data: bytes, source: str) -> ParsedDocument:
    """Parse one document; raise DocumentError for anything that is not importable."""
    lines = decode(data, source).split("\n")
    _refuse_control_characters(lines, source)
    header = _read_header(lines, source)
    if header.body_start is None:
        if not header.fields:
            old = _read_headerless(lines, source)
            if old:
                return old
        raise DocumentError(
            source,
            None,
            f"no [{header.name(FULL_TEXT)}] marker: the text of the declaration is "
            "missing",
        )
    body_start = header.body_start
    body_lines = lines[body_start:]
    paragraphs = split_paragraphs(body_lines, first_line=body_start + 1)
    notes: list[str] = []

    title = header.value("title")
    if not title:
        heading = _heading(paragraphs)
        if heading is None:
            raise DocumentError(
                source,
                header.lines.get("title"),
                f"no [{header.name('title')}]: every declaration needs one, and the "
                "text does not open with a heading line to take it from",
            )
        title = heading
        state = "is empty" if "title" in header.labels else "is missing"
        notes.append(
            f"The [{header.name('title')}] field {state}: the title is taken from "
            f"the first line of the text (line {paragraphs[0].line})."
        )

    raw_date = header.value("date")
    if not raw_date:
        raise DocumentError(
            source,
            header.lines.get("date"),
            f"no [{header.name('date')}]: every declaration needs one",
        )
    reading = read_date(raw_date)
    if reading is None:
        examples = EXAMPLES[header.language]
        if header.language != "en":
            examples += f" (or in English: {EXAMPLES['en']})"
        raise DocumentError(
            source,
            header.lines["date"],
            f"the [{header.name('date')}] {raw_date!r} is not a date I can read; "
            f"write it like {examples}",
        )

    if not paragraphs:
        raise DocumentError(
            source,
            body_start + 1,
            f"the [{header.name(FULL_TEXT)}] is empty: there are no paragraphs",
        )
    full_text = "\n".join(line.rstrip() for line in body_lines).strip("\n")
    return ParsedDocument(
        source=source,
        banner="\n".join(header.banner),
        fields=header.fields,
        title=title,
        place=header.value("place"),
        date=reading.first,
        source_name=header.value("source"),
        full_text=full_text,
        paragraphs=tuple(paragraphs),
        date_precision=reading.precision,
        date_end=reading.end,
        notes=tuple(notes),
        labels=dict(header.labels),
        language=header.language,
        lines={
            **header.lines,
            FULL_TEXT: body_start + 1,
            **({"title": paragraphs[0].line} if not header.value("title") else {}),
        },
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
    *,
    banner: str,
    fields: dict[str, str],
    paragraphs: list[tuple[int, str]],
    marker: str = "Full text",
) -> str:
    """Write a document back in the same format (the inverse of ``parse_document``).

    ``paragraphs`` are (section, text) pairs in order; ``marker`` is the full-text
    marker's name (``doc.labels["full text"]`` keeps a page's own, "全文").
    """
    head = [banner, ""] if banner else []
    head += [f"[{name}] {value}".rstrip() for name, value in fields.items()]
    head.append(f"[{marker}]")
    body: list[str] = []
    previous_section = None
    for section, text in paragraphs:
        if previous_section is not None:
            # One blank line between paragraphs, two between sections.
            body.append("\n" if section != previous_section else "")
        body.append(text)
        previous_section = section
    return "\n".join(head) + "\n\n" + "\n".join(body) + "\n"
