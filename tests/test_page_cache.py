"""The page cache: anonymous pages are served from it until a write commits, on
every process that shares the cache."""

import datetime
import http.cookiejar
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import time_machine
from django.core.cache import caches
from django.urls import reverse

from declarations import page_cache, services
from declarations.models import Direction, Status
from tests.factories import CommitmentFactory, UserFactory
from tests.test_production import PASSWORD, free_port, production_env, run

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
D = datetime.date


@pytest.fixture
def page_cache_on(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


def log_evidence(commitment, summary):
    return services.evidence_log(
        commitment=commitment,
        logged_by=None,
        event_date=D(2006, 6, 15),
        summary=summary,
        source_title="Communiqué",
        direction=Direction.TOWARD,
    )


def test_an_anonymous_page_is_served_from_the_cache_until_a_write_commits(
    client,
    page_cache_on,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
):
    commitment = CommitmentFactory()
    url = commitment.get_absolute_url()
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        assert client.get(url).content == first.content
    with django_capture_on_commit_callbacks(execute=True):
        log_evidence(commitment, "The council met in Shanghai.")
    assert "The council met in Shanghai." in client.get(url).content.decode()


def test_a_write_that_rolls_back_leaves_the_cache_alone(
    client, page_cache_on, django_assert_num_queries
):
    from django.db import transaction

    commitment = CommitmentFactory()
    url = commitment.get_absolute_url()
    client.get(url)
    generation = page_cache.generation()
    with transaction.atomic():
        page_cache.pages_changed()
        transaction.set_rollback(True)
    assert page_cache.generation() == generation
    with django_assert_num_queries(0):
        client.get(url)


def test_signed_in_users_are_never_served_from_the_cache(
    client, page_cache_on, django_assert_num_queries
):
    commitment = CommitmentFactory()
    url = commitment.get_absolute_url()
    client.get(url)  # cached for anonymous readers
    client.force_login(UserFactory())
    page = client.get(url).content.decode()
    assert "Signed in as" in page
    client.logout()
    assert "Signed in as" not in client.get(url).content.decode()


def test_the_key_holds_the_query_and_the_day(client, page_cache_on):
    commitment = CommitmentFactory()
    url = commitment.get_absolute_url()
    with time_machine.travel(datetime.datetime(2026, 3, 1, 12), tick=False):
        today = client.get(url).content.decode()
        dated = client.get(url, {"as_of": "2006-01-01"}).content.decode()
        assert today != dated
        assert "1 January 2006" in dated
    with time_machine.travel(datetime.datetime(2026, 3, 2, 12), tick=False):
        # A new day may change every band: yesterday's page is not served.
        assert "2 March 2026" in client.get(url).content.decode()


def test_errors_downloads_and_large_pages_are_not_stored(client, page_cache_on):
    CommitmentFactory()
    generation = page_cache.generation()
    client.get("/commitments/NOPE/")
    client.get(reverse("declarations:commitment-list"), {"_export": "csv"})
    client.get(reverse("declarations:commitment-list"), {"as_of": "bad"})
    stored = [
        key for key in page_cache_on._cache if f"tracker:page:{generation}" in key
    ]
    assert stored == []


def test_with_no_cache_pages_run_the_same_queries(client, settings, page_cache_on):
    """A miss renders the page as if there were no cache: same queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    commitment = CommitmentFactory()
    urls = ["/", "/commitments/", commitment.get_absolute_url(), "/overdue/"]
    with_cache = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        with_cache[url] = len(queries)
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    }
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        assert len(queries) == with_cache[url], url


# -- Two processes, one Redis ------------------------------------------------------

REDIS = shutil.which("redis-server")
NO_DISK = ["--save", "", "--appendonly", "no"]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


@pytest.fixture
def redis_url():
    if REDIS is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    server = subprocess.Popen(
        [REDIS, "--port", str(port), "--bind", "127.0.0.1", *NO_DISK],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                import socket

                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)


class Browser:
    """A client of one server, keeping its cookies; follows no redirect."""

    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"
        self.jar = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=20) as response:
            return response.read().decode()

    def post(self, path: str, form: dict) -> int:
        page = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        data = urllib.parse.urlencode({**form, "csrfmiddlewaretoken": token[1]})
        request = urllib.request.Request(
            self.base + path, data=data.encode(), headers={"Referer": self.base}
        )
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


def start(port: int, env: dict) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "-c",
            "deploy/gunicorn.conf.py",
        ],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            Browser(port).get("/methodology/")
            return server
        except OSError:
            time.sleep(0.05)
    server.kill()
    pytest.fail("gunicorn did not start")


@pytest.mark.skipif(
    shutil.which("gunicorn", path=str(Path(sys.executable).parent)) is None,
    reason="gunicorn is not installed",
)
def test_a_write_through_one_process_shows_at_once_on_the_other(tmp_path, redis_url):
    database = tmp_path / "db.sqlite3"
    env = production_env(
        f"sqlite:///{database}",
        CACHE_URL=redis_url,
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_HSTS_SECONDS="0",
        TRACKER_PAGE_CACHE_SECONDS="3600",
    )
    password = str(tmp_path / "password")
    Path(password).write_text(PASSWORD + "\n")
    manage = [sys.executable, "manage.py"]
    run([*manage, "bootstrap"], env)
    run([*manage, "collectstatic", "--noinput", "-v0"], env)
    run(
        [
            *manage,
            "create_user",
            "amina",
            "--role",
            "analyst",
            "--password-file",
            password,
        ],
        env,
    )
    one, other = free_port(), free_port()
    servers = [start(one, env), start(other, env)]
    try:
        reader = Browser(other)
        pages = ["/", "/commitments/AST2005-06/", "/feeds/evidence/", "/changes/"]
        before = {page: reader.get(page) for page in pages}
        # Written behind the app's back: the cached pages do not show it ...
        with sqlite3.connect(database) as db:
            db.execute(
                "UPDATE declarations_commitment SET title = 'Retitled by hand' "
                "WHERE reference = 'AST2005-06'"
            )
        assert reader.get("/commitments/AST2005-06/") == before[pages[1]]
        # ... until a write through the app commits, on the other process.
        analyst = Browser(one)
        status = analyst.post(
            "/accounts/login/", {"username": "amina", "password": PASSWORD}
        )
        assert status == 302
        status = analyst.post(
            "/commitments/AST2005-06/evidence/new/",
            {
                # Yesterday: the latest evidence, so the overview lists it.
                "event_date": (
                    datetime.date.today() - datetime.timedelta(1)
                ).isoformat(),
                "event_date_precision": "day",
                "summary": "Seen on the other worker at once.",
                "source_title": "Wire report",
                "source_publisher": "Reuters",
                "source_language": "en",
                "accessed_on": "2026-11-20",
                "excerpt": "the ministers met",
                "confidence": "high",
                "direction": "toward",
            },
        )
        assert status == 302
        for page in pages:
            assert "Seen on the other worker at once." in reader.get(page), page
        assert "Retitled by hand" in reader.get("/commitments/AST2005-06/")
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)


def test_the_status_shown_follows_a_new_assessment(
    client, page_cache_on, django_capture_on_commit_callbacks
):
    commitment = CommitmentFactory()
    url = commitment.get_absolute_url()
    assert "Unassessed" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_record(
            commitment=commitment,
            recorded_by=None,
            status=Status.IN_PROGRESS,
            as_of=D(2006, 6, 15),
            confidence="medium",
            rationale="The council began the work in June.",
        )
    assert "In progress" in client.get(url).content.decode()
