"""Production configuration: the deployment check, security headers and cookies under
the real production environment, gunicorn serving the app and WhiteNoise its static
files, and a clean 503 page (never a traceback) when the database is unreachable.

The environment-driven parts run in processes started with the production
environment (debug off, a secret key, HTTPS), as a deployment would run them.
"""

import http.client
import json
import os
import re
import runpy
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpResponse
from django.test import Client
from django.urls import path, reverse

from declarations.middleware import (
    client_ip_address,
    csp_header,
    database_unavailable_response,
)
from declarations.models import Assessment, Evidence
from tests.factories import CommitmentFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "a-long enough passphrase 42"
CSP_DIRECTIVES = {
    "default-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
}


def production_env(database_url: str, **extra) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "PYTEST"))
    }
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="production-test-" + "k" * 50,
        DJANGO_ALLOWED_HOSTS="tracker.example.org,127.0.0.1",
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="tracker.settings",
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        **extra,
    )
    return env


def run(args, env, timeout=300) -> subprocess.CompletedProcess:
    result = subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    return result


@pytest.fixture(scope="module")
def production_site(tmp_path_factory):
    """A migrated SQLite database with an analyst, and collected static files."""
    folder = tmp_path_factory.mktemp("production")
    url = f"sqlite:///{folder / 'db.sqlite3'}"
    env = production_env(url, DJANGO_STATIC_ROOT=str(folder / "static"))
    (folder / "password").write_text(PASSWORD + "\n")
    manage = [sys.executable, "manage.py"]
    run([*manage, "migrate", "--noinput", "-v0"], env)
    run([*manage, "collectstatic", "--noinput", "-v0"], env)
    run(
        [
            *manage,
            "create_user",
            "amina",
            "--role",
            "analyst",
            "--password-file",
            str(folder / "password"),
        ],
        env,
    )
    return env


def test_check_deploy_is_clean_under_production_settings(production_site):
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        production_site,
    )
    assert "no issues" in result.stdout


def test_check_deploy_warns_of_a_page_cache_in_each_process(production_site):
    check = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "ERROR"]
    env = {k: v for k, v in production_site.items() if k != "CACHE_URL"}
    assert "tracker.W001" in run(check, env).stderr + run(check, env).stdout
    shared = run(check, {**env, "CACHE_URL": "redis://127.0.0.1:6379/0"})
    assert "tracker.W001" not in shared.stdout + shared.stderr


def test_production_refuses_to_start_without_a_secret_key(production_site):
    env = {**production_site, "DJANGO_SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


HEADERS_PROBE = """
import json, re, django
django.setup()
from django.test import Client

def cookies(response):
    return {
        name: {"secure": bool(m["secure"]), "httponly": bool(m["httponly"]),
               "samesite": m["samesite"]}
        for name, m in response.cookies.items()
    }

client = Client(HTTP_HOST="tracker.example.org")
plain = client.get("/accounts/login/")
page = client.get("/accounts/login/", secure=True)
token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
login = client.post(
    "/accounts/login/",
    {"username": "amina", "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
    secure=True,
    HTTP_REFERER="https://tracker.example.org/accounts/login/",
)
admin = client.get("/admin/", secure=True, follow=True)
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location")],
    "page": [page.status_code, dict(page.headers), cookies(page)],
    "login": [login.status_code, dict(login.headers), cookies(login)],
    "admin": [admin.status_code, dict(admin.headers)],
}))
"""


def test_security_headers_and_cookies_under_production_settings(production_site):
    result = run(
        [sys.executable, "-c", f"PASSWORD = {PASSWORD!r}\n" + HEADERS_PROBE],
        production_site,
    )
    probe = json.loads(result.stdout.strip().splitlines()[-1])

    # Plain http is sent to https.
    assert probe["plain"] == [301, "https://tracker.example.org/accounts/login/"]

    status, headers, cookies = probe["page"]
    assert status == 200
    csp = {part.strip() for part in headers["Content-Security-Policy"].split(";")}
    assert csp >= CSP_DIRECTIVES
    assert not any("unsafe-inline" in part or "unsafe-eval" in part for part in csp)
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in headers["Strict-Transport-Security"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert cookies["csrftoken"] == {"secure": True, "httponly": True, "samesite": "Lax"}

    status, headers, cookies = probe["login"]
    assert status == 302, "the analyst could not log in"
    assert cookies["sessionid"] == {"secure": True, "httponly": True, "samesite": "Lax"}
    assert cookies["csrftoken"]["secure"] and cookies["csrftoken"]["httponly"]
    assert "Content-Security-Policy" in headers

    # The admin is served under the same policy (its scripts are files).
    status, headers = probe["admin"]
    assert status == 200
    assert "script-src 'self'" in headers["Content-Security-Policy"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(port: int, path: str, **headers):
    """One request, redirects not followed: (status, headers, text)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.headers), response.read().decode()
    finally:
        connection.close()


@pytest.mark.skipif(
    shutil.which("gunicorn", path=str(Path(sys.executable).parent)) is None,
    reason="gunicorn is not installed",
)
def test_gunicorn_serves_the_app_and_whitenoise_the_static_files(
    production_site, tmp_path
):
    port = free_port()
    env = {
        **production_site,
        "DJANGO_BEHIND_TLS_PROXY": "1",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_ACCESS_LOG": str(tmp_path / "access.log"),
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "-c",
            "deploy/gunicorn.conf.py",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    https = {"X-Forwarded-Proto": "https"}
    try:
        for _ in range(100):
            try:
                status, headers, page = fetch(port, "/methodology/", **https)
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start")
        assert status == 200
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert headers["Strict-Transport-Security"].startswith("max-age=")
        # Without the proxy's https header, the request is redirected to https.
        assert fetch(port, "/methodology/")[0] == 301

        stylesheet = re.search(r'href="(/static/css/tracker\.[0-9a-f]+\.css)"', page)
        assert stylesheet, "the page does not link the hashed stylesheet"
        status, headers, css = fetch(port, stylesheet.group(1), **https)
        assert status == 200 and "text/css" in headers["Content-Type"]
        assert "immutable" in headers["Cache-Control"]
        assert "max-age=315360000" in headers["Cache-Control"]
        assert css.strip()
        assert "/methodology/" in (tmp_path / "access.log").read_text()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def test_gunicorn_configuration():
    config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert config["wsgi_app"] == "tracker.wsgi:application"
    assert config["worker_class"] == "sync"
    assert config["workers"] >= 2
    assert 0 < config["timeout"] <= 60
    assert 0 < config["graceful_timeout"] <= config["timeout"]
    assert config["max_requests"] > 0 and config["max_requests_jitter"] > 0
    assert config["accesslog"]


# --- the 503 page -------------------------------------------------------------


def touch_session(request):
    request.session["seen"] = True  # saved by SessionMiddleware after the view
    return HttpResponse("ok")


def fail(request):
    raise ValueError("a bug")


urlpatterns = [
    path("touch-session/", touch_session),
    path("fail/", fail),
]


@pytest.fixture
def production_mode(settings):
    settings.DEBUG = False
    return settings


def unreachable(*args, **kwargs):
    raise OperationalError("connection to server failed: Connection refused")


def assert_clean_503(response):
    assert response.status_code == 503
    content = response.content.decode()
    assert 'data-page="unavailable"' in content
    assert "Traceback" not in content and "OperationalError" not in content
    assert response["Retry-After"] == "10"
    # A signed-in user's copy is also marked private.
    assert "no-store" in response["Cache-Control"].split(", ")
    assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/", "/commitments/", "/overdue/", "/changes/", "/feeds/evidence/"]
)
def test_an_unreachable_database_gives_the_503_page(production_mode, client, url):
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", unreachable):
        response = client.get(url)
    assert_clean_503(response)


@pytest.fixture
def evidence_post(production_mode):
    """An analyst's signed-in client (errors answered, not raised), the URL of a
    commitment's evidence form and a valid entry for it."""
    from django.contrib.auth.models import Group

    commitment = CommitmentFactory(reference="AST2005-31")
    analyst = UserFactory(username="amina")
    analyst.groups.add(Group.objects.get(name="Analysts"))
    client = Client(raise_request_exception=False)
    client.force_login(analyst)
    url = reverse("declarations:evidence-create", args=[commitment.reference])
    data = {
        "event_date": "2006-08-09",
        "event_date_precision": "day",
        "summary": "Written during the outage?",
        "source_title": "Wire",
        "source_publisher": "Reuters",
        "source_language": "en",
        "accessed_on": "2026-11-20",
        "excerpt": "the ministers met",
        "confidence": "high",
        "direction": "toward",
    }
    return client, url, data


@pytest.mark.django_db
def test_a_write_during_an_outage_gets_503_and_writes_nothing(evidence_post):
    client, url, data = evidence_post
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", unreachable):
        response = client.post(url, data)
    assert_clean_503(response)
    assert not Evidence.objects.exists()
    assert not Assessment.objects.exists()
    # Back up: the same session writes normally.
    assert client.post(url, data).status_code == 302
    assert Evidence.objects.count() == 1


@pytest.mark.django_db
def test_a_database_error_in_a_writing_view_gives_503_and_writes_nothing(
    evidence_post, caplog
):
    from declarations.services import records

    client, url, data = evidence_post
    original = records.status_derive

    def dropped(**kwargs):  # the evidence row is written, then the connection drops
        original(**kwargs)
        raise OperationalError("server closed the connection unexpectedly")

    with mock.patch.object(records, "status_derive", dropped):
        response = client.post(url, data)
    assert_clean_503(response)
    assert not Evidence.objects.exists()
    assert "Database unavailable, answered 503: POST" in caplog.text
    assert "Internal Server Error" not in caplog.text


@pytest.mark.django_db
@pytest.mark.urls(__name__)
@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_database_error_in_a_middleware_also_gives_503(production_mode, error):
    client = Client(raise_request_exception=False)

    def broken_save(self, *args, **kwargs):
        raise error("server closed the connection unexpectedly")

    with mock.patch.object(SessionStore, "save", broken_save):
        response = client.get("/touch-session/")
    assert_clean_503(response)


@pytest.mark.django_db
def test_the_503_page_needs_no_database(production_mode, django_assert_num_queries):
    with (
        django_assert_num_queries(0),
        mock.patch.object(BaseDatabaseWrapper, "ensure_connection", unreachable),
    ):
        response = database_unavailable_response()
    assert response.status_code == 503
    assert "Temporarily unavailable" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_other_errors_still_get_the_500_page(production_mode):
    client = Client(raise_request_exception=False)
    response = client.get("/fail/")
    assert response.status_code == 500
    content = response.content.decode()
    assert "Server error" in content and "ValueError" not in content


@pytest.mark.django_db
def test_unknown_address_gets_the_404_page(production_mode, client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "There is nothing at this address." in response.content.decode()


@pytest.mark.django_db
def test_with_debug_on_the_developer_sees_the_error(settings, client):
    settings.DEBUG = True
    with (
        mock.patch.object(BaseDatabaseWrapper, "ensure_connection", unreachable),
        pytest.raises(OperationalError),
    ):
        client.get("/commitments/")


def test_csp_header_format():
    policy = {"default-src": ["'self'"], "object-src": ["'none'"], "sandbox": []}
    assert csp_header(policy) == "default-src 'self'; object-src 'none'; sandbox"


@pytest.mark.parametrize(
    ("behind_proxy", "meta", "expected"),
    [
        (False, {"REMOTE_ADDR": "203.0.113.9"}, "203.0.113.9"),
        # Not behind a proxy, X-Forwarded-For is the client's own word: ignored.
        (
            False,
            {"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "198.51.100.1"},
            "203.0.113.9",
        ),
        # Behind one, the proxy appends the peer address: the last entry counts.
        (
            True,
            {
                "REMOTE_ADDR": "127.0.0.1",
                "HTTP_X_FORWARDED_FOR": "198.51.100.1, 203.0.113.9",
            },
            "203.0.113.9",
        ),
        (True, {"REMOTE_ADDR": "127.0.0.1"}, "127.0.0.1"),
    ],
)
def test_client_address_for_throttling(settings, rf, behind_proxy, meta, expected):
    settings.TRACKER_BEHIND_PROXY = behind_proxy
    request = rf.get("/", **meta)
    request.META.update(meta)
    assert client_ip_address(request) == expected


def test_postgresql_connections_end_within_seconds_on_a_dead_network():
    """Keepalives, a short connect timeout and tcp_user_timeout (issue 16; the
    partition itself is tests/test_partition.py, on PostgreSQL)."""
    env = production_env("postgres://tracker@db.example.org:5432/tracker")
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default']['OPTIONS']))"
    )
    result = run([sys.executable, "-c", code], env)
    options = json.loads(result.stdout)
    assert options["connect_timeout"] == 2
    assert options["keepalives"] == 1 and options["keepalives_idle"] <= 10
    assert options["keepalives_interval"] * options["keepalives_count"] <= 5
    assert 0 < options["tcp_user_timeout"] <= 3000


def test_the_shipped_services_start_the_web_and_the_task_worker():
    units = ROOT / "deploy" / "systemd"
    web = (units / "tracker-web.service").read_text()
    worker = (units / "tracker-worker.service").read_text()
    assert "gunicorn -c deploy/gunicorn.conf.py" in web
    assert "manage.py db_worker" in worker
    for unit in (web, worker):
        assert "EnvironmentFile=/etc/tracker/environment" in unit
        assert "Restart=" in unit
