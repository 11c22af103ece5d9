"""Roll-ups and comparisons: a body with the bodies under it, every page narrowed
to declarations, and declarations side by side. Figures computed by hand."""

import datetime

import pytest
from django.urls import reverse

from declarations.filters import OverdueFilter
from declarations.models import Commitment, FigureTally, Precision, Role, Status
from tests.factories import (
    AssessmentFactory,
    BodyFactory,
    CommitmentBodyFactory,
    CommitmentFactory,
    DeclarationFactory,
    with_window,
)

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def record():
    """Two declarations; the Council governs RATS, which has a Unit under it.

    astana-2005: c1 Council, implemented on time; c2 RATS, overdue since
    autumn 2005; c5 Other.  shanghai-2006: c3 Council and RATS, in progress;
    c4 Unit, no deadline."""
    astana = DeclarationFactory(
        slug="astana-2005", title="Astana Declaration", date=D(2005, 7, 5)
    )
    shanghai = DeclarationFactory(
        slug="shanghai-2006",
        title="Shanghai Declaration",
        place="Shanghai",
        date=D(2006, 6, 15),
    )
    council = BodyFactory(slug="council", name="The Council")
    rats = BodyFactory(slug="rats", name="RATS", parent=council)
    unit = BodyFactory(slug="unit", name="The Unit", parent=rats)
    other = BodyFactory(slug="other", name="Another Body")

    def commitment(declaration, reference, *bodies):
        made = CommitmentFactory(declaration=declaration, reference=reference)
        for body in bodies:
            CommitmentBodyFactory(commitment=made, body=body, role=Role.RESPONSIBLE)
        return made

    c1 = commitment(astana, "C1", council)
    with_window(c1, D(2005, 7, 5), D(2006, 12, 31), Precision.YEAR)
    AssessmentFactory(commitment=c1, status=Status.IMPLEMENTED, as_of=D(2006, 6, 1))
    c2 = commitment(astana, "C2", rats)
    with_window(c2, D(2005, 9, 1), D(2005, 11, 30), Precision.SEASON)
    commitment(astana, "C5", other)
    c3 = commitment(shanghai, "C3", council, rats)
    AssessmentFactory(commitment=c3, status=Status.IN_PROGRESS, as_of=D(2007, 1, 1))
    commitment(shanghai, "C4", unit)
    return {
        "astana": astana,
        "shanghai": shanghai,
        "council": council,
        "rats": rats,
        "unit": unit,
        "other": other,
    }


def get(client, name, *args, **params):
    response = client.get(reverse(f"declarations:{name}", args=args), params)
    assert response.status_code == 200, response.content.decode()[:2000]
    return response


def responsible(response):
    return dict(response.context["cards"])[Role.RESPONSIBLE]


def test_a_body_counts_the_bodies_under_it_only_when_asked(client, record):
    alone = get(client, "body-detail", "council")
    card = responsible(alone)
    assert (card.total, card.implemented, card.overdue) == (2, 1, 0)  # C1, C3
    assert "Counting the commitments of C" in alone.content.decode()
    assert "(the default)" in alone.content.decode()

    with_sub = get(client, "body-detail", "council", include="sub")
    card = responsible(with_sub)
    # C1, C2, C3 (once, though both the Council and RATS own it), C4.
    assert (card.total, card.implemented, card.overdue) == (4, 1, 1)
    assert str(card.implementation_rate) == "1 of 4 (25%)"
    # Tested: C1 (implemented) and C2 (window closed); C1 was on time.
    assert str(card.on_time_rate) == "1 of 2 (50%)"
    assert card.count(Status.IN_PROGRESS) == 1
    assert card.count(Status.UNASSESSED) == 2

    middle = responsible(get(client, "body-detail", "rats", include="sub"))
    assert middle.total == 3  # C2, C3, C4
    # The same figures from the tallies and counted row by row.
    counted = FigureTally.objects.body_scorecards(
        D(2026, 1, 1), [record["council"].pk], tree=True, roles=[Role.RESPONSIBLE]
    )[(record["council"].pk, Role.RESPONSIBLE)]
    assert counted.total == 4


def test_an_unknown_include_is_refused(client, record):
    response = client.get(
        reverse("declarations:body-detail", args=["council"]), {"include": "everything"}
    )
    assert response.status_code == 400
    assert "include=everything" in response.content.decode()


def test_a_body_page_narrowed_to_a_declaration(client, record):
    page = get(client, "body-detail", "council", declaration="astana-2005")
    assert responsible(page).total == 1  # C1
    html = page.content.decode()
    assert "Only the commitments of" in html and "Astana Declaration" in html
    assert "C3" not in html and "C1" in html
    rolled = get(
        client, "body-detail", "council", declaration="astana-2005", include="sub"
    )
    assert responsible(rolled).total == 2  # C1, C2


def test_the_overview_narrowed_to_a_declaration(client, record):
    everything = get(client, "overview").context["card"]
    assert everything.total == 5
    page = get(client, "overview", declaration="astana-2005")
    card = page.context["card"]
    assert (card.total, card.implemented, card.overdue) == (3, 1, 1)
    bodies = [body.slug for body, _ in page.context["body_cards"]]
    assert sorted(bodies) == ["council", "other", "rats"]
    html = page.content.decode()
    # Links onward keep the declaration.
    assert "declaration=astana-2005" in html
    later = get(client, "overview", declaration="shanghai-2006").context
    assert later["card"].total == 2
    assert {b.slug for b, _ in later["body_cards"]} == {"council", "rats", "unit"}


def test_an_unknown_declaration_is_refused_on_each_page(client, record):
    for name, args in (
        ("overview", ()),
        ("body-detail", ("council",)),
        ("body-list", ()),
        ("overdue", ()),
        ("commitment-list", ()),
    ):
        response = client.get(
            reverse(f"declarations:{name}", args=args), {"declaration": "nowhere-1999"}
        )
        assert response.status_code == 400, name
        assert "nowhere-1999" in response.content.decode(), name


def test_the_bodies_list_narrowed_to_a_declaration(client, record):
    page = get(client, "body-list", declaration="shanghai-2006")
    rows = list(page.context["table"].page.object_list)
    slugs = [row.record.slug for row in rows]
    assert sorted(slugs) == ["council", "rats", "unit"]
    html = page.content.decode()
    assert "Another Body" not in html


def test_the_overdue_list_narrowed_to_a_declaration(client, record):
    base = Commitment.objects.for_overdue_list(D(2026, 1, 1))
    both = OverdueFilter({}, queryset=base, as_of=D(2026, 1, 1)).qs
    assert [c.reference for c in both] == ["C2"]
    later = OverdueFilter(
        {"declaration": "shanghai-2006"}, queryset=base, as_of=D(2026, 1, 1)
    ).qs
    assert list(later) == []
    page = get(client, "overdue", declaration="astana-2005")
    assert "C2" in page.content.decode()
    assert page.context["card"].overdue == 1
    assert (
        "C2" not in get(client, "overdue", declaration="shanghai-2006").content.decode()
    )


def test_the_commitment_list_narrowed_to_a_declaration(client, record):
    page = get(client, "commitment-list", declaration="shanghai-2006")
    references = [
        row.record.reference for row in page.context["table"].page.object_list
    ]
    assert references == ["C3", "C4"]


def test_the_comparison_puts_declarations_side_by_side(client, record):
    page = get(client, "declaration-compare", d=["shanghai-2006", "astana-2005"])
    compared = page.context["compared"]
    assert [d.slug for d, _ in compared] == ["astana-2005", "shanghai-2006"]
    astana, shanghai = (card for _, card in compared)
    assert (astana.total, astana.implemented, astana.overdue) == (3, 1, 1)
    assert str(astana.on_time_rate) == "1 of 2 (50%)"
    assert (shanghai.total, shanghai.implemented, shanghai.overdue) == (2, 0, 0)
    assert str(shanghai.on_time_rate) == "0 of 0 (—)"
    by_body = {body.slug: cards for body, cards in page.context["body_rows"]}
    assert [c.total for c in by_body["council"]] == [1, 1]
    assert [c.total for c in by_body["rats"]] == [1, 1]
    assert [c.overdue for c in by_body["rats"]] == [1, 0]
    assert [c.total for c in by_body["unit"]] == [0, 1]
    html = page.content.decode()
    assert "Astana Declaration" in html and "Shanghai Declaration" in html


def test_the_comparison_refuses_unknown_and_too_many(client, record):
    missing = client.get(
        reverse("declarations:declaration-compare"), {"d": ["astana-2005", "nope"]}
    )
    assert missing.status_code == 404
    assert "“nope”" in missing.content.decode()
    many = client.get(
        reverse("declarations:declaration-compare"), {"d": [f"d{i}" for i in range(7)]}
    )
    assert many.status_code == 400
    # Without a choice, the page offers the latest declarations.
    empty = get(client, "declaration-compare")
    assert empty.context["compared"] == []
    assert 'value="astana-2005"' in empty.content.decode()


def test_the_new_pages_cost_the_same_whatever_their_size(
    client, record, django_assert_max_num_queries
):
    def counted(name, *args, **params):
        with django_assert_max_num_queries(30) as queries:
            get(client, name, *args, **params)
        return len(queries.captured_queries)

    pages = [
        ("declaration-compare", (), {"d": ["astana-2005", "shanghai-2006"]}),
        ("body-detail", ("council",), {"include": "sub"}),
        ("body-detail", ("council",), {"declaration": "astana-2005"}),
        ("overview", (), {"declaration": "astana-2005"}),
        ("body-list", (), {"declaration": "astana-2005"}),
        ("overdue", (), {"declaration": "astana-2005"}),
    ]
    before = [counted(name, *args, **params) for name, args, params in pages]
    # More of everything: bodies under the Council, commitments in each
    # declaration, a third declaration compared.
    third = DeclarationFactory(slug="bishkek-2007", date=D(2007, 8, 16))
    for _ in range(4):
        child = BodyFactory(parent=record["council"])
        for declaration in (record["astana"], record["shanghai"], third):
            made = CommitmentFactory(declaration=declaration)
            CommitmentBodyFactory(commitment=made, body=child)
            with_window(made, D(2005, 9, 1), D(2005, 11, 30), Precision.SEASON)
    pages[0] = (
        "declaration-compare",
        (),
        {"d": ["astana-2005", "shanghai-2006", "bishkek-2007"]},
    )
    after = [counted(name, *args, **params) for name, args, params in pages]
    assert after == before


def test_the_feeds_narrowed_to_a_declaration(client, record):
    calendar = client.get(
        reverse("declarations:feed-deadlines"), {"declaration": "astana-2005"}
    )
    assert calendar.status_code == 200
    text = b"".join(calendar.streaming_content).decode()
    assert "C1 due" in text and "C2 due" in text
    assert "Astana Declaration" in text
    later = client.get(
        reverse("declarations:feed-deadlines"), {"declaration": "shanghai-2006"}
    )
    assert "C1 due" not in b"".join(later.streaming_content).decode()
    atom = client.get(
        reverse("declarations:feed-evidence"),
        {"declaration": "shanghai-2006", "body": "council"},
    )
    assert atom.status_code == 200
    xml = atom.content.decode()
    assert "C3: assessed" in xml and "C1: assessed" not in xml
    assert "The Council, Shanghai Declaration (2006)" in xml
    missing = client.get(reverse("declarations:feed-evidence"), {"declaration": "x"})
    assert missing.status_code == 404


def test_a_body_page_shows_its_record_declaration_by_declaration(client, record):
    def rows(**params):
        page = get(client, "body-detail", "council", **params)
        return {
            d.slug: (card.total, card.implemented, card.overdue)
            for d, card in page.context["by_declaration"]
        }

    assert rows() == {"astana-2005": (1, 1, 0), "shanghai-2006": (1, 0, 0)}
    assert rows(include="sub") == {
        "astana-2005": (2, 1, 1),  # C1, C2
        "shanghai-2006": (2, 0, 0),  # C3 once, C4
    }
    assert rows(declaration="shanghai-2006") == {"shanghai-2006": (1, 0, 0)}
    html = get(client, "body-detail", "council", include="sub").content.decode()
    assert "declaration=astana-2005&amp;include=sub" in html
