"""The benchmark command, end to end on a small synthetic dataset. Figures are
printed, never compared with a time."""

import datetime
import io
import json

import pytest
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
    "bodies",
    "declarations",
    "methodology",
    "changes",
    "changes deep",
    "evidence feed",
    "CSV export (all)",
    "iCalendar feed",
    "admin commitments",
    "admin commitments ?q",
    "admin evidence",
    "admin evidence ?q",
    "admin assessments",
    "admin assessments ?q",
]
LISTS = {
    "commitments",
    "commitments ?body",
    "commitments ?status",
    "commitments ?q",
    "commitments ?sort=deadline",
    "commitments deep page",
    "body scorecard",
    "overdue (past date)",
    "bodies",
    "declarations",
}


def generate():
    synthetic.generate(
        commitments=120, evidence=300, assessments=240, declarations=3, until=UNTIL
    )


@pytest.fixture
def data():
    generate()


def benchmark(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("benchmark", "--requests=2", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_prints_json_for_the_pages_asked(data):
    out, _ = benchmark(
        "--json", "--as-of=2020-01-01", "--requests=1", "--page=overview"
    )
    report = json.loads(out)
    assert [page["name"] for page in report["pages"]] == ["overview"]
    assert "as_of=2020-01-01" in report["pages"][0]["url"]
    assert report["pages"][0]["no_cache"]["median_ms"] > 0


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
    assert "overview" in out and "admin commitments" not in out


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
    assert [page["requests"] for page in report["pages"]] == [1, 1]
