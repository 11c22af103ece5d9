"""The reader: quotes placed in their paragraphs, escaped, with their status."""

import datetime

import pytest
from django.urls import reverse

from declarations.models import Status
from declarations.templatetags.reader import quote_segments
from tests.factories import (
    AssessmentFactory,
    CommitmentFactory,
    DeclarationFactory,
    ParagraphFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def texts(segments):
    return [(s.text, s.items) for s in segments]


def test_a_quote_cuts_its_paragraph_in_three():
    segments, unmatched = quote_segments(
        "Before. The promise. After.", [("The promise.", "A")]
    )
    assert texts(segments) == [
        ("Before. ", []),
        ("The promise.", ["A"]),
        (" After.", []),
    ]
    assert unmatched == []


def test_only_the_first_occurrence_of_a_repeated_quote_is_highlighted():
    segments, _ = quote_segments("ab ab ab", [("ab", "A")])
    assert texts(segments) == [("ab", ["A"]), (" ab ab", [])]


def test_identical_quotes_share_one_highlight():
    segments, _ = quote_segments("x same y", [("same", "A"), ("same", "B")])
    assert texts(segments) == [("x ", []), ("same", ["A", "B"]), (" y", [])]


def test_overlapping_quotes_merge_and_nested_ones_stay_inside():
    segments, _ = quote_segments(
        "one two three four five", [("two three", "A"), ("three four", "B")]
    )
    assert texts(segments) == [
        ("one ", []),
        ("two three four", ["A", "B"]),
        (" five", []),
    ]
    segments, _ = quote_segments(
        "one two three", [("one two three", "A"), ("two", "B")]
    )
    assert texts(segments) == [("one two three", ["A", "B"])]


def test_adjacent_quotes_stay_apart():
    segments, _ = quote_segments("abcd", [("ab", "A"), ("cd", "B")])
    assert texts(segments) == [("ab", ["A"]), ("cd", ["B"])]


def test_a_quote_not_in_the_text_is_reported_not_raised():
    segments, unmatched = quote_segments("text", [("missing", "A"), ("", "B")])
    assert texts(segments) == [("text", [])]
    assert unmatched == ["A", "B"]


def test_segments_rebuild_the_text_exactly():
    text = "Alpha beta gamma delta epsilon beta."
    quotes = [("beta gamma", 1), ("gamma delta", 2), ("epsilon", 3), ("beta.", 4)]
    segments, _ = quote_segments(text, quotes)
    assert "".join(s.text for s in segments) == text


@pytest.fixture
def declaration():
    declaration = DeclarationFactory(slug="astana-2005", title="The Declaration")
    first = ParagraphFactory(
        declaration=declaration, number=1, text="The heads of state met."
    )
    second = ParagraphFactory(
        declaration=declaration,
        number=2,
        section=2,
        text="The <b>Parties</b> will found the Fund & the Council will report.",
    )
    fund = CommitmentFactory(
        declaration=declaration,
        paragraph=second,
        reference="AST-02a",
        quote="will found the Fund",
    )
    report = CommitmentFactory(
        declaration=declaration,
        paragraph=second,
        reference="AST-02b",
        quote="the Council will report",
    )
    AssessmentFactory(commitment=fund, status=Status.STALLED, as_of=D(2006, 6, 1))
    return declaration, first, second, fund, report


def test_the_reader_numbers_anchors_and_highlights_every_quote(client, declaration):
    decl, _first, _second, fund, report = declaration
    response = client.get(reverse("declarations:declaration-detail", args=[decl.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="p1"' in html and 'id="p2"' in html
    assert 'href="#p2"' in html
    assert html.count('<mark class="quote">') == 2
    for commitment in (fund, report):
        assert f'id="q-{commitment.reference}"' in html
        assert f'href="{commitment.get_absolute_url()}"' in html
    assert "[AST-02a: Stalled]" in html
    assert "[AST-02b: Unassessed]" in html


def test_the_reader_escapes_the_text_and_adds_only_its_own_markup(client, declaration):
    decl = declaration[0]
    html = client.get(decl.get_absolute_url()).content.decode()
    assert "<b>Parties</b>" not in html
    assert "The &lt;b&gt;Parties&lt;/b&gt; " in html
    assert (
        '<mark class="quote">will found the Fund</mark> ' not in html
    )  # the tag follows the mark
    assert '<mark class="quote">will found the Fund</mark><a' in html
    assert '&amp; <mark class="quote">the Council will report</mark>' in html


def test_the_reader_shows_each_status_as_of_the_date(client, declaration):
    decl = declaration[0]
    before = client.get(decl.get_absolute_url(), {"as_of": "2006-05-31"})
    after = client.get(decl.get_absolute_url(), {"as_of": "2006-06-01"})
    assert "[AST-02a: Unassessed]" in before.content.decode()
    assert "[AST-02a: Stalled]" in after.content.decode()
    # Links out of the reader keep the date.
    assert "?as_of=2006-05-31" in before.content.decode()


def test_the_reader_shows_each_paragraphs_coding_note_escaped(client, declaration):
    decl, first, *_ = declaration
    first.coding_note = "Preamble: <i>no one</i> is asked to act."
    first.save()
    html = client.get(decl.get_absolute_url()).content.decode()
    assert (
        '<p class="coding-note" id="note-p1"><span class="label">Coding note, '
        "paragraph 1:</span> Preamble: &lt;i&gt;no one&lt;/i&gt; is asked to act.</p>"
    ) in html
    assert 'id="note-p2"' not in html  # no note, nothing shown


def test_paragraphs_with_no_commitment_and_no_note_are_unexplained(declaration):
    decl, first, *_ = declaration
    assert list(decl.paragraphs.unexplained()) == [first]
    first.coding_note = "Preamble."
    first.save()
    assert not decl.paragraphs.unexplained().exists()


def test_an_editor_writes_a_coding_note_in_the_admin(client, superuser, declaration):
    first = declaration[1]
    client.force_login(superuser)
    url = reverse("admin:declarations_paragraph_change", args=[first.pk])
    form = client.get(url)
    assert 'name="coding_note"' in form.content.decode()
    response = client.post(
        url,
        {
            "declaration": first.declaration_id,
            "number": 1,
            "section": 1,
            "text": first.text,
            "coding_note": "Preamble: no act is promised.",
        },
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.coding_note == "Preamble: no act is promised."
    unexplained = client.get(
        reverse("admin:declarations_paragraph_changelist"), {"coding": "unexplained"}
    )
    assert unexplained.context["cl"].result_count == 0


def test_the_reader_groups_paragraphs_into_sections(client, declaration):
    html = client.get(declaration[0].get_absolute_url()).content.decode()
    assert html.count('class="reader-section"') == 2


def test_unknown_declaration_is_a_404_that_says_so(client):
    response = client.get(reverse("declarations:declaration-detail", args=["nope"]))
    assert response.status_code == 404
    assert "There is no declaration “nope”." in response.content.decode()


def test_the_declaration_list_links_to_the_reader(client, declaration):
    DeclarationFactory(slug="empty")
    response = client.get(reverse("declarations:declaration-list"))
    assert response.status_code == 200
    assert declaration[0].get_absolute_url() in response.content.decode()
    counts = {
        row.record.slug: (row.record.paragraph_count, row.record.commitment_count)
        for row in response.context["table"].rows
    }
    assert counts == {"astana-2005": (2, 2), "empty": (0, 0)}
    filtered = client.get(reverse("declarations:declaration-list"), {"q": "zzz"})
    assert declaration[0].get_absolute_url() not in filtered.content.decode()


def test_the_reader_shows_the_other_header_fields_of_the_source(client):
    decl = DeclarationFactory(
        slug="dushanbe-2006",
        source="",
        header_fields={
            "Title": "The Communique",
            "Date": "November 2, 2006",
            "Language": "English <original>",
            "Note": "Unofficial translation",
        },
    )
    html = client.get(decl.get_absolute_url()).content.decode()
    assert "<dt>Language</dt><dd>English &lt;original&gt;</dd>" in html
    assert "<dt>Note</dt><dd>Unofficial translation</dd>" in html
    assert "<dt>Title</dt>" not in html and "<dt>Source</dt>" not in html


# Issue 16: a huge declaration reads in pages of a few hundred kilobytes -----------


def test_reader_pages_hold_whole_paragraphs_within_the_budget():
    from declarations.views.declarations import reader_pages

    assert reader_pages([]) == []
    assert reader_pages([(1, 10), (2, 10), (3, 10)], characters=25) == [
        (1, 2),
        (3, 3),
    ]
    # A paragraph longer than the budget is a page of its own.
    assert reader_pages([(1, 5), (2, 100), (3, 5)], characters=25) == [
        (1, 1),
        (2, 2),
        (3, 3),
    ]
    assert reader_pages([(n, 1) for n in range(1, 6)], paragraphs=2) == [
        (1, 2),
        (3, 4),
        (5, 5),
    ]


@pytest.fixture
def huge():
    """2,000 paragraphs of 600 characters (1.2 MB of text), one quoted far in."""
    from declarations.models import Paragraph

    declaration = DeclarationFactory(slug="huge", title="A huge declaration")
    Paragraph.objects.bulk_create(
        Paragraph(
            declaration=declaration,
            number=n,
            section=1 + n // 500,
            text=f"Paragraph {n} says " + "x" * 580 + f" end {n}.",
        )
        for n in range(1, 2001)
    )
    deep = declaration.paragraphs.get(number=1500)
    commitment = CommitmentFactory(
        declaration=declaration,
        paragraph=deep,
        reference="HUGE-1500",
        quote="Paragraph 1500 says",
    )
    return declaration, commitment


def test_a_huge_declaration_is_read_in_pages_of_a_few_hundred_kilobytes(
    client, huge, django_assert_max_num_queries
):
    declaration, _ = huge
    url = declaration.get_absolute_url()
    with django_assert_max_num_queries(8):
        first = client.get(url)
    assert first.status_code == 200
    assert len(first.content) < 300_000
    html = first.content.decode()
    assert 'id="p1"' in html and 'id="p2001"' not in html
    assert "page 1 of " in html and 'rel="next"' in html
    pages = first.context["reader_page_count"]
    assert pages > 10
    seen = set()
    for page in range(1, pages + 1):
        response = client.get(url, {"page": page})
        assert response.status_code == 200 and len(response.content) < 300_000
        context = response.context
        seen.update(range(context["first_paragraph"], context["last_paragraph"] + 1))
    assert seen == set(range(1, 2001))  # every paragraph, once, in order
    assert client.get(url, {"page": pages + 1}).status_code == 404
    assert client.get(url, {"page": "x"}).status_code == 400


def test_a_link_to_a_paragraph_opens_the_page_that_holds_it(client, huge):
    declaration, commitment = huge
    url = commitment.paragraph.get_absolute_url()
    assert url == f"{declaration.get_absolute_url()}?paragraph=1500#p1500"
    response = client.get(url)
    html = response.content.decode()
    assert 'id="p1500"' in html and 'id="q-HUGE-1500"' in html
    assert 'id="p1"' not in html
    assert (
        client.get(declaration.get_absolute_url(), {"paragraph": 2001}).status_code
        == 404
    )
    # The commitment's page sends the reader there, on its date.
    page = client.get(commitment.get_absolute_url(), {"as_of": "2006-01-01"})
    assert (
        f"{declaration.get_absolute_url()}?paragraph=1500&amp;as_of=2006-01-01#q-HUGE-1500"
        in page.content.decode()
    )
