"""What a benchmark measured: each page's timings and the whole report, as a dict
and as text."""

import dataclasses
import math
import statistics


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
