"""Time the public pages through Django's full request stack, on whatever data the
configured database holds.

Each page is requested once to warm up, then ``requests`` times with the clock
running, then once more inside ``CaptureQueriesContext`` to count its SQL queries
(counting needs the debug cursor, which would distort the timed runs, so those run
with DEBUG off). The CSV export is also requested once under ``tracemalloc`` to
measure how much memory it needs. The reference is what an editor would otherwise
use: the admin changelist of commitments with a search and a filter, requested as a
temporary superuser created inside a transaction that is rolled back afterwards, so
the run leaves no user, session or login record behind.

Pages and parameters are looked up in the URLconf, the views' FilterSets and Tables
as they are; a page or parameter that does not exist is reported as missing.
"""

import collections
import dataclasses
import datetime
import gc
import logging
import math
import os
import platform
import re
import resource
import statistics
import sys
import time
import tracemalloc
import uuid
from urllib.parse import urlencode

import django
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from .models import Assessment, Body, Commitment, Declaration, Evidence, Status

DEFAULT_REQUESTS = 20
OVERDUE_AS_OF = "2010-06-30"
STATUS_FILTER = Status.IN_PROGRESS
QUOTE_SAMPLE = 500
# The search word is the one found in about this share of the sampled quotes: a
# selective search, not one that returns everything.
SEARCH_SHARE = 0.05
STOP_WORDS = {"member", "states", "parties", "heads", "council", "state", "shall"}


@dataclasses.dataclass
class Page:
    """One URL to time, or the reason it cannot be timed."""

    name: str
    url: str = ""
    missing: str = ""
    export: bool = False
    admin: bool = False


@dataclasses.dataclass
class Timing:
    """What the timed requests of one page measured, in milliseconds."""

    page: Page
    status: int | None = None
    times: list[float] = dataclasses.field(default_factory=list)
    first_byte: list[float] = dataclasses.field(default_factory=list)
    queries: int | None = None
    size: int | None = None
    streamed: bool | None = None
    error: str = ""
    ratio: float | None = None
    cold: float | None = None  # the first request, with every cache emptied

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times else None

    @property
    def p95(self) -> float | None:
        return percentile(self.times, 95)

    @property
    def first_byte_median(self) -> float | None:
        return statistics.median(self.first_byte) if self.first_byte else None

    def as_dict(self) -> dict:
        return {
            "name": self.page.name,
            "url": self.page.url,
            "missing": self.page.missing or None,
            "status": self.status,
            "error": self.error or None,
            "requests": len(self.times),
            "cold_ms": _round(self.cold),
            "median_ms": _round(self.median),
            "p95_ms": _round(self.p95),
            "first_byte_median_ms": _round(self.first_byte_median)
            if self.page.export
            else None,
            "queries": self.queries,
            "bytes": self.size,
            "streamed": self.streamed,
            "ratio_to_admin": _round(self.ratio, 2),
        }


@dataclasses.dataclass
class Report:
    requests: int
    export_requests: int
    page_budget: float | None
    pages: list[Timing]
    targets: dict
    data: dict
    database: dict
    machine: dict
    export_memory: dict
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {
            "requests_per_page": self.requests,
            "export_requests": self.export_requests,
            "page_budget_seconds": self.page_budget,
            "database": self.database,
            "machine": self.machine,
            "data": self.data,
            "targets": self.targets,
            "pages": [t.as_dict() for t in self.pages],
            "export_memory": self.export_memory,
            "seconds": round(self.seconds, 1),
        }

    def as_text(self) -> str:
        db, m, d = self.database, self.machine, self.data
        budget = (
            f", fewer where a page used up its {self.page_budget:g} s budget"
            if self.page_budget
            else ""
        )
        lines = [
            f"Benchmark: {self.requests} timed requests per page after one warm-up "
            f"(CSV export: {self.export_requests}{budget}); "
            f"{self.seconds:.0f} s in all.",
            f"Database: {db['vendor']} {db['version']} ({db['name']})",
            f"Machine: {m['platform']}, {m['cpus']} CPUs, Python {m['python']}, "
            f"Django {m['django']}",
            "Data: " + ", ".join(f"{n:,} {name}" for name, n in d.items()),
            "Picked: " + "; ".join(f"{k} {v}" for k, v in self.targets.items()),
            "",
            f"{'page':<28}{'status':>6}{'runs':>5}{'cold ms':>10}{'median ms':>11}"
            f"{'p95 ms':>10}"
            f"{'queries':>9}{'x admin':>9}{'KB':>9}  url",
        ]
        for t in self.pages:
            if t.page.missing:
                lines.append(f"{t.page.name:<28}  missing: {t.page.missing}")
                continue
            if t.error:
                lines.append(
                    f"{t.page.name:<28}{t.status or '-':>6}  error: {t.error}  "
                    f"{t.page.url}"
                )
                continue
            lines.append(
                f"{t.page.name:<28}{t.status:>6}{len(t.times):>5}"
                f"{_fmt(t.cold, 10)}{_fmt(t.median, 11)}{_fmt(t.p95, 10)}"
                f"{t.queries if t.queries is not None else '-':>9}"
                f"{_fmt(t.ratio, 9, '.2f')}{(t.size or 0) / 1024:>9,.0f}  {t.page.url}"
            )
        for t in self.pages:
            if t.page.export and t.times:
                lines += [
                    "",
                    f"CSV export: first byte median {t.first_byte_median:,.1f} ms, "
                    f"total median {t.median:,.1f} ms, {t.size or 0:,} bytes, "
                    + (
                        "streamed."
                        if t.streamed
                        else "not streamed (built whole before the first byte)."
                    ),
                ]
        mem = self.export_memory
        if mem:
            peak = mem["tracemalloc_peak_mib"]
            lines.append(
                "CSV export memory: tracemalloc peak "
                + (f"{peak:,.1f} MiB" if peak is not None else "not measured")
                + ", RSS high-water growth "
                f"{mem['rss_growth_mib']:,.1f} MiB "
                f"(RSS high-water {mem['rss_before_mib']:,.1f} -> "
                f"{mem['rss_after_mib']:,.1f} MiB)."
            )
        return "\n".join(lines)


def percentile(values: list[float], pct: float) -> float | None:
    """Nearest-rank percentile (the value below which ``pct`` percent fall)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def _round(value, digits=1):
    return None if value is None else round(value, digits)


def _fmt(value, width, spec=",.1f") -> str:
    return f"{'-':>{width}}" if value is None else f"{value:>{width}{spec}}"


def _maxrss_mib() -> float:
    """This process's peak resident memory so far, in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024


# -- What to time --------------------------------------------------------------------


def _url(name: str, *args) -> tuple[str, str]:
    """(path, '') or ('', why it is missing)."""
    try:
        return reverse(name, args=args), ""
    except NoReverseMatch:
        return "", f"no URL named {name!r}"


def _view_class(path: str):
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return getattr(match.func, "view_class", None)


def _list_params(path: str, wanted: dict) -> tuple[dict, str]:
    """Map the logical parameters (filter names, 'sort', 'page', 'export') to the
    names the list view really uses; '' or the reason one is not supported."""
    view = _view_class(path)
    if view is None:
        return {}, f"{path} does not resolve to a class-based view"
    filterset = getattr(view, "filterset_class", None)
    table = getattr(view, "table_class", None)
    params = {}
    for name, value in wanted.items():
        if name == "sort":
            if table is None:
                return {}, "the view has no table to sort"
            column = table.base_columns.get(value)
            if column is None or column.orderable is False or not table._meta.orderable:
                return {}, f"the table has no sortable column {value!r}"
            params[table._meta.order_by_field or "sort"] = value
        elif name == "page":
            if table is None or not getattr(view, "table_pagination", True):
                return {}, "the view does not paginate"
            params[table._meta.page_field or "page"] = value
        elif name == "export":
            formats = getattr(view, "export_formats", ())
            if value not in formats:
                return {}, f"the view does not export {value}"
            params[getattr(view, "export_trigger_param", "_export")] = value
        elif name == "as_of":
            params[name] = value
        elif filterset is None or name not in filterset.base_filters:
            return {}, f"the list has no filter {name!r}"
        else:
            params[name] = value
    return params, ""


def _with(path: str, params: dict) -> str:
    return f"{path}?{urlencode(params)}" if params else path


def search_word() -> tuple[str, int]:
    """A word of the quotes, found in about SEARCH_SHARE of a sample of them."""
    quotes = list(
        Commitment.objects.order_by("pk").values_list("quote", flat=True)[:QUOTE_SAMPLE]
    )
    found = collections.Counter()
    for quote in quotes:
        found.update(
            {w for w in re.findall(r"[a-z]{6,}", quote.lower()) if w not in STOP_WORDS}
        )
    if not found:
        return "", 0
    target = SEARCH_SHARE * len(quotes)
    word, count = min(found.items(), key=lambda wc: (abs(wc[1] - target), wc[0]))
    return word, count


def pick_targets() -> dict:
    """The body, commitment, declaration, word and page the pages are timed with."""
    body = (
        Body.objects.annotate(n=Count("commitment_links"))
        .order_by("-n", "pk")
        .values("slug", "n")
        .first()
    )
    busiest = (
        Evidence.objects.values("commitment")
        .annotate(n=Count("pk"))
        .order_by("-n", "commitment")
        .first()
    )
    commitment = (
        (
            Commitment.objects.filter(pk=busiest["commitment"])
            if busiest
            else Commitment.objects.order_by("pk")
        )
        .values_list("reference", flat=True)
        .first()
    )
    declaration = (
        Declaration.objects.annotate(n=Count("commitments"))
        .order_by("-n", "pk")
        .values("slug", "n")
        .first()
    )
    word, hits = search_word()
    return {
        "body": body["slug"] if body else "",
        "body_commitments": body["n"] if body else 0,
        "commitment": commitment or "",
        "commitment_evidence": busiest["n"] if busiest else 0,
        "declaration": declaration["slug"] if declaration else "",
        "declaration_commitments": declaration["n"] if declaration else 0,
        "word": word,
        "word_in_sampled_quotes": hits,
    }


def plan_pages(targets: dict, as_of: datetime.date | None = None) -> list[Page]:
    """Every page to time, in the order printed."""
    dated = {"as_of": as_of.isoformat()} if as_of else {}
    pages: list[Page] = []

    def add(name, path, missing="", **flags):
        pages.append(Page(name, path if not missing else "", missing, **flags))

    def add_list(name, url_name, wanted, **flags):
        path, missing = _url(url_name)
        if not missing:
            params, missing = _list_params(path, {**wanted, **dated})
            path = _with(path, params)
        add(name, path, missing, **flags)

    def add_detail(name, url_name, arg, what):
        if not arg:
            add(name, "", f"no {what} in the database")
            return
        path, missing = _url(url_name, arg)
        add(name, _with(path, dated), missing)

    path, missing = _url("declarations:overview")
    add("overview", _with(path, dated), missing)
    commitments = "declarations:commitment-list"
    add_list("commitments", commitments, {})
    if targets["body"]:
        add_list("commitments ?body", commitments, {"body": targets["body"]})
    else:
        add("commitments ?body", "", "no body in the database")
    add_list("commitments ?status", commitments, {"status": STATUS_FILTER})
    if targets["word"]:
        add_list("commitments ?q", commitments, {"q": targets["word"]})
    else:
        add("commitments ?q", "", "no quote in the database")
    add_list("commitments ?sort=deadline", commitments, {"sort": "deadline"})
    add_list("commitments deep page", commitments, {"page": _deep_page(commitments)})
    add_detail(
        "commitment detail",
        "declarations:commitment-detail",
        targets["commitment"],
        "commitment",
    )
    add_detail("body scorecard", "declarations:body-detail", targets["body"], "body")
    path, missing = _url("declarations:overdue")
    if not missing:
        params, missing = _list_params(
            path, {"as_of": as_of.isoformat() if as_of else OVERDUE_AS_OF}
        )
        path = _with(path, params)
    add("overdue (past date)", path, missing)
    add_detail(
        "reader",
        "declarations:declaration-detail",
        targets["declaration"],
        "declaration",
    )
    add_list("CSV export (all)", commitments, {"export": "csv"}, export=True)
    path, missing = _url("declarations:feed-deadlines")
    add("iCalendar feed", path, missing)
    add("admin changelist", *_admin_changelist(targets["word"]), admin=True)
    return pages


def _deep_page(url_name: str) -> int:
    """About half the page count of the unfiltered list."""
    path, missing = _url(url_name)
    view = _view_class(path) if not missing else None
    pagination = getattr(view, "table_pagination", None) or {}
    per_page = pagination.get("per_page", 25) if isinstance(pagination, dict) else 25
    pages = math.ceil(Commitment.objects.count() / per_page)
    return max(1, pages // 2)


def _admin_changelist(word: str) -> tuple[str, str]:
    if not admin.site.is_registered(Commitment):
        return "", "Commitment is not registered in the admin"
    model_admin = admin.site.get_model_admin(Commitment)
    path, missing = _url("admin:declarations_commitment_changelist")
    if missing:
        return "", missing
    # list_filter holds field names, (name, filter class) pairs and filter classes.
    filters = [
        f if isinstance(f, str) else f[0] if isinstance(f, tuple | list) else None
        for f in model_admin.list_filter
    ]
    params = {}
    if word and model_admin.search_fields:
        params["q"] = word
    if "current_status" in filters:
        params["current_status__exact"] = STATUS_FILTER
    return _with(path, params), ""


# -- Timing ------------------------------------------------------------------------


class Runner:
    """Requests pages through a test client with the real middleware and URLconf."""

    def __init__(
        self,
        requests: int,
        export_requests: int,
        progress=None,
        page_budget: float | None = None,
    ):
        self.requests = requests
        self.export_requests = export_requests
        self.page_budget = page_budget
        self.progress = progress or (lambda message: None)
        self.client = Client(SERVER_NAME="localhost")

    def fetch(self, url: str) -> tuple[int, float, float, int]:
        """Status, milliseconds to the first byte and to the last, and bytes."""
        self.streamed = None
        start = time.perf_counter()
        response = self.client.get(url, secure=True)
        self.streamed = response.streaming
        if response.streaming:
            first, size = None, 0
            for chunk in response.streaming_content:
                if first is None:
                    first = time.perf_counter()
                size += len(chunk)
            end = time.perf_counter()
            first = first or end
        else:
            first = end = time.perf_counter()
            size = len(response.content)
        # No response.close() here: the client has closed it already, keeping the
        # database connection (closing again would run close_old_connections).
        return response.status_code, (first - start) * 1e3, (end - start) * 1e3, size

    def measure(self, page: Page, warmed: bool = False) -> Timing:
        """Time a page; ``warmed`` when a request of it has just been made."""
        timing = Timing(page)
        if page.missing:
            self.progress(f"{page.name}: missing ({page.missing})")
            return timing
        self.progress(f"{page.name}: {page.url}")
        try:
            with override_settings(DEBUG=False):
                if not warmed:
                    # Cold: what the first visitor after a write waits for.
                    cache.clear()
                    timing.status, _, timing.cold, timing.size = self.fetch(page.url)
                    timing.streamed = self.streamed
                if timing.status is not None and timing.status != 200:
                    timing.error = f"HTTP {timing.status}"
                    return timing
                runs = self.export_requests if page.export else self.requests
                for _ in range(runs):
                    gc.collect()
                    status, first, total, size = self.fetch(page.url)
                    if timing.status is None:
                        timing.status, timing.size = status, size
                        timing.streamed = self.streamed
                        if status != 200:
                            timing.error = f"HTTP {status}"
                            return timing
                    timing.times.append(total)
                    timing.first_byte.append(first)
                    if self.page_budget and sum(timing.times) >= self.page_budget * 1e3:
                        break
            with CaptureQueriesContext(connection) as queries:
                self.fetch(page.url)
            timing.queries = len(queries.captured_queries)
        except Exception as error:  # a broken page is a finding, not a crash
            timing.error = f"{type(error).__name__}: {error}"[:300]
        return timing

    def export_memory(self, page: Page, trace: bool = True) -> dict:
        """Memory one export request needs: tracemalloc's peak (unless ``trace``
        is off: it slows allocation-heavy code several times) and the growth of
        the process's RSS high-water mark, both in MiB."""
        if page.missing:
            return {}
        gc.collect()
        before = _maxrss_mib()
        peak = None
        if trace:
            tracemalloc.start()
        try:
            with override_settings(DEBUG=False):
                status, _, _, size = self.fetch(page.url)
            if trace:
                _, peak = tracemalloc.get_traced_memory()
        except Exception:  # the timed runs report the error
            return {}
        finally:
            if trace:
                tracemalloc.stop()
        after = _maxrss_mib()
        return {
            "status": status,
            "bytes": size,
            "tracemalloc_peak_mib": None if peak is None else round(peak / 2**20, 1),
            "rss_before_mib": round(before, 1),
            "rss_after_mib": round(after, 1),
            "rss_growth_mib": round(after - before, 1),
        }

    def measure_as_superuser(self, page: Page) -> Timing:
        """Time a page as a temporary superuser; roll back every trace of it."""
        if page.missing:
            return self.measure(page)
        axes = logging.getLogger("axes")
        level = axes.level
        # django-axes logs every login at INFO; the benchmark's own is noise.
        axes.setLevel(logging.WARNING)
        with transaction.atomic():
            user = get_user_model().objects.create_superuser(
                username=f"benchmark-{uuid.uuid4().hex[:12]}",
                email="benchmark@localhost",
                password=None,
            )
            self.client.force_login(user)
            try:
                return self.measure(page)
            finally:
                self.client.logout()
                transaction.set_rollback(True)
                axes.setLevel(level)


def describe_database() -> dict:
    version = connection.get_database_version()
    name = settings.DATABASES["default"]["NAME"]
    return {
        "vendor": connection.vendor,
        "version": ".".join(str(v) for v in version),
        "name": str(name),
    }


def describe_machine() -> dict:
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "usable_cpus": usable,
        "python": platform.python_version(),
        "django": django.get_version(),
    }


def data_sizes() -> dict:
    return {
        "declarations": Declaration.objects.count(),
        "commitments": Commitment.objects.count(),
        "evidence": Evidence.objects.count(),
        "assessments": Assessment.objects.count(),
        "bodies": Body.objects.count(),
    }


def run(
    *,
    requests: int = DEFAULT_REQUESTS,
    export_requests: int | None = None,
    as_of: datetime.date | None = None,
    only: list[str] | None = None,
    page_budget: float | None = None,
    trace_memory: bool = True,
    progress=None,
) -> Report:
    """Time every page (or the ``only`` ones) and return the report."""
    started = time.monotonic()
    export_requests = requests if export_requests is None else export_requests
    targets = pick_targets()
    pages = plan_pages(targets, as_of)
    if only:
        pages = [p for p in pages if p.name in only or p.admin]
    runner = Runner(requests, export_requests, progress, page_budget)
    allowed = [*settings.ALLOWED_HOSTS, "localhost"]
    with override_settings(ALLOWED_HOSTS=allowed):
        # First, before other pages raise the RSS high-water mark.
        export = next((p for p in pages if p.export), None)
        memory = runner.export_memory(export, trace_memory) if export else {}
        # The memory run was the export's warm-up.
        timings = [
            runner.measure_as_superuser(p)
            if p.admin
            else runner.measure(p, warmed=p.export and memory.get("status") == 200)
            for p in pages
        ]
    reference = next((t.median for t in timings if t.page.admin), None)
    for timing in timings:
        if reference and timing.median is not None:
            timing.ratio = timing.median / reference
    return Report(
        requests=requests,
        export_requests=export_requests,
        page_budget=page_budget,
        pages=timings,
        targets=targets,
        data=data_sizes(),
        database=describe_database(),
        machine=describe_machine(),
        export_memory=memory,
        seconds=time.monotonic() - started,
    )
