"""The public pages through the client: the right rows, the as-of date, bad queries."""

import datetime

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.urls import reverse

from declarations.models import (
    BodyKind,
    DeadlineRevision,
    OverdueBand,
    Role,
    Status,
)
from declarations.views.overview import overdue_example
from tests.factories import (
    AssessmentFactory,
    BodyFactory,
    CommitmentBodyFactory,
    CommitmentFactory,
    DeclarationFactory,
    EvidenceFactory,
    MemberStateFactory,
    ParagraphFactory,
    UserFactory,
    with_window,
)

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2007, 6, 1)


@pytest.fixture(autouse=True)
def today(time_machine):
    time_machine.move_to(datetime.datetime(2007, 6, 1, 12, tzinfo=datetime.UTC))


def page(client, name, *args, **params):
    response = client.get(reverse(f"declarations:{name}", args=args), params)
    return response, response.content.decode()


@pytest.fixture
def astana():
    """A small ledger shaped like the Astana declaration."""
    declaration = DeclarationFactory(slug="astana-2005", title="Astana Declaration")
    council = BodyFactory(
        slug="cnc", name="Council of National Coordinators", short_name="CNC"
    )
    secretariat = BodyFactory(slug="secretariat", name="Secretariat", short_name="")
    rats_council = BodyFactory(slug="rats-council", name="RATS Council", short_name="")
    rats = BodyFactory(slug="rats", name="RATS", short_name="", parent=rats_council)
    china = MemberStateFactory(slug="china", name="China")
    russia = MemberStateFactory(slug="russia", name="Russia")

    text = (
        "To improve efficiency, the Council of National Coordinators, by the next "
        "2006 Summit, will prepare proposals for strengthening the Secretariat's role."
    )
    proposals = with_window(
        CommitmentFactory(
            declaration=declaration,
            reference="AST2005-05",
            title="Prepare proposals on the Secretariat",
            theme="Institutions",
            paragraph=ParagraphFactory(declaration=declaration, number=5, text=text),
            quote="will prepare proposals for strengthening the Secretariat's role",
        ),
        D(2006, 1, 1),
        D(2006, 12, 31),
        "year",
        kind="event",
        wording="by the next 2006 Summit",
        event="the 2006 SCO Summit",
        note="The 2006 Summit was held in Shanghai on 15 June 2006.",
    )
    CommitmentBodyFactory(commitment=proposals, body=council, role=Role.RESPONSIBLE)
    CommitmentBodyFactory(commitment=proposals, body=secretariat, role=Role.SUPPORTING)
    report = EvidenceFactory(
        commitment=proposals,
        event_date=D(2006, 6, 15),
        summary="The Summit approved new regulations of the Secretariat.",
        source_title="Joint Communique, Shanghai",
    )
    first = AssessmentFactory(
        commitment=proposals,
        status=Status.IN_PROGRESS,
        as_of=D(2006, 3, 1),
        confidence="medium",
        rationale="Drafts circulated.",
    )
    second = AssessmentFactory(
        commitment=proposals,
        status=Status.IMPLEMENTED,
        as_of=D(2007, 2, 1),
        confidence="high",
        rationale="Adopted, later than the Summit.",
    )
    second.evidence.add(report)

    fund = CommitmentFactory(
        declaration=declaration,
        reference="AST2005-10b",
        title="Accelerate the founding of the SCO Development Fund",
        theme="Economy",
        paragraph=ParagraphFactory(
            declaration=declaration,
            number=10,
            text="The Parties will accelerate the founding of the SCO Development "
            "Fund.",
        ),
        quote="accelerate the founding of the SCO Development Fund",
    )
    for state in (china, russia):
        CommitmentBodyFactory(commitment=fund, body=state, role=Role.RESPONSIBLE)
    AssessmentFactory(
        commitment=fund,
        status=Status.STALLED,
        as_of=D(2006, 6, 15),
        rationale="Still not founded.",
    )
    AssessmentFactory(
        commitment=fund,
        member_state=china,
        status=Status.IN_PROGRESS,
        as_of=D(2006, 7, 1),
        rationale="China proposed a charter.",
    )
    retracted = EvidenceFactory(
        commitment=fund,
        event_date=D(2006, 9, 1),
        summary="A wrong report.",
        retracted_at=datetime.datetime(2007, 1, 1, tzinfo=datetime.UTC),
        retraction_reason="The source confused two funds.",
    )
    coalition = BodyFactory(
        slug="coalition", name="Coalition", short_name="", kind=BodyKind.EXTERNAL
    )
    bases = with_window(
        CommitmentFactory(
            declaration=declaration,
            reference="AST2005-37",
            title="Set a deadline for the bases",
            theme="Security",
        ),
        D(2005, 9, 1),
        D(2005, 11, 30),
        "season",
        wording="in the autumn of 2005",
    )
    CommitmentBodyFactory(commitment=bases, body=coalition, role=Role.ADDRESSEE)
    return {
        "declaration": declaration,
        "proposals": proposals,
        "fund": fund,
        "bases": bases,
        "council": council,
        "rats": rats,
        "rats_council": rats_council,
        "china": china,
        "report": report,
        "retracted": retracted,
        "first": first,
    }


def rows(html: str, references) -> set[str]:
    return {ref for ref in references if f">{ref}</a>" in html}


REFS = ["AST2005-05", "AST2005-10b", "AST2005-37"]


# Layout -------------------------------------------------------------------------


def test_layout_has_landmarks_nav_and_login_link(client, astana):
    _, html = page(client, "overview")
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert '<nav class="site-nav" aria-label="Main">' in html
    for name in ("commitment-list", "body-list", "overdue", "declaration-list"):
        assert f'href="{reverse("declarations:" + name)}"' in html
    assert reverse("login") in html
    assert "Log out" not in html
    assert "<script" not in html


def test_layout_shows_the_user_and_a_logout_form(client, astana):
    user = UserFactory(username="analyst1")
    client.force_login(user)
    _, html = page(client, "overview")
    assert "analyst1" in html
    assert f'action="{reverse("logout")}"' in html
    assert "csrfmiddlewaretoken" in html


def test_layout_shows_messages(client, astana):
    response = client.get("/")
    storage = CookieStorage(response.wsgi_request)
    storage.add(constants.SUCCESS, "Evidence logged.")
    storage.update(response)
    client.cookies.update(response.cookies)
    _, html = page(client, "overview")
    assert "Evidence logged." in html


def test_pages_are_read_only(client, astana):
    for url in ("/", "/commitments/", "/overdue/", "/bodies/", "/methodology/"):
        assert client.post(url).status_code == 405, url


# Overview -----------------------------------------------------------------------


def test_overview_counts_by_status_and_band_with_links(client, astana):
    response, html = page(client, "overview", as_of="2006-12-31")
    card = response.context["card"]
    assert card.total == 3
    assert card.count(Status.IN_PROGRESS) == 1
    assert card.count(Status.STALLED) == 1
    assert card.count(Status.UNASSESSED) == 1
    assert card.definitely_overdue == 1  # the bases, autumn 2005
    assert card.possibly_overdue == 1  # the proposals, inside 2006
    list_url = reverse("declarations:commitment-list")
    assert f'href="{list_url}?status=stalled&amp;as_of=2006-12-31"' in html
    overdue_url = reverse("declarations:overdue")
    assert f'href="{overdue_url}?band=definitely&amp;as_of=2006-12-31"' in html


def test_overview_as_of_changes_the_counts(client, astana):
    later = page(client, "overview", as_of="2007-02-01")[0].context["card"]
    assert later.count(Status.IMPLEMENTED) == 1
    assert later.late == 1  # implemented after 2006 closed
    assert later.definitely_overdue == 1


def test_overview_per_body_summary_links_to_the_body_and_its_list(client, astana):
    response, html = page(client, "overview")
    bodies = [body.slug for body, _ in response.context["body_cards"]]
    assert bodies == ["china", "cnc", "russia"]  # responsible bodies only
    assert 'href="/bodies/cnc/"' in html
    assert "body=cnc&amp;role=responsible" in html
    assert "<svg" in html  # the status-by-body chart


def test_overview_latest_evidence_is_up_to_the_date(client, astana):
    _, before = page(client, "overview", as_of="2006-06-14")
    _, after = page(client, "overview", as_of="2006-06-15")
    assert "approved new regulations" not in before
    assert "approved new regulations" in after
    assert "A wrong report." not in page(client, "overview")[1]  # retracted


# Commitment list ----------------------------------------------------------------


def test_commitment_list_shows_every_commitment_with_its_columns(client, astana):
    response, html = page(client, "commitment-list", as_of="2006-12-31")
    assert response.status_code == 200
    assert rows(html, REFS) == set(REFS)
    assert "“by the next 2006 Summit”" in html
    assert "2006" in html and "autumn 2005" in html
    cnc = '<a href="/bodies/cnc/">CNC</a>'
    assert f'<span class="role">Responsible:</span> {cnc}' in html
    assert '<span class="status status-stalled">Stalled</span>' in html
    assert "15 Jun 2006" in html  # last evidence


def test_commitment_list_filters_by_get_parameters(client, astana):
    _, html = page(client, "commitment-list", body="cnc")
    assert rows(html, REFS) == {"AST2005-05"}
    _, html = page(client, "commitment-list", q="development fund")
    assert rows(html, REFS) == {"AST2005-10b"}


def test_commitment_list_status_follows_the_as_of_date(client, astana):
    def status_of_proposals(as_of):
        response = page(client, "commitment-list", q="AST2005-05", as_of=as_of)[0]
        return [row.record.status_on for row in response.context["table"].rows]

    assert status_of_proposals("2006-02-28") == [Status.UNASSESSED]
    assert status_of_proposals("2006-03-01") == [Status.IN_PROGRESS]
    assert status_of_proposals("2007-01-31") == [Status.IN_PROGRESS]
    assert status_of_proposals("2007-02-01") == [Status.IMPLEMENTED]


def test_commitment_list_sorts_by_status_along_the_ladder(client, astana):
    response, _ = page(client, "commitment-list", sort="status_on")
    statuses = [row.record.status_on for row in response.context["table"].rows]
    assert statuses == [Status.UNASSESSED, Status.STALLED, Status.IMPLEMENTED]
    response, _ = page(client, "commitment-list", sort="-status_on")
    statuses = [row.record.status_on for row in response.context["table"].rows]
    assert statuses[0] == Status.IMPLEMENTED


def test_commitment_list_ignores_an_unknown_sort(client, astana):
    response, html = page(client, "commitment-list", sort="nonsense")
    assert response.status_code == 200
    assert rows(html, REFS) == set(REFS)


def test_commitment_list_paginates_and_a_page_past_the_end_is_404(client):
    for n in range(55):
        CommitmentFactory(reference=f"P-{n:03d}")
    first, html = page(client, "commitment-list")
    assert len(first.context["table"].page.object_list) == 50
    assert 'aria-label="Pages"' in html
    second, _ = page(client, "commitment-list", page=2)
    assert len(second.context["table"].page.object_list) == 5
    missing, html = page(client, "commitment-list", page=3)
    assert missing.status_code == 404
    assert "There is no page 3 of this list." in html
    assert page(client, "commitment-list", page=0)[0].status_code == 404
    assert page(client, "commitment-list", page="abc")[0].status_code == 400
    capped, _ = page(client, "commitment-list", per_page=100000)
    assert capped.context["table"].paginator.per_page == 200


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"as_of": "yesterday"}, "“as_of=yesterday” is not a date"),
        ({"as_of": "2006-02-30"}, "“as_of=2006-02-30” is not a date"),
        ({"as_of": "0001-01-01"}, "is out of range"),
        ({"_export": "pdf"}, "is not a download format"),
        ({"body": "nobody"}, "There is no body “nobody”."),
        ({"status": "finished"}, "Select a valid choice"),
        ({"due_after": "soon"}, "Enter a valid date"),
    ],
)
def test_bad_queries_get_a_400_that_says_why(client, astana, params, message):
    response, html = page(client, "commitment-list", **params)
    assert response.status_code == 400
    assert message in html


@pytest.mark.parametrize(
    "name", ["overview", "overdue", "body-list", "declaration-list", "methodology"]
)
def test_every_page_refuses_a_bad_as_of(client, astana, name):
    response, html = page(client, name, as_of="31/12/2006")
    assert response.status_code == 400
    assert "Write the date as YYYY-MM-DD" in html


def test_detail_pages_refuse_a_bad_as_of(client, astana):
    for name, arg in (
        ("commitment-detail", "AST2005-05"),
        ("body-detail", "cnc"),
        ("declaration-detail", "astana-2005"),
    ):
        assert page(client, name, arg, as_of="nope")[0].status_code == 400


def test_no_as_of_means_today(client, astana):
    response, html = page(client, "commitment-list")
    assert response.context["as_of"] == TODAY
    assert "As of today" not in html or "1 June 2007" in html


# Commitment page ----------------------------------------------------------------


def test_commitment_page_shows_the_quote_in_its_paragraph(client, astana):
    response, html = page(client, "commitment-detail", "AST2005-05")
    assert response.status_code == 200
    assert (
        "To improve efficiency, the Council of National Coordinators, by the next "
        "2006 Summit, <mark>will prepare proposals" in html
    )
    assert 'href="/declarations/astana-2005/?paragraph=5#q-AST2005-05"' in html


def test_commitment_page_shows_bodies_and_the_deadline(client, astana):
    proposals = astana["proposals"]
    DeadlineRevision.objects.create(
        deadline=proposals.deadline,
        reason="The Summit date became known.",
        old_kind="event",
        new_kind="event",
        old_earliest=D(2006, 1, 1),
        old_latest=D(2006, 12, 31),
        old_precision="year",
        new_earliest=D(2006, 6, 15),
        new_latest=D(2006, 6, 15),
        new_precision="day",
    )
    _, html = page(client, "commitment-detail", "AST2005-05")
    assert "Responsible" in html and "Council of National Coordinators" in html
    assert "Supporting" in html and "Secretariat" in html
    assert "“by the next 2006 Summit”" in html
    assert "the 2006 SCO Summit" in html
    assert "held in Shanghai on 15 June 2006" in html
    assert "Year" in html  # precision
    assert "The Summit date became known." in html  # the revision
    assert 'class="deadline-timeline"' in html


def test_commitment_page_timeline_with_confidence_rationale_and_evidence(
    client, astana
):
    _, html = page(client, "commitment-detail", "AST2005-05", as_of="2006-12-31")
    assert "Drafts circulated." in html and "Adopted, later than the Summit." in html
    assert "Confidence: <strong>High</strong>" in html
    report = astana["report"]
    assert f'href="#evidence-{report.pk}"' in html  # cited by the assessment
    assert f'id="evidence-{report.pk}"' in html
    assert "Joint Communique, Shanghai" in html
    assert f'id="assessment-{astana["first"].pk}" class="assessment in-force' in html
    assert "After the as-of date" in html


def test_commitment_page_status_and_timeliness_as_of(client, astana):
    response, html = page(client, "commitment-detail", "AST2005-05")
    commitment = response.context["commitment"]
    assert commitment.status_on == Status.IMPLEMENTED
    assert commitment.timeliness == "late"
    assert "Implemented late" in html
    earlier = page(client, "commitment-detail", "AST2005-05", as_of="2006-06-01")
    assert earlier[0].context["commitment"].status_on == Status.IN_PROGRESS
    assert earlier[0].context["commitment"].overdue_band == OverdueBand.POSSIBLY


def test_commitment_page_per_member_state_and_retracted_evidence(client, astana):
    _, html = page(client, "commitment-detail", "AST2005-10b", as_of="2007-01-01")
    assert "Member state by member state" in html
    assert "China proposed a charter." in html
    assert html.count("status-unassessed") >= 1  # Russia, not assessed
    assert "Still not founded." in html
    assert "The source confused two funds." in html and "Retracted" in html


def test_unknown_reference_is_a_404_that_says_so(client, astana):
    response, html = page(client, "commitment-detail", "AST2099-01")
    assert response.status_code == 404
    assert "There is no commitment with the reference “AST2099-01”." in html


# Bodies ---------------------------------------------------------------------------


def test_body_list_shows_each_body_with_its_record(client, astana):
    response, html = page(client, "body-list", as_of="2007-02-01")
    assert response.status_code == 200
    assert "Council of National Coordinators" in html
    assert 'href="/bodies/rats-council/?as_of=2007-02-01"' in html  # RATS sits under
    table = response.context["table"]
    cnc = next(row for row in table.rows if row.record.slug == "cnc")
    # Every rate is shown with the counts it is made of.
    assert cnc.get_cell("implementation_rate") == "1 of 1 (100%)"
    assert cnc.get_cell("on_time_rate") == "0 of 1 (0%)"


def test_body_list_puts_organs_first_then_member_states_then_outsiders(client, astana):
    response, _ = page(client, "body-list")
    kinds = [row.record.kind for row in response.context["table"].rows]
    assert kinds == sorted(
        kinds, key=[BodyKind.ORGAN, BodyKind.MEMBER_STATE, BodyKind.EXTERNAL].index
    )
    assert kinds[0] == BodyKind.ORGAN and kinds[-1] == BodyKind.EXTERNAL


def test_body_page_shows_hierarchy_scorecard_and_commitments_by_role(client, astana):
    response, html = page(client, "body-detail", "rats")
    assert "Sits under" in html and 'href="/bodies/rats-council/"' in html
    response, html = page(client, "body-detail", "rats-council")
    assert 'href="/bodies/rats/"' in html  # the body under it

    response, html = page(client, "body-detail", "secretariat")
    assert rows(html, REFS) == {"AST2005-05"}
    assert "Supporting" in html
    response, html = page(client, "body-detail", "cnc", as_of="2006-12-31")
    cards = dict(response.context["cards"])
    assert cards[Role.RESPONSIBLE].total == 1
    assert cards[Role.RESPONSIBLE].possibly_overdue == 1
    assert cards[Role.SUPPORTING].total == 0


def test_body_page_scorecard_follows_the_date(client, astana):
    def responsible(as_of):
        response = page(client, "body-detail", "cnc", as_of=as_of)[0]
        return dict(response.context["cards"])[Role.RESPONSIBLE]

    assert responsible("2007-01-31").implemented == 0
    assert responsible("2007-01-31").definitely_overdue == 1
    assert responsible("2007-02-01").implemented == 1
    assert responsible("2007-02-01").late == 1


def test_unknown_body_is_a_404_that_says_so(client, astana):
    response, html = page(client, "body-detail", "nobody")
    assert response.status_code == 404
    assert "There is no body “nobody”." in html


# Overdue --------------------------------------------------------------------------


def bands_on(client, as_of) -> dict[str, str]:
    response = page(client, "overdue", as_of=as_of)[0]
    assert response.status_code == 200
    return {
        row.record.reference: row.record.overdue_band
        for row in response.context["table"].rows
    }


def test_overdue_bands_at_the_edges_of_a_window(client, astana, settings):
    settings.TRACKER_DUE_SOON_DAYS = 90
    assert bands_on(client, "2005-10-02") == {"AST2005-37": OverdueBand.POSSIBLY}
    assert bands_on(client, "2005-10-03")["AST2005-05"] == OverdueBand.DUE_SOON
    assert bands_on(client, "2006-01-01")["AST2005-05"] == OverdueBand.DUE_SOON
    assert bands_on(client, "2006-01-02")["AST2005-05"] == OverdueBand.POSSIBLY
    assert bands_on(client, "2006-12-31")["AST2005-05"] == OverdueBand.POSSIBLY
    assert bands_on(client, "2007-01-01")["AST2005-05"] == OverdueBand.DEFINITELY
    assert "AST2005-05" not in bands_on(client, "2007-02-01")  # implemented
    # The autumn 2005 window: first day, last day, the day after.
    assert bands_on(client, "2005-09-01")["AST2005-37"] == OverdueBand.DUE_SOON
    assert bands_on(client, "2005-11-30")["AST2005-37"] == OverdueBand.POSSIBLY
    assert bands_on(client, "2005-12-01")["AST2005-37"] == OverdueBand.DEFINITELY


def test_overdue_rows_say_how_long_the_status_and_the_bodies(client, astana):
    response, html = page(client, "overdue", as_of="2006-12-31")
    assert response.context["card"].definitely_overdue == 1
    assert "396 days since the window closed" in html  # 30 Nov 2005 to 31 Dec 2006
    assert "364 days into the window, last day" in html
    assert '<span class="status status-in_progress">In progress</span>' in html
    assert ">CNC</a>" in html and ">Coalition</a>" in html
    # most overdue first
    order = [row.record.reference for row in response.context["table"].rows]
    assert order == ["AST2005-37", "AST2005-05"]


def test_overdue_defaults_to_today(client, astana):
    response, _ = page(client, "overdue")
    assert response.context["as_of"] == TODAY
    assert {row.record.reference for row in response.context["table"].rows} == {
        "AST2005-37"
    }


def test_overdue_filters_by_body(client, astana):
    assert set(bands_on(client, "2006-12-31")) == {"AST2005-05", "AST2005-37"}
    response, _ = page(client, "overdue", as_of="2006-12-31", body="coalition")
    assert [r.record.reference for r in response.context["table"].rows] == [
        "AST2005-37"
    ]
    assert page(client, "overdue", body="nobody")[0].status_code == 400


def test_undated_commitments_are_never_on_the_overdue_page(client, astana):
    assert "AST2005-10b" not in bands_on(client, "2030-01-01")


# Methodology ----------------------------------------------------------------------


def test_methodology_prints_the_definitions_the_code_uses(client, settings):
    settings.TRACKER_DUE_SOON_DAYS = 60
    from declarations.models import DeadlineKind, Precision, scorecards

    _, html = page(client, "methodology")
    for status in Status:
        assert str(status.definition).replace("'", "&#x27;") in html
    for band in OverdueBand:
        assert band.definition.replace("'", "&#x27;") in html
    for kind in DeadlineKind:
        assert kind.definition.replace("'", "&#x27;") in html
    for precision in Precision:
        assert precision.definition in html
    assert scorecards.IMPLEMENTATION_RATE_DEFINITION in html
    assert scorecards.ON_TIME_RATE_DEFINITION.replace("'", "&#x27;") in html
    assert "looks 60 days ahead" in html


def test_methodology_example_agrees_with_the_overdue_rule(settings):
    from declarations.models import Commitment

    settings.TRACKER_DUE_SOON_DAYS = 90
    example = overdue_example(90)
    commitment = with_window(
        CommitmentFactory(), example["first"], example["last"], "year"
    )

    def band(day):
        return Commitment.objects.with_overdue_band(day).get(pk=commitment.pk)

    one_day = datetime.timedelta(days=1)
    assert band(example["due_soon_from"]).overdue_band == OverdueBand.DUE_SOON
    assert band(example["due_soon_from"] - one_day).overdue_band == OverdueBand.NOT_DUE
    assert band(example["possibly_from"]).overdue_band == OverdueBand.POSSIBLY
    assert band(example["possibly_from"] - one_day).overdue_band == (
        OverdueBand.DUE_SOON
    )
    assert band(example["definitely_from"]).overdue_band == OverdueBand.DEFINITELY


# Hostile input ------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/commitments/%00/",
        "/commitments/?q=%00",
        "/commitments/?body=%00",
        "/commitments/?theme=%00",
        "/commitments/?as_of=%00",
        "/overdue/?body=%00",
        "/feeds/deadlines.ics?body=%00",
        "/feeds/evidence/?body=%00",
        "/bodies/?q=%00",
        "/declarations/?q=%00",
        "/commitments/?page=99999999999999999999",
        "/commitments/?per_page=-5",
        "/commitments/?sort=bodies",
    ],
)
def test_hostile_queries_never_crash(client, astana, url):
    assert client.get(url).status_code in (200, 400, 404)


def test_a_commitments_evidence_comes_in_pages(client):
    commitment = CommitmentFactory()
    for n in range(55):
        EvidenceFactory(
            commitment=commitment,
            event_date=D(2006, 1, 1) + datetime.timedelta(days=n),
            summary=f"event number {n:02d}",
        )
    first = client.get(commitment.get_absolute_url()).content.decode()
    assert "event number 54" in first and "event number 04" not in first
    assert "Older evidence" in first
    second = client.get(commitment.get_absolute_url(), {"evidence_page": 2})
    assert "event number 04" in second.content.decode()
    assert (
        client.get(commitment.get_absolute_url(), {"evidence_page": 3}).status_code
        == 404
    )
    assert (
        client.get(commitment.get_absolute_url(), {"evidence_page": "x"}).status_code
        == 400
    )
