"""The benchmark command, end to end on a small synthetic dataset. Figures are
printed, never compared with a time."""

import datetime
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command

from devtools import benchmarking, synthetic

pytestmark = pytest.mark.django_db

UNTIL = datetime.date(2024, 12, 31)
PAGES = [
    "overview",
    "commitments",
    "commitments ?body",
    "commitments ?status",
    "commitments ?q",
    "commitments ?sort=deadline",
    "commitments deep page",
    "commitment detail",
    "body scorecard",
    "overdue (past date)",
    "reader",
    "CSV export (all)",
    "iCalendar feed",
    "admin changelist",
]


@pytest.fixture
def data():
    synthetic.generate(
        commitments=120, evidence=300, assessments=240, declarations=3, until=UNTIL
    )


def benchmark(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("benchmark", "--requests=2", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_prints_every_page_with_its_figures(data):
    users, sessions = get_user_model().objects.count(), Session.objects.count()
    out, err = benchmark()
    print(out)  # the figures, for whoever runs the suite with -s
    rows = {}
    for line in out.splitlines():
        for name in PAGES:
            if line.startswith(name + "  ") or line.startswith(name + " "):
                rows.setdefault(name, line)
    assert set(rows) == set(PAGES)
    for name, line in rows.items():
        assert "missing" not in line and "error" not in line, line
        fields = line[len(name) :].split()
        status, runs, cold, median, p95, queries, ratio = fields[:7]
        assert status == "200"
        assert runs == "2"
        assert name == "CSV export (all)" or float(cold.replace(",", "")) > 0
        assert float(median.replace(",", "")) > 0
        assert float(p95.replace(",", "")) >= float(median.replace(",", ""))
        assert int(queries) > 0
        assert float(ratio) > 0
    assert "Data: 3 declarations, 120 commitments, 300 evidence, 240 assessments" in out
    assert "Database: " in out and "CPUs" in out
    assert "CSV export: first byte median" in out
    assert "streamed" in out
    assert "CSV export memory: tracemalloc peak" in out
    assert "commitments ?q" in err  # progress on stderr
    # The temporary superuser, its session and its login left no trace.
    assert get_user_model().objects.count() == users
    assert Session.objects.count() == sessions


def test_json_has_the_same_figures(data):
    out, _ = benchmark(
        "--json", "--as-of=2020-01-01", "--requests=1", "--export-requests=1"
    )
    report = json.loads(out)
    pages = {page["name"]: page for page in report["pages"]}
    assert list(pages) == PAGES
    for page in pages.values():
        assert page["status"] == 200, page
        assert page["requests"] == 1
        assert page["median_ms"] > 0 and page["p95_ms"] == page["median_ms"]
        assert page["queries"] > 0 and page["bytes"] > 0
        assert page["ratio_to_admin"] > 0
    assert pages["admin changelist"]["ratio_to_admin"] == 1
    assert "as_of=2020-01-01" in pages["overview"]["url"]
    assert "as_of=2020-01-01" in pages["overdue (past date)"]["url"]
    assert "as_of" not in pages["admin changelist"]["url"]
    assert pages["CSV export (all)"]["first_byte_median_ms"] > 0
    assert pages["CSV export (all)"]["streamed"] in (True, False)
    assert report["export_memory"]["tracemalloc_peak_mib"] > 0
    assert report["data"]["commitments"] == 120
    assert report["database"]["vendor"] in ("sqlite", "postgresql")
    assert report["machine"]["cpus"] >= 1
    assert report["targets"]["word"]


def test_a_missing_page_or_parameter_is_reported_not_fatal(data, monkeypatch):
    real = benchmarking._url

    def without_feed(name, *args):
        if name == "declarations:feed-deadlines":
            return "", f"no URL named {name!r}"
        return real(name, *args)

    monkeypatch.setattr(benchmarking, "_url", without_feed)
    targets = benchmarking.pick_targets()
    pages = {p.name: p for p in benchmarking.plan_pages(targets)}
    assert pages["iCalendar feed"].missing
    _, missing = benchmarking._list_params("/commitments/", {"colour": "red"})
    assert missing == "the list has no filter 'colour'"
    _, missing = benchmarking._list_params("/commitments/", {"sort": "nope"})
    assert "no sortable column" in missing
    out, _ = benchmark("--page=overview", "--page=iCalendar feed")
    assert "iCalendar feed                missing: no URL named" in out
    assert "overview" in out and "admin changelist" in out


def test_refuses_an_empty_database():
    with pytest.raises(CommandError, match="no commitments"):
        benchmark()


def test_percentile_is_nearest_rank():
    assert benchmarking.percentile([5.0, 1.0, 3.0, 2.0, 4.0], 95) == 5.0
    assert benchmarking.percentile(list(map(float, range(1, 21))), 95) == 19.0
    assert benchmarking.percentile([], 95) is None


def test_a_page_budget_limits_the_timed_requests(data):
    out, _ = benchmark(
        "--json",
        "--requests=3",
        "--page-budget=0.000001",
        "--page=reader",
        "--page=CSV export (all)",
        "--no-tracemalloc",
    )
    report = json.loads(out)
    assert report["export_memory"]["tracemalloc_peak_mib"] is None
    assert report["export_memory"]["rss_growth_mib"] >= 0
    assert report["page_budget_seconds"] == 0.000001
    assert [page["requests"] for page in report["pages"]] == [1, 1, 1]
