"""The read API: the lists and records the pages show, their filters (the web's own
FilterSets), keyset paging, refusals that name the parameter, conditional GET,
throttling, read-only-ness, and what it never serves."""

import csv
import datetime
import io
import json
import re
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from declarations import services
from declarations.api import serializers as s
from declarations.api.pagination import MAX_PAGE_SIZE
from declarations.filters import CommitmentFilter, EvidenceFilter
from declarations.models import (
    Assessment,
    Commitment,
    DeadlineRevision,
    Evidence,
    OverdueBand,
    Role,
    Status,
)
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


@pytest.fixture
def ledger():
    """Two declarations, bodies in a hierarchy, twelve commitments with windows,
    bodies, evidence (one retracted), assessments (a correction, a member
    state's) and a deadline revision, by analysts with e-mail addresses."""
    analyst = UserFactory(username="amina", email="amina.secret@example.org")
    editor = UserFactory(username="omar", email="omar.secret@example.org")
    first = DeclarationFactory(
        slug="astana-2005", title="Astana declaration", date=D(2005, 7, 5)
    )
    second = DeclarationFactory(
        slug="shanghai-2006", title="Shanghai declaration", date=D(2006, 6, 15)
    )
    council = BodyFactory(slug="council", name="Council", short_name="CHS")
    rats = BodyFactory(slug="rats", name="RATS", parent=council)
    state = MemberStateFactory(slug="kazakhstan", name="Republic of Kazakhstan")
    commitments = []
    for n in range(12):
        declaration = first if n < 8 else second
        paragraph = ParagraphFactory(declaration=declaration, number=n + 1)
        commitment = CommitmentFactory(
            declaration=declaration,
            paragraph=paragraph,
            reference=f"{'AST' if n < 8 else 'SHA'}-{n:02d}",
            theme="Security" if n % 2 else "Economy",
        )
        with_window(commitment, D(2006, 1, 1), D(2006, 12, 31), "year")
        CommitmentBodyFactory(
            commitment=commitment,
            body=council if n % 3 else rats,
            role=Role.RESPONSIBLE,
        )
        commitments.append(commitment)
    CommitmentBodyFactory(commitment=commitments[0], body=state, role=Role.SUPPORTING)
    kept = EvidenceFactory(commitment=commitments[0], logged_by=analyst)
    gone = EvidenceFactory(commitment=commitments[0], logged_by=analyst)
    services.evidence_retract(evidence=gone, retracted_by=analyst, reason="Misdated.")
    first_view = AssessmentFactory(
        commitment=commitments[0],
        status=Status.IN_PROGRESS,
        as_of=D(2006, 3, 1),
        recorded_by=analyst,
    )
    first_view.evidence.add(kept)
    AssessmentFactory(
        commitment=commitments[0],
        status=Status.STALLED,
        as_of=D(2006, 3, 1),
        recorded_by=analyst,
        corrects=first_view,
    )
    AssessmentFactory(
        commitment=commitments[1], status=Status.IMPLEMENTED, as_of=D(2006, 5, 1)
    )
    AssessmentFactory(
        commitment=commitments[0],
        member_state=state,
        status=Status.NOT_STARTED,
        as_of=D(2006, 4, 1),
        recorded_by=analyst,
    )
    services.deadline_revise(
        deadline=commitments[2].deadline,
        revised_by=editor,
        reason="Read again.",
        note="The summit's date.",
    )
    return {
        "commitments": commitments,
        "council": council,
        "state": state,
        "analyst": analyst,
    }


def get(client, url, **params):
    return client.get(url, params)


def walk(client, url, params=None, page_size=5) -> list[dict]:
    """Every row of a list, following the next links."""
    response = client.get(url, {**(params or {}), "page_size": page_size})
    assert response.status_code == 200, response.content
    page = response.json()
    rows = list(page["results"])
    while page["next"]:
        page = client.get(page["next"]).json()
        rows += page["results"]
    return rows


def problems(response) -> dict:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"]
    return {error["parameter"]: error["message"] for error in body["errors"]}


# -- what is served ---------------------------------------------------------------


def test_the_root_lists_every_list(client, ledger):
    body = client.get("/api/").json()
    for name, url in body["lists"].items():
        assert client.get(url).status_code == 200, name
    assert body["schema"].endswith("/api/schema/")
    assert body["docs"].endswith("/api/docs/")


def test_commitments_carry_deadline_bodies_and_status_on_the_date(client, ledger):
    rows = walk(client, "/api/commitments/", {"as_of": "2006-12-31"})
    assert [row["reference"] for row in rows] == [
        c.reference for c in ledger["commitments"]
    ]
    first = rows[0]
    assert first["status"] == Status.STALLED  # the correction, not the original
    assert first["status_since"] == "2006-03-01"
    assert first["status_as_of"] == "2006-12-31"
    assert first["overdue_band"] == OverdueBand.POSSIBLY
    assert first["deadline"]["earliest"] == "2006-01-01"
    assert first["deadline"]["window"] == "2006"
    assert {(b["body"], b["role"]) for b in first["bodies"]} == {
        ("rats", "responsible"),
        ("kazakhstan", "supporting"),
    }
    assert first["declaration"] == "astana-2005" and first["paragraph"] == 1
    assert first["url"] == "http://testserver/commitments/AST-00/"
    assert first["api_url"] == "http://testserver/api/commitments/AST-00/"
    before = client.get("/api/commitments/AST-00/", {"as_of": "2006-02-01"}).json()
    assert before["status"] == Status.UNASSESSED
    assert before["status_as_of"] == "2006-02-01"


def test_a_list_on_a_date_holds_only_the_commitments_that_existed(client, ledger):
    references = [
        r["reference"]
        for r in walk(client, "/api/commitments/", {"as_of": "2006-01-01"})
    ]
    assert references == [f"AST-{n:02d}" for n in range(8)]


def test_every_record_kind_is_served(client, ledger):
    evidence = walk(client, "/api/evidence/")
    assert [e["retracted"] for e in evidence] == [False, True]
    assert evidence[1]["retraction_reason"] == "Misdated."
    assert evidence[1]["retracted_by"] == "amina"
    assert evidence[0]["url"].endswith(
        f"/commitments/AST-00/#evidence-{evidence[0]['id']}"
    )
    overall = walk(client, "/api/assessments/")
    assert len(overall) == 3
    original, correction = overall[0], overall[1]
    assert correction["corrects"] == original["id"]
    assert original["corrected_by"] == correction["id"]
    assert original["evidence"] == [evidence[0]["id"]]
    states = walk(client, "/api/member-state-assessments/")
    assert [(a["member_state"], a["status"]) for a in states] == [
        ("kazakhstan", Status.NOT_STARTED)
    ]
    (revision,) = walk(client, "/api/deadline-revisions/")
    assert revision["commitment"] == "AST-02" and revision["revised_by"] == "omar"
    paragraphs = walk(client, "/api/paragraphs/", {"declaration": "shanghai-2006"})
    assert [p["number"] for p in paragraphs] == [9, 10, 11, 12]
    # The reader page holding it, at the paragraph (the reader is paged).
    assert paragraphs[0]["url"].endswith("/declarations/shanghai-2006/?paragraph=9#p9")
    bodies = walk(client, "/api/bodies/")
    assert [b["slug"] for b in bodies] == ["council", "kazakhstan", "rats"]
    assert bodies[2]["parent"] == "council"
    declarations = walk(client, "/api/declarations/")
    assert [d["slug"] for d in declarations] == ["shanghai-2006", "astana-2005"]
    assert declarations[1]["commitment_count"] == 8
    assert "full_text" in client.get("/api/declarations/astana-2005/").json()


def test_a_body_carries_its_scorecard_in_each_role(client, ledger):
    body = client.get("/api/bodies/council/", {"as_of": "2007-01-01"}).json()
    cards = {card["role"]: card for card in body["scorecards"]}
    assert set(cards) == set(Role.values)
    responsible = cards[Role.RESPONSIBLE]
    assert responsible["total"] == 8
    assert responsible["by_status"][Status.IMPLEMENTED] == 1
    assert responsible["by_overdue_band"][OverdueBand.DEFINITELY] == 7
    assert body["as_of"] == "2007-01-01"


def test_the_changes_log_pages_through_every_change(client, ledger):
    changes = walk(client, "/api/changes/", page_size=3)
    kinds = [change["kind"] for change in changes]
    assert kinds.count("assessments") == 3
    assert kinds.count("corrections") == 1
    assert kinds.count("retractions") == 1
    assert kinds.count("deadlines") == 1
    assert "codebook" in kinds
    whens = [change["when"] for change in changes]
    assert whens == sorted(whens, reverse=True)
    retraction = next(c for c in changes if c["kind"] == "retractions")
    assert retraction["reason"] == "Misdated." and retraction["who"] == "amina"
    only = walk(client, "/api/changes/", {"kind": "deadlines"})
    assert [c["kind"] for c in only] == ["deadlines"]
    assert only[0]["record"].startswith("http://testserver/api/deadline-revisions/")


def test_nothing_is_served_that_the_pages_do_not_show(client, ledger):
    """No e-mail address, no user account number, no database key of a
    declaration, body, commitment or paragraph."""
    urls = [
        "/api/commitments/",
        "/api/commitments/AST-00/",
        "/api/evidence/",
        "/api/assessments/",
        "/api/member-state-assessments/",
        "/api/deadline-revisions/",
        "/api/paragraphs/",
        "/api/bodies/",
        "/api/bodies/council/",
        "/api/declarations/",
        "/api/declarations/astana-2005/",
        "/api/changes/",
    ]
    for url in urls:
        text = client.get(url).content.decode()
        assert "secret@example.org" not in text, url
        assert "email" not in text and "password" not in text, url
        for key in ("declaration_id", "body_id", "commitment_id", "paragraph_id"):
            assert key not in text, url
    keys = set()

    def collect(value):
        if isinstance(value, dict):
            keys.update(value)
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    for url in urls:
        collect(client.get(url).json())
    # "id" is only ever an evidence, assessment or revision number.
    assert "id" in keys
    assert not keys & {"pk", "user", "is_staff", "logged_by_id", "recorded_by_id"}


def test_the_hand_written_representations_are_drfs_own(rf, ledger):
    """Each serializer writes its records out by hand for speed; DRF's generic
    path from the declared fields must give exactly the same."""
    from rest_framework.request import Request

    from declarations.api import views

    request = Request(rf.get("/api/"))
    as_of = D(2006, 12, 31)
    cases = [
        (s.CommitmentSerializer, Commitment.objects.for_api(as_of)),
        (s.EvidenceSerializer, views.EvidenceViewSet().get_queryset()),
        (s.AssessmentSerializer, views._assessments().overall()),
        (
            s.MemberStateAssessmentSerializer,
            views._assessments().filter(member_state__isnull=False),
        ),
        (s.DeadlineRevisionSerializer, views.DeadlineRevisionViewSet().get_queryset()),
        (s.ParagraphSerializer, views.ParagraphViewSet().get_queryset()),
        (s.BodySerializer, views.BodyViewSet().get_queryset()),
        (
            s.DeclarationDetailSerializer,
            views.DeclarationViewSet(action="retrieve").get_queryset(),
        ),
    ]
    for serializer_class, queryset in cases:
        for record in queryset:
            context = {"request": request, "as_of": as_of}
            serializer = serializer_class(context=context)
            fast = serializer.to_representation(record)
            generic = dict(serializers_generic(serializer, record))
            assert list(fast) == list(serializer.fields), serializer_class
            assert json.loads(json.dumps(fast)) == json.loads(
                json.dumps(generic, default=str)
            ), serializer_class


def serializers_generic(serializer, record):
    """DRF's ModelSerializer.to_representation, past the hand-written ones."""
    from rest_framework import serializers

    return serializers.Serializer.to_representation(serializer, record)


# -- the same filters as the web --------------------------------------------------

WEB_FILTERS = [
    ({}, ""),
    ({}, "2006-03-01"),
    ({"body": "council"}, ""),
    ({"body": "council", "role": "responsible"}, "2007-01-01"),
    ({"role": "supporting"}, ""),
    ({"member_state": "kazakhstan"}, ""),
    ({"status": ["stalled", "implemented"]}, "2007-01-01"),
    ({"status": "in_progress"}, "2006-03-15"),
    ({"overdue_band": "definitely"}, "2007-01-01"),
    ({"overdue_band": ["possibly", "closed"]}, "2006-06-01"),
    ({"theme": "Security"}, ""),
    ({"declaration": "shanghai"}, ""),
    ({"q": "AST-0"}, ""),
    ({"due_after": "2006-06-01"}, ""),
    ({"due_before": "2005-12-31"}, ""),
    ({"timeliness": "on_time"}, "2007-01-01"),
    ({"deadline_kind": "calendar", "theme": "Economy"}, ""),
]


@pytest.mark.parametrize("params, as_of", WEB_FILTERS, ids=str)
def test_the_api_filters_with_the_web_tables_filterset(client, ledger, params, as_of):
    day = D.fromisoformat(as_of) if as_of else timezone.localdate()
    filterset = CommitmentFilter(
        QueryDict(urlencode(params, doseq=True)),
        queryset=Commitment.objects.for_public_list(day),
        as_of=day,
    )
    assert filterset.is_valid(), filterset.errors
    expected = [c.reference for c in filterset.qs]
    query = {**params, **({"as_of": as_of} if as_of else {})}
    got = [row["reference"] for row in walk(client, "/api/commitments/", query, 4)]
    assert got == expected
    # ... and the web table's own download of the same query holds the same rows.
    web = client.get(
        reverse("declarations:commitment-list"), {**query, "_export": "csv"}
    )
    text = web.getvalue().decode("utf-8-sig")
    assert [row["reference"] for row in csv.DictReader(io.StringIO(text))] == got


def test_record_lists_filter_too(client, ledger):
    assert [
        e["commitment"]
        for e in walk(client, "/api/evidence/", {"commitment": "AST-00"})
    ] == ["AST-00", "AST-00"]
    assert len(walk(client, "/api/evidence/", {"retracted": "true"})) == 1
    assert len(walk(client, "/api/evidence/", {"retracted": "false"})) == 1
    assert walk(client, "/api/evidence/", {"declaration": "shanghai-2006"}) == []
    assert len(walk(client, "/api/assessments/", {"corrected": "true"})) == 1
    assert len(walk(client, "/api/assessments/", {"status": "implemented"})) == 1
    assert (
        len(
            walk(
                client, "/api/member-state-assessments/", {"member_state": "kazakhstan"}
            )
        )
        == 1
    )
    assert len(walk(client, "/api/deadline-revisions/", {"commitment": "AST-02"})) == 1
    expected = EvidenceFilter(
        {"commitment": "AST-00"}, queryset=Evidence.objects.all()
    ).qs
    assert expected.count() == 2


# -- paging -----------------------------------------------------------------------


def test_pages_go_forward_and_back_by_cursor(client, ledger):
    first = client.get("/api/commitments/", {"page_size": 5}).json()
    assert first["previous"] is None
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()
    assert third["next"] is None
    assert [r["reference"] for r in third["results"]] == ["SHA-10", "SHA-11"]
    back = client.get(third["previous"]).json()
    assert back["results"] == second["results"]
    again = client.get(back["previous"]).json()
    assert again["results"] == first["results"]
    assert again["previous"] is None


def test_a_deep_page_costs_what_the_first_does(client, django_assert_num_queries):
    declaration = DeclarationFactory()
    for n in range(30):
        CommitmentFactory(
            declaration=declaration,
            paragraph=ParagraphFactory(declaration=declaration, number=n + 1),
            reference=f"K-{n:03d}",
        )
    pages = [client.get("/api/commitments/", {"page_size": 2})]
    while pages[-1].json()["next"]:
        pages.append(client.get(pages[-1].json()["next"]))
    assert len(pages) == 15
    counts = []
    for page in (pages[0], pages[7], pages[-1]):
        url = page.wsgi_request.get_full_path()
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        counts.append(len(queries))
        sql = " ".join(q["sql"] for q in queries)
        assert "OFFSET" not in sql.upper() and "COUNT(" not in sql.upper()
    assert counts[0] == counts[1] == counts[2] <= 2


# -- refusals ---------------------------------------------------------------------


def test_an_unknown_parameter_is_named(client, ledger):
    errors = problems(client.get("/api/commitments/", {"stauts": "stalled"}))
    assert "stauts" in errors and "status" in errors["stauts"]
    assert "stauts" in problems(client.get("/api/commitments/AST-00/", {"stauts": "x"}))
    # as_of means nothing to a list of evidence.
    assert "as_of" in problems(client.get("/api/evidence/", {"as_of": "2006-01-01"}))
    assert "kind" in problems(client.get("/api/changes/", {"kind": "gossip"}))


@pytest.mark.parametrize(
    "url, params, name",
    [
        ("/api/commitments/", {"as_of": "yesterday"}, "as_of"),
        ("/api/commitments/", {"as_of": "2300-01-01"}, "as_of"),
        ("/api/commitments/AST-00/", {"as_of": "2006-13-01"}, "as_of"),
        ("/api/commitments/", {"due_after": "2006-02-30"}, "due_after"),
        ("/api/evidence/", {"event_before": "soon"}, "event_before"),
        ("/api/commitments/", {"body": "nobody"}, "body"),
        ("/api/commitments/", {"status": "dormant"}, "status"),
        ("/api/evidence/", {"commitment": "NOPE-1"}, "commitment"),
        ("/api/evidence/", {"retracted": "perhaps"}, "retracted"),
        ("/api/commitments/", {"cursor": "not-a-cursor"}, "cursor"),
        ("/api/changes/", {"cursor": "not-a-cursor"}, "cursor"),
        ("/api/commitments/", {"page_size": str(MAX_PAGE_SIZE + 1)}, "page_size"),
        ("/api/commitments/", {"page_size": "0"}, "page_size"),
        ("/api/evidence/", {"page_size": "ten"}, "page_size"),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter(client, ledger, url, params, name):
    response = client.get(url, params)
    assert response["Content-Type"] == "application/json"
    assert name in problems(response)


def test_bad_date_and_unknown_parameter_are_both_named(client, ledger):
    errors = problems(client.get("/api/commitments/", {"as_of": "x", "foo": "1"}))
    assert set(errors) == {"as_of", "foo"}
    assert "YYYY-MM-DD" in errors["as_of"]


def test_a_cursor_of_another_list_or_altered_is_unknown(client, ledger):
    evidence = client.get("/api/evidence/", {"page_size": 1}).json()
    cursor = evidence["next"].split("cursor=")[1].split("&")[0]
    assert "cursor" in problems(client.get("/api/assessments/", {"cursor": cursor}))
    tampered = cursor[:-3] + ("AAA" if not cursor.endswith("AAA") else "BBB")
    assert "cursor" in problems(client.get("/api/evidence/", {"cursor": tampered}))


def test_unknown_records_are_404_in_words(client, ledger):
    response = client.get("/api/commitments/NOPE-1/")
    assert response.status_code == 404
    assert "NOPE-1" in response.json()["detail"]
    assert client.get("/api/bodies/nobody/").status_code == 404
    assert client.get("/api/evidence/999999/").status_code == 404


# -- read-only, conditional, throttled ----------------------------------------------


def api_urls(ledger) -> list[str]:
    evidence = Evidence.objects.first()
    assessment = Assessment.objects.overall().first()
    state = Assessment.objects.filter(member_state__isnull=False).first()
    revision = DeadlineRevision.objects.first()
    return [
        "/api/",
        "/api/schema/",
        "/api/docs/",
        "/api/declarations/",
        "/api/declarations/astana-2005/",
        "/api/paragraphs/",
        "/api/bodies/",
        "/api/bodies/council/",
        "/api/commitments/",
        "/api/commitments/AST-00/",
        "/api/evidence/",
        f"/api/evidence/{evidence.pk}/",
        "/api/assessments/",
        f"/api/assessments/{assessment.pk}/",
        "/api/member-state-assessments/",
        f"/api/member-state-assessments/{state.pk}/",
        "/api/deadline-revisions/",
        f"/api/deadline-revisions/{revision.pk}/",
        "/api/changes/",
    ]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_every_write_method_is_405(client, ledger, method):
    analyst = ledger["analyst"]
    client.force_login(analyst)  # signed in or not: nothing is writable here
    before = Assessment.objects.count(), Evidence.objects.count()
    for url in api_urls(ledger):
        response = getattr(client, method)(
            url,
            data=json.dumps({"status": "implemented"}),
            content_type="application/json",
        )
        assert response.status_code == 405, (method, url)
    assert (Assessment.objects.count(), Evidence.objects.count()) == before


def test_every_api_url_answers_get_and_head(client, ledger):
    for url in api_urls(ledger):
        assert client.get(url).status_code == 200, url
        assert client.head(url).status_code == 200, url


def test_an_unchanged_answer_is_304_and_a_changed_one_is_not(client, ledger):
    first = client.get("/api/commitments/", {"as_of": "2007-01-01"})
    etag = first["ETag"]
    assert etag
    again = client.get(
        "/api/commitments/", {"as_of": "2007-01-01"}, HTTP_IF_NONE_MATCH=etag
    )
    assert again.status_code == 304 and again.content == b""
    AssessmentFactory(
        commitment=ledger["commitments"][5],
        status=Status.IMPLEMENTED,
        as_of=D(2006, 6, 1),
    )
    changed = client.get(
        "/api/commitments/", {"as_of": "2007-01-01"}, HTTP_IF_NONE_MATCH=etag
    )
    assert changed.status_code == 200 and changed["ETag"] != etag


LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def test_anonymous_clients_are_throttled(client, ledger, settings):
    # The suite runs without a cache; the throttle counts in the real one.
    settings.CACHES = LOCAL_CACHE
    settings.TRACKER_API_ANON_RATE = "3/minute"
    statuses = [client.get("/api/bodies/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/bodies/")
    assert "Retry-After" in refused
    assert refused.json()["detail"]
    # Per address: another client is not held up.
    assert client.get("/api/bodies/", REMOTE_ADDR="10.9.8.7").status_code == 200


def test_a_forged_forwarded_address_does_not_escape_the_limit(client, ledger, settings):
    settings.CACHES = LOCAL_CACHE
    settings.TRACKER_API_ANON_RATE = "2/minute"
    for n in range(2):
        client.get("/api/bodies/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert (
        client.get("/api/bodies/", HTTP_X_FORWARDED_FOR="203.0.113.99").status_code
        == 429
    )


# -- schema and docs -------------------------------------------------------------------


def test_the_schema_is_valid_openapi_and_names_every_list(client, ledger):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
    schema = client.get("/api/schema/").json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in [
        "/api/commitments/",
        "/api/commitments/{reference}/",
        "/api/evidence/",
        "/api/assessments/",
        "/api/member-state-assessments/",
        "/api/deadline-revisions/",
        "/api/paragraphs/",
        "/api/bodies/",
        "/api/declarations/",
        "/api/changes/",
    ]:
        assert set(paths[path]) == {"get"}, path
    parameters = {p["name"] for p in paths["/api/commitments/"]["get"]["parameters"]}
    assert set(CommitmentFilter.base_filters) | {"as_of", "cursor", "page_size"} == (
        parameters
    )
    status = schema["components"]["schemas"]["StatusEnum"]["enum"]
    assert status == Status.values


def test_the_docs_page_needs_nothing_from_another_site_and_no_inline_code(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline script"
    assert "<style" not in html and " style=" not in html
    assert not re.search(r"""(src|href)=["']https?://""", html)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    for asset in re.findall(r"""(?:src|href)=["'](/static/[^"']+)""", html):
        assert client.get(asset).status_code == 200, asset


def test_every_problem_of_a_query_is_named_at_once(client, ledger):
    errors = problems(
        client.get(
            "/api/commitments/",
            {"as_of": "2006-31-12", "stauts": "x", "page_size": "500", "cursor": "x"},
        )
    )
    assert set(errors) == {"as_of", "stauts", "page_size", "cursor"}
    errors = problems(client.get("/api/changes/", {"kind": "x", "page_size": "0"}))
    assert set(errors) == {"kind", "page_size"}


def test_an_accepted_proposal_is_in_the_changes_log_and_a_pending_one_is_not(client):
    from tests.test_proposals import PARAGRAPHS, by_paragraph, stored

    declaration = DeclarationFactory(
        slug="steppe-2005",
        reference_prefix="STE2005",
        full_text="\n\n".join(PARAGRAPHS),
    )
    for number, text in enumerate(PARAGRAPHS, start=1):
        ParagraphFactory(declaration=declaration, number=number, text=text)
    BodyFactory(
        name="Council of National Coordinators of the Union Member States",
        slug="cnc",
        short_name="CNC",
    )
    editor = UserFactory(username="omar", email="omar.secret@example.org")
    proposals = stored(declaration)
    services.proposal_accept(proposal=by_paragraph(proposals, 3), accepted_by=editor)
    changes = walk(client, "/api/changes/", {"kind": "proposals"})
    (accepted,) = changes
    assert accepted["who"] == "omar"
    assert accepted["commitment"] == "STE2005-03"
    assert "Proposal accepted" in accepted["subject"]
    text = client.get("/api/changes/").content.decode()
    assert "secret@example.org" not in text
    pending = by_paragraph(proposals, 4)
    assert pending.title not in text
