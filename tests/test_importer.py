import datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from declarations.importer import DocumentError, parse_document, render_document
from declarations.models import Declaration, Paragraph
from tests.factories import CommitmentFactory

pytestmark = pytest.mark.django_db

ASTANA = Path(__file__).resolve().parent.parent / "fixtures" / "astana_2005.txt"

MINIMAL = """\
"The World and Japan" Database
Banner line two

[Title] Joint Statement on Things

[Date] June 15, 2006
[Full text]

First paragraph of the text.

Second paragraph, still section one.


Third paragraph opens section two.
- a bullet
- another bullet
"""


def write(tmp_path, text, name="doc.txt", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def run_import(*args):
    call_command("import_declaration", *[str(a) for a in args], verbosity=0)


def database_snapshot():
    return (
        list(Declaration.objects.values_list("title", "content_hash")),
        list(Paragraph.objects.values_list("declaration__title", "number", "text")),
    )


def test_shipped_declaration_imports_with_exact_header_fields(capsys):
    call_command("import_declaration", str(ASTANA))
    out = capsys.readouterr().out
    declaration = Declaration.objects.get()
    assert declaration.title == (
        "DECLARATION by the Heads of the Member States of the Shanghai "
        "Cooperation Organization"
    )
    assert declaration.place == "Astana"
    assert declaration.date == datetime.date(2005, 7, 5)
    assert declaration.source == "Shanghai Cooperation Organization Secretariat"
    assert declaration.slug == "astana-2005"
    assert declaration.reference_prefix == "AST2005"
    assert declaration.banner.startswith('"The World and Japan" Database')
    assert declaration.paragraphs.count() == 42
    assert sorted(set(declaration.paragraphs.values_list("section", flat=True))) == [
        1,
        2,
        3,
        4,
    ]
    first = declaration.paragraphs.get(number=1)
    assert first.text.startswith("The heads of the member states")
    assert declaration.paragraphs.get(number=23).is_list_item
    assert declaration.paragraphs.get(number=42).text.endswith("threats")
    assert "Imported" in out and "42 paragraphs" in out and "5 July 2005" in out


def test_reimporting_the_same_file_changes_nothing(capsys):
    run_import(ASTANA)
    before = database_snapshot()
    ids = list(Paragraph.objects.values_list("pk", flat=True))
    call_command("import_declaration", str(ASTANA))
    assert "Unchanged" in capsys.readouterr().out
    assert database_snapshot() == before
    assert list(Paragraph.objects.values_list("pk", flat=True)) == ids


def test_paragraphs_sections_and_bullets(tmp_path):
    doc = parse_document(MINIMAL.encode(), "doc.txt")
    assert [p.text for p in doc.paragraphs] == [
        "First paragraph of the text.",
        "Second paragraph, still section one.",
        "Third paragraph opens section two.",
        "- a bullet",
        "- another bullet",
    ]
    assert [p.section for p in doc.paragraphs] == [1, 1, 2, 2, 2]
    assert doc.place == "" and doc.source_name == ""
    assert doc.paragraphs[0].line == 9


def test_missing_place_and_source_import(tmp_path):
    run_import(write(tmp_path, MINIMAL))
    declaration = Declaration.objects.get()
    assert declaration.place == "" and declaration.source == ""
    assert declaration.slug == "joint-statement-on-things-2006"
    assert declaration.reference_prefix == "JST2006"
    assert declaration.paragraphs.count() == 5


def test_a_long_title_gives_a_slug_cut_at_a_word(tmp_path):
    title = "Joint Communique of the Meeting of the Council of Heads of Government"
    run_import(write(tmp_path, MINIMAL.replace("Joint Statement on Things", title)))
    slug = Declaration.objects.get().slug
    assert slug == "joint-communique-of-the-meeting-of-the-council-of-heads-of-2006"


def test_other_bracketed_fields_are_kept(tmp_path):
    text = MINIMAL.replace("[Date]", "[Note] Unofficial translation\n[Date]")
    run_import(write(tmp_path, text))
    assert Declaration.objects.get().header_fields == {
        "Title": "Joint Statement on Things",
        "Note": "Unofficial translation",
        "Date": "June 15, 2006",
    }


def test_windows_line_endings_and_bom(tmp_path):
    data = b"\xef\xbb\xbf" + MINIMAL.replace("\n", "\r\n").encode()
    run_import(write(tmp_path, data))
    assert Declaration.objects.get().paragraphs.count() == 5


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        (MINIMAL.replace("[Full text]", "[Fulltext]"), None, "no [Full text] marker"),
        (
            MINIMAL.replace("[Title] Joint Statement on Things", "[Title]"),
            4,
            "no [Title]",
        ),
        (
            MINIMAL.replace("[Title] Joint Statement on Things\n", ""),
            None,
            "no [Title]",
        ),
        (MINIMAL.replace("June 15, 2006", "sometime in June"), 6, "is not a date"),
        (MINIMAL.replace("[Date] June 15, 2006", "[Date]"), 6, "no [Date]"),
        (MINIMAL.split("[Full text]")[0] + "[Full text]\n\n\n", 7, "is empty"),
        (MINIMAL.replace("[Date]", "[Title] Again\n[Date]"), 6, "appears twice"),
    ],
)
def test_bad_input_names_file_line_and_problem_and_writes_nothing(
    tmp_path, text, line, problem
):
    CommitmentFactory()
    before = database_snapshot()
    path = write(tmp_path, text)
    with pytest.raises(CommandError) as error:
        run_import(path)
    message = str(error.value)
    assert str(path) in message
    assert problem in message
    if line:
        assert f"line {line}:" in message
    assert "Nothing was imported" in message
    assert database_snapshot() == before


def test_not_utf8_is_refused_with_its_line(tmp_path):
    data = MINIMAL.replace("Second paragraph", "Sécond paragraph").encode("latin-1")
    with pytest.raises(CommandError, match=r"line 11: the file is not UTF-8 text"):
        run_import(write(tmp_path, data))
    assert not Declaration.objects.exists()


def test_binary_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="binary"):
        run_import(write(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
    assert not Declaration.objects.exists()


def test_huge_file_is_refused_unread(tmp_path, settings):
    settings.TRACKER_MAX_IMPORT_BYTES = 1000
    with pytest.raises(CommandError, match="larger than 1,000 bytes"):
        run_import(write(tmp_path, MINIMAL + "x" * 2000))
    assert not Declaration.objects.exists()


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read the file"):
        run_import(tmp_path / "nope.txt")


def test_a_different_text_under_the_same_title_and_date_is_refused(tmp_path):
    run_import(write(tmp_path, MINIMAL))
    before = database_snapshot()
    changed = write(tmp_path, MINIMAL.replace("First", "Opening"), "changed.txt")
    with pytest.raises(CommandError, match="Use --replace"):
        run_import(changed)
    assert database_snapshot() == before


def test_replace_updates_the_text_and_keeps_commitments(tmp_path, capsys):
    run_import(write(tmp_path, MINIMAL))
    declaration = Declaration.objects.get()
    paragraph = declaration.paragraphs.get(number=2)
    commitment = CommitmentFactory(
        declaration=declaration, paragraph=paragraph, quote="still section one"
    )
    changed = write(tmp_path, MINIMAL.replace("First", "Opening"), "changed.txt")
    call_command("import_declaration", str(changed), "--replace")
    assert "Replaced" in capsys.readouterr().out
    declaration.refresh_from_db()
    assert declaration.paragraphs.get(number=1).text.startswith("Opening")
    commitment.refresh_from_db()
    assert commitment.paragraph.number == 2
    assert Declaration.objects.count() == 1


def test_replace_refuses_when_a_quote_would_be_lost(tmp_path):
    run_import(write(tmp_path, MINIMAL))
    declaration = Declaration.objects.get()
    CommitmentFactory(
        reference="X-02",
        declaration=declaration,
        paragraph=declaration.paragraphs.get(number=2),
        quote="still section one",
    )
    before = database_snapshot()
    changed = write(tmp_path, MINIMAL.replace("still section one", "now"), "c.txt")
    with pytest.raises(CommandError, match="X-02's quote is no longer in paragraph 2"):
        run_import(changed, "--replace")
    assert database_snapshot() == before


def test_several_files_are_all_or_nothing(tmp_path):
    good = write(tmp_path, MINIMAL, "good.txt")
    bad = write(tmp_path, MINIMAL.replace("[Full text]", ""), "bad.txt")
    with pytest.raises(CommandError, match=r"bad\.txt"):
        run_import(good, bad)
    assert not Declaration.objects.exists()


def test_two_declarations_from_one_place_and_year_get_distinct_identifiers(tmp_path):
    run_import(write(tmp_path, MINIMAL.replace("[Date]", "[Place] Shanghai\n[Date]")))
    other = MINIMAL.replace("Things", "Other Things").replace(
        "[Date] June 15, 2006", "[Place] Shanghai\n[Date] June 16, 2006"
    )
    run_import(write(tmp_path, other, "other.txt"))
    slugs = set(Declaration.objects.values_list("slug", flat=True))
    prefixes = set(Declaration.objects.values_list("reference_prefix", flat=True))
    assert slugs == {"shanghai-2006", "shanghai-2006-06-16"}
    assert prefixes == {"SHA2006", "SHA2006B"}


@pytest.mark.parametrize(
    "spelling",
    ["July 5, 2005", "5 July 2005", "2005-07-05", "Jul 5, 2005", "July 5th, 2005"],
)
def test_date_spellings(spelling):
    doc = parse_document(MINIMAL.replace("June 15, 2006", spelling).encode(), "doc.txt")
    assert doc.date == datetime.date(2005, 7, 5)


def test_rendering_an_imported_document_reproduces_its_paragraphs():
    doc = parse_document(ASTANA.read_bytes(), "astana")
    text = render_document(
        banner=doc.banner,
        fields=doc.fields,
        paragraphs=[(p.section, p.text) for p in doc.paragraphs],
    )
    again = parse_document(text.encode(), "again")
    assert [(p.section, p.text) for p in again.paragraphs] == [
        (p.section, p.text) for p in doc.paragraphs
    ]
    assert again.fields == doc.fields


def test_document_error_carries_where_and_what():
    with pytest.raises(DocumentError) as error:
        parse_document(b"[Title] X\n[Date] 2005-01-01\n", "x.txt")
    assert error.value.source == "x.txt"
    assert "Full text" in error.value.problem


# Issue 16: over-long fields, size limits, control characters -------------------


def refusal(tmp_path, text, *options) -> str:
    """The command's message for a refused file; nothing may have been written."""
    path = write(tmp_path, text)
    before = database_snapshot()
    with pytest.raises(CommandError) as error:
        run_import(path, *options)
    assert database_snapshot() == before
    message = str(error.value)
    assert message.startswith(str(path)) and "Nothing was imported." in message
    assert "Traceback" not in message and "ValidationError" not in message
    return message


def test_a_title_too_long_is_refused_with_file_line_and_field(tmp_path):
    text = MINIMAL.replace("Joint Statement on Things", "Long " * 130)
    message = refusal(tmp_path, text)
    assert ", line 4: the [Title]: Ensure this value has at most 500 characters" in (
        message
    )


def test_a_place_too_long_is_refused_with_file_line_and_field(tmp_path):
    text = MINIMAL.replace("[Date]", "[Place] " + "Astana " * 40 + "\n[Date]")
    message = refusal(tmp_path, text)
    assert ", line 6: the [Place]: Ensure this value has at most 200 characters" in (
        message
    )


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--slug", "Not a slug!"], "--slug: Enter a valid “slug”"),
        (["--slug", "s" * 81], "--slug: Ensure this value has at most 80"),
        (["--reference-prefix", "P" * 21], "--reference-prefix: Ensure this value"),
    ],
)
def test_an_invalid_option_is_refused_naming_it(tmp_path, options, expected):
    assert expected in refusal(tmp_path, MINIMAL, *options)


def test_a_slug_already_taken_is_refused_naming_the_option(tmp_path):
    run_import(write(tmp_path, MINIMAL, "first.txt"), "--slug", "taken")
    other = MINIMAL.replace("Things", "Other things")
    assert "--slug: Declaration with this Slug already exists." in refusal(
        tmp_path, other, "--slug", "taken"
    )


def test_too_many_paragraphs_are_refused_naming_the_setting(tmp_path, settings):
    settings.TRACKER_MAX_PARAGRAPHS = 3
    message = refusal(tmp_path, MINIMAL)
    assert "line 15: the text has 5 paragraphs; a declaration may have at most 3" in (
        message
    )
    assert "(TRACKER_MAX_PARAGRAPHS)" in message


def test_the_default_cap_refuses_a_hundred_thousand_paragraphs(tmp_path):
    text = MINIMAL + "".join(f"\nParagraph {n}.\n" for n in range(100_000))
    message = refusal(tmp_path, text)
    assert "the text has 100,005 paragraphs; a declaration may have at most 5,000" in (
        message
    )


def test_a_paragraph_too_long_is_refused_naming_the_setting(tmp_path, settings):
    settings.TRACKER_MAX_PARAGRAPH_CHARACTERS = 20
    message = refusal(tmp_path, MINIMAL)
    assert "line 9: paragraph 1 is 28 characters long" in message
    assert "(TRACKER_MAX_PARAGRAPH_CHARACTERS)" in message


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("Second paragraph,", "Second\x0cparagraph,", "line 11: the [Full text]"),
        ("Joint Statement", "Joint\x0bStatement", "line 4: the [Title] field"),
        ("Banner line two", "Banner\x1b line two", "line 2: the text"),
    ],
)
def test_a_control_character_is_refused_with_line_field_and_column(
    tmp_path, old, new, where
):
    message = refusal(tmp_path, MINIMAL.replace(old, new))
    assert where in message
    assert "at column" in message and "U+00" in message


def test_a_form_feed_from_pdftotext_is_named(tmp_path):
    message = refusal(tmp_path, MINIMAL.replace("Third", "\x0cThird"))
    assert "line 14: the [Full text] holds a form feed (a page break) (U+000C)" in (
        message
    )
