"""Requesting and timing pages, and describing the database, machine and data the
timings were taken on."""

import gc
import logging
import os
import platform
import re
import resource
import sys
import time
import tracemalloc
import uuid

import django
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from declarations.models import Assessment, Body, Commitment, Declaration, Evidence
from declarations.page_cache import pages_changed

from .report import Page, Timing

# The cache alias that is no cache (settings.CACHES): the "no cache" column.
NO_CACHE = "off"


def _maxrss_mib() -> float:
    """This process's peak resident memory so far, in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024


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
        self.first_bytes: list[float] = []
        self.last_size = 0
        self.body = ""

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
            self.body = ""
        else:
            first = end = time.perf_counter()
            size = len(response.content)
            self.body = response.content.decode(errors="replace")
        # No response.close() here: the client has closed it already, keeping the
        # database connection (closing again would run close_old_connections).
        return response.status_code, (first - start) * 1e3, (end - start) * 1e3, size

    def timed(self, url: str, runs: int, before=None) -> list[float]:
        """``runs`` requests of the url (``before()`` ahead of each), in ms."""
        times = []
        for _ in range(runs):
            if before:
                before()
            gc.collect()
            times.append(self.fetch(url)[2])
            if self.page_budget and sum(times) >= self.page_budget * 1e3:
                break
        return times

    def measure(self, page: Page, warmed: bool = False) -> Timing:
        """Time a page with no cache, after writes and from the cache, count its
        queries, and time its floor; ``warmed`` when it was just requested."""
        timing = Timing(page)
        if page.missing:
            self.progress(f"{page.name}: missing ({page.missing})")
            return timing
        self.progress(f"{page.name}: {page.url}")
        runs = self.export_requests if page.export else self.requests
        try:
            with override_settings(DEBUG=False):
                with override_settings(TRACKER_PAGE_CACHE=NO_CACHE):
                    if not warmed:
                        timing.status, _, _, timing.size = self.fetch(page.url)
                    else:
                        timing.status = 200
                    if timing.status != 200:
                        timing.error = f"HTTP {timing.status}"
                        return timing
                    start = len(self.first_bytes)
                    timing.times = self.timed_with_first_byte(page.url, runs)
                    timing.first_byte = self.first_bytes[start:]
                    timing.size = timing.size or self.last_size
                    timing.streamed = self.streamed
                    body = self.body
                    timing.queries = self.count_queries(page.url)
                if not (page.export or page.admin):
                    timing.after_write = self.timed(page.url, runs, pages_changed)
                    pages_changed()
                    timing.cached_queries = self.count_queries(page.url)
                    timing.cached = self.timed(page.url, runs)
                if page.floor:
                    floor = self.floor_url(page.floor, body)
                    if floor:
                        self.fetch(floor)
                        timing.floor = self.timed(floor, runs)
        except Exception as error:  # a broken page is a finding, not a crash
            timing.error = f"{type(error).__name__}: {error}"[:300]
        return timing

    def timed_with_first_byte(self, url: str, runs: int) -> list[float]:
        times = []
        for _ in range(runs):
            gc.collect()
            _, first, total, size = self.fetch(url)
            self.first_bytes.append(first)
            self.last_size = size
            times.append(total)
            if self.page_budget and sum(times) >= self.page_budget * 1e3:
                break
        return times

    def count_queries(self, url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            self.fetch(url)
        return len(queries.captured_queries)

    KEYS = {
        "commitments": re.compile(
            r'class="reference-cell"><a href="/commitments/([^/"]+)/'
        ),
        "bodies": re.compile(r'<td ><a href="/bodies/([^/"]+)/'),
        "declarations": re.compile(r'<td ><a href="/declarations/([^/"]+)/'),
    }

    def floor_url(self, kind: str, body: str) -> str:
        """The floor of the rows the page showed (their keys read from it)."""
        keys = list(dict.fromkeys(self.KEYS[kind].findall(body)))
        return f"/__floor__/{kind}/?keys={','.join(keys)}" if keys else ""

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


def describe_cache() -> str:
    """The page cache the "cached" column used (settings.CACHE_URL)."""
    backend = settings.CACHES[settings.TRACKER_PAGE_CACHE]["BACKEND"].rsplit(".", 1)[1]
    url = settings.CACHE_URL or "unset"
    return f"{backend} (CACHE_URL {url})"


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
