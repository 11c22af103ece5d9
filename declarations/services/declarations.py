"""Importing a declaration's text: the declaration and its paragraphs."""

import dataclasses
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from ..importer import DocumentError, ParsedDocument
from ..models import Declaration, Paragraph
from ..page_cache import pages_changed
from .status import status_derive


class ImportRefused(ValueError):
    """The document is readable but importing it would overwrite or break data."""


@dataclasses.dataclass(frozen=True)
class ImportResult:
    declaration: Declaration
    action: str  # "created", "unchanged" or "replaced"


def _unique(candidate: str, taken, suffixes) -> str:
    if not taken(candidate):
        return candidate
    for suffix in suffixes:
        if not taken(f"{candidate}{suffix}"):
            return f"{candidate}{suffix}"
    raise ImportRefused(f"cannot find a free identifier starting {candidate!r}")


def _words_up_to(slug: str, length: int) -> str:
    """The slug cut to at most ``length`` characters, at a word's end if it can."""
    if len(slug) <= length:
        return slug
    return slug[: length + 1].rsplit("-", 1)[0] or slug[:length]


def default_slug(doc: ParsedDocument) -> str:
    base = _words_up_to(slugify(doc.place), 40) or _words_up_to(slugify(doc.title), 60)
    return _unique(
        f"{base}-{doc.date.year}",
        lambda s: Declaration.objects.filter(slug=s).exists(),
        (f"-{doc.date:%m-%d}", *(f"-{n}" for n in range(2, 100))),
    )


def default_reference_prefix(doc: ParsedDocument) -> str:
    letters = re.sub(r"[^A-Za-z]", "", doc.place)[:3]
    if not letters:
        words = re.findall(r"[A-Za-z]+", doc.title)
        letters = "".join(w[0] for w in words if len(w) > 3)[:4] or "DECL"
    return _unique(
        f"{letters.upper()}{doc.date.year}",
        lambda p: Declaration.objects.filter(reference_prefix=p).exists(),
        "BCDEFGHIJKLMNOPQRSTUVWXYZ",
    )


# A declaration's field -> the document's canonical key it is read from.
FIELD_SOURCES = {
    "title": "title",
    "place": "place",
    "date": "date",
    "source": "source",
    "full_text": "full text",
}
# The field -> the option of import_declaration that sets it.
FIELD_OPTIONS = {"slug": "--slug", "reference_prefix": "--reference-prefix"}


def check_size(doc: ParsedDocument) -> None:
    """DocumentError for a document the reader could not show in pages of a few
    hundred kilobytes: more than ``TRACKER_MAX_PARAGRAPHS`` paragraphs, or one
    longer than ``TRACKER_MAX_PARAGRAPH_CHARACTERS``."""
    most = settings.TRACKER_MAX_PARAGRAPHS
    if len(doc.paragraphs) > most:
        extra = doc.paragraphs[most]
        raise DocumentError(
            doc.source,
            extra.line,
            f"the text has {len(doc.paragraphs):,} paragraphs; a declaration may have "
            f"at most {most:,} (TRACKER_MAX_PARAGRAPHS), and paragraph {most + 1:,} "
            "starts here",
        )
    longest = settings.TRACKER_MAX_PARAGRAPH_CHARACTERS
    for paragraph in doc.paragraphs:
        if len(paragraph.text) > longest:
            raise DocumentError(
                doc.source,
                paragraph.line,
                f"paragraph {paragraph.number} is {len(paragraph.text):,} characters "
                f"long; a paragraph may have at most {longest:,} "
                "(TRACKER_MAX_PARAGRAPH_CHARACTERS): separate its paragraphs with "
                "blank lines",
            )


def _refusal(doc: ParsedDocument, error: ValidationError) -> ValueError:
    """The file, line and field of the first problem ``full_clean`` found."""
    field, messages = next(iter(error.message_dict.items()))
    problem = " ".join(messages)
    if field in FIELD_OPTIONS:
        return ImportRefused(f"{doc.source}: {FIELD_OPTIONS[field]}: {problem}")
    key = FIELD_SOURCES.get(field)
    name = doc.labels.get(key) or key or field
    return DocumentError(
        doc.source, doc.lines.get(key), f"the [{name.capitalize()}]: {problem}"
    )


def _content_hash(doc: ParsedDocument) -> str:
    header = "\n".join(f"[{k}] {v}" for k, v in sorted(doc.fields.items()))
    return Declaration.hash_text(f"{doc.banner}\n{header}\n{doc.full_text}")


@transaction.atomic
def declaration_import(
    *,
    doc: ParsedDocument,
    replace: bool = False,
    slug: str | None = None,
    reference_prefix: str | None = None,
) -> ImportResult:
    """Create or update a declaration and its paragraphs from a parsed document.

    The same document again changes nothing ("unchanged"). A different text under
    the same title and date is refused unless ``replace``; replacing keeps every
    commitment on its paragraph number and refuses if a quote would no longer be
    found there. A field the declaration cannot hold (a title over 500
    characters, an invalid slug) is refused with the file, line and field, as is
    a document over the size limits (``check_size``).
    """
    check_size(doc)
    content_hash = _content_hash(doc)
    existing = (
        Declaration.objects.select_for_update()
        .filter(title=doc.title, date=doc.date)
        .first()
    )
    if existing and existing.content_hash == content_hash:
        return ImportResult(existing, "unchanged")
    if existing and not replace:
        raise ImportRefused(
            f"{doc.source}: a different text of '{doc.title}' ({doc.date}) is already "
            f"imported as '{existing.slug}'. Use --replace to replace it."
        )
    declaration = existing or Declaration(
        slug=slug or default_slug(doc),
        reference_prefix=reference_prefix or default_reference_prefix(doc),
    )
    declaration.title = doc.title
    declaration.place = doc.place
    declaration.date = doc.date
    declaration.source = doc.source_name
    declaration.header_fields = doc.fields
    declaration.banner = doc.banner
    declaration.full_text = doc.full_text
    declaration.content_hash = content_hash
    declaration.source_file = doc.source.rsplit("/", 1)[-1][:255]
    try:
        declaration.full_clean()
    except ValidationError as error:
        raise _refusal(doc, error) from None
    declaration.save()
    if existing:
        _replace_paragraphs(declaration, doc)
        status_derive(
            commitment_ids=declaration.commitments.values_list("pk", flat=True)
        )
        return ImportResult(declaration, "replaced")
    Paragraph.objects.bulk_create(
        Paragraph(
            declaration=declaration, number=p.number, section=p.section, text=p.text
        )
        for p in doc.paragraphs
    )
    pages_changed()
    return ImportResult(declaration, "created")


def _replace_paragraphs(declaration: Declaration, doc: ParsedDocument) -> None:
    new = {p.number: p for p in doc.paragraphs}
    problems = []
    for commitment in declaration.commitments.select_related("paragraph"):
        number = commitment.paragraph.number
        if number not in new:
            problems.append(
                f"{commitment.reference} cites paragraph {number}, which the new text "
                "does not have"
            )
        elif commitment.quote not in new[number].text:
            problems.append(
                f"{commitment.reference}'s quote is no longer in paragraph {number}"
            )
    if problems:
        raise ImportRefused(
            f"{doc.source}: replacing the text would break commitments: "
            + "; ".join(problems)
        )
    old = {p.number: p for p in declaration.paragraphs.all()}
    for number, parsed in new.items():
        paragraph = old.pop(number, None) or Paragraph(
            declaration=declaration, number=number
        )
        paragraph.section, paragraph.text = parsed.section, parsed.text
        paragraph.save()
    Paragraph.objects.filter(pk__in=[p.pk for p in old.values()]).delete()
