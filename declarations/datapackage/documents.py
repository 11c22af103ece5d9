"""The release's descriptor and documents, generated from the code's definitions.

``datapackage.json`` carries each table's Frictionless schema (``tables.TABLES``);
the codebook prints every column and every vocabulary with the labels and
definitions of ``models.choices`` and the figures' definitions of
``models.scorecards``, so the documentation cannot drift from what the code does.
"""

import datetime
import json

from django.conf import settings

from ..models import (
    BodyKind,
    CommitmentKind,
    Confidence,
    DatePrecision,
    DeadlineKind,
    Direction,
    LinkType,
    OverdueBand,
    Precision,
    Role,
    Status,
)
from ..models.scorecards import (
    IMPLEMENTATION_RATE_DEFINITION,
    ON_TIME_RATE_DEFINITION,
    SCORECARD_ROLE_NOTE,
    Timeliness,
)
from .tables import TABLES

PACKAGE_NAME = "declaration-tracker"
TITLE = "Declaration commitment tracker"
DESCRIPTION = (
    "What international declarations promised, who owns each promise, by when, and "
    "what the evidence shows: every declaration with its text, the bodies, each "
    "commitment with its verbatim quote, bodies, deadline and due window, the "
    "evidence analysts logged, their assessments (overall and member state by "
    "member state), and every revision of a deadline."
)
LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
KEYWORDS = [
    "international declarations",
    "commitments",
    "implementation",
    "compliance",
    "deadlines",
]
FORMULA_START = ("=", "+", "-", "@", "tab", "carriage return")

VOCABULARIES = [
    (Status, "Status"),
    (Role, "Role of a body"),
    (BodyKind, "Kind of body"),
    (CommitmentKind, "Kind of commitment"),
    (DeadlineKind, "Kind of deadline"),
    (Precision, "Precision of a due window"),
    (DatePrecision, "Precision of an event date"),
    (Direction, "Direction of evidence"),
    (Confidence, "Confidence of an assessment"),
    (LinkType, "Type of link between commitments"),
]


def author() -> str:
    return settings.TRACKER_CITATION_AUTHOR


def site_url() -> str:
    return settings.TRACKER_SITE_URL.rstrip("/")


def datapackage(*, version, created, as_of, tables, checksum) -> dict:
    """The Frictionless descriptor: the package, then one resource per table."""
    written = {table.path: table for table in tables}
    resources = []
    for table in TABLES:
        file = written[table.path]
        resources.append(
            {
                "name": table.name,
                "title": table.title,
                "description": table.description,
                "path": table.path,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "quoteChar": '"', "header": True},
                "bytes": file.bytes,
                "hash": f"sha256:{file.sha256}",
                "rows": file.rows,
                "schema": table.schema(),
            }
        )
    descriptor = {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": f"{TITLE}, release {version}",
        "description": DESCRIPTION,
        "version": version,
        "created": created.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "licenses": [LICENCE],
        "contributors": [{"title": author(), "role": "author"}],
        "keywords": KEYWORDS,
        # Not Frictionless terms, kept beside them: the date the statuses are
        # judged on, and one digest of all the data files (see the README).
        "status_as_of": as_of.isoformat(),
        "content_checksum": f"sha256:{checksum}",
        "resources": resources,
    }
    if site_url():
        descriptor["homepage"] = site_url()
    return descriptor


def cite_as(descriptor: dict) -> str:
    year = descriptor["created"][:4]
    where = f" {site_url()}/data/" if site_url() else ""
    return (
        f"{author()} ({year}). {TITLE}, data release {descriptor['version']} "
        f"[data set]. CC BY 4.0.{where}"
    )


def _table_lines(descriptor) -> list[str]:
    lines = ["| table | file | rows | what it holds |", "| --- | --- | ---: | --- |"]
    for resource in descriptor["resources"]:
        lines.append(
            f"| {resource['name']} | `{resource['path']}` | {resource['rows']:,} | "
            f"{resource['description']} |"
        )
    return lines


def readme(descriptor: dict) -> str:
    version = descriptor["version"]
    lines = [
        f"# {TITLE}: data release {version}",
        "",
        DESCRIPTION,
        "",
        f"- Version: **{version}**, created {descriptor['created']}.",
        f"- Statuses in `commitments.csv` are judged on {descriptor['status_as_of']}.",
        f"- Content checksum: `{descriptor['content_checksum']}`.",
        f"- Licence of the data: {LICENCE['title']} ({LICENCE['name']}), see "
        "`LICENSE.md`. The tracker's code is MIT-licensed.",
        "",
        "## Cite as",
        "",
        cite_as(descriptor),
        "",
        "`CITATION.cff` holds the same in the Citation File Format. Cite the "
        "version you used: a release never changes once written; corrections "
        "appear in a later release (and every correction is itself in the data: "
        "see `corrects` and `corrected_by` in the assessments).",
        "",
        "## Files",
        "",
        *_table_lines(descriptor),
        "",
        "`datapackage.json` describes every table as a Frictionless Table Schema "
        "(types, primary and foreign keys, the allowed values of each coded "
        "column); `codebook.md` explains every column and every code. Validate "
        "the package with `frictionless validate datapackage.json`.",
        "",
        "## How values are written",
        "",
        "- CSV, UTF-8 without a byte-order mark, comma-separated, fields quoted "
        'with `"` where needed, lines ending in LF, a header row.',
        "- Dates are `YYYY-MM-DD`; moments are UTC, `YYYY-MM-DDTHH:MM:SS.ffffffZ`.",
        "- `true` and `false` for yes and no; a JSON object where the codebook says "
        "so.",
        "- An empty cell is an empty text or no value.",
        "- Coded columns hold the code (`in_progress`), not its label: "
        "`codebook.md` gives each code's label and definition.",
        "- Text is exact: verbatim as recorded, with nothing added or escaped. "
        "In particular, a cell that begins with "
        + ", ".join(f"`{c}`" if len(c) == 1 else c for c in FORMULA_START)
        + " is written as it is. A spreadsheet may run such a cell as a formula "
        "when it opens a CSV: import the files as text (for example Excel's "
        "Data > From Text/CSV with every column as Text, or LibreOffice's "
        "import dialog with 'Formula syntax' off), or read them with a data "
        "tool. The tracker's web downloads, meant for spreadsheets, prefix such "
        "cells with an apostrophe instead.",
        "",
        "## Verify the files",
        "",
        "`sha256sum -c SHA256SUMS` checks every file. The content checksum is the "
        "SHA-256 of the `SHA256SUMS` lines of the `data/` files alone, sorted by "
        "path: two releases with the same checksum hold the same data.",
        "",
    ]
    return "\n".join(lines)


def _definition(member) -> str:
    try:
        return member.definition
    except (AttributeError, KeyError):
        return ""


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def codebook() -> str:
    lines = [
        f"# Codebook: {TITLE}",
        "",
        "Every table of the release, every column, and every code. Generated from "
        "the tracker's own definitions (its models and their vocabularies), so "
        "what is written here is what the code applies.",
        "",
        "## Tables",
        "",
    ]
    for table in TABLES:
        lines += [
            f"### {table.name} (`{table.path}`)",
            "",
            table.description,
            "",
            f"Primary key: {', '.join(f'`{k}`' for k in table.primary_key)}.",
        ]
        for key in table.foreign_keys:
            target = key.table or table.name
            lines.append(
                f"Foreign key: {', '.join(f'`{f}`' for f in key.fields)} → "
                f"`{target}` ({', '.join(f'`{c}`' for c in key.columns)})."
            )
        lines += [
            "",
            "| column | type | required | meaning | values |",
            "| --- | --- | --- | --- | --- |",
        ]
        for column in table.columns:
            values = ""
            if column.vocabulary is not None:
                values = f"codes of *{_vocabulary_title(column.vocabulary)}*"
                if column.values is not None:
                    values += ": " + ", ".join(f"`{v}`" for v in column.values)
            lines.append(
                f"| `{column.name}` | {column.type} | "
                f"{'yes' if column.required else ''} | {_cell(column.description)} "
                f"| {values} |"
            )
        lines.append("")
    lines += ["## Codes", ""]
    for vocabulary, title in VOCABULARIES:
        lines += [f"### {title}", ""]
        if vocabulary is Status:
            lines += [
                "Open statuses (a commitment still owed, which can be overdue): "
                + ", ".join(f"`{s}`" for s in Status.open_values())
                + ". Closed: "
                + ", ".join(f"`{s}`" for s in Status.closed_values())
                + ".",
                "",
            ]
        lines += ["| code | label | definition |", "| --- | --- | --- |"]
        for member in vocabulary:
            lines.append(
                f"| `{member.value}` | {_cell(member.label)} | "
                f"{_cell(_definition(member))} |"
            )
        lines.append("")
    lines += [
        "## Figures the tracker publishes",
        "",
        "The release holds the records the tracker's figures are computed from. "
        "The tracker computes them as follows.",
        "",
        f"- Implementation rate: {IMPLEMENTATION_RATE_DEFINITION}",
        f"- On-time rate: {ON_TIME_RATE_DEFINITION}",
        f"- {SCORECARD_ROLE_NOTE}",
        "",
        "Overdue bands, on a date:",
        "",
        "| code | label | definition |",
        "| --- | --- | --- |",
        *(
            f"| `{band.value}` | {_cell(band.label)} | {_cell(band.definition)} |"
            for band in OverdueBand
        ),
        "",
        "Timeliness of an implemented commitment:",
        "",
        "| code | label | definition |",
        "| --- | --- | --- |",
        *(
            f"| `{t.value}` | {_cell(t.label)} | {_cell(t.definition)} |"
            for t in Timeliness
        ),
        "",
    ]
    return "\n".join(lines)


def _vocabulary_title(vocabulary) -> str:
    return dict(VOCABULARIES).get(vocabulary, vocabulary.__name__)


def licence() -> str:
    return "\n".join(
        [
            f"# Licence of this data release: {LICENCE['title']} (CC BY 4.0)",
            "",
            f"The tables of this release are licensed under the {LICENCE['title']} "
            f"licence ({LICENCE['name']}): {LICENCE['path']} (legal code: "
            f"{LICENCE['path']}legalcode).",
            "",
            "You may share and adapt them for any purpose, including commercially, "
            "provided you give appropriate credit (see 'Cite as' in README.md), "
            "provide a link to the licence, and indicate if changes were made.",
            "",
            "The declarations' texts are reproduced verbatim from their sources, "
            "named in `declarations.csv` (`source`, `header_fields`); those texts "
            "remain under their publishers' terms. The licence above covers the "
            "tracker's own work: the coding of commitments, bodies and deadlines, "
            "the evidence records and the assessments.",
            "",
            "The tracker's source code is licensed separately, under the MIT licence.",
            "",
        ]
    )


def _yaml(value) -> str:
    # A JSON string is a valid YAML double-quoted scalar.
    return json.dumps(value, ensure_ascii=False)


def citation(descriptor: dict) -> str:
    lines = [
        "cff-version: 1.2.0",
        'message: "If you use this data, please cite it as below."',
        "type: dataset",
        f"title: {_yaml(f'{TITLE}: data release ' + descriptor['version'])}",
        f"version: {_yaml(descriptor['version'])}",
        f"date-released: {descriptor['created'][:10]}",
        f"license: {LICENCE['name']}",
        f"abstract: {_yaml(DESCRIPTION)}",
        "authors:",
        f"  - name: {_yaml(author())}",
        "keywords:",
        *(f"  - {_yaml(keyword)}" for keyword in KEYWORDS),
    ]
    if site_url():
        lines.append(f"url: {_yaml(site_url() + '/data/')}")
    return "\n".join(lines) + "\n"
