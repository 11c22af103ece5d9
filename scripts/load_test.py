#!/usr/bin/env python3
"""Load and fault test: gunicorn + PostgreSQL on localhost, public readers and analysts
whose writes collide, then a check that no write was lost, doubled or half-done.

    .venv/bin/python scripts/load_test.py                          # 20 clients, 60 s
    .venv/bin/python scripts/load_test.py --fault restart-postgres
    .venv/bin/python scripts/load_test.py --fault kill-worker
    .venv/bin/python scripts/load_test.py --clients 5 --seconds 10 \\
        --fault restart-postgres,kill-worker                       # the short CI form

What it does, in order:

1. (Re)creates the PostgreSQL database named in ``--database-url`` (default
   ``postgres://postgres@127.0.0.1:5432/tracker_load``; the name must contain
   "load", as it is dropped first), migrates it, loads the Astana codebook, creates
   the analysts' accounts with ``create_user`` and collects the static files.
2. Starts gunicorn with ``deploy/gunicorn.conf.py`` and production settings (debug
   off, HTTPS as behind a TLS proxy, secure cookies, CSP) on a free localhost port.
3. Runs the clients for ``--seconds``: readers fetch the public pages (lists with
   filters, commitments, bodies, overdue, the reader, feeds, static files); analysts
   log in and log evidence and assessments on the same few commitments, so their
   assessments collide and some are refused as stale (counted apart: that refusal
   is correct behaviour, and nothing is written). Each write carries a unique token.
4. Injects the faults asked for, evenly spread over the run: ``restart-postgres``
   stops PostgreSQL for ``--outage`` seconds and starts it again; ``kill-worker``
   SIGKILLs a busy gunicorn worker (gunicorn replaces it). gunicorn itself is never
   restarted.
5. Checks the site answers again, stops gunicorn, and verifies the database: every
   write that got a success response is there exactly once (the row its redirect
   named, with every piece of evidence it cited), no refused write is there, a write
   whose response was lost is there at most once and whole, and every commitment's
   current status is the one its latest assessment sets.

It prints throughput, latency percentiles (p50/p95/p99) and the outcome counts, and
exits 1 if a target is missed: zero errors (a 5xx other than the clean 503 page, a
traceback, an unexpected status or refusal), zero lost or duplicated writes, 503s
only while PostgreSQL is down, recovery within ``--recovery-limit`` seconds, and at
most one dropped connection per killed worker (sync workers serve one request each).
Only addresses on this machine are contacted; every loop stops at the deadline.
"""

import argparse
import dataclasses
import datetime
import http.client
import http.cookies
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tracker_load"
FIRST_DAY = datetime.date(2005, 7, 5)  # the Astana declaration's date
STALE_TEXT = "Someone assessed this commitment while you were editing"
UNAVAILABLE_MARK = 'data-page="unavailable"'
ASSESSABLE = ["not_started", "in_progress", "stalled", "implemented", "abandoned"]
FAULTS = ("none", "restart-postgres", "kill-worker")
PASSWORD = "load-test passphrase " + secrets.token_hex(8)


# --- HTTP ---------------------------------------------------------------------


@dataclasses.dataclass
class Reply:
    status: int  # 0 when the connection dropped without a response
    headers: dict
    body: str
    started: float
    elapsed: float


class Browser:
    """One client: its own cookies, a new connection per request (gunicorn's sync
    workers close it after each response), and the headers a TLS proxy adds."""

    def __init__(self, port: int, timeout: float):
        self.port, self.timeout = port, timeout
        self.origin = f"https://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}
        self.forms: dict[str, Reply] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> Reply:
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "User-Agent": "tracker-load-test",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
        started = time.monotonic()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, self.timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode("utf-8", "replace")
            for raw in response.headers.get_all("Set-Cookie") or []:
                self._store(raw)
            reply_headers = {k.lower(): v for k, v in response.getheaders()}
            return Reply(
                response.status,
                reply_headers,
                content,
                started,
                time.monotonic() - started,
            )
        except (OSError, http.client.HTTPException) as error:
            return Reply(0, {}, repr(error), started, time.monotonic() - started)
        finally:
            connection.close()

    def _store(self, raw: str) -> None:
        cookie = http.cookies.SimpleCookie()
        cookie.load(raw)
        for name, morsel in cookie.items():
            if morsel.value and morsel["max-age"] != "0":
                self.cookies[name] = morsel.value
            else:
                self.cookies.pop(name, None)


def hidden_value(html: str, name: str) -> str | None:
    """The value of the (hidden) input called ``name``; '' when it has none."""
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
    if tag is None:
        return None
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return value.group(1) if value else ""


# --- bookkeeping --------------------------------------------------------------


@dataclasses.dataclass
class Request:
    kind: str  # read, login, form, evidence, assessment
    outcome: str  # ok, stale, unavailable, dropped, error
    status: int
    started: float
    elapsed: float
    path: str


@dataclasses.dataclass
class Write:
    kind: str  # evidence or assessment
    token: str
    reference: str
    outcome: str
    pk: int | None = None
    cited: tuple[int, ...] = ()


class Ledger:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests: list[Request] = []
        self.writes: list[Write] = []
        self.errors: list[str] = []

    def add(self, kind: str, path: str, reply: Reply, outcome: str | None = None):
        if outcome is None:
            outcome = classify(reply)
        with self.lock:
            self.requests.append(
                Request(kind, outcome, reply.status, reply.started, reply.elapsed, path)
            )
            if outcome == "error" and len(self.errors) < 20:
                snippet = " ".join(reply.body[:300].split())
                self.errors.append(f"{kind} {path} -> {reply.status}: {snippet}")
        return outcome

    def add_write(self, write: Write):
        with self.lock:
            self.writes.append(write)


def classify(reply: Reply, expected=(200,)) -> str:
    if reply.status == 0:
        return "dropped"
    if "Traceback" in reply.body:
        return "error"
    if reply.status == 503:
        return "unavailable" if UNAVAILABLE_MARK in reply.body else "error"
    return "ok" if reply.status in expected else "error"


# --- clients ------------------------------------------------------------------


class Run:
    def __init__(self, args, port: int, references: list[str], others: list[str]):
        self.args, self.port = args, port
        self.hot, self.others = references, others
        self.ledger = Ledger()
        self.deadline = 0.0
        self.today = datetime.datetime.now(datetime.UTC).date()
        self.rng_think = random.Random(0)

    def running(self) -> bool:
        return time.monotonic() < self.deadline

    def read_paths(self) -> list[str]:
        hot = [f"/commitments/{r}/" for r in self.hot]
        other = [f"/commitments/{r}/" for r in self.others]
        return [
            "/",
            "/?as_of=2006-06-15",
            "/commitments/",
            "/commitments/?status=in_progress&status=stalled",
            "/commitments/?q=terrorism&sort=-reference",
            "/commitments/?overdue_band=definitely&as_of=2007-01-01",
            "/overdue/",
            "/overdue/?as_of=2006-12-31",
            "/bodies/",
            "/declarations/",
            "/declarations/astana-2005/",
            "/methodology/",
            "/changes/",
            "/feeds/evidence/",
            "/feeds/deadlines.ics",
            "/static/css/tracker.css",
            *hot,
            *hot,
            *other,
        ]

    def reader(self, seed: int):
        rng = random.Random(seed)
        browser = Browser(self.port, self.args.timeout)
        paths = self.read_paths()
        while self.running():
            path = rng.choice(paths)
            self.ledger.add("read", path, browser.request("GET", path))

    def login(self, browser: Browser, username: str) -> bool:
        while self.running():
            page = browser.request("GET", "/accounts/login/")
            if self.ledger.add("login", "/accounts/login/", page) != "ok":
                time.sleep(0.5)
                continue
            form = {
                "csrfmiddlewaretoken": hidden_value(page.body, "csrfmiddlewaretoken"),
                "username": username,
                "password": PASSWORD,
                "next": "/me/",
            }
            reply = browser.request("POST", "/accounts/login/", form)
            outcome = classify(reply, expected=(302,))
            self.ledger.add("login", "/accounts/login/ POST", reply, outcome)
            if outcome == "ok":
                return True
            time.sleep(0.5)
        return False

    def analyst(self, seed: int, username: str):
        rng = random.Random(seed)
        browser = Browser(self.port, self.args.timeout)
        if not self.login(browser, username):
            return
        while self.running():
            reference = rng.choice(self.hot)
            if rng.random() < 0.5:
                self.log_evidence(browser, rng, reference)
            else:
                self.assess(browser, rng, reference)
            # Analysts also read, as they would after saving.
            path = f"/commitments/{reference}/"
            self.ledger.add("read", path, browser.request("GET", path))

    def get_form(self, browser: Browser, path: str, rng: random.Random) -> Reply | None:
        """The form page; half the time the one fetched earlier, as from a tab left
        open (so that posts also arrive while the database is down, and stale)."""
        kept = browser.forms.get(path)
        if kept is not None and rng.random() < 0.5:
            return kept
        page = browser.request("GET", path)
        if self.ledger.add("form", path, page) != "ok":
            time.sleep(0.2)
            return None
        browser.forms[path] = page
        return page

    def log_evidence(self, browser: Browser, rng: random.Random, reference: str):
        path = f"/commitments/{reference}/evidence/new/"
        page = self.get_form(browser, path, rng)
        if page is None:
            return
        token = uuid.uuid4().hex
        days = (self.today - FIRST_DAY).days
        form = {
            "csrfmiddlewaretoken": hidden_value(page.body, "csrfmiddlewaretoken"),
            "event_date": (
                FIRST_DAY + datetime.timedelta(rng.randint(0, days))
            ).isoformat(),
            "event_date_precision": "day",
            "summary": f"Load test evidence {token}",
            "source_title": f"Load test source {token}",
            "source_publisher": "Load test",
            "source_url": f"https://example.org/load/{token}",
            "accessed_on": self.today.isoformat(),
            "excerpt": "",
            "direction": rng.choice(["toward", "against", "neutral"]),
        }
        self.post_write(browser, "evidence", path, form, token, reference, ())

    def assess(self, browser: Browser, rng: random.Random, reference: str):
        path = f"/commitments/{reference}/assess/"
        page = self.get_form(browser, path, rng)
        if page is None:
            return
        token = uuid.uuid4().hex
        evidence = re.findall(r'name="evidence" value="(\d+)"', page.body)
        cited = tuple(
            sorted({int(pk) for pk in rng.sample(evidence, min(2, len(evidence)))})
        )
        days = (self.today - FIRST_DAY).days
        form = {
            "csrfmiddlewaretoken": hidden_value(page.body, "csrfmiddlewaretoken"),
            "seen_latest": hidden_value(page.body, "seen_latest") or "",
            "status": rng.choice(ASSESSABLE),
            "as_of": (FIRST_DAY + datetime.timedelta(rng.randint(0, days))).isoformat(),
            "confidence": rng.choice(["low", "medium", "high"]),
            "rationale": f"Load test assessment {token}",
            "evidence": [str(pk) for pk in cited],
            "member_state": "",
            "corrects": "",
            "superseded_by": "",
        }
        self.post_write(browser, "assessment", path, form, token, reference, cited)

    def post_write(self, browser, kind, path, form, token, reference, cited):
        # An analyst takes a moment to fill the form in: the database may go down,
        # or a colleague assess the same commitment, between the page and the post.
        time.sleep(self.rng_think.uniform(0, 0.4))
        reply = browser.request("POST", path, form)
        outcome = classify(reply, expected=(302,))
        pk = None
        if outcome == "ok":
            found = re.search(rf"#{kind}-(\d+)$", reply.headers.get("location", ""))
            if found and f"/commitments/{reference}/" in reply.headers["location"]:
                pk = int(found.group(1))
            else:
                outcome = "error"
        elif reply.status == 200 and kind == "assessment" and STALE_TEXT in reply.body:
            outcome = "stale"
        self.ledger.add(kind, path + " POST", reply, outcome)
        self.ledger.add_write(Write(kind, token, reference, outcome, pk, cited))


# --- server and database ------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(args, workdir: Path, port: int) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="load-" + secrets.token_urlsafe(48),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=args.database_url,
        DJANGO_BEHIND_TLS_PROXY="1",
        DJANGO_STATIC_ROOT=str(workdir / "static"),
        DJANGO_LOG_LEVEL="WARNING",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS=str(args.workers),
        GUNICORN_ACCESS_LOG=str(workdir / "access.log"),
        GUNICORN_ERROR_LOG=str(workdir / "gunicorn.log"),
    )
    env.pop("DJANGO_SECURE_SSL_REDIRECT", None)
    return env


def manage(env: dict, *arguments: str) -> None:
    subprocess.run(
        [PYTHON, "manage.py", *arguments], cwd=ROOT, env=env, check=True, timeout=600
    )


def recreate_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    if "load" not in name:
        sys.exit(
            f"refusing to drop {name!r}: the load test database must contain 'load'"
        )
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def prepare(args, env: dict, workdir: Path) -> list[str]:
    recreate_database(args.database_url)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "loaddata", "astana_2005", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    password_file = workdir / "password"
    password_file.write_text(PASSWORD + "\n")
    usernames = [f"load-analyst-{n}" for n in range(1, args.analysts + 1)]
    for username in usernames:
        manage(
            env,
            "create_user",
            username,
            "--role",
            "analyst",
            "--password-file",
            str(password_file),
        )
    return usernames


def start_gunicorn(env: dict, workdir: Path, port: int) -> subprocess.Popen:
    log = open(workdir / "server.log", "ab")  # noqa: SIM115 -- closed with the process
    server = subprocess.Popen(
        [GUNICORN, "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    probe = Browser(port, 5)
    for _ in range(100):
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with {server.returncode}; see {workdir}")
        if probe.request("GET", "/").status == 200:
            return server
        time.sleep(0.2)
    server.terminate()
    sys.exit(f"gunicorn did not answer on port {port}; see {workdir}")


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True
    ).stdout
    return [int(pid) for pid in out.split()]


def cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return 0


def postgres_cluster(args) -> tuple[str, str]:
    if args.pg_cluster:
        version, name = args.pg_cluster.split("/")
        return version, name
    versions = sorted(
        os.listdir("/etc/postgresql"),
        key=lambda v: [int(x) for x in v.split(".") if x.isdigit()],
    )
    return versions[-1], "main"


def pg_ctl(cluster: tuple[str, str], action: str) -> None:
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", *cluster, action]
    if action == "stop":
        command += ["-m", "fast"]
    subprocess.run(command, check=True, timeout=60)


def wait_for_postgres(timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready = subprocess.run(
            ["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"], check=False
        )
        if ready.returncode == 0:
            return
        time.sleep(0.2)


@dataclasses.dataclass
class FaultEvent:
    kind: str
    at: float  # seconds into the run
    down_from: float | None = None  # monotonic, PostgreSQL unavailable from ...
    down_until: float | None = None  # ... until (started again)
    killed_pid: int | None = None
    workers_after: int | None = None
    note: str = ""


def inject_faults(args, run: Run, server: subprocess.Popen, start: float, events):
    faults = [f for f in args.fault.split(",") if f and f != "none"]
    cluster = postgres_cluster(args) if "restart-postgres" in faults else None
    for index, fault in enumerate(faults):
        # Early enough that the run goes on long enough after it to see recovery.
        at = args.seconds * (index + 1) / (len(faults) + 2)
        while time.monotonic() < start + at:
            time.sleep(0.05)
        event = FaultEvent(fault, round(time.monotonic() - start, 1))
        if fault == "restart-postgres":
            event.down_from = time.monotonic()
            try:
                pg_ctl(cluster, "stop")
                time.sleep(args.outage)
            finally:
                pg_ctl(cluster, "start")
                wait_for_postgres()
            event.down_until = time.monotonic()
            event.note = (
                f"PostgreSQL down {event.down_until - event.down_from:.1f} s "
                f"(stop -m fast, {args.outage:g} s pause, start)"
            )
        elif fault == "kill-worker":
            # A worker mid-request is one using CPU right now: sample for 0.1 s.
            workers = worker_pids(server.pid)
            before = {pid: cpu_ticks(pid) for pid in workers}
            time.sleep(0.1)
            busy = [pid for pid in workers if cpu_ticks(pid) > before[pid]]
            victim = random.choice(busy or workers)
            os.kill(victim, signal.SIGKILL)
            event.killed_pid = victim
            time.sleep(2)
            event.workers_after = len(worker_pids(server.pid))
            event.note = (
                f"SIGKILL to worker {victim} ({'busy' if busy else 'idle'}); "
                f"{event.workers_after} workers 2 s later"
            )
        events.append(event)


# --- verification -------------------------------------------------------------


def verify(run: Run) -> tuple[list[str], dict]:
    """Problems found in the database, and the write counts for the report."""
    from django.db import connections

    from declarations.models import (
        Assessment,
        Commitment,
        CommitmentState,
        Evidence,
        Status,
    )

    connections.close_all()  # PostgreSQL may have restarted under an old connection
    problems: list[str] = []
    found = {
        "evidence": defaultdict(list),
        "assessment": defaultdict(list),
    }
    for pk, summary in Evidence.objects.filter(
        summary__startswith="Load test evidence "
    ).values_list("pk", "summary"):
        found["evidence"][summary.rsplit(" ", 1)[1]].append(pk)
    cited_in_db = defaultdict(set)
    for pk, rationale, evidence in Assessment.objects.filter(
        rationale__startswith="Load test assessment "
    ).values_list("pk", "rationale", "evidence"):
        token = rationale.rsplit(" ", 1)[1]
        if pk not in found["assessment"][token]:
            found["assessment"][token].append(pk)
        if evidence is not None:
            cited_in_db[pk].add(evidence)

    counts = Counter()
    sent = {"evidence": set(), "assessment": set()}
    for write in run.ledger.writes:
        sent[write.kind].add(write.token)
        rows = found[write.kind].get(write.token, [])
        counts[(write.kind, write.outcome)] += 1
        label = f"{write.kind} {write.token[:8]} ({write.outcome})"
        if write.outcome == "ok":
            if rows != [write.pk]:
                problems.append(f"{label}: confirmed as #{write.pk}, found {rows}")
        elif write.outcome == "stale":
            if rows:
                problems.append(f"{label}: refused as stale but written as {rows}")
        elif len(rows) > 1:
            # The response was lost (503, dropped) or wrong: at most once, whole.
            problems.append(f"{label}: written {len(rows)} times")
        if write.outcome in ("unavailable", "dropped") and rows:
            counts[(write.kind, "landed")] += 1
        if write.kind == "assessment":
            for pk in rows:
                if cited_in_db[pk] != set(write.cited):
                    problems.append(
                        f"{label}: cites {sorted(cited_in_db[pk])} in the database, "
                        f"{list(write.cited)} in the form (half-done write)"
                    )
    for kind in found:
        unknown = set(found[kind]) - sent[kind]
        if unknown:
            problems.append(f"{len(unknown)} {kind} rows that no client sent")

    states = dict(CommitmentState.objects.values_list("commitment_id", "status"))
    since_of = dict(CommitmentState.objects.values_list("commitment_id", "since"))
    for commitment in Commitment.objects.all():
        history = list(
            Assessment.objects.filter(commitment=commitment)
            .overall()
            .effective()
            .in_force_order()
            .values_list("status", "as_of")
        )
        expected = (Status.UNASSESSED, None)
        if history:
            # The latest assessment's status, held since the earliest assessment
            # of the unbroken run of that status that ends with it.
            status = history[0][0]
            since = history[0][1]
            for earlier_status, as_of in history[1:]:
                if earlier_status != status:
                    break
                since = as_of
            expected = (status, since)
        actual = (states.get(commitment.pk), since_of.get(commitment.pk))
        if actual != expected:
            problems.append(
                f"{commitment.reference}: current status {actual}, its assessments "
                f"say {expected}"
            )
    return problems, counts


# --- report -------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--analysts",
        type=int,
        default=None,
        help="how many of the clients are analysts writing (default a quarter, min 2)",
    )
    parser.add_argument("--hot", type=int, default=3, help="commitments written to")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers")
    parser.add_argument(
        "--database-url", default=os.environ.get("LOAD_DATABASE_URL", DEFAULT_URL)
    )
    parser.add_argument(
        "--fault",
        default="none",
        help="comma-separated: " + ", ".join(FAULTS) + " (spread over the run)",
    )
    parser.add_argument(
        "--outage", type=float, default=2, help="seconds PostgreSQL stays down"
    )
    parser.add_argument(
        "--pg-cluster", help="VERSION/NAME for pg_ctlcluster (default: newest/main)"
    )
    parser.add_argument("--timeout", type=float, default=35, help="client timeout, s")
    parser.add_argument("--recovery-limit", type=float, default=10)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--keep", action="store_true", help="keep the logs' folder")
    args = parser.parse_args(argv)
    for fault in args.fault.split(","):
        if fault not in FAULTS:
            parser.error(f"unknown fault {fault!r}")
    if args.analysts is None:
        args.analysts = max(2, args.clients // 4)
    args.analysts = min(args.analysts, args.clients)

    workdir = Path(tempfile.mkdtemp(prefix="tracker-load-"))
    port = free_port()
    env = production_env(args, workdir, port)
    print(
        f"Preparing {urllib.parse.urlsplit(args.database_url).path[1:]} ...", flush=True
    )
    usernames = prepare(args, env, workdir)

    # The verification reads the database through the models, in this process.
    os.environ.update(
        {
            k: env[k]
            for k in (
                "DJANGO_DEBUG",
                "DJANGO_SECRET_KEY",
                "DATABASE_URL",
                "DJANGO_ALLOWED_HOSTS",
            )
        }
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connections

    from declarations.models import Commitment

    references = list(
        Commitment.objects.order_by("reference").values_list("reference", flat=True)
    )
    hot, others = references[: args.hot], references[args.hot :][:12]
    connections.close_all()

    server = start_gunicorn(env, workdir, port)
    run = Run(args, port, hot, others)
    events: list[FaultEvent] = []
    threads = []
    start = time.monotonic()
    run.deadline = start + args.seconds
    for n in range(args.clients):
        if n < args.analysts:
            target, arguments = run.analyst, (n, usernames[n % len(usernames)])
        else:
            target, arguments = run.reader, (n,)
        threads.append(threading.Thread(target=target, args=arguments, daemon=True))
    fault_thread = threading.Thread(
        target=inject_faults, args=(args, run, server, start, events), daemon=True
    )
    print(
        f"Running {args.clients} clients ({args.analysts} analysts) for "
        f"{args.seconds:g} s against gunicorn ({args.workers} sync workers) on port "
        f"{port}; faults: {args.fault}",
        flush=True,
    )
    for thread in threads:
        thread.start()
    fault_thread.start()
    fault_thread.join()
    for thread in threads:
        thread.join(timeout=args.seconds + args.timeout + 30)
    elapsed = time.monotonic() - start

    # After the run: the same gunicorn master answers, with no restart.
    probe = Browser(port, 10)
    after = [probe.request("GET", p) for p in ("/", f"/commitments/{hot[0]}/")]
    healthy_after = all(r.status == 200 for r in after) and server.poll() is None
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=40)
    except subprocess.TimeoutExpired:
        server.kill()

    problems, counts = verify(run)
    server_log = (workdir / "server.log").read_text(errors="replace")
    passed = report(
        args, run, events, elapsed, problems, counts, healthy_after, server_log
    )
    if args.keep or not passed:
        print(f"Logs: {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    print("Load test passed." if passed else "Load test FAILED.")
    return 0 if passed else 1


KINDS = ("read", "login", "form", "evidence", "assessment")


def report(args, run, events, elapsed, problems, counts, healthy_after, server_log):
    """Print the figures and the targets; write them as JSON if asked; True if met."""
    requests = run.ledger.requests
    outcomes = Counter(r.outcome for r in requests)
    statuses = Counter(r.status for r in requests)

    # 503s are expected only while PostgreSQL is down, and for requests that set
    # off just before it went down or just after it came back.
    outages = [(e.down_from, e.down_until) for e in events if e.down_from]
    stray_503 = [
        r
        for r in requests
        if r.outcome == "unavailable"
        and not any(
            a - 0.5 <= r.started + r.elapsed and r.started <= b + 2 for a, b in outages
        )
    ]
    recovery = []
    for _down, up in outages:
        first_ok = min(
            (
                r.started + r.elapsed
                for r in requests
                if r.kind == "read" and r.outcome == "ok" and r.started >= up
            ),
            default=None,
        )
        recovery.append(None if first_ok is None else round(first_ok - up, 2))
    kills = [e for e in events if e.kind == "kill-worker"]

    def latency(rs):
        ms = [r.elapsed * 1000 for r in rs]
        return {
            "count": len(ms),
            **{f"p{q}": round(percentile(ms, q / 100), 1) for q in (50, 95, 99)},
            "max": round(max(ms, default=0), 1),
        }

    figures = {
        "clients": args.clients,
        "analysts": args.analysts,
        "seconds": round(elapsed, 1),
        "workers": args.workers,
        "cores": os.cpu_count(),
        "faults": [{"kind": e.kind, "at_s": e.at, "note": e.note} for e in events],
        "requests": len(requests),
        "throughput_per_s": round(len(requests) / elapsed, 1),
        "latency_ms": {
            "all": latency(requests),
            **{k: latency([r for r in requests if r.kind == k]) for k in KINDS},
        },
        "outcomes": dict(outcomes),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "writes": {f"{k} {o}": v for (k, o), v in sorted(counts.items())},
        "recovery_s": recovery,
        "stray_503": len(stray_503),
        "healthy_after": healthy_after,
        "problems": problems,
        "server_log_db_unavailable": server_log.count("Database unavailable"),
        "server_log_internal_errors": server_log.count("Internal Server Error"),
    }

    print()
    print(
        f"Load test: {args.clients} clients ({args.analysts} analysts, "
        f"{args.clients - args.analysts} readers) for {elapsed:.1f} s; gunicorn, "
        f"{args.workers} sync workers; PostgreSQL; {os.cpu_count()} cores"
    )
    for event in events:
        print(f"  fault at {event.at:5.1f} s: {event.kind}: {event.note}")
    print(f"  requests {len(requests)}, throughput {figures['throughput_per_s']} req/s")
    print("Latency (ms):")
    for kind, row in figures["latency_ms"].items():
        print(
            f"  {kind:<11} {row['count']:>7}  p50 {row['p50']:7.1f}  "
            f"p95 {row['p95']:7.1f}  p99 {row['p99']:7.1f}  max {row['max']:7.1f}"
        )
    by_path = defaultdict(list)
    for r in requests:
        by_path[r.path].append(r.elapsed * 1000)
    slowest = sorted(by_path.items(), key=lambda item: -percentile(item[1], 0.5))[:5]
    figures["slowest_p50_ms"] = {p: round(percentile(ms, 0.5), 1) for p, ms in slowest}
    print(
        "Slowest (p50): "
        + ", ".join(f"{p} {ms:.0f}" for p, ms in figures["slowest_p50_ms"].items())
    )
    print("Outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    print(
        "HTTP statuses: "
        + ", ".join(f"{k or 'none'}: {v}" for k, v in sorted(statuses.items()))
    )
    for kind in ("evidence", "assessment"):
        print(
            f"Writes, {kind}: saved {counts[(kind, 'ok')]}, refused as stale "
            f"{counts[(kind, 'stale')]}, 503 {counts[(kind, 'unavailable')]}, dropped "
            f"{counts[(kind, 'dropped')]} (of the 503 and dropped, in the database: "
            f"{counts[(kind, 'landed')]}), errors {counts[(kind, 'error')]}"
        )
    if outages:
        print(
            "First page served after PostgreSQL came back: "
            + ", ".join("never" if r is None else f"{r:.2f} s" for r in recovery)
        )
    print(
        f"Server log: {figures['server_log_db_unavailable']} 'Database unavailable' "
        f"warnings, {figures['server_log_internal_errors']} 'Internal Server Error'"
    )
    for line in run.ledger.errors:
        print("  error: " + line)

    saved = counts[("evidence", "ok")] and counts[("assessment", "ok")]
    targets = [
        ("no errors (a 5xx but the 503 page, a traceback)", outcomes["error"] == 0),
        ("every saved write in the database once and whole", not problems),
        ("evidence and assessments were saved", bool(saved)),
        ("503 only during a PostgreSQL outage", not stray_503),
        ("dropped only by a killed worker", outcomes["dropped"] <= len(kills)),
        ("the same gunicorn answers after the run", healthy_after),
    ]
    if outages:
        targets.append(
            (
                f"pages again within {args.recovery_limit:g} s, gunicorn not restarted",
                all(r is not None and r <= args.recovery_limit for r in recovery),
            )
        )
    if kills:
        replaced = all(e.workers_after == args.workers for e in kills)
        targets.append(("killed workers replaced", replaced))
    print("Targets:")
    for label, ok in targets:
        print(f"  {'PASS' if ok else 'FAIL'}  {label}")
    for problem in problems[:30]:
        print("  problem: " + problem)
    figures["targets"] = dict(targets)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str))
    return all(ok for _, ok in targets)


if __name__ == "__main__":
    sys.exit(main())
