"""Property tests (hypothesis): the importer on any input, and the deadline rules on
any window and date.

Example counts are modest so the suite stays fast; set HYPOTHESIS_MAX_EXAMPLES for
a longer hunt (e.g. 2000). No example database is written into the work tree.
"""

import datetime
import os

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from declarations import services
from declarations.importer import (
    DocumentError,
    ParsedDocument,
    parse_document,
    render_document,
    starts_item,
)
from declarations.models import (
    Commitment,
    Declaration,
    OverdueBand,
    Precision,
    Status,
)
from declarations.models.deadlines import (
    is_whole_period,
    window_for,
    window_matches_precision,
)
from tests.factories import AssessmentFactory, CommitmentFactory, with_window

EXAMPLES = int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "50"))
PROPERTY = settings(max_examples=EXAMPLES, deadline=None, database=None)
WITH_DB = settings(
    max_examples=max(10, EXAMPLES // 2),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

# --- the importer -------------------------------------------------------------

# Lines that look like parts of the format, mixed with noise, so that generated
# inputs reach every branch of the parser rather than failing at the first marker.
FORMAT_LINES = st.sampled_from(
    [
        "",
        "",
        "The World and Japan Database",
        "[Title] Declaration of the Heads of State",
        "[Title]",
        "[Place] Astana",
        "[Date] July 5, 2005",
        "[Date] 5th July 2005",
        "[Date] 2005-13-45",
        "[Date]",
        "[Source] Secretariat",
        "[Full text]",
        "[Full text] The Parties declare:",
        "[full  TEXT]",
        "- a bulleted item",
        "• another item",
        "  indented continuation",
        "\t",
        "\r",
    ]
)
LINES = st.lists(st.one_of(FORMAT_LINES, st.text(max_size=60)), max_size=40)


def assert_parses_or_explains(data: bytes) -> None:
    try:
        doc = parse_document(data, "input.txt")
    except DocumentError as error:
        assert error.source == "input.txt"
        assert error.problem and str(error).startswith("input.txt")
        assert error.line is None or error.line >= 1
    else:
        assert isinstance(doc, ParsedDocument)
        assert doc.title and doc.paragraphs
        numbers = [p.number for p in doc.paragraphs]
        assert numbers == list(range(1, len(numbers) + 1))
        for paragraph in doc.paragraphs:
            assert paragraph.text == paragraph.text.strip() and paragraph.text
            assert paragraph.text in doc.full_text


@PROPERTY
@given(st.binary(max_size=3000))
def test_any_bytes_import_or_fail_with_a_clear_error(data):
    assert_parses_or_explains(data)


@PROPERTY
@given(LINES, st.sampled_from(["\n", "\r\n", "\r"]), st.booleans())
def test_any_text_in_the_format_imports_or_fails_with_a_clear_error(
    lines, newline, bom
):
    data = newline.join(lines).encode("utf-8", "surrogatepass")
    assert_parses_or_explains((b"\xef\xbb\xbf" if bom else b"") + data)


# Well-formed documents: words of visible characters, so that the only whitespace
# is the format's own (spaces within lines, newlines between them).
WORD = st.text(
    st.characters(
        categories=["L", "N", "P", "S"],
        exclude_characters="\x85[]",
        max_codepoint=0x2FFF,
    ),
    min_size=1,
    max_size=12,
)
LINE = st.lists(WORD, min_size=1, max_size=8).map(" ".join)
PARAGRAPH = st.lists(LINE, min_size=1, max_size=4).filter(
    lambda lines: not any(starts_item(line) for line in lines[1:])
)
SECTIONS = st.lists(
    st.lists(PARAGRAPH.map("\n".join), min_size=1, max_size=5),
    min_size=1,
    max_size=4,
)
# Declarations are dated on or before today (a future one is refused).
DATES = st.dates(datetime.date(1945, 1, 1), datetime.date.today())


@st.composite
def documents(draw):
    """(banner, fields, [(section, paragraph text)], date) of a well-formed document."""
    date = draw(DATES)
    fields = {
        "Title": draw(LINE),
        "Place": draw(LINE),
        "Date": date.strftime(draw(st.sampled_from(["%B %d, %Y", "%d %B %Y", "%F"]))),
        "Source": draw(LINE),
    }
    banner = draw(st.lists(LINE, max_size=3).map("\n".join))
    paragraphs = [
        (number, text)
        for number, section in enumerate(draw(SECTIONS), start=1)
        for text in section
    ]
    return banner, fields, paragraphs, date


@PROPERTY
@given(documents())
def test_a_rendered_document_parses_back_to_its_paragraphs(document):
    banner, fields, paragraphs, date = document
    text = render_document(banner=banner, fields=fields, paragraphs=paragraphs)
    doc = parse_document(text.encode(), "round-trip.txt")
    assert [(p.section, p.text) for p in doc.paragraphs] == paragraphs
    assert (doc.title, doc.place, doc.source_name, doc.date) == (
        fields["Title"],
        fields["Place"],
        fields["Source"],
        date,
    )
    assert doc.fields == fields
    assert doc.banner == banner
    # And rendering what was parsed gives the same text again.
    again = render_document(
        banner=doc.banner,
        fields=doc.fields,
        paragraphs=[(p.section, p.text) for p in doc.paragraphs],
    )
    assert again == text


@pytest.mark.django_db
@WITH_DB
@given(documents())
def test_a_well_formed_document_imports_in_one_transaction(document):
    banner, fields, paragraphs, _date = document
    text = render_document(banner=banner, fields=fields, paragraphs=paragraphs)
    doc = parse_document(text.encode(), "generated.txt")
    with transaction.atomic():
        result = services.declaration_import(doc=doc)
        declaration = result.declaration
        assert result.action == "created"
        stored = list(
            declaration.paragraphs.order_by("number").values_list("section", "text")
        )
        assert stored == paragraphs
        assert declaration.full_text == doc.full_text
        # The same document again changes nothing.
        assert services.declaration_import(doc=doc).action == "unchanged"
        assert Declaration.objects.count() == 1
        transaction.set_rollback(True)


# --- deadline windows ---------------------------------------------------------

PRECISIONS = st.sampled_from(list(Precision))
ANY_DAY = st.dates(datetime.date(1901, 1, 1), datetime.date(2198, 12, 31))


@PROPERTY
@given(PRECISIONS, ANY_DAY)
def test_the_window_of_a_day_contains_it_and_matches_its_precision(precision, day):
    first, last = window_for(precision, day)
    assert first <= day <= last
    assert window_matches_precision(precision, first, last)
    assert window_for(precision, first) == window_for(precision, last) == (first, last)
    length = (last - first).days + 1
    assert (
        length
        in {
            Precision.DAY: {1},
            Precision.MONTH: {28, 29, 30, 31},
            Precision.SEASON: {89, 90, 91, 92},
            Precision.QUARTER: {90, 91, 92},
            Precision.HALF: {181, 182, 184},
            Precision.YEAR: {365, 366},
        }[precision]
    )


@PROPERTY
@given(PRECISIONS, ANY_DAY)
def test_windows_of_one_precision_tile_the_calendar(precision, day):
    first, last = window_for(precision, day)
    one_day = datetime.timedelta(days=1)
    # The next window starts the day after this one ends; the previous one ends
    # the day before it starts: no gap, no overlap.
    assert window_for(precision, last + one_day)[0] == last + one_day
    assert window_for(precision, first - one_day)[1] == first - one_day


@PROPERTY
@given(PRECISIONS, ANY_DAY, ANY_DAY)
def test_a_window_matches_its_precision_when_its_last_day_ends_a_period(
    precision, a, b
):
    # DESIGN.md: "by 2030" is the declaration's date to 31 December 2030, of
    # precision year. This test used to require exactly one period (the old
    # rule, which refused such windows); now only the last day is bound.
    first, last = min(a, b), max(a, b)
    assert window_matches_precision(precision, first, last) == (
        window_for(precision, last)[1] == last
    )
    assert not window_matches_precision(precision, last, first) or first == last
    # Every whole period still matches.
    whole = window_for(precision, first)
    assert window_matches_precision(precision, *whole)
    assert is_whole_period(precision, *whole)


# --- overdue bands ------------------------------------------------------------

RANK = {
    OverdueBand.NOT_DUE: 0,
    OverdueBand.DUE_SOON: 1,
    OverdueBand.POSSIBLY: 2,
    OverdueBand.DEFINITELY: 3,
}
SOON = 90
WINDOW_DAYS = st.dates(datetime.date(2006, 1, 1), datetime.date(2030, 12, 31))


def band_on(commitment, as_of) -> str:
    return (
        Commitment.objects.filter(pk=commitment.pk)
        .with_overdue_band(as_of, soon_days=SOON)
        .values_list("overdue_band", flat=True)
        .get()
    )


def expected_band(first, last, as_of) -> str:
    """The rule of DESIGN.md, spelled out for an open status."""
    if as_of > last:
        return OverdueBand.DEFINITELY
    if first < as_of:
        return OverdueBand.POSSIBLY
    if first - datetime.timedelta(days=SOON) <= as_of:
        return OverdueBand.DUE_SOON
    return OverdueBand.NOT_DUE


@pytest.mark.django_db
@WITH_DB
@given(
    PRECISIONS,
    WINDOW_DAYS,
    st.sampled_from(Status.open_values()),
    st.lists(st.integers(-400, 1500), min_size=1, max_size=6),
)
def test_overdue_bands_only_get_worse_while_the_status_stays_open(
    precision, day, status, offsets
):
    first, last = window_for(precision, day)
    one_day = datetime.timedelta(days=1)
    # The edges of every band, and some dates anywhere around the window.
    dates = {
        first - datetime.timedelta(days=SOON + 1),
        first - datetime.timedelta(days=SOON),
        first,
        first + one_day,
        last,
        last + one_day,
        *(first + datetime.timedelta(days=n) for n in offsets),
    }
    with transaction.atomic():
        commitment = with_window(CommitmentFactory(), first, last, precision)
        if status != Status.UNASSESSED:
            AssessmentFactory(
                commitment=commitment, status=status, as_of=datetime.date(2005, 7, 5)
            )
        bands = [(d, band_on(commitment, d)) for d in sorted(dates)]
        transaction.set_rollback(True)
    for as_of, band in bands:
        assert band == expected_band(first, last, as_of), (as_of, first, last)
    ranks = [RANK[band] for _, band in bands]
    assert ranks == sorted(ranks), bands
    # Due at the end of the period: not definitely overdue on its last day.
    assert dict(bands)[last] != OverdueBand.DEFINITELY
    assert dict(bands)[last + one_day] == OverdueBand.DEFINITELY
    if first < last:
        assert dict(bands)[last] == OverdueBand.POSSIBLY


@pytest.mark.django_db
@WITH_DB
@given(
    WINDOW_DAYS,
    st.sampled_from(Status.closed_values()),
    st.integers(0, 800),
    st.lists(st.integers(-400, 1500), min_size=1, max_size=5),
)
def test_a_closed_status_is_never_overdue_from_its_date_on(
    day, status, closed_after, offsets
):
    first, last = window_for(Precision.YEAR, day)
    closed_on = first + datetime.timedelta(days=closed_after - 400)
    # As-of dates are never in the future (the service refuses them).
    assume(datetime.date(2005, 7, 5) <= closed_on <= timezone.localdate())
    with transaction.atomic():
        commitment = with_window(CommitmentFactory(), first, last, Precision.YEAR)
        AssessmentFactory(commitment=commitment, status=status, as_of=closed_on)
        bands = {
            d: band_on(commitment, d)
            for d in (first + datetime.timedelta(days=n) for n in offsets)
        }
        transaction.set_rollback(True)
    for as_of, band in bands.items():
        if as_of >= closed_on:
            assert band == OverdueBand.CLOSED, (as_of, closed_on)
        else:
            assert band == expected_band(first, last, as_of), (as_of, closed_on)
