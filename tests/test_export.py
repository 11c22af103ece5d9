import csv
import datetime
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from declarations.models import Role, Status
from tests.factories import (
    AssessmentFactory,
    CommitmentBodyFactory,
    CommitmentFactory,
    with_window,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def export(*args):
    out = io.StringIO()
    call_command("export_commitments", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def commitments():
    first = with_window(
        CommitmentFactory(reference="X-01", theme="Institutions"),
        D(2006, 1, 1),
        D(2006, 12, 31),
        "year",
        kind="event",
        wording="by the next 2006 Summit",
        note="Summit year",
    )
    CommitmentBodyFactory(
        commitment=first, body__name="Council of X", body__short_name="CX"
    )
    CommitmentBodyFactory(commitment=first, role=Role.ADDRESSEE)
    AssessmentFactory(commitment=first, status=Status.IN_PROGRESS, as_of=D(2006, 6, 15))
    AssessmentFactory(commitment=first, status=Status.IMPLEMENTED, as_of=D(2007, 1, 1))
    second = CommitmentFactory(reference="X-02")
    return first, second


def test_json_export_has_every_commitment(commitments):
    data = json.loads(export("--as-of", "2006-12-31"))
    assert data["as_of"] == "2006-12-31"
    rows = {row["reference"]: row for row in data["commitments"]}
    assert set(rows) == {"X-01", "X-02"}
    first = rows["X-01"]
    assert first["status"] == Status.IN_PROGRESS
    assert first["status_as_of"] == "2006-12-31"
    assert first["status_since"] == "2006-06-15"
    assert first["quote"] == commitments[0].quote
    assert first["paragraph"] == commitments[0].paragraph.number
    assert first["theme"] == "Institutions"
    assert first["deadline"] == {
        "text": "by the next 2006 Summit",
        "kind": "event",
        "earliest": "2006-01-01",
        "latest": "2006-12-31",
        "precision": "year",
        "note": "Summit year",
    }
    assert {"name": "Council of X", "short_name": "CX", "role": "responsible"} in first[
        "bodies"
    ]
    assert [b["role"] for b in first["bodies"]].count("addressee") == 1
    assert rows["X-02"]["status"] == Status.UNASSESSED
    assert rows["X-02"]["deadline"]["kind"] == "none"


def test_status_follows_the_as_of_date(commitments):
    today = json.loads(export())
    assert {r["reference"]: r["status"] for r in today["commitments"]}["X-01"] == (
        Status.IMPLEMENTED
    )
    before = json.loads(export("--as-of", "2006-06-14"))
    assert before["commitments"][0]["status"] == Status.UNASSESSED


def test_csv_export_flattens_bodies_and_deadline(commitments):
    rows = list(csv.DictReader(io.StringIO(export("--format", "csv"))))
    assert [r["reference"] for r in rows] == ["X-01", "X-02"]
    assert "Council of X (CX) [responsible]" in rows[0]["bodies"]
    assert rows[0]["deadline_latest"] == "2006-12-31"
    assert rows[0]["status"] == Status.IMPLEMENTED


def test_bad_as_of_date_is_a_clear_error():
    with pytest.raises(CommandError, match="not a date"):
        export("--as-of", "yesterday")


def test_unknown_declaration_is_a_clear_error(commitments):
    with pytest.raises(CommandError, match="No commitments"):
        export("--declaration", "nowhere-1999")


def test_the_csv_neutralises_cells_a_spreadsheet_would_run():
    CommitmentFactory(reference="F-1", title='=HYPERLINK("http://evil.example","x")')
    rows = list(csv.DictReader(io.StringIO(export("--format", "csv"))))
    assert rows[0]["title"] == '\'=HYPERLINK("http://evil.example","x")'
    # JSON is read by programs, not spreadsheets: exact.
    data = json.loads(export())
    assert data["commitments"][0]["title"] == '=HYPERLINK("http://evil.example","x")'


ROOT = Path(__file__).resolve().parent.parent


def run_into_a_closed_pipe(*args, env=None):
    """Run manage.py with its standard output a pipe nobody reads any more, as
    in ``manage.py ... | head`` once head has exited."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            stdout=write,
            stderr=subprocess.PIPE,
            env={**os.environ, "DJANGO_DEBUG": "1", **(env or {})},
            timeout=120,
        )
    finally:
        os.close(write)


def test_a_command_whose_reader_went_away_ends_quietly():
    result = run_into_a_closed_pipe("help")
    assert result.returncode == 0
    assert result.stderr == b""


def test_export_commitments_into_a_closed_pipe_ends_quietly(tmp_path):
    database = f"sqlite:///{tmp_path / 'pipe.sqlite3'}"
    env = {"DATABASE_URL": database}
    for step in (["migrate", "-v0"], ["loaddata", "astana_2005", "-v0"]):
        subprocess.run(
            [sys.executable, "manage.py", *step],
            cwd=ROOT,
            env={**os.environ, "DJANGO_DEBUG": "1", **env},
            check=True,
            capture_output=True,
            timeout=300,
        )
    for export_format in ("csv", "json"):
        result = run_into_a_closed_pipe(
            "export_commitments", "--format", export_format, env=env
        )
        assert result.returncode == 0, result.stderr
        assert b"Traceback" not in result.stderr
        assert b"BrokenPipe" not in result.stderr
