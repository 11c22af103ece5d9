"""A quick export of the commitments: one flat record each, as JSON or CSV.

For a look at the ledger from the command line (``manage.py export_commitments``):
each commitment with its bodies, deadline and status on a date. It is not the
citable data: that is a numbered data release (``manage.py release``, see
``declarations.datapackage``), which holds every table, the evidence and the
assessments with their schema, codebook, licence and citation.

The CSV neutralises formula-leading cells as the web downloads do (it is meant to
be opened in a spreadsheet); the JSON keeps every value exact.
"""

import csv
import datetime
import json
from collections.abc import Iterable, Iterator

from .exports import neutralise
from .models import Commitment

CSV_COLUMNS = [
    "reference",
    "declaration",
    "declaration_title",
    "declaration_date",
    "paragraph",
    "quote",
    "title",
    "theme",
    "bodies",
    "deadline_text",
    "deadline_kind",
    "deadline_earliest",
    "deadline_latest",
    "deadline_precision",
    "deadline_note",
    "status",
    "status_as_of",
    "status_since",
]


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def commitment_record(commitment: Commitment, as_of: datetime.date) -> dict:
    """One commitment as the export writes it (from a ``for_export`` queryset)."""
    deadline = getattr(commitment, "deadline", None)
    return {
        "reference": commitment.reference,
        "declaration": commitment.declaration.slug,
        "declaration_title": commitment.declaration.title,
        "declaration_date": _date(commitment.declaration.date),
        "paragraph": commitment.paragraph.number,
        "quote": commitment.quote,
        "title": commitment.title,
        "theme": commitment.theme,
        "bodies": [
            {
                "name": link.body.name,
                "short_name": link.body.short_name,
                "role": link.role,
            }
            for link in commitment.body_links.all()
        ],
        "deadline": {
            "text": deadline.wording if deadline else "",
            "kind": deadline.kind if deadline else "none",
            "earliest": _date(deadline.earliest) if deadline else None,
            "latest": _date(deadline.latest) if deadline else None,
            "precision": (deadline.precision or None) if deadline else None,
            "note": deadline.note if deadline else "",
        },
        "status": commitment.status_on,
        "status_as_of": as_of.isoformat(),
        "status_since": _date(commitment.status_since),
    }


def records(queryset, as_of: datetime.date) -> Iterator[dict]:
    """Records of every commitment in the queryset, fetched in chunks."""
    for commitment in queryset.for_export(as_of).iterator(chunk_size=2000):
        yield commitment_record(commitment, as_of)


def as_json_chunks(rows: Iterable[dict], as_of: datetime.date) -> Iterator[str]:
    """A JSON document, streamed: metadata, then the commitments array."""
    yield '{"as_of": ' + json.dumps(as_of.isoformat()) + ', "commitments": ['
    for index, row in enumerate(rows):
        yield ("," if index else "") + "\n  " + json.dumps(row, ensure_ascii=False)
    yield "\n]}\n"


def flatten(row: dict) -> dict:
    """A record as one CSV row: bodies joined, the deadline spread over columns."""
    flat = {
        key: value for key, value in row.items() if key not in ("bodies", "deadline")
    }
    flat["bodies"] = "; ".join(
        f"{b['name']}{' (' + b['short_name'] + ')' if b['short_name'] else ''} "
        f"[{b['role']}]"
        for b in row["bodies"]
    )
    for key, value in row["deadline"].items():
        flat[f"deadline_{key}"] = value
    return flat


class _Echo:
    def write(self, value):
        return value


def as_csv_chunks(rows: Iterable[dict]) -> Iterator[str]:
    """CSV lines, streamed, header first; cells a spreadsheet would run as a
    formula are neutralised."""
    writer = csv.DictWriter(_Echo(), fieldnames=CSV_COLUMNS, extrasaction="ignore")
    yield writer.writeheader()
    for row in rows:
        yield writer.writerow(
            {key: neutralise(value) for key, value in flatten(row).items()}
        )
