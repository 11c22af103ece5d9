"""The load: readers browsing the public pages, analysts logging evidence and
assessments. Driven by locust (``scripts/load_test.py`` starts it headless and
reads its CSV stats); what this project adds is the record of every request and
write (JSON lines), so that the run can be checked against the database: every
confirmed write there once and whole, nothing refused there, 503s only while
PostgreSQL was down.

Configured by environment variables the runner sets:

``LOAD_HOT``, ``LOAD_OTHERS``   references written to / read only (comma-separated)
``LOAD_ANALYSTS``               usernames of the analysts (comma-separated)
``LOAD_PASSWORD``               their password
``LOAD_RECORD``                 the JSON-lines file to append requests and writes to
``LOAD_ORIGIN``                 the site's origin as the TLS proxy serves it
``LOAD_READ_PACE``              seconds between a reader's requests (its pace)
``LOAD_WRITE_PACE``             seconds between an analyst's writes
"""

import datetime
import json
import os
import random
import re
import threading
import time
import uuid

from locust import HttpUser, between, constant_pacing, events, task

HOT = [r for r in os.environ.get("LOAD_HOT", "").split(",") if r]
OTHERS = [r for r in os.environ.get("LOAD_OTHERS", "").split(",") if r]
ANALYSTS = [u for u in os.environ.get("LOAD_ANALYSTS", "").split(",") if u]
PASSWORD = os.environ.get("LOAD_PASSWORD", "")
RECORD = os.environ.get("LOAD_RECORD", "")
ORIGIN = os.environ.get("LOAD_ORIGIN", "https://127.0.0.1")
READ_PACE = float(os.environ.get("LOAD_READ_PACE", "0"))
WRITE_PACE = float(os.environ.get("LOAD_WRITE_PACE", "0"))
FIRST_DAY = datetime.date(2005, 7, 5)  # the Astana declaration's date
STALE_TEXT = "Someone assessed this commitment while you were editing"
UNAVAILABLE_MARK = 'data-page="unavailable"'
ASSESSABLE = ["not_started", "in_progress", "stalled", "implemented", "abandoned"]
OPEN = ["not_started", "in_progress", "stalled"]
# What a TLS proxy in front of gunicorn adds (production settings expect it).
PROXIED = {"X-Forwarded-Proto": "https", "User-Agent": "tracker-load-test"}

_record_lock = threading.Lock()


def record(**entry) -> None:
    if not RECORD:
        return
    with _record_lock, open(RECORD, "a") as out:
        out.write(json.dumps(entry) + "\n")


def outcome_of(response, expected=(200,)) -> str:
    if response.status_code == 0:
        return "dropped"
    text = response.text or ""
    if "Traceback" in text:
        return "error"
    if response.status_code == 503:
        return "unavailable" if UNAVAILABLE_MARK in text else "error"
    return "ok" if response.status_code in expected else "error"


@events.request.add_listener
def on_request(request_type, name, response_time, response, exception, **kwargs):
    """Every request, with when it started and how it ended, for the checks."""
    status = getattr(response, "status_code", 0) or 0
    text = getattr(response, "text", "") or ""
    if exception is not None and not status:
        outcome = "dropped"
    elif "Traceback" in text:
        outcome = "error"
    elif status == 503:
        outcome = "unavailable" if UNAVAILABLE_MARK in text else "error"
    elif status >= 500 or status == 0:
        outcome = "error"
    else:
        outcome = "ok"
    record(
        type="request",
        kind=kwargs.get("context", {}).get("kind", "read"),
        path=name,
        status=status,
        outcome=outcome,
        ended=time.time(),
        elapsed=response_time / 1000,
    )


def hidden_value(html: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
    value = re.search(r'value="([^"]*)"', tag.group(0)) if tag else None
    return value.group(1) if value else ""


def read_paths() -> list[str]:
    hot = [f"/commitments/{r}/" for r in HOT]
    others = [f"/commitments/{r}/" for r in OTHERS]
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
        *others,
    ]


class Reader(HttpUser):
    """Anyone, browsing the public pages."""

    wait_time = constant_pacing(READ_PACE) if READ_PACE else between(0, 0.1)
    paths = read_paths()

    @task
    def read(self):
        path = random.choice(self.paths)
        self.client.get(path, headers=PROXIED, name=path)


class Analyst(HttpUser):
    """An analyst: signs in, then logs evidence and records assessments on the
    same few commitments as the others, so that their assessments collide."""

    fixed_count = len(ANALYSTS)
    wait_time = constant_pacing(WRITE_PACE) if WRITE_PACE else between(0, 0.4)
    _next = iter(range(10**9))

    def headers(self, **extra) -> dict:
        """The proxy's headers and the session's cookies. The site's cookies are
        Secure (production settings): requests would keep them from gunicorn on
        plain loopback, where the TLS proxy in front of it would pass them on."""
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.client.cookies)
        return {**PROXIED, **extra, **({"Cookie": cookies} if cookies else {})}

    def on_start(self):
        self.username = ANALYSTS[next(self._next) % len(ANALYSTS)]
        self.forms = {}
        self.today = datetime.date.today()
        while not self.login():
            time.sleep(0.5)

    def login(self) -> bool:
        page = self.client.get("/accounts/login/", headers=self.headers())
        if page.status_code != 200:
            return False
        reply = self.client.post(
            "/accounts/login/",
            {
                "csrfmiddlewaretoken": hidden_value(page.text, "csrfmiddlewaretoken"),
                "username": self.username,
                "password": PASSWORD,
                "next": "/me/",
            },
            headers=self.headers(Origin=ORIGIN, Referer=f"{ORIGIN}/accounts/login/"),
            allow_redirects=False,
            name="/accounts/login/ POST",
        )
        return reply.status_code == 302

    def form(self, path: str):
        """The form page; half the time the one fetched earlier, as from a tab left
        open (so that posts also arrive while the database is down, and stale)."""
        kept = self.forms.get(path)
        if kept is not None and random.random() < 0.5:
            return kept
        page = self.client.get(path, headers=self.headers(), name=path)
        if page.status_code != 200:
            return None
        self.forms[path] = page.text
        return page.text

    @task
    def write(self):
        reference = random.choice(HOT)
        if random.random() < 0.5:
            self.log_evidence(reference)
        else:
            self.assess(reference)
        path = f"/commitments/{reference}/"
        self.client.get(path, headers=self.headers(), name=path)

    def day(self) -> str:
        days = (self.today - FIRST_DAY).days
        return (FIRST_DAY + datetime.timedelta(random.randint(0, days))).isoformat()

    def log_evidence(self, reference: str):
        path = f"/commitments/{reference}/evidence/new/"
        page = self.form(path)
        if page is None:
            return
        token = uuid.uuid4().hex
        form = {
            "csrfmiddlewaretoken": hidden_value(page, "csrfmiddlewaretoken"),
            "event_date": self.day(),
            "event_date_precision": "day",
            "summary": f"Load test evidence {token}",
            "source_title": f"Load test source {token}",
            "source_publisher": "Load test",
            "source_url": f"https://example.org/load/{token}",
            "source_language": "en",
            "accessed_on": self.today.isoformat(),
            "excerpt": f"Load test excerpt {token}",
            "direction": random.choice(["toward", "against", "neutral"]),
            "confidence": random.choice(["low", "medium", "high"]),
        }
        self.post("evidence", path, form, token, reference, ())

    def assess(self, reference: str):
        path = f"/commitments/{reference}/assess/"
        page = self.form(path)
        if page is None:
            return
        token = uuid.uuid4().hex
        evidence = re.findall(r'name="evidence" value="(\d+)"', page)
        chosen = random.sample(evidence, min(2, len(evidence)))
        cited = sorted({int(pk) for pk in chosen})
        form = {
            "csrfmiddlewaretoken": hidden_value(page, "csrfmiddlewaretoken"),
            "seen_latest": hidden_value(page, "seen_latest"),
            # A closed status stands on evidence: chosen only when some is cited.
            "status": random.choice(ASSESSABLE if cited else OPEN),
            "as_of": self.day(),
            "confidence": random.choice(["low", "medium", "high"]),
            "rationale": f"Load test assessment {token}",
            "evidence": [str(pk) for pk in cited],
            "member_state": "",
            "corrects": "",
            "superseded_by": "",
        }
        self.post("assessment", path, form, token, reference, cited)

    def post(self, kind, path, form, token, reference, cited):
        # An analyst takes a moment to fill the form in: the database may go down,
        # or a colleague assess the same commitment, between the page and the post.
        time.sleep(random.uniform(0, 0.4))
        reply = self.client.post(
            path,
            form,
            headers=self.headers(Origin=ORIGIN, Referer=f"{ORIGIN}{path}"),
            allow_redirects=False,
            name=f"{path} POST",
            context={"kind": kind},
        )
        outcome = outcome_of(reply, expected=(302,))
        pk = None
        if outcome == "ok":
            location = reply.headers.get("Location", "")
            found = re.search(rf"#{kind}-(\d+)$", location)
            if found and f"/commitments/{reference}/" in location:
                pk = int(found.group(1))
            else:
                outcome = "error"
        elif (
            reply.status_code == 200
            and kind == "assessment"
            and (STALE_TEXT in reply.text)
        ):
            outcome = "stale"
        record(
            type="write",
            kind=kind,
            token=token,
            reference=reference,
            outcome=outcome,
            pk=pk,
            cited=list(cited),
        )
