"""Time every public page and the admin changelists through Django's full request
stack, on whatever data the configured database holds.

Each page is requested once to warm up, then ``requests`` times in each of three
columns: with the page cache switched off (*no cache*: what every page costs by
itself), each request right after a write has emptied the page cache (*after
write*: what visitors get while analysts work), and served from the page cache
(*cached*), whatever ``CACHE_URL`` sets. Its SQL queries are counted with and
without the cache (on a miss they must be the same), its bytes printed, and for
list pages its *floor* timed: the same rows by one query, written bare
(``floor.py``), so that the median over the floor says what the page adds. The
CSV export is also requested once under ``tracemalloc`` to measure its memory.
Admin changelists are requested as a temporary superuser created inside a
transaction that is rolled back afterwards, so the run leaves no user, session or
login record behind. Nothing else is written.

Pages and parameters are looked up in the URLconf, the views' FilterSets and Tables
as they are; a page or parameter that does not exist is reported as missing.

The pages are planned here and ``run()`` ties it together; ``runner.py`` makes and
times the requests and describes the database and machine, ``report.py`` holds what
was measured and prints it.
"""

import collections
import datetime
import math
import re
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.db.models import Count
from django.test.utils import override_settings
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from declarations.models import (
    Assessment,
    Body,
    Commitment,
    Declaration,
    Evidence,
    Status,
)

from .report import Page, Report, Timing, percentile
from .runner import (
    Runner,
    data_sizes,
    describe_cache,
    describe_database,
    describe_machine,
)

__all__ = [
    "DEFAULT_REQUESTS",
    "OVERDUE_AS_OF",
    "Page",
    "Report",
    "Runner",
    "Timing",
    "data_sizes",
    "describe_database",
    "describe_machine",
    "percentile",
    "pick_targets",
    "plan_pages",
    "run",
    "search_word",
]

DEFAULT_REQUESTS = 20
OVERDUE_AS_OF = "2010-06-30"
STATUS_FILTER = Status.IN_PROGRESS
QUOTE_SAMPLE = 500
# The search word is the one found in about this share of the sampled quotes: a
# selective search, not one that returns everything.
SEARCH_SHARE = 0.05
# The changes log's deep page: about page 1,000 of 50 entries.
DEEP_CHANGES = 50_000
STOP_WORDS = {"member", "states", "parties", "heads", "council", "state", "shall"}


# -- What to time --------------------------------------------------------------------

# Planned in this module, not one of its own, so that replacing ``benchmarking._url``
# (as the tests do) reaches ``plan_pages`` and the helpers it calls.


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
    add_list("commitments", commitments, {}, floor="commitments")
    if targets["body"]:
        add_list(
            "commitments ?body",
            commitments,
            {"body": targets["body"]},
            floor="commitments",
        )
    else:
        add("commitments ?body", "", "no body in the database")
    add_list(
        "commitments ?status",
        commitments,
        {"status": STATUS_FILTER},
        floor="commitments",
    )
    if targets["word"]:
        add_list(
            "commitments ?q", commitments, {"q": targets["word"]}, floor="commitments"
        )
    else:
        add("commitments ?q", "", "no quote in the database")
    add_list(
        "commitments ?sort=deadline",
        commitments,
        {"sort": "deadline"},
        floor="commitments",
    )
    add_list(
        "commitments deep page",
        commitments,
        {"page": _deep_page(commitments)},
        floor="commitments",
    )
    add_detail(
        "commitment detail",
        "declarations:commitment-detail",
        targets["commitment"],
        "commitment",
    )
    add_detail("body scorecard", "declarations:body-detail", targets["body"], "body")
    pages[-1].floor = "commitments"
    path, missing = _url("declarations:overdue")
    if not missing:
        params, missing = _list_params(
            path, {"as_of": as_of.isoformat() if as_of else OVERDUE_AS_OF}
        )
        path = _with(path, params)
    add("overdue (past date)", path, missing, floor="commitments")
    add_detail(
        "reader",
        "declarations:declaration-detail",
        targets["declaration"],
        "declaration",
    )
    add_list("bodies", "declarations:body-list", {}, floor="bodies")
    add_list("declarations", "declarations:declaration-list", {}, floor="declarations")
    path, missing = _url("declarations:methodology")
    add("methodology", path, missing)
    path, missing = _url("declarations:changes")
    add("changes", path, missing)
    deep = _deep_changes_position()
    add(
        "changes deep",
        _with(path, {"before": deep}) if deep else "",
        missing or ("" if deep else "fewer than 50,000 changes"),
    )
    path, missing = _url("declarations:feed-evidence")
    add("evidence feed", path, missing)
    add_list("CSV export (all)", commitments, {"export": "csv"}, export=True)
    path, missing = _url("declarations:feed-deadlines")
    add("iCalendar feed", path, missing)
    word = targets["word"]
    for model, label in (
        (Commitment, "commitments"),
        (Evidence, "evidence"),
        (Assessment, "assessments"),
    ):
        path, missing = _admin_changelist(model)
        add(f"admin {label}", path, missing, admin=True)
        add(
            f"admin {label} ?q",
            _with(path, {"q": word}) if word and path else "",
            missing or ("" if word else "no word to search for"),
            admin=True,
        )
    return pages


def _deep_page(url_name: str) -> int:
    """About half the page count of the unfiltered list."""
    path, missing = _url(url_name)
    view = _view_class(path) if not missing else None
    pagination = getattr(view, "table_pagination", None) or {}
    per_page = pagination.get("per_page", 25) if isinstance(pagination, dict) else 25
    pages = math.ceil(Commitment.objects.count() / per_page)
    return max(1, pages // 2)


def _admin_changelist(model) -> tuple[str, str]:
    """(path, '') of the model's admin changelist, or ('', why it is missing)."""
    if not admin.site.is_registered(model):
        return "", f"{model.__name__} is not registered in the admin"
    return _url(f"admin:declarations_{model._meta.model_name}_changelist")


def _deep_changes_position() -> str:
    """A position in the changes log about 50,000 entries down (page 1,000): the
    moment of the evidence logged that many entries ago, or '' if there are not
    that many."""
    from declarations.views.changes import Position

    row = (
        Evidence.objects.order_by("-logged_at", "-id")
        .values_list("logged_at", "pk")[DEEP_CHANGES : DEEP_CHANGES + 1]
        .first()
    )
    return Position(row[0], "evidence", row[1]).encode() if row else ""


# -- The run -----------------------------------------------------------------------


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
        pages = [p for p in pages if p.name in only]
    runner = Runner(requests, export_requests, progress, page_budget)
    allowed = [*settings.ALLOWED_HOSTS, "localhost"]
    floors = "devtools.benchmarking.floor"
    with override_settings(ALLOWED_HOSTS=allowed, ROOT_URLCONF=floors):
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
        cache=describe_cache(),
        seconds=time.monotonic() - started,
    )
