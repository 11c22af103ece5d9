"""What a benchmark measured: each page's timings and the whole report, as a dict
and as text."""

import dataclasses
import math
import statistics


@dataclasses.dataclass
class Page:
    """One URL to time, or the reason it cannot be timed. ``floor`` names the
    bare page of the same rows (devtools.benchmarking.floor) for list pages."""

    name: str
    url: str = ""
    missing: str = ""
    export: bool = False
    admin: bool = False
    floor: str = ""


@dataclasses.dataclass
class Timing:
    """What the timed requests of one page measured, in milliseconds.

    ``times`` are with no cache at all; ``after_write`` each follow a write that
    empties the page cache (what a visitor gets while analysts work);
    ``cached`` are served from the page cache; ``floor`` are the same rows
    fetched by one query and written as a bare table.
    """

    page: Page
    status: int | None = None
    times: list[float] = dataclasses.field(default_factory=list)
    after_write: list[float] = dataclasses.field(default_factory=list)
    cached: list[float] = dataclasses.field(default_factory=list)
    floor: list[float] = dataclasses.field(default_factory=list)
    first_byte: list[float] = dataclasses.field(default_factory=list)
    queries: int | None = None
    cached_queries: int | None = None
    size: int | None = None
    streamed: bool | None = None
    error: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times else None

    @property
    def p95(self) -> float | None:
        return percentile(self.times, 95)

    @property
    def floor_median(self) -> float | None:
        return statistics.median(self.floor) if self.floor else None

    @property
    def x_floor(self) -> float | None:
        if self.median is None or not self.floor_median:
            return None
        return self.median / self.floor_median

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
            "no_cache": {"median_ms": _round(self.median), "p95_ms": _round(self.p95)},
            "after_write": {
                "median_ms": _round(_median(self.after_write)),
                "p95_ms": _round(percentile(self.after_write, 95)),
            },
            "cached": {
                "median_ms": _round(_median(self.cached)),
                "p95_ms": _round(percentile(self.cached, 95)),
            },
            "floor_median_ms": _round(self.floor_median),
            "x_floor": _round(self.x_floor, 2),
            "first_byte_median_ms": _round(self.first_byte_median)
            if self.page.export
            else None,
            "queries": self.queries,
            "queries_cached_miss": self.cached_queries,
            "bytes": self.size,
            "streamed": self.streamed,
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
    cache: str = ""
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {
            "requests_per_page": self.requests,
            "export_requests": self.export_requests,
            "page_budget_seconds": self.page_budget,
            "cache": self.cache,
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
            f"Benchmark: {self.requests} timed requests per page and column after "
            f"one warm-up (CSV export: {self.export_requests}{budget}); "
            f"{self.seconds:.0f} s in all.",
            f"Cache: {self.cache}",
            f"Database: {db['vendor']} {db['version']} ({db['name']})",
            f"Machine: {m['platform']}, {m['cpus']} CPUs, Python {m['python']}, "
            f"Django {m['django']}",
            "Data: " + ", ".join(f"{n:,} {name}" for name, n in d.items()),
            "Picked: " + "; ".join(f"{k} {v}" for k, v in self.targets.items()),
            "",
            "Milliseconds. no cache: the page cache switched off; after write: each "
            "request follows a write (a cache miss); cached: served from the page "
            "cache; floor: the same rows by one query, written bare.",
            "",
            f"{'page':<28}{'status':>6}{'runs':>5}{'KB':>8}{'queries':>8}"
            f"{'median':>9}{'p95':>9}{'write p95':>10}{'cached':>8}{'c p95':>8}"
            f"{'floor':>8}{'x floor':>8}  url",
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
                f"{(t.size or 0) / 1024:>8,.0f}"
                f"{t.queries if t.queries is not None else '-':>8}"
                f"{_fmt(t.median, 9)}{_fmt(t.p95, 9)}"
                f"{_fmt(percentile(t.after_write, 95), 10)}"
                f"{_fmt(_median(t.cached), 8)}{_fmt(percentile(t.cached, 95), 8)}"
                f"{_fmt(t.floor_median, 8)}{_fmt(t.x_floor, 8, '.2f')}  {t.page.url}"
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


def _median(values):
    return statistics.median(values) if values else None


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
