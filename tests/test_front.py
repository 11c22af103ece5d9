"""The production front as shipped (issue 16): nginx with deploy/nginx.conf before
gunicorn with deploy/gunicorn.conf.py, production settings, PostgreSQL.

50 clients that send their headers one byte every 2 s do not delay a normal
request by more than a second (gunicorn alone, with sync workers, was down with
five), nginx cuts them off after its header timeout, overwrites the forwarded
headers a client sends, and serves the static files itself.

The configuration is used as shipped but for what differs on a test machine:
the addresses it listens on, the certificate (a self-signed one made here), the
static folder and gunicorn's address; each replaced text must be in the file.
"""

import http.client
import os
import re
import shutil
import socket
import ssl
import statistics
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.stack import (
    ROOT,
    STATIC_ROOT,
    free_port,
    get,
    needs_postgresql,
    production_env,
    stack_database,
    start_gunicorn,
    stop,
    wait_until_up,
)

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SLOW_CLIENTS = 50
BYTE_EVERY = 2.0  # seconds between two header bytes of a slow client
HOST = "tracker.example.org"
PAGE = "/feeds/evidence/"

pytestmark = [
    needs_postgresql,
    pytest.mark.skipif(
        not Path(NGINX).exists() or not shutil.which("openssl"),
        reason="needs nginx (apt-get install nginx) and openssl",
    ),
]


def shipped_config(tmp_path: Path, https_port: int, http_port: int, upstream: str):
    """deploy/nginx.conf with this machine's addresses, certificate and paths."""
    certificate, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    request = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes"]
    subprocess.run(
        [
            *request,
            "-days",
            "2",
            "-subj",
            f"/CN={HOST}",
            "-keyout",
            str(key),
            "-out",
            str(certificate),
        ],
        check=True,
        capture_output=True,
    )
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    replacements = {
        "listen 443 ssl;": f"listen 127.0.0.1:{https_port} ssl;",
        "listen [::]:443 ssl;": "",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen [::]:80;": "",
        f"/etc/letsencrypt/live/{HOST}/fullchain.pem": str(certificate),
        f"/etc/letsencrypt/live/{HOST}/privkey.pem": str(key),
        "/srv/tracker/staticfiles/": f"{STATIC_ROOT}/",
        "server 127.0.0.1:8000;": f"server {upstream};",
    }
    for old, new in replacements.items():
        assert old in text, f"deploy/nginx.conf no longer says {old!r}"
        text = text.replace(old, new)
    (tmp_path / "tracker.conf").write_text(text)
    user = "user root;" if os.geteuid() == 0 else ""
    (tmp_path / "nginx.conf").write_text(
        f"""{user}
daemon off;
worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log {tmp_path}/nginx-access.log;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fastcgi;
    uwsgi_temp_path {tmp_path}/uwsgi;
    scgi_temp_path {tmp_path}/scgi;
    include {tmp_path}/tracker.conf;
}}
"""
    )
    return tmp_path / "nginx.conf"


class SlowClient(threading.Thread):
    """Opens a TLS connection and sends a request's headers one byte at a time."""

    def __init__(self, port: int, context: ssl.SSLContext, stop_event):
        super().__init__(daemon=True)
        self.port, self.context, self.stop_event = port, context, stop_event
        self.sent = 0
        self.cut_off_after = None  # seconds until nginx closed the connection

    def run(self):
        request = f"GET / HTTP/1.1\r\nHost: {HOST}\r\nX-Slow: " + "x" * 200
        started = time.monotonic()
        raw = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        with self.context.wrap_socket(raw, server_hostname=HOST) as sock:
            sock.settimeout(0.05)
            for byte in request.encode():
                if self.stop_event.is_set():
                    return
                try:
                    sock.sendall(bytes([byte]))
                    self.sent += 1
                except OSError:
                    self.cut_off_after = time.monotonic() - started
                    return
                if self.stop_event.wait(BYTE_EVERY):
                    return
                try:
                    sock.recv(1024)
                except (TimeoutError, ssl.SSLWantReadError):
                    continue  # nothing said: keep trickling
                except OSError:
                    pass
                # nginx answered (a 408) or closed the connection: it gave up.
                self.cut_off_after = time.monotonic() - started
                return


def logged(path: Path, text: str, seconds: float = 5) -> str:
    """The first line of a log holding the text (gunicorn writes the access log
    once the answer is sent, so just after the client has read it)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for line in path.read_text().splitlines():
            if text in line:
                return line
        time.sleep(0.1)
    pytest.fail(f"{path.name} has no line with {text!r}")


def https(port: int, context) -> http.client.HTTPSConnection:
    return http.client.HTTPSConnection("127.0.0.1", port, timeout=30, context=context)


def test_the_shipped_front_holds_slow_clients_off_gunicorn(tmp_path):
    https_port, http_port, gunicorn_port = free_port(), free_port(), free_port()
    context = ssl._create_unverified_context()
    with stack_database() as url:
        env = production_env(
            url,
            DJANGO_BEHIND_TLS_PROXY="1",
            GUNICORN_BIND=f"127.0.0.1:{gunicorn_port}",
            GUNICORN_WORKERS="2",
            GUNICORN_ACCESS_LOG=str(tmp_path / "gunicorn-access.log"),
        )
        server = start_gunicorn(env, log=tmp_path / "gunicorn.log")
        config = shipped_config(
            tmp_path, https_port, http_port, f"127.0.0.1:{gunicorn_port}"
        )
        test = subprocess.run(
            [NGINX, "-t", "-p", str(tmp_path), "-c", str(config)],
            capture_output=True,
            text=True,
        )
        assert test.returncode == 0, test.stderr
        nginx = subprocess.Popen(
            [NGINX, "-p", str(tmp_path), "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        stop_event = threading.Event()
        try:
            wait_until_up(lambda: https(https_port, context), PAGE)

            def timed(n=5):
                times = []
                for _ in range(n):
                    status, seconds, _ = get(
                        https(https_port, context), PAGE, Host=HOST
                    )
                    assert status == 200
                    times.append(seconds)
                return times

            before = timed()

            slow = [
                SlowClient(https_port, context, stop_event) for _ in range(SLOW_CLIENTS)
            ]
            for client in slow:
                client.start()
            time.sleep(3 * BYTE_EVERY)  # all connected, each a few bytes in
            assert sum(1 for c in slow if c.sent and c.cut_off_after is None) >= 45
            during = timed(10)
            delay = max(during) - statistics.median(before)
            assert delay < 1.0, (before, during)

            # nginx ends them once its header timeout (10 s) has passed.
            for client in slow:
                client.join(timeout=20)
            cut = [c.cut_off_after for c in slow]
            assert all(t is not None and t < 16 for t in cut), cut

            # The forwarded headers are nginx's, not the client's.
            forged = {
                "Host": HOST,
                "X-Forwarded-For": "203.0.113.66",
                "X-Forwarded-Proto": "http",
            }
            status, _, _ = get(https(https_port, context), "/methodology/", **forged)
            assert status == 200  # https, whatever the client claimed
            line = logged(tmp_path / "gunicorn-access.log", "/methodology/")
            log = (tmp_path / "gunicorn-access.log").read_text()
            assert line.startswith("127.0.0.1 ") and "203.0.113.66" not in log

            # Static files come from nginx, with far-future caching.
            status, _, page = get(
                https(https_port, context), "/methodology/", Host=HOST
            )
            stylesheet = re.search(
                rb'href="(/static/css/tracker\.[0-9a-f]+\.css)"', page
            )
            connection = https(https_port, context)
            connection.request(
                "GET", stylesheet.group(1).decode(), headers={"Host": HOST}
            )
            response = connection.getresponse()
            assert response.status == 200 and response.read().strip()
            assert response.getheader("Server", "").startswith("nginx")
            assert "immutable" in response.getheader("Cache-Control")
            connection.close()
            assert "/static/" not in (tmp_path / "gunicorn-access.log").read_text()

            # Plain http is only a redirect to https.
            plain = http.client.HTTPConnection("127.0.0.1", http_port, timeout=10)
            status, _, _ = get(plain, "/methodology/", Host=HOST)
            assert status == 301
            print(
                f"front: median {statistics.median(before) * 1000:.0f} ms before, "
                f"max {max(during) * 1000:.0f} ms with {SLOW_CLIENTS} slow clients "
                f"(one header byte every {BYTE_EVERY:g} s); nginx cut them off "
                f"after {min(cut):.1f}-{max(cut):.1f} s"
            )
        finally:
            stop_event.set()
            stop(nginx)
            stop(server)
