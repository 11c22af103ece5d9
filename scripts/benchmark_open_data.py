#!/usr/bin/env python
"""Time the open data (issue 13) against what the database holds: the API's lists
at any page depth, the web CSV of every commitment, and a full data release,
each beside PostgreSQL's own ``\\copy`` of the same rows as the floor.

Reads only: the release is written into a temporary folder and removed.

    export DJANGO_DEBUG=1 CACHE_URL=dummy:// \\
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_big
    .venv/bin/python scripts/benchmark_open_data.py --requests 20

``--skip csv,release`` leaves parts out; ``--json`` prints the figures as JSON.
"""

import argparse
import datetime
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from declarations import exports  # noqa: E402
from declarations.api import views as api  # noqa: E402
from declarations.api.pagination import (  # noqa: E402
    KeyPart,
    cursor_token,
    encode_key_value,
)
from declarations.datapackage import writer  # noqa: E402
from declarations.datapackage.tables import TABLES  # noqa: E402
from declarations.models import (  # noqa: E402
    Body,
    Commitment,
    CommitmentBody,
    Declaration,
    Evidence,
    Role,
)

# The API's lists, with the viewset and its basename (for crafting a cursor).
LISTS = {
    "declarations": (api.DeclarationViewSet, "declaration"),
    "paragraphs": (api.ParagraphViewSet, "paragraph"),
    "bodies": (api.BodyViewSet, "body"),
    "commitments": (api.CommitmentViewSet, "commitment"),
    "evidence": (api.EvidenceViewSet, "evidence"),
    "assessments": (api.AssessmentViewSet, "assessment"),
    "member-state-assessments": (
        api.MemberStateAssessmentViewSet,
        "member-state-assessment",
    ),
    "deadline-revisions": (api.DeadlineRevisionViewSet, "deadline-revision"),
}
DEPTHS = (0.0, 0.5, 0.999)


def _maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Bench:
    def __init__(self, requests: int):
        self.requests = requests
        self.client = Client(SERVER_NAME="localhost")

    def get(self, url: str):
        with override_settings(DEBUG=False):
            return self.client.get(url, secure=True)

    def time_url(self, url: str) -> dict:
        response = self.get(url)  # warm-up
        status = response.status_code
        queries = []
        with connection.execute_wrapper(
            lambda execute, sql, params, many, context: (
                queries.append(sql),
                execute(sql, params, many, context),
            )[1]
        ):
            self.get(url)
        times = []
        for _ in range(self.requests):
            start = time.perf_counter()
            response = self.get(url)
            times.append((time.perf_counter() - start) * 1e3)
            status = response.status_code
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        return {
            "url": url,
            "status": status,
            "median_ms": statistics.median(times),
            "p95_ms": p95,
            "queries": len(queries),
            "rows": len(json.loads(response.content).get("results", [])),
        }


def cursor_at(name: str, depth: float, query: dict, as_of=None) -> str | None:
    """A cursor that starts the list (as filtered by ``query``, on ``as_of``) at
    that depth."""
    viewset, basename = LISTS[name]
    view = viewset()
    view.basename = basename
    view.action = "list"
    view.as_of = as_of or timezone.localdate()
    queryset = view.get_queryset()
    if query and viewset.filterset_class is not None:
        queryset = viewset.filterset_class(
            query, queryset=queryset, as_of=view.as_of
        ).qs
    parts = [KeyPart.parse(spec) for spec in viewset.keyset]
    ordering = [("-" if p.descending else "") + p.path for p in parts]
    count = queryset.count()
    offset = min(count - 1, int(count * depth))
    if offset <= 0:
        return None
    key = queryset.order_by(*ordering).values_list(*[p.path for p in parts])[offset]
    return cursor_token(view, "next", [encode_key_value(v) for v in key])


def change_cursor_at_middle() -> str:
    view = api.ChangeList()
    middle = Evidence.objects.order_by("logged_at").values_list("pk", "logged_at")[
        Evidence.objects.count() // 2
    ]
    key = [encode_key_value(middle[1]), "evidence", middle[0]]
    return cursor_token(view, "next", key)


def api_urls() -> list[tuple[str, str]]:
    from urllib.parse import urlencode

    busiest = (
        CommitmentBody.objects.filter(role=Role.RESPONSIBLE)
        .values("body__slug")
        .order_by()
        .annotate(n=django.db.models.Count("pk"))
        .order_by("-n")
        .first()
    )
    declaration = Declaration.objects.order_by("-date").first()
    commitment = (
        Evidence.objects.values("commitment__reference")
        .order_by()
        .annotate(n=django.db.models.Count("pk"))
        .order_by("-n")
        .first()
    )
    cases = [
        ("commitments", {}),
        ("commitments", {"status": "in_progress"}),
        ("commitments", {"overdue_band": "definitely"}),
        ("commitments", {"as_of": "2010-06-30"}),
        ("commitments", {"body": busiest["body__slug"]} if busiest else {}),
        ("commitments", {"q": "foreign"}),
        ("evidence", {}),
        ("evidence", {"retracted": "true"}),
        ("assessments", {}),
        ("member-state-assessments", {}),
        ("deadline-revisions", {}),
        ("paragraphs", {}),
        ("bodies", {}),
        ("declarations", {}),
    ]
    urls = []
    for name, query in cases:
        filters = {k: v for k, v in query.items() if k != "as_of"}
        for depth in DEPTHS:
            params = dict(query)
            as_of = query.get("as_of")
            day = datetime.date.fromisoformat(as_of) if as_of else None
            cursor = cursor_at(name, depth, filters, day) if depth else None
            if depth and cursor is None:
                continue
            if cursor:
                params["cursor"] = cursor
            label = f"/api/{name}/ {urlencode(query)} depth {depth:.1%}".replace(
                "  ", " "
            )
            urls.append((label, f"/api/{name}/?{urlencode(params)}"))
    if commitment:
        ref = commitment["commitment__reference"]
        urls.append(
            (f"/api/evidence/?commitment={ref}", f"/api/evidence/?commitment={ref}")
        )
    urls.append(
        (
            f"/api/paragraphs/?declaration={declaration.slug}",
            f"/api/paragraphs/?declaration={declaration.slug}",
        )
    )
    urls.append(("/api/changes/ first page", "/api/changes/"))
    urls.append(
        (
            "/api/changes/ middle of the log",
            f"/api/changes/?{urlencode({'cursor': change_cursor_at_middle()})}",
        )
    )
    first = Commitment.objects.order_by("reference").first()
    urls.append(
        ("/api/commitments/<reference>/", f"/api/commitments/{first.reference}/")
    )
    body = (
        Body.objects.get(slug=busiest["body__slug"])
        if busiest
        else Body.objects.first()
    )
    urls.append(("/api/bodies/<slug>/ (scorecards)", f"/api/bodies/{body.slug}/"))
    return urls


def time_csv(bench: Bench, url: str) -> dict:
    rss = _maxrss_mib()
    start = time.perf_counter()
    response = bench.get(url)
    first, size, lines = None, 0, 0
    for chunk in response.streaming_content:
        if first is None:
            first = time.perf_counter()
        size += len(chunk)
        lines += chunk.count(b"\n")
    end = time.perf_counter()
    return {
        "url": url,
        "status": response.status_code,
        "first_byte_ms": ((first or end) - start) * 1e3,
        "total_s": end - start,
        "bytes": size,
        "rows": lines - 1,
        "rss_growth_mib": _maxrss_mib() - rss,
    }


def psql_copy(sql: str) -> float:
    """Seconds psql takes to ``\\copy`` the query's rows as CSV (to /dev/null)."""
    url = settings.DATABASES["default"]
    env = {**os.environ, "PGPASSWORD": url.get("PASSWORD") or ""}
    command = [
        "psql",
        "-X",
        "-q",
        "-h",
        url["HOST"] or "localhost",
        "-p",
        str(url["PORT"] or 5432),
        "-U",
        url["USER"],
        "-d",
        url["NAME"],
        "-c",
        "SET jit = off",
        "-c",
        f"\\copy ({' '.join(sql.split())}) TO '/dev/null' WITH (FORMAT csv)",
    ]
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True)
    return time.perf_counter() - start


def csv_floor_sql() -> str:
    """The web CSV's own query (the same columns, one row per body link)."""
    queryset = Commitment.objects.for_public_list(timezone.localdate())
    fields = [
        "pk",
        *dict.fromkeys(f for c in exports.COMMITMENT_COLUMNS for f in c.fields),
    ]
    query = (
        exports.with_bodies(queryset)
        .prefetch_related(None)
        .values_list(*fields, *exports.BODY_FIELDS)
    )
    sql, params = query.query.sql_with_params()
    return connection.ops.compose_sql(sql, params)


def time_release(copy_floor: bool) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="bench-release-"))
    rss = _maxrss_mib()
    steps = []
    start = time.perf_counter()
    # (the documents and checksums are written between the last table and the
    # archive; they take milliseconds)
    release = writer.release_write(
        releases_dir=folder,
        version="benchmark",
        progress=lambda step: steps.append((step, time.perf_counter() - start)),
    )
    total = time.perf_counter() - start
    result = {
        "total_s": total,
        "rss_growth_mib": _maxrss_mib() - rss,
        "tables": {
            Path(t.path).stem: {"rows": t.rows, "bytes": t.bytes}
            for t in release.tables
        },
        "archive_bytes": release.archive.bytes,
        "steps": steps,
    }
    if copy_floor:
        floor = 0.0
        for table in TABLES:
            statement, params = writer.copy_statement(table, timezone.localdate())
            select = statement.removeprefix("COPY (").removesuffix(
                ") TO STDOUT WITH (FORMAT csv)"
            )
            floor += psql_copy(connection.ops.compose_sql(select, params))
        result["psql_copy_floor_s"] = floor
    shutil.rmtree(folder, ignore_errors=True)
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--skip", default="", help="api,csv,release")
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args(argv)
    skip = set(filter(None, options.skip.split(",")))
    bench = Bench(options.requests)
    postgres = connection.vendor == "postgresql"
    report = {
        "database": f"{connection.vendor} {connection.settings_dict['NAME']}",
        "commitments": Commitment.objects.count(),
        "evidence": Evidence.objects.count(),
        "cache": settings.CACHES["default"]["BACKEND"],
    }
    if "api" not in skip:
        report["api"] = {label: bench.time_url(url) for label, url in api_urls()}
    if "csv" not in skip:
        report["csv"] = time_csv(bench, "/commitments/?_export=csv")
        if postgres:
            report["csv"]["psql_copy_floor_s"] = psql_copy(csv_floor_sql())
    if "release" not in skip:
        report["release"] = time_release(copy_floor=postgres)
    if options.json:
        print(json.dumps(report, indent=2, default=str))
        return
    print(
        f"{report['database']}: {report['commitments']:,} commitments, "
        f"{report['evidence']:,} evidence entries; cache {report['cache']}"
    )
    if "api" in report:
        print(
            f"\n| API request ({options.requests} requests) | median ms | p95 ms "
            "| queries | rows |"
        )
        print("| --- | ---: | ---: | ---: | ---: |")
        for label, row in report["api"].items():
            print(
                f"| {label} | {row['median_ms']:.1f} | {row['p95_ms']:.1f} | "
                f"{row['queries']} | {row['rows']} |"
                + ("" if row["status"] == 200 else f" status {row['status']}")
            )
    if "csv" in report:
        row = report["csv"]
        floor = row.get("psql_copy_floor_s")
        print(
            f"\nWeb CSV of every commitment: {row['rows']:,} rows, "
            f"{row['bytes'] / 1e6:.1f} MB in {row['total_s']:.1f} s (first byte "
            f"{row['first_byte_ms']:.0f} ms), peak memory +{row['rss_growth_mib']:.1f} "
            "MiB" + (f"; psql \\copy of the same query: {floor:.1f} s" if floor else "")
        )
    if "release" in report:
        row = report["release"]
        floor = row.get("psql_copy_floor_s")
        print(
            f"\nFull release: {row['total_s']:.1f} s, peak memory "
            f"+{row['rss_growth_mib']:.1f} MiB, archive "
            f"{row['archive_bytes'] / 1e6:.1f} MB"
            + (f"; psql \\copy of every table: {floor:.1f} s" if floor else "")
        )
        # Each step is reported as it starts; it lasts until the next one starts.
        steps = row["steps"]
        ends = [at for _, at in steps[1:]] + [row["total_s"]]
        print("\n| step | seconds | rows | MB |\n| --- | ---: | ---: | ---: |")
        for (step, start), end in zip(steps, ends, strict=True):
            table = row["tables"].get(step)
            rows = f"{table['rows']:,}" if table else ""
            size = f"{table['bytes'] / 1e6:.1f}" if table else ""
            print(f"| {step} | {end - start:.1f} | {rows} | {size} |")


if __name__ == "__main__":
    main()
