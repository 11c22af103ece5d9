"""One full run of the benchmark on a small synthetic dataset, and what it
prints. Figures are printed, never compared with a time. (One module, one run: it
is the slowest thing in the suite; tests/test_benchmark.py has the rest.)"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session

from devtools import benchmarking
from tests.test_benchmark import LISTS, PAGES, generate


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker):
    """One full run of the benchmark on a small synthetic dataset, for the tests
    of what it prints (run once: it is the slowest thing here)."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        generate()
        users, sessions = get_user_model().objects.count(), Session.objects.count()
        report = benchmarking.run(requests=2, export_requests=1, as_of=None)
        left = get_user_model().objects.count(), Session.objects.count()
        yield report, (users, sessions), left
        transaction.set_rollback(True)


def test_prints_every_page_with_its_figures(measured):
    report, before, after = measured
    out = report.as_text()
    print(out)  # the figures, for whoever runs the suite with -s
    rows = {}
    for line in out.splitlines():
        for name in PAGES:
            if line.startswith(name + "  ") or line.startswith(name + " "):
                rows.setdefault(name, line)
    assert set(rows) == set(PAGES)
    for name, line in rows.items():
        if name == "changes deep":  # fewer than 50,000 changes in this dataset
            assert "missing: fewer than 50,000 changes" in line
            continue
        assert "missing" not in line and "error" not in line, line
        status, runs, kb, queries, median, p95 = line[len(name) :].split()[:6]
        assert status == "200" and int(runs) >= 1
        assert float(kb.replace(",", "")) >= 0 and int(queries) >= 0
        assert float(p95.replace(",", "")) >= float(median.replace(",", "")) > 0
    assert "Data: 3 declarations, 120 commitments, 300 evidence, 240 assessments" in out
    assert "Database: " in out and "CPUs" in out and "Cache: " in out
    assert "CSV export: first byte median" in out and "streamed" in out
    assert "CSV export memory: tracemalloc peak" in out
    # The temporary superuser, its session and its login left no trace.
    assert after == before


def test_every_column_is_measured(measured):
    report = measured[0].as_dict()
    pages = {page["name"]: page for page in report["pages"]}
    assert list(pages) == PAGES
    for name, page in pages.items():
        if name == "changes deep":
            continue
        assert page["status"] == 200, page
        assert page["no_cache"]["median_ms"] > 0
        assert page["queries"] >= 0 and page["bytes"] > 0
        public = not (name.startswith("admin") or name.startswith("CSV"))
        if public:
            assert page["after_write"]["p95_ms"] > 0, name
            assert page["cached"]["median_ms"] > 0, name
            # A miss asks the database what no cache at all asks.
            assert page["queries_cached_miss"] == page["queries"], name
        if name in LISTS:
            assert page["floor_median_ms"] > 0 and page["x_floor"] > 0, name
        else:
            assert page["floor_median_ms"] is None, name
    assert pages["CSV export (all)"]["first_byte_median_ms"] > 0
    assert report["export_memory"]["tracemalloc_peak_mib"] > 0
    assert report["data"]["commitments"] == 120
    assert report["database"]["vendor"] in ("sqlite", "postgresql")
    assert report["machine"]["cpus"] >= 1
    assert report["targets"]["word"]
