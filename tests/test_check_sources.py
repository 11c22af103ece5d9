"""manage.py check_sources against a local HTTP server; the page's mark; the admin.

The server runs in a thread on 127.0.0.1 (a free port): nothing here leaves the
machine.
"""

import datetime
import http.server
import io
import threading
import time

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from declarations.models import Evidence, SourceCheck
from tests.factories import (
    CommitmentFactory,
    EvidenceFactory,
    SourceCheckFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TIMEOUT = "1"  # seconds; the slow handler sleeps well past it
SLOW_SECONDS = 5


class SourceServer(http.server.ThreadingHTTPServer):
    """Answers by path and remembers each request, and how many ran at once."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), SourceHandler)
        self.requests = []  # (method, path, user agent)
        self.active = 0
        self.most_active = 0
        self.lock = threading.Lock()
        self.stopping = threading.Event()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


class SourceHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass  # quiet test output

    def do_HEAD(self):
        self.answer(body=False)

    def do_GET(self):
        self.answer(body=True)

    def answer(self, *, body: bool):
        server = self.server
        with server.lock:
            server.requests.append(
                (self.command, self.path, self.headers.get("User-Agent", ""))
            )
            server.active += 1
            server.most_active = max(server.most_active, server.active)
        try:
            self.route(body)
        finally:
            with server.lock:
                server.active -= 1

    def route(self, body: bool):
        path = self.path
        if path == "/ok":
            self.reply(200, body)
        elif path == "/gone":
            self.reply(404, body)
        elif path == "/broken":
            self.reply(500, body)
        elif path == "/moved":
            self.reply(301, body, location="/moved-again")
        elif path == "/moved-again":
            self.reply(302, body, location="/ok")
        elif path == "/loop":
            self.reply(302, body, location="/loop")
        elif path == "/no-head":
            self.reply(200 if self.command == "GET" else 405, body)
        elif path == "/slow":
            self.server.stopping.wait(SLOW_SECONDS)
            self.reply(200, body)
        elif path.startswith("/wait/"):
            time.sleep(0.3)
            self.reply(200, body)
        else:
            self.reply(404, body)

    def reply(self, status: int, body: bool, location: str = ""):
        content = f"status {status}".encode()
        try:
            self.send_response(status)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            if body:
                self.wfile.write(content)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the checker gave up on a slow answer


@pytest.fixture
def server():
    server = SourceServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.stopping.set()
    server.shutdown()
    server.server_close()


def check_sources(*args) -> str:
    out = io.StringIO()
    call_command("check_sources", "--timeout", TIMEOUT, *args, stdout=out)
    return out.getvalue()


def evidence_at(server, path, **fields) -> Evidence:
    return EvidenceFactory(source_url=server.url(path), **fields)


def latest(evidence) -> SourceCheck:
    return evidence.source_checks.latest_first().first()


# The command --------------------------------------------------------------------


def test_each_answer_is_recorded(server):
    ok, gone, broken, moved, no_head, slow, loop = (
        evidence_at(server, path)
        for path in ("/ok", "/gone", "/broken", "/moved", "/no-head", "/slow", "/loop")
    )
    check_sources()

    assert SourceCheck.objects.count() == 7
    check = latest(ok)
    assert (check.reachable, check.status_code, check.error) == (True, 200, "")
    assert check.url == check.final_url == server.url("/ok")
    assert (latest(gone).reachable, latest(gone).status_code) == (False, 404)
    assert latest(gone).final_url == server.url("/gone")
    assert (latest(broken).reachable, latest(broken).status_code) == (False, 500)

    check = latest(moved)
    assert (check.reachable, check.status_code) == (True, 200)
    assert check.url == server.url("/moved")
    assert check.final_url == server.url("/ok")

    check = latest(no_head)
    assert (check.reachable, check.status_code) == (True, 200)
    no_head_requests = [r[:2] for r in server.requests if r[1] == "/no-head"]
    assert no_head_requests == [("HEAD", "/no-head"), ("GET", "/no-head")]

    check = latest(slow)
    assert (check.reachable, check.status_code, check.final_url) == (False, None, "")
    assert check.error == "no answer within 1 s"

    check = latest(loop)
    assert (check.reachable, check.status_code) == (False, None)
    assert check.error == "more than 10 redirects"


def test_only_head_where_head_is_answered(server):
    evidence_at(server, "/ok")
    evidence_at(server, "/gone")
    check_sources()
    assert sorted(r[:2] for r in server.requests) == [
        ("HEAD", "/gone"),
        ("HEAD", "/ok"),
    ]


def test_the_summary_and_the_dead_list(server):
    ok = evidence_at(server, "/ok")
    gone = evidence_at(server, "/gone")
    slow = evidence_at(server, "/slow")
    broken = evidence_at(server, "/broken")

    out = check_sources()

    assert "Checked 4 URL(s) of 4 evidence entries" in out
    assert "1 reachable, 3 not reachable." in out
    dead = out.split("Not reachable:\n", 1)[1].splitlines()
    assert len(dead) == 3
    assert server.url("/ok") not in out.split("Not reachable:")[1]
    expected = {
        gone: f"{server.url('/gone')}: 404",
        slow: f"{server.url('/slow')}: no answer within 1 s",
        broken: f"{server.url('/broken')}: 500",
    }
    for entry, answer in expected.items():
        line = next(line for line in dead if f"evidence {entry.pk}:" in line)
        assert line.startswith(f"  {entry.commitment.reference} evidence {entry.pk}:")
        assert answer in line
        assert "never reachable when checked" in line
        assert line.endswith("no archived copy")
    assert ok.source_checks.get().reachable


def test_the_dead_list_says_when_the_source_last_answered(server):
    gone = evidence_at(server, "/gone")
    SourceCheckFactory(
        evidence=gone, checked_at=datetime.datetime(2024, 5, 1, 9, tzinfo=datetime.UTC)
    )
    out = check_sources()
    assert f"{server.url('/gone')}: 404; last reachable 2024-05-01;" in out


def test_the_dead_list_names_the_archived_copy(server):
    copy = "https://web.archive.org/web/2006/https://example.org/report"
    evidence_at(server, "/gone", archived_url=copy)
    assert f"archived copy: {copy}" in check_sources()


def test_dead_links_do_not_fail_the_command(server):
    evidence_at(server, "/gone")
    # call_command raises on a non-zero exit (CommandError/SystemExit); the
    # finding is reported, not treated as a failure.
    assert "0 reachable, 1 not reachable." in check_sources()


def test_the_user_agent_names_the_tracker_and_a_contact(server, settings):
    settings.TRACKER_CONTACT = "sources@example.org"
    settings.TRACKER_SITE_URL = "https://tracker.example.org"
    evidence_at(server, "/ok")
    check_sources()
    [(_, _, agent)] = server.requests
    assert agent == (
        "DeclarationTracker-SourceCheck/1.0 "
        "(+https://tracker.example.org; sources@example.org)"
    )


def test_one_request_per_distinct_url(server):
    first = evidence_at(server, "/gone")
    second = evidence_at(server, "/gone")
    out = check_sources()
    assert [r[:2] for r in server.requests] == [("HEAD", "/gone")]
    assert latest(first).status_code == latest(second).status_code == 404
    assert "Checked 1 URL(s) of 2 evidence entries" in out
    assert f"evidence {first.pk}:" in out and f"evidence {second.pk}:" in out


def test_concurrency_is_bounded(server):
    for n in range(6):
        evidence_at(server, f"/wait/{n}")
    check_sources("--concurrency", "2")
    assert len(server.requests) == 6
    assert server.most_active == 2


def test_history_is_kept(server):
    entry = evidence_at(server, "/ok")
    check_sources()
    check_sources()
    assert entry.source_checks.count() == 2


def test_only_stale_skips_sources_checked_recently(server):
    fresh = evidence_at(server, "/ok")
    SourceCheckFactory(evidence=fresh)
    stale = evidence_at(server, "/gone")
    SourceCheckFactory(
        evidence=stale,
        checked_at=datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(days=3),
    )
    moved = evidence_at(server, "/broken")
    SourceCheckFactory(evidence=moved, url="https://example.org/its-old-address")
    never = evidence_at(server, "/moved")

    check_sources("--only-stale", "1")

    assert sorted(r[1] for r in server.requests if r[0] == "HEAD") == [
        "/broken",
        "/gone",
        "/moved",
        "/moved-again",
        "/ok",  # the end of /moved's chain, not the fresh entry
    ]
    assert fresh.source_checks.count() == 1
    assert stale.source_checks.count() == 2
    assert moved.source_checks.count() == 2
    assert never.source_checks.count() == 1


def test_one_commitment(server):
    mine = evidence_at(server, "/ok")
    evidence_at(server, "/gone")
    check_sources("--commitment", mine.commitment.reference)
    assert list(SourceCheck.objects.values_list("evidence", flat=True)) == [mine.pk]


def test_evidence_without_a_url_is_not_checked(server):
    EvidenceFactory(source_url="")
    assert check_sources() == "No evidence source to check.\n"
    assert not SourceCheck.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--commitment", "AST2099-01"], "no commitment 'AST2099-01'"),
        (["--concurrency", "0"], "--concurrency must be 1 to 32"),
        (["--concurrency", "33"], "--concurrency must be 1 to 32"),
        (["--timeout", "0"], "--timeout must be above 0"),
        (["--only-stale", "-1"], "--only-stale takes a number of days"),
    ],
)
def test_bad_arguments_are_command_errors_and_write_nothing(args, message):
    EvidenceFactory()
    with pytest.raises(CommandError, match=message):
        call_command("check_sources", *args, stdout=io.StringIO())
    assert not SourceCheck.objects.exists()


def test_the_database_refuses_an_inconsistent_check():
    entry = EvidenceFactory()
    for fields in (
        {"reachable": True, "status_code": 404},
        {"reachable": False, "status_code": 200},
        {"reachable": True, "status_code": None, "error": "timed out"},
        {"reachable": False, "status_code": 999},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            SourceCheck.objects.create(evidence=entry, url=entry.source_url, **fields)


# The commitment page ------------------------------------------------------------

CHECKED = datetime.datetime(2025, 3, 4, 12, tzinfo=datetime.UTC)


def commitment_page(client, commitment) -> str:
    url = reverse("declarations:commitment-detail", args=[commitment.reference])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_marks_a_source_that_no_longer_answers(client):
    dead = EvidenceFactory(source_url="https://example.org/gone")
    SourceCheckFactory(
        evidence=dead, checked_at=CHECKED - datetime.timedelta(days=400)
    )  # reachable then
    SourceCheckFactory(evidence=dead, checked_at=CHECKED, status_code=404)
    timed_out = EvidenceFactory(
        commitment=dead.commitment, source_url="https://example.org/slow"
    )
    SourceCheckFactory(
        evidence=timed_out,
        checked_at=CHECKED,
        status_code=None,
        final_url="",
        error="no answer within 10 s",
    )
    alive = EvidenceFactory(
        commitment=dead.commitment, source_url="https://example.org/alive"
    )
    SourceCheckFactory(evidence=alive, checked_at=CHECKED - datetime.timedelta(1))
    SourceCheckFactory(evidence=alive, checked_at=CHECKED)

    html = commitment_page(client, dead.commitment)

    assert html.count('class="source-check"') == 2
    assert (
        "Source not reachable when checked on "
        '<time datetime="2025-03-04">4 Mar 2025</time>: 404 '
        "(last reachable 29 Jan 2024)." in html
    )
    assert (
        "Source not reachable when checked on "
        '<time datetime="2025-03-04">4 Mar 2025</time>: no answer within 10 s.' in html
    )


def test_the_page_shows_only_the_latest_check(client):
    entry = EvidenceFactory()
    SourceCheckFactory(evidence=entry, checked_at=CHECKED, status_code=404)
    SourceCheckFactory(evidence=entry, checked_at=CHECKED + datetime.timedelta(1))
    assert "source-check" not in commitment_page(client, entry.commitment)


def test_a_check_of_an_old_url_says_nothing_of_the_new_one(client):
    entry = EvidenceFactory(source_url="https://example.org/new-address")
    SourceCheckFactory(
        evidence=entry, url="https://example.org/old-address", status_code=404
    )
    assert "source-check" not in commitment_page(client, entry.commitment)


def test_the_error_text_is_escaped(client):
    entry = EvidenceFactory()
    SourceCheckFactory(
        evidence=entry, status_code=None, final_url="", error="<script>x</script>"
    )
    html = commitment_page(client, entry.commitment)
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "<script>x</script>" not in html


def test_the_mark_points_to_the_archived_copy(client):
    copy = "https://web.archive.org/web/2006/https://example.org/report"
    entry = EvidenceFactory(archived_url=copy)
    SourceCheckFactory(evidence=entry, status_code=404)
    html = commitment_page(client, entry.commitment)
    # The copy is linked once, beside the source, and the mark points to it.
    assert html.count(f'href="{copy}"') == 1
    assert "Archived copy</a>" in html
    assert "The archived copy is linked above." in html


def queries_for(client, commitment) -> int:
    with CaptureQueriesContext(connection) as queries:
        commitment_page(client, commitment)
    return len(queries)


def test_the_page_query_count_does_not_grow_with_checks(client):
    one = CommitmentFactory()
    SourceCheckFactory(evidence=EvidenceFactory(commitment=one), status_code=404)
    many = CommitmentFactory()
    for n in range(6):
        entry = EvidenceFactory(commitment=many)
        for days in range(4):
            SourceCheckFactory(
                evidence=entry,
                checked_at=CHECKED - datetime.timedelta(days),
                status_code=404 if n % 2 else 200,
            )
    queries_for(client, one)  # warm what is cached per process
    assert queries_for(client, many) == queries_for(client, one)


# The admin ------------------------------------------------------------------------


def test_the_admin_shows_the_check_history(client, superuser):
    entry = EvidenceFactory(source_url="https://example.org/gone")
    SourceCheckFactory(evidence=entry, checked_at=CHECKED - datetime.timedelta(30))
    SourceCheckFactory(evidence=entry, checked_at=CHECKED, status_code=404)
    client.force_login(superuser)

    html = client.get(
        reverse("admin:declarations_evidence_change", args=[entry.pk])
    ).content.decode()
    assert "Source checks" in html
    assert html.count("https://example.org/gone") >= 2
    assert "404" in html

    response = client.get(reverse("admin:declarations_sourcecheck_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 2
    add = client.get(reverse("admin:declarations_sourcecheck_add"))
    assert add.status_code == 403


@pytest.mark.parametrize("group", ["Analysts", "Editors"])
def test_analysts_and_editors_read_the_history_and_change_nothing(client, group):
    member = UserFactory(is_staff=True)
    member.groups.add(Group.objects.get(name=group))
    entry = EvidenceFactory(source_url="https://example.org/gone")
    check = SourceCheckFactory(evidence=entry, status_code=404)
    client.force_login(member)

    html = client.get(
        reverse("admin:declarations_evidence_change", args=[entry.pk])
    ).content.decode()
    assert "Source checks" in html
    assert (
        client.get(
            reverse("admin:declarations_sourcecheck_change", args=[check.pk])
        ).status_code
        == 200
    )
    response = client.post(
        reverse("admin:declarations_sourcecheck_delete", args=[check.pk]),
        {"post": "yes"},
    )
    assert response.status_code == 403
    assert SourceCheck.objects.filter(pk=check.pk).exists()
