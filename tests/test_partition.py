"""A silent network partition between the app and PostgreSQL (issue 16): the
production stack answers the 503 page within seconds, not when gunicorn kills the
worker, and serves pages again within a second of the network coming back.

gunicorn (as shipped, one worker, production settings) runs in a network
namespace of its own and reaches PostgreSQL through a TCP relay in the same
namespace (tests/relay.py); the test talks to gunicorn over a Unix socket. Taking
the namespace's loopback down drops every packet between the app and the relay
without a word (no reset, no refusal): a partition, as the kernel sees one, which
only TCP keepalives, ``tcp_user_timeout`` and the connect timeout can end.
"""

import os
import subprocess
import sys
import time

import pytest

from tests.stack import (
    ROOT,
    UnixHTTPConnection,
    free_port,
    get,
    have,
    needs_postgresql,
    production_env,
    stack_database,
    start_gunicorn,
    stop,
    wait_until_up,
)

# A page that reads the database on every request (the cache is switched off).
PAGE = "/feeds/evidence/"
UNAVAILABLE_WITHIN = 6.0
RECOVERED_WITHIN = 1.0

pytestmark = [
    needs_postgresql,
    pytest.mark.skipif(
        os.geteuid() != 0 or not have("unshare", "nsenter", "ip"),
        reason="needs root, unshare, nsenter and ip for a network namespace",
    ),
]


def postgres_socket() -> str:
    import psycopg

    from tests.stack import SUITE_DATABASE

    with psycopg.connect(SUITE_DATABASE.rsplit("/", 1)[0] + "/postgres") as conn:
        directory = conn.execute("SHOW unix_socket_directories").fetchone()[0]
        port = conn.execute("SHOW port").fetchone()[0]
    return f"{directory.split(',')[0].strip()}/.s.PGSQL.{port}"


@pytest.fixture
def namespace():
    holder = subprocess.Popen(["unshare", "--net", "--", "sleep", "600"])
    prefix = ["nsenter", f"--net=/proc/{holder.pid}/ns/net", "--"]
    for _ in range(50):
        if subprocess.run([*prefix, "true"]).returncode == 0:
            break
        time.sleep(0.1)
    loopback = [*prefix, "ip", "link", "set", "lo"]
    subprocess.run([*loopback, "up"], check=True)
    yield prefix, loopback
    stop(holder)


def test_a_silent_partition_gives_the_503_page_within_seconds_then_recovers(
    namespace, tmp_path
):
    prefix, loopback = namespace
    socket_path = str(tmp_path / "gunicorn.sock")
    port = free_port()
    with stack_database() as url:
        relay_command = [sys.executable, "-m", "tests.relay", "127.0.0.1", str(port)]
        relay = subprocess.Popen(
            [*prefix, *relay_command, postgres_socket()],
            cwd=ROOT,
            stdout=subprocess.PIPE,
        )
        assert relay.stdout.readline().strip() == b"listening"
        through_relay = url.replace(
            url.split("@", 1)[1].split("/", 1)[0], f"127.0.0.1:{port}"
        )
        env = production_env(
            through_relay,
            GUNICORN_BIND=f"unix:{socket_path}",
            GUNICORN_WORKERS="1",
            CACHE_URL="dummy://",
            DJANGO_SECURE_SSL_REDIRECT="0",
        )
        server = start_gunicorn(env, prefix=prefix, log=tmp_path / "gunicorn.log")
        try:

            def connect():
                return UnixHTTPConnection(socket_path, timeout=40)

            wait_until_up(connect, PAGE)
            status, _, _ = get(connect(), PAGE)  # the kept connection is in use
            assert status == 200

            subprocess.run([*loopback, "down"], check=True)
            outcomes = [get(connect(), PAGE) for _ in range(3)]
            for status, seconds, body in outcomes:
                assert status == 503, (status, seconds)
                assert seconds < UNAVAILABLE_WITHIN, outcomes
                assert b'data-page="unavailable"' in body
                assert b"Traceback" not in body

            subprocess.run([*loopback, "up"], check=True)
            status, seconds, _ = get(connect(), PAGE)
            assert status == 200 and seconds < RECOVERED_WITHIN, (status, seconds)
            log = (tmp_path / "gunicorn.log").read_text()
            assert "WORKER TIMEOUT" not in log, log[-2000:]
            print(
                "partition: 503 after "
                + ", ".join(f"{s:.2f}" for _, s, _ in outcomes)
                + f" s; first page after the network came back in {seconds:.3f} s"
            )
        finally:
            subprocess.run([*loopback, "up"])
            stop(server)
            stop(relay)
