#!/usr/bin/env python3
"""Load and fault test: gunicorn + PostgreSQL (+ Redis for the page cache) on
localhost, load from locust (headless), then a check that no write was lost,
doubled or half-done.

    .venv/bin/python scripts/load_test.py                          # 20 clients, 60 s
    .venv/bin/python scripts/load_test.py --profile target    # 10 reads/s, 1 write/min
    .venv/bin/python scripts/load_test.py --fault restart-postgres
    .venv/bin/python scripts/load_test.py --fault kill-worker
    .venv/bin/python scripts/load_test.py --clients 5 --seconds 20 \\
        --fault restart-postgres,kill-worker                       # the short CI form

What it does, in order:

1. (Re)creates the PostgreSQL database named in ``--database-url`` (default
   ``postgres://postgres@127.0.0.1:5432/tracker_load``; the name must contain
   "load", as it is dropped first), migrates it, loads the Astana codebook, creates
   the analysts' accounts with ``create_user`` and collects the static files.
2. Starts Redis on a free port when ``redis-server`` is installed (the page cache,
   as production runs it), and gunicorn with ``deploy/gunicorn.conf.py`` and
   production settings (debug off, HTTPS as behind a TLS proxy, secure cookies).
3. Runs locust headless (``devtools/load/locustfile.py``) for ``--seconds``:
   readers fetch the public pages; analysts sign in and log evidence and
   assessments on the same few commitments, so that their assessments collide and
   some are refused as stale (counted apart: that refusal is correct behaviour, and
   nothing is written). Each write carries a unique token; locust writes its CSV
   stats, and the locustfile a JSON-lines record of every request and write.
   ``--profile stress`` (the default) runs ``--clients`` users as fast as they go;
   ``--profile target`` paces 10 readers at one request a second each and one
   analyst at a write a minute: the service's stated load.
4. Injects the faults asked for, evenly spread over the run: ``restart-postgres``
   stops PostgreSQL for ``--outage`` seconds and starts it again; ``kill-worker``
   SIGKILLs a busy gunicorn worker (gunicorn replaces it). gunicorn itself is never
   restarted.
5. Checks the site answers again, stops the servers, and verifies the database:
   every write that got a success response is there exactly once (the row its
   redirect named, with every piece of evidence it cited), no refused write is
   there, a write whose response was lost is there at most once and whole, and
   every commitment's derived status is the one its assessments set.

It prints throughput, latency percentiles (p50/p95/p99, from locust's stats) and
the outcome counts, and exits 1 if a target is missed: zero errors (a 5xx other
than the clean 503 page, a traceback, an unexpected status), zero lost or
duplicated writes, 503s only while PostgreSQL is down, recovery within
``--recovery-limit`` seconds, at most one dropped connection per killed worker,
and with ``--profile target`` a p95 of at most ``--p95-limit`` ms. Only addresses
on this machine are contacted.
"""

import argparse
import csv
import dataclasses
import datetime
import http.client
import http.cookies
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
LOCUST = str(Path(sys.executable).with_name("locust"))
REDIS_NO_DISK = ["--save", "", "--appendonly", "no"]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tracker_load"
FIRST_DAY = datetime.date(2005, 7, 5)  # the Astana declaration's date
STALE_TEXT = "Someone assessed this commitment while you were editing"
UNAVAILABLE_MARK = 'data-page="unavailable"'
ASSESSABLE = ["not_started", "in_progress", "stalled", "implemented", "abandoned"]
FAULTS = ("none", "restart-postgres", "kill-worker")
PASSWORD = "load-test passphrase " + secrets.token_hex(8)


# --- HTTP ---------------------------------------------------------------------


def get(port: int, path: str, timeout: float = 5) -> int:
    """The status of one GET through what the TLS proxy would add (0 if none)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout)
    try:
        connection.request("GET", path, headers={"X-Forwarded-Proto": "https"})
        response = connection.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        return 0
    finally:
        connection.close()


def read_record(path: Path) -> tuple[list[dict], list[dict]]:
    """The requests and the writes the locustfile recorded."""
    requests, writes = [], []
    if path.exists():
        for line in path.read_text().splitlines():
            entry = json.loads(line)
            (requests if entry["type"] == "request" else writes).append(entry)
    return requests, writes


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
        # Production refuses a mail backend that does not deliver; nothing is
        # mailed during the test (no password resets).
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
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
    manage(env, "bootstrap")  # migrate, the codebook and its record
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
    for _ in range(100):
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with {server.returncode}; see {workdir}")
        if get(port, "/") == 200:
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


def inject_faults(args, server: subprocess.Popen, start: float, events):
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


def verify(writes: list[dict]) -> tuple[list[str], dict]:
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
    for write in writes:
        kind, token, outcome = write["kind"], write["token"], write["outcome"]
        sent[kind].add(token)
        rows = found[kind].get(token, [])
        counts[(kind, outcome)] += 1
        label = f"{kind} {token[:8]} ({outcome})"
        if outcome == "ok":
            if rows != [write["pk"]]:
                problems.append(f"{label}: confirmed as #{write['pk']}, found {rows}")
        elif outcome == "stale":
            if rows:
                problems.append(f"{label}: refused as stale but written as {rows}")
        elif len(rows) > 1:
            # The response was lost (503, dropped) or wrong: at most once, whole.
            problems.append(f"{label}: written {len(rows)} times")
        if outcome in ("unavailable", "dropped") and rows:
            counts[(kind, "landed")] += 1
        if kind == "assessment":
            for pk in rows:
                if cited_in_db[pk] != set(write["cited"]):
                    problems.append(
                        f"{label}: cites {sorted(cited_in_db[pk])} in the database, "
                        f"{write['cited']} in the form (half-done write)"
                    )
    for kind in found:
        unknown = set(found[kind]) - sent[kind]
        if unknown:
            problems.append(f"{len(unknown)} {kind} rows that no client sent")

    states = dict(CommitmentState.objects.values_list("commitment_id", "status"))
    since_of = dict(CommitmentState.objects.values_list("commitment_id", "since"))
    for commitment in Commitment.objects.all():
        history = list(
            # The assessments that count: published ones (drafts wait for review).
            Assessment.objects.filter(commitment=commitment)
            .counting()
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


def start_redis(workdir: Path):
    """A Redis for the page cache on a free port, or None without redis-server."""
    binary = shutil.which("redis-server")
    if binary is None:
        return None, ""
    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", *REDIS_NO_DISK],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.05)
    server.kill()
    return None, ""


def run_locust(args, env: dict, workdir: Path, port: int) -> subprocess.Popen:
    users = args.clients
    if args.profile == "target":
        env = {**env, "LOAD_READ_PACE": "1", "LOAD_WRITE_PACE": "60"}
    command = [
        LOCUST,
        "-f",
        str(ROOT / "devtools" / "load" / "locustfile.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{int(args.seconds)}s",
        "--stop-timeout",
        str(int(args.timeout)),
        "--host",
        f"http://127.0.0.1:{port}",
        "--csv",
        str(workdir / "locust"),
        "--only-summary",
        "--exit-code-on-error",
        "0",
        "--loglevel",
        "WARNING",
    ]
    log = open(workdir / "locust.log", "ab")  # noqa: SIM115 -- closed with the process
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--profile", choices=["stress", "target"], default="stress")
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
    parser.add_argument(
        "--p95-limit", type=float, default=300, help="target profile's p95, ms"
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--keep", action="store_true", help="keep the logs' folder")
    args = parser.parse_args(argv)
    for fault in args.fault.split(","):
        if fault not in FAULTS:
            parser.error(f"unknown fault {fault!r}")
    if args.profile == "target":
        args.clients, args.analysts = 11, 1
    if args.analysts is None:
        args.analysts = max(2, args.clients // 4)
    args.analysts = min(args.analysts, args.clients)

    workdir = Path(tempfile.mkdtemp(prefix="tracker-load-"))
    port = free_port()
    env = production_env(args, workdir, port)
    redis, cache_url = start_redis(workdir)
    env["CACHE_URL"] = cache_url or "locmem://"
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
                "CACHE_URL",
                "DJANGO_EMAIL_BACKEND",
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
    record = workdir / "record.jsonl"
    load_env = {
        **env,
        "LOAD_HOT": ",".join(hot),
        "LOAD_OTHERS": ",".join(others),
        "LOAD_ANALYSTS": ",".join(usernames[: args.analysts]),
        "LOAD_PASSWORD": PASSWORD,
        "LOAD_RECORD": str(record),
        "LOAD_ORIGIN": f"https://127.0.0.1:{port}",
    }
    events: list[FaultEvent] = []
    print(
        f"Running locust, profile {args.profile}: {args.clients} users "
        f"({args.analysts} analysts) for {args.seconds:g} s against gunicorn "
        f"({args.workers} workers) on port {port}; page cache "
        f"{cache_url or 'local memory'}; faults: {args.fault}",
        flush=True,
    )
    start = time.monotonic()
    wall_start = time.time()
    locust = run_locust(args, load_env, workdir, port)
    inject_faults(args, server, start, events)
    try:
        locust.wait(timeout=args.seconds + args.timeout + 60)
    except subprocess.TimeoutExpired:
        locust.kill()
    elapsed = time.monotonic() - start

    # After the run: the same gunicorn master answers, with no restart.
    after = [get(port, p, 10) for p in ("/", f"/commitments/{hot[0]}/")]
    healthy_after = all(status == 200 for status in after) and server.poll() is None
    for process in (server, redis):
        if process is None:
            continue
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()

    requests, writes = read_record(record)
    problems, counts = verify(writes)
    server_log = (workdir / "server.log").read_text(errors="replace")
    stats = locust_stats(workdir / "locust_stats.csv")
    passed = report(
        args,
        requests,
        stats,
        events,
        elapsed,
        wall_start - start,
        problems,
        counts,
        healthy_after,
        server_log,
    )
    if args.keep or not passed:
        print(f"Logs: {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    print("Load test passed." if passed else "Load test FAILED.")
    return 0 if passed else 1


def locust_stats(path: Path) -> dict:
    """locust's aggregated row: requests, failures and percentiles (ms)."""
    if not path.exists():
        return {}
    with path.open() as handle:
        rows = list(csv.DictReader(handle))
    total = next((row for row in rows if row["Name"] == "Aggregated"), {})
    return {
        "requests": int(total.get("Request Count", 0) or 0),
        "failures": int(total.get("Failure Count", 0) or 0),
        "rps": float(total.get("Requests/s", 0) or 0),
        **{f"p{q}": float(total.get(f"{q}%", 0) or 0) for q in (50, 95, 99)},
        "max": float(total.get("Max Response Time", 0) or 0),
    }


KINDS = ("read", "evidence", "assessment")


def report(
    args,
    requests,
    stats,
    events,
    elapsed,
    clock_offset,
    problems,
    counts,
    healthy_after,
    server_log,
):
    """Print the figures and the targets; write them as JSON if asked; True if met.

    Fault windows are on the monotonic clock; recorded requests on the wall clock
    (``clock_offset`` converts)."""
    for r in requests:
        r["started"] = r["ended"] - r["elapsed"] - clock_offset
    outcomes = Counter(r["outcome"] for r in requests)
    statuses = Counter(r["status"] for r in requests)
    outages = [(e.down_from, e.down_until) for e in events if e.down_from]
    stray_503 = [
        r
        for r in requests
        if r["outcome"] == "unavailable"
        and not any(
            a - 0.5 <= r["started"] + r["elapsed"] and r["started"] <= b + 2
            for a, b in outages
        )
    ]
    recovery = []
    for _down, up in outages:
        first_ok = min(
            (
                r["started"] + r["elapsed"]
                for r in requests
                if r["kind"] == "read" and r["outcome"] == "ok" and r["started"] >= up
            ),
            default=None,
        )
        recovery.append(None if first_ok is None else round(first_ok - up, 2))
    kills = [e for e in events if e.kind == "kill-worker"]

    def latency(rs):
        ms = [r["elapsed"] * 1000 for r in rs]
        return {
            "count": len(ms),
            **{f"p{q}": round(percentile(ms, q / 100), 1) for q in (50, 95, 99)},
            "max": round(max(ms, default=0), 1),
        }

    figures = {
        "profile": args.profile,
        "clients": args.clients,
        "analysts": args.analysts,
        "seconds": round(elapsed, 1),
        "workers": args.workers,
        "cores": os.cpu_count(),
        "faults": [{"kind": e.kind, "at_s": e.at, "note": e.note} for e in events],
        "locust": stats,
        "requests": len(requests),
        "throughput_per_s": round(len(requests) / elapsed, 1),
        "latency_ms": {
            "all": latency(requests),
            **{k: latency([r for r in requests if r["kind"] == k]) for k in KINDS},
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
        f"Load test ({args.profile}): {args.clients} locust users ({args.analysts} "
        f"analysts, {args.clients - args.analysts} readers) for {elapsed:.1f} s; "
        f"gunicorn, {args.workers} workers; PostgreSQL; {os.cpu_count()} cores"
    )
    for event in events:
        print(f"  fault at {event.at:5.1f} s: {event.kind}: {event.note}")
    if stats:
        print(
            f"  locust: {stats['requests']} requests, {stats['failures']} failures, "
            f"{stats['rps']:.1f} req/s, p50 {stats['p50']:.0f} ms, p95 "
            f"{stats['p95']:.0f} ms, p99 {stats['p99']:.0f} ms, max {stats['max']:.0f}"
        )
    print("Latency (ms), from the record:")
    for kind, row in figures["latency_ms"].items():
        print(
            f"  {kind:<11} {row['count']:>7}  p50 {row['p50']:7.1f}  "
            f"p95 {row['p95']:7.1f}  p99 {row['p99']:7.1f}  max {row['max']:7.1f}"
        )
    by_path = defaultdict(list)
    for r in requests:
        by_path[r["path"]].append(r["elapsed"] * 1000)
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

    saved = counts[("evidence", "ok")] or counts[("assessment", "ok")]
    targets = [
        ("no errors (a 5xx but the 503 page, a traceback)", outcomes["error"] == 0),
        ("every saved write in the database once and whole", not problems),
        ("writes were saved", bool(saved)),
        ("503 only during a PostgreSQL outage", not stray_503),
        ("dropped only by a killed worker", outcomes["dropped"] <= len(kills)),
        ("the same gunicorn answers after the run", healthy_after),
    ]
    if args.profile == "target":
        p95 = figures["latency_ms"]["all"]["p95"]
        targets.append(
            (f"p95 at most {args.p95_limit:g} ms ({p95:.0f})", p95 <= args.p95_limit)
        )
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
