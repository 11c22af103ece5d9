"""Links between commitments across declarations: both sides, the chain, and
suggestions that count nowhere until an editor confirms them."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from declarations import services
from declarations.models import CommitmentLink, LinkState, LinkType
from tests.factories import (
    CommitmentFactory,
    CommitmentLinkFactory,
    DeclarationFactory,
    ParagraphFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

FUND_2005 = "The Parties will accelerate the founding of the SCO Development Fund."
FUND_2006 = (
    "The member states will accelerate the establishment of the SCO Development Fund."
)
ENERGY = "The heads of state noted the importance of cooperation in the energy field."


def commitment_in(declaration, text, **fields):
    paragraph = ParagraphFactory(declaration=declaration, text=text)
    return CommitmentFactory(declaration=declaration, paragraph=paragraph, **fields)


@pytest.fixture
def summits():
    return [
        DeclarationFactory(
            slug=f"summit-{year}",
            reference_prefix=f"S{year}",
            place=place,
            title=f"Declaration of the {year} Summit",
            date=datetime.date(year, 6, 15),
        )
        for year, place in ((2005, "Astana"), (2006, "Shanghai"), (2007, "Bishkek"))
    ]


@pytest.fixture
def editor(client):
    user = UserFactory(username="omar", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return user


def page(client, commitment, **params):
    response = client.get(commitment.get_absolute_url(), params)
    assert response.status_code == 200
    return response.content.decode()


def test_a_confirmed_link_shows_on_both_commitments_pages(client, summits):
    earlier = commitment_in(summits[0], FUND_2005, reference="S2005-05")
    later = commitment_in(summits[1], FUND_2006, reference="S2006-03")
    CommitmentLinkFactory(
        from_commitment=later, to_commitment=earlier, type=LinkType.FOLLOWS_UP
    )
    later_page, earlier_page = page(client, later), page(client, earlier)
    assert "Follows up" in later_page and "S2005-05" in later_page
    assert "Followed up by" in earlier_page and "S2006-03" in earlier_page
    assert "Followed up by" not in later_page
    # The inverse wording comes from the same vocabulary as the label.
    assert LinkType.SUPERSEDES.inverse_label == "Superseded by"


def test_a_suggested_or_dismissed_link_is_shown_nowhere(client, summits):
    earlier = commitment_in(summits[0], FUND_2005, reference="S2005-05")
    later = commitment_in(summits[1], FUND_2006, reference="S2006-03")
    CommitmentLinkFactory(
        from_commitment=later, to_commitment=earlier, state=LinkState.SUGGESTED
    )
    CommitmentLinkFactory(
        from_commitment=later,
        to_commitment=earlier,
        type=LinkType.SUPERSEDES,
        state=LinkState.DISMISSED,
    )
    for commitment, other in ((later, "S2005-05"), (earlier, "S2006-03")):
        html = page(client, commitment)
        assert "Across declarations" not in html and other not in html
    api = client.get(reverse("api:commitment-link-list")).json()
    assert api["results"] == []
    detail = client.get(reverse("api:commitment-detail", args=["S2006-03"])).json()
    assert detail["links"] == []


def test_a_link_refuses_itself_and_a_second_link_of_the_same_type(summits):
    one = commitment_in(summits[0], FUND_2005)
    other = commitment_in(summits[1], FUND_2006)
    with pytest.raises(ValidationError) as error:
        CommitmentLink(
            from_commitment=one, to_commitment=one, type=LinkType.REPEATS
        ).full_clean()
    assert "to_commitment" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitmentLink.objects.create(
            from_commitment=one, to_commitment=one, type=LinkType.REPEATS
        )
    CommitmentLink.objects.create(
        from_commitment=other, to_commitment=one, type=LinkType.REPEATS
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitmentLink.objects.create(
            from_commitment=other, to_commitment=one, type=LinkType.REPEATS
        )
    # Another type between the same two is another link.
    CommitmentLink.objects.create(
        from_commitment=other, to_commitment=one, type=LinkType.FOLLOWS_UP
    )
    # A decided link names who decided.
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitmentLink.objects.create(
            from_commitment=other,
            to_commitment=one,
            type=LinkType.SUPERSEDES,
            state=LinkState.CONFIRMED,
        )


def test_the_chain_across_summits_follows_links_either_way(client, summits):
    a = commitment_in(summits[0], FUND_2005, reference="S2005-05")
    b = commitment_in(summits[1], FUND_2006, reference="S2006-03")
    c = commitment_in(
        summits[2], "The Fund shall start its work.", reference="S2007-01"
    )
    unrelated = commitment_in(summits[2], ENERGY, reference="S2007-09")
    suggested_only = commitment_in(summits[1], ENERGY, reference="S2006-09")
    CommitmentLinkFactory(from_commitment=b, to_commitment=a)
    CommitmentLinkFactory(
        from_commitment=c, to_commitment=b, type=LinkType.REPORTS_PROGRESS
    )
    CommitmentLinkFactory(
        from_commitment=suggested_only, to_commitment=a, state=LinkState.SUGGESTED
    )
    chain = CommitmentLink.objects.chain(a, datetime.date.today())
    assert [x.reference for x in chain] == ["S2005-05", "S2006-03", "S2007-01"]
    assert [x.reference for x in CommitmentLink.objects.chain(c, a_day())] == [
        "S2005-05",
        "S2006-03",
        "S2007-01",
    ]
    html = page(client, a)
    assert "The chain across summits" in html
    assert "S2007-01" in html  # two steps away
    assert "S2007-09" not in html and "S2006-09" not in html
    assert CommitmentLink.objects.chain(unrelated, a_day()) == []


def a_day():
    return datetime.date.today()


def test_the_chain_is_bounded(summits):
    from declarations.models.links import CHAIN_STEPS

    chain = [
        commitment_in(summits[i % 3], f"{FUND_2005} Step {i}.", reference=f"C-{i:02d}")
        for i in range(CHAIN_STEPS + 4)
    ]
    for later, earlier in zip(chain[1:], chain, strict=False):
        CommitmentLinkFactory(from_commitment=later, to_commitment=earlier)
    reached = CommitmentLink.objects.chain_ids(chain[0].pk)
    assert reached == {c.pk for c in chain[: CHAIN_STEPS + 1]}


def test_a_commitment_page_costs_the_same_with_a_long_chain(
    client, summits, django_assert_max_num_queries
):
    a = commitment_in(summits[0], FUND_2005, reference="S2005-05")
    b = commitment_in(summits[1], FUND_2006, reference="S2006-03")
    CommitmentLinkFactory(from_commitment=b, to_commitment=a)
    with django_assert_max_num_queries(40) as short:
        page(client, a)
    previous = b
    for i in range(4):
        later = commitment_in(summits[2], f"{FUND_2006} Again {i}.", reference=f"X-{i}")
        CommitmentLinkFactory(from_commitment=later, to_commitment=previous)
        CommitmentLinkFactory(
            from_commitment=later, to_commitment=a, type=LinkType.REPEATS
        )
        previous = later
    with django_assert_max_num_queries(40) as long:
        html = page(client, a)
    assert "X-3" in html
    # One query a step of the chain, whatever the number of links met.
    assert len(long.captured_queries) <= len(short.captured_queries) + 2


def test_confirm_and_dismiss_record_who_and_refuse_a_second_decision(summits):
    earlier = commitment_in(summits[0], FUND_2005)
    later = commitment_in(summits[1], FUND_2006)
    editor = UserFactory(username="omar")
    link = CommitmentLinkFactory(
        from_commitment=later, to_commitment=earlier, state=LinkState.SUGGESTED
    )
    confirmed = services.link_confirm(
        link=link, confirmed_by=editor, type=LinkType.FOLLOWS_UP
    )
    assert (confirmed.state, confirmed.type, confirmed.decided_by) == (
        LinkState.CONFIRMED,
        LinkType.FOLLOWS_UP,
        editor,
    )
    assert confirmed.decided_at is not None
    with pytest.raises(ValidationError, match="already confirmed"):
        services.link_dismiss(link=link, dismissed_by=editor)
    other = CommitmentLinkFactory(
        from_commitment=later,
        to_commitment=earlier,
        type=LinkType.SUPERSEDES,
        state=LinkState.SUGGESTED,
    )
    services.link_dismiss(link=other, dismissed_by=editor)
    other.refresh_from_db()
    assert other.state == LinkState.DISMISSED
    with pytest.raises(ValidationError, match="already dismissed"):
        services.link_confirm(link=other, confirmed_by=editor)


def test_suggest_links_finds_a_near_duplicate_quote_in_a_second_declaration(
    summits,
):
    fund = commitment_in(summits[0], FUND_2005, reference="S2005-05")
    commitment_in(summits[0], ENERGY, reference="S2005-09")
    repeated = commitment_in(summits[1], FUND_2006, reference="S2006-03")
    commitment_in(summits[1], "The Parties will hold the next summit in Bishkek.")
    # A paragraph of the new declaration with no commitment coded yet.
    ParagraphFactory(declaration=summits[1], number=40, text=ENERGY)
    # Commitments of later declarations are not "existing" for this one.
    commitment_in(summits[2], FUND_2006 + " Soon.", reference="S2007-02")

    result = services.links_suggest(declaration=summits[1])

    assert [(x.from_commitment, x.to_commitment) for x in result.created] == [
        (repeated, fund)
    ]
    link = result.created[0]
    assert link.state == LinkState.SUGGESTED and link.type == LinkType.REPEATS
    assert link.score >= services.SUGGEST_THRESHOLD
    assert link.decided_by is None
    assert [(m.paragraph_number, m.reference) for m in result.uncoded] == [
        (40, "S2005-09")
    ]
    # Never applied: nothing confirmed, nothing public.
    assert not CommitmentLink.objects.confirmed().exists()
    assert CommitmentLink.objects.views_for(repeated) == []
    # Run again: the pair is not suggested twice, nor after a dismissal.
    assert services.links_suggest(declaration=summits[1]).created == []
    services.link_dismiss(link=link, dismissed_by=UserFactory())
    assert services.links_suggest(declaration=summits[1]).created == []


def test_the_suggest_links_command_reports_what_it_stored(summits, capsys):
    commitment_in(summits[0], FUND_2005, reference="S2005-05")
    commitment_in(summits[1], FUND_2006, reference="S2006-03")
    call_command("suggest_links", "summit-2006")
    out = capsys.readouterr().out
    assert "S2006-03 repeats? S2005-05" in out
    assert "1 new suggested link(s)" in out
    with pytest.raises(Exception, match="No declaration with the slug 'nope'"):
        call_command("suggest_links", "nope")


def test_editors_suggest_confirm_and_dismiss_in_the_admin(client, summits, editor):
    commitment_in(summits[0], FUND_2005, reference="S2005-05")
    commitment_in(summits[0], "Again: " + FUND_2006, reference="S2005-06")
    later = commitment_in(summits[1], FUND_2006, reference="S2006-03")
    response = client.post(
        reverse("admin:declarations_declaration_changelist"),
        {"action": "suggest_links", "_selected_action": [str(summits[1].pk)]},
        follow=True,
    )
    assert "2 new suggested link(s)" in response.content.decode()
    first, second = CommitmentLink.objects.order_by("to_commitment__reference")
    url = reverse("admin:declarations_commitmentlink_changelist")
    assert client.get(url, {"state__exact": "suggested"}).status_code == 200
    client.post(
        url,
        {"action": "confirm_as_follows_up", "_selected_action": [str(first.pk)]},
    )
    client.post(url, {"action": "dismiss_selected", "_selected_action": [second.pk]})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, first.type, first.decided_by) == (
        LinkState.CONFIRMED,
        LinkType.FOLLOWS_UP,
        editor,
    )
    assert second.state == LinkState.DISMISSED
    assert "Follows up" in page(client, later)
    # A decided link is read-only, and no link is ever deleted.
    change = reverse("admin:declarations_commitmentlink_change", args=[first.pk])
    assert 'name="note"' not in client.get(change).content.decode()


def test_an_analyst_cannot_confirm_links(client, summits):
    earlier = commitment_in(summits[0], FUND_2005)
    later = commitment_in(summits[1], FUND_2006)
    link = CommitmentLinkFactory(
        from_commitment=later, to_commitment=earlier, state=LinkState.SUGGESTED
    )
    analyst = UserFactory(username="amina", is_staff=True)
    analyst.groups.add(Group.objects.get(name="Analysts"))
    client.force_login(analyst)
    url = reverse("admin:declarations_commitmentlink_changelist")
    assert client.get(url).status_code == 403
    client.post(url, {"action": "confirm_selected", "_selected_action": [link.pk]})
    link.refresh_from_db()
    assert link.state == LinkState.SUGGESTED


def test_a_confirmed_link_is_in_the_api_the_changes_log_and_the_release(
    client, summits, tmp_path
):
    import csv

    import frictionless

    from declarations.datapackage import writer

    earlier = commitment_in(summits[0], FUND_2005, reference="S2005-05")
    later = commitment_in(summits[1], FUND_2006, reference="S2006-03")
    editor = UserFactory(username="omar")
    link = CommitmentLinkFactory(
        from_commitment=later,
        to_commitment=earlier,
        state=LinkState.SUGGESTED,
        note="The 2006 text takes up the fund again.",
    )
    CommitmentLinkFactory(
        from_commitment=later,
        to_commitment=earlier,
        type=LinkType.SUPERSEDES,
        state=LinkState.SUGGESTED,
    )
    log = client.get(reverse("declarations:changes"), {"kind": "links"})
    assert "Link confirmed" not in log.content.decode()
    services.link_confirm(link=link, confirmed_by=editor)

    listed = client.get(reverse("api:commitment-link-list")).json()["results"]
    assert [(x["from_commitment"], x["type"], x["to_commitment"]) for x in listed] == [
        ("S2006-03", "follows_up", "S2005-05")
    ]
    assert listed[0]["inverse"] == "Followed up by"
    filtered = client.get(
        reverse("api:commitment-link-list"), {"commitment": "S2005-05"}
    ).json()["results"]
    assert len(filtered) == 1
    for reference in ("S2005-05", "S2006-03"):
        detail = client.get(reverse("api:commitment-detail", args=[reference])).json()
        assert [x["id"] for x in detail["links"]] == [link.pk]

    log = client.get(reverse("declarations:changes"), {"kind": "links"})
    html = log.content.decode()
    assert "Link confirmed" in html and "S2006-03" in html and "omar" in html
    api_log = client.get(reverse("api:change-list"), {"kind": "links"}).json()
    (entry,) = api_log["results"]
    assert entry["subject"] == "S2006-03 follows up S2005-05"
    assert entry["who"] == "omar"

    folder = writer.release_write(releases_dir=tmp_path, version="2026.9").folder
    with open(folder / "data" / "commitment_links.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [(r["from_commitment"], r["type"], r["to_commitment"]) for r in rows] == [
        ("S2006-03", "follows_up", "S2005-05")
    ]
    assert rows[0]["confirmed_by"] == "omar"
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_the_link_serializers_write_what_drf_would(rf, summits):
    import json

    from rest_framework import serializers
    from rest_framework.request import Request

    from declarations.api import serializers as s
    from declarations.models import Commitment

    earlier = commitment_in(summits[0], FUND_2005, reference="S2005-05")
    later = commitment_in(summits[1], FUND_2006, reference="S2006-03")
    CommitmentLinkFactory(from_commitment=later, to_commitment=earlier, note="Why.")
    context = {"request": Request(rf.get("/api/")), "as_of": a_day()}
    cases = [
        (s.CommitmentLinkSerializer, CommitmentLink.objects.for_public()),
        (s.CommitmentDetailSerializer, Commitment.objects.for_api(a_day())),
    ]
    for serializer_class, queryset in cases:
        for record in queryset:
            serializer = serializer_class(context=context)
            fast = serializer.to_representation(record)
            generic = serializers.Serializer.to_representation(serializer, record)
            assert list(fast) == list(serializer.fields)
            assert json.loads(json.dumps(fast)) == json.loads(
                json.dumps(dict(generic), default=str)
            )


def test_the_methodology_page_defines_each_link_type_and_state(client):
    html = client.get(reverse("declarations:methodology")).content.decode()
    for kind in LinkType:
        assert kind.label in html
        assert kind.definition.split("'")[0][:40] in html
    for state in LinkState:
        assert state.label in html
    assert "?include=sub" in html
