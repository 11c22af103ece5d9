"""Mail that cannot hurt (issue 16): with debug off the tracker refuses to start with
a backend that prints or keeps mail, and says why; the reset mail is sent after
commit, by the task worker, with a timeout, so a mail server that stalls holds
neither a web worker nor the visitor; a reset request does the same work whether
or not the address exists."""

import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from declarations.checks import check_mail
from declarations.tasks import send_password_reset
from tests.factories import UserFactory
from tests.test_production import production_env

ROOT = Path(__file__).resolve().parent.parent
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
SMTP = "django.core.mail.backends.smtp.EmailBackend"


class StalledSMTPServer:
    """A mail server that accepts every connection and never says a word."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.accepted = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(connection)  # held open, never answered

    def close(self):
        for connection in self.accepted:
            connection.close()
        self.sock.close()


@pytest.fixture
def stalled_smtp(settings):
    server = StalledSMTPServer()
    settings.EMAIL_BACKEND = SMTP
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_TIMEOUT = 1
    yield server
    server.close()


def reset(client, email):
    return client.post(reverse("password_reset"), {"email": email})


# Production refuses a backend that prints or keeps mail ---------------------------


@pytest.mark.parametrize(
    "backend",
    [
        None,
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.filebased.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
    ],
)
def test_production_refuses_to_start_without_a_real_mail_backend(backend, tmp_path):
    env = production_env(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    if backend is None:
        del env["DJANGO_EMAIL_BACKEND"]
    else:
        env["DJANGO_EMAIL_BACKEND"] = backend
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_EMAIL_BACKEND is" in result.stderr
    assert "password-reset link" in result.stderr


def test_the_deploy_check_says_why_a_backend_is_unsafe(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    settings.EMAIL_TIMEOUT = None
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }
    problems = {problem.id: problem for problem in check_mail()}
    assert set(problems) == {"tracker.E001", "tracker.W002", "tracker.W003"}
    assert "prints every message" in problems["tracker.E001"].msg
    assert "take over the account" in problems["tracker.E001"].hint
    settings.EMAIL_BACKEND, settings.EMAIL_TIMEOUT = SMTP, 10
    settings.TASKS = DATABASE_TASKS
    assert check_mail() == []


def test_production_settings_have_a_mail_timeout_and_a_queue(tmp_path):
    env = production_env(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.EMAIL_TIMEOUT, s.TASKS['default']['BACKEND'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split() == ["10", "django_tasks_db.DatabaseBackend"]


# The reset mail goes through the queue, after commit ----------------------------


@pytest.mark.django_db
def test_a_reset_request_enqueues_the_address_after_commit_and_sends_nothing(
    client, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    UserFactory(username="amina", email="amina@example.org")
    with django_capture_on_commit_callbacks() as callbacks:
        response = reset(client, "amina@example.org")
        assert not DBTaskResult.objects.exists()  # not before the commit
    assert response.status_code == 302
    assert len(callbacks) == 1
    callbacks[0]()
    (queued,) = DBTaskResult.objects.all()
    assert queued.task_path == "declarations.tasks.send_password_reset"
    assert queued.args_kwargs["kwargs"] == {
        "email": "amina@example.org",
        "domain": "testserver",
        "use_https": False,
    }
    # Nothing secret waits in the queue: the link is made when the mail is sent.
    assert "token" not in str(queued.args_kwargs)
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_the_task_worker_sends_the_reset_mail(client, settings):
    settings.TASKS = DATABASE_TASKS
    UserFactory(username="amina", email="amina@example.org")
    assert reset(client, "amina@example.org").status_code == 302
    assert mail.outbox == []
    (queued,) = DBTaskResult.objects.all()  # committed when the request ended
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    (message,) = mail.outbox
    assert message.to == ["amina@example.org"]
    assert "http://testserver/accounts/reset/" in message.body
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL" and queued.return_value == 1


@pytest.mark.django_db
def test_a_reset_request_does_the_same_work_for_every_address(
    client, settings, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.TASKS = DATABASE_TASKS
    UserFactory(username="amina", email="amina@example.org")
    work = {}
    for email in ("amina@example.org", "nobody@example.org"):
        with (
            CaptureQueriesContext(connection) as captured,
            django_capture_on_commit_callbacks(execute=True),
        ):
            response = reset(client, email)
        assert response.status_code == 302
        work[email] = [re.sub(r"'[^']*'", "?", q["sql"]) for q in captured]
    # The same statements (but for their values), none of which looks the
    # address up.
    assert work["amina@example.org"] == work["nobody@example.org"]
    assert not any("auth_user" in sql for sql in work["nobody@example.org"])
    assert DBTaskResult.objects.count() == 2 and mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_a_stalled_mail_server_holds_neither_the_request_nor_tells_addresses_apart(
    client, settings, stalled_smtp
):
    # As deployed: autocommit, so each request enqueues as it ends, into the
    # queue in the database; the mail server is the worker's business.
    settings.TASKS = DATABASE_TASKS
    UserFactory(username="amina", email="amina@example.org")
    times = {"amina@example.org": [], "nobody@example.org": []}
    for _ in range(5):
        for email, spent in times.items():
            started = time.perf_counter()
            response = reset(client, email)
            spent.append(time.perf_counter() - started)
            assert response.status_code == 302
    existing = statistics.median(times["amina@example.org"])
    unknown = statistics.median(times["nobody@example.org"])
    assert max(max(t) for t in times.values()) < 0.5, times
    assert abs(existing - unknown) < 0.02, times
    assert stalled_smtp.accepted == []  # the request never spoke to it
    assert DBTaskResult.objects.count() == 10


@pytest.mark.django_db(transaction=True)
def test_the_worker_gives_up_on_a_stalled_mail_server_after_the_timeout(
    client, settings, stalled_smtp
):
    settings.TASKS = DATABASE_TASKS
    UserFactory(username="amina", email="amina@example.org")
    started = time.perf_counter()
    assert reset(client, "amina@example.org").status_code == 302
    assert time.perf_counter() - started < 0.5
    (queued,) = DBTaskResult.objects.all()  # committed: the request is done
    started = time.perf_counter()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    spent = time.perf_counter() - started
    assert len(stalled_smtp.accepted) == 1  # it did try
    assert spent < settings.EMAIL_TIMEOUT + 2, spent
    queued.refresh_from_db()
    assert queued.status == "FAILED"
    assert "timed out" in queued.traceback.lower()


@pytest.mark.django_db
def test_the_task_sends_to_an_existing_address_only():
    UserFactory(username="amina", email="amina@example.org")
    kwargs = {"domain": "tracker.example.org", "use_https": True}
    assert send_password_reset.call(email="nobody@example.org", **kwargs) == 0
    assert mail.outbox == []
    assert send_password_reset.call(email="amina@example.org", **kwargs) == 1
    assert "https://tracker.example.org/accounts/reset/" in mail.outbox[0].body


@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
)
@pytest.mark.django_db
def test_locally_the_mail_is_sent_at_once_after_commit(
    client, django_capture_on_commit_callbacks
):
    UserFactory(username="amina", email="amina@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert reset(client, "amina@example.org").status_code == 302
    assert len(mail.outbox) == 1
