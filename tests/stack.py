"""The production stack for the tests that start it as shipped: a PostgreSQL
database of its own, migrated with the production settings, and gunicorn with
``deploy/gunicorn.conf.py`` (nginx with ``deploy/nginx.conf`` in test_front.py).

Those tests run when the suite runs on PostgreSQL (``DATABASE_URL``): the stack's
database is that server's ``<name>_stack``, created and dropped by the tests.
"""

import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
SUITE_DATABASE = os.environ.get("DATABASE_URL", "")
# collectstatic's output for the stack (WhiteNoise serves it, nginx too).
STATIC_ROOT = Path(tempfile.gettempdir()) / f"tracker-stack-static-{os.getpid()}"
ON_POSTGRESQL = SUITE_DATABASE.startswith(("postgres://", "postgresql://"))

needs_postgresql = pytest.mark.skipif(
    not ON_POSTGRESQL or not GUNICORN.exists(),
    reason="the production stack runs on PostgreSQL (DATABASE_URL) with gunicorn",
)


def production_env(database_url: str, **extra) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "PYTEST", "GUNICORN_"))
    }
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="stack-test-" + "k" * 50,
        DJANGO_ALLOWED_HOSTS="tracker.example.org,127.0.0.1,localhost",
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="tracker.settings",
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        DJANGO_LOG_LEVEL="WARNING",
        DJANGO_STATIC_ROOT=str(STATIC_ROOT),
        **extra,
    )
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def stack_database():
    """A migrated database ``<suite database>_stack`` holding the Astana codebook,
    and the static files collected; its URL. Both are removed afterwards."""
    import psycopg

    parts = urllib.parse.urlsplit(SUITE_DATABASE)
    name = parts.path.lstrip("/") + "_stack"
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    url = urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        env = production_env(url)
        for command in (
            ["bootstrap"],  # migrate, the codebook and its record
            ["collectstatic", "--noinput", "-v0"],
        ):
            result = subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
            )
            assert result.returncode == 0, result.stderr[-3000:]
        yield url
    finally:
        shutil.rmtree(STATIC_ROOT, ignore_errors=True)
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_gunicorn(env: dict, *, prefix=(), log: Path) -> subprocess.Popen:
    """gunicorn as shipped (``-c deploy/gunicorn.conf.py``), optionally run
    through a command prefix (nsenter); output to ``log``."""
    with open(log, "wb") as output:
        return subprocess.Popen(
            [*prefix, str(GUNICORN), "-c", "deploy/gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def stop(process: subprocess.Popen, timeout: float = 30) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class UnixHTTPConnection(http.client.HTTPConnection):
    """HTTP over a Unix socket (gunicorn bound to ``unix:PATH``)."""

    def __init__(self, path: str, timeout: float):
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)


def get(connection: http.client.HTTPConnection, path: str, **headers):
    """(status, seconds, body) of one GET, the connection closed after it."""
    started = time.perf_counter()
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1", **headers})
        response = connection.getresponse()
        body = response.read()
        return response.status, time.perf_counter() - started, body
    finally:
        connection.close()


def wait_until_up(connect, path: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            status, _, _ = get(connect(), path)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"the stack did not answer {path} within {seconds} s")


def have(*programs: str) -> bool:
    return all(shutil.which(program) for program in programs)
