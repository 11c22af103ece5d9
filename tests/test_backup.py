"""Backup and restore (scripts/backup.py) lose nothing: a database restored into a
fresh one gives the same data release and the same public pages, byte for byte.

Each test builds a real database in its own processes (the way an operator runs the
script), not the suite's test database: SQLite files with dumpdata/loaddata always,
and PostgreSQL with pg_dump/pg_restore when the suite runs on PostgreSQL.
"""

import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
BACKUP = ROOT / "scripts" / "backup.py"
AS_OF = "2026-01-01"

# The analyst's work on top of the shipped codebook: evidence, an assessment citing
# it, a retraction, a deadline revision and a codebook edit (a history record).
POPULATE = """
import datetime, io, django
django.setup()
from django.core.management import call_command
from django.contrib.auth import get_user_model
from declarations import services
from declarations.models import Commitment

call_command("bootstrap", stdout=io.StringIO())  # the codebook and its record
call_command("create_user", "amina", "--role", "analyst", "--password-file", PASSWORD)
analyst = get_user_model().objects.get(username="amina")
commitment = Commitment.objects.get(reference="AST2005-06")
kept = services.evidence_log(
    commitment=commitment, logged_by=analyst, event_date=datetime.date(2006, 6, 15),
    summary="The Council met <b>and</b> agreed.", source_title="Communiqué",
    source_url="https://example.org/c", direction="toward",
)
gone = services.evidence_log(
    commitment=commitment, logged_by=analyst, event_date=datetime.date(2006, 6, 1),
    summary="A misdated report.", source_title="Wire", direction="neutral",
)
services.evidence_retract(evidence=gone, retracted_by=analyst, reason="Misdated.")
services.assessment_record(
    commitment=commitment, recorded_by=analyst, status="in_progress",
    as_of=datetime.date(2006, 6, 15), confidence="high",
    rationale="Agreed at the Council, per the communiqué.", evidence=[kept],
)
services.deadline_revise(
    deadline=commitment.deadline, revised_by=analyst, reason="Checked the record.",
    note="Read again against the 2006 communiqué.",
)
commitment.refresh_from_db()
commitment.title = commitment.title + " (edited)"
commitment.save()
"""

# What must survive: the data release, the public pages, and the analyst's login.
SNAPSHOT = """
import io, json, re, django
django.setup()
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

out = io.StringIO()
call_command("export_commitments", "--format", "json", "--as-of", AS_OF, stdout=out)
client = Client(HTTP_HOST="localhost")
pages = {}
for url in URLS:
    response = client.get(url)
    text = response.getvalue().decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
    text = re.sub(r"(?m)^DTSTAMP:.*$", "", text)
    pages[url] = [response.status_code, text]
print(json.dumps({
    "export": out.getvalue(),
    "pages": pages,
    "login": get_user_model()
    .objects.get(username="amina", groups__name="Analysts")
    .check_password(open(PASSWORD).read().strip()),
}))
"""

URLS = [
    f"/?as_of={AS_OF}",
    f"/commitments/?as_of={AS_OF}",
    f"/commitments/?as_of={AS_OF}&status=in_progress&sort=-reference",
    f"/commitments/AST2005-06/?as_of={AS_OF}",
    f"/commitments/AST2005-05a/?as_of={AS_OF}",
    f"/bodies/?as_of={AS_OF}",
    f"/bodies/council-of-heads-of-state/?as_of={AS_OF}",
    "/overdue/?as_of=2006-12-31",
    f"/declarations/?as_of={AS_OF}",
    f"/declarations/astana-2005/?as_of={AS_OF}",
    "/changes/",
    "/feeds/evidence/",
    "/feeds/deadlines.ics",
    f"/commitments/?as_of={AS_OF}&_export=csv",
]


def run_python(code: str, env: dict, password_file: Path) -> str:
    prelude = f"PASSWORD = {str(password_file)!r}\nAS_OF = {AS_OF!r}\nURLS = {URLS!r}\n"
    result = subprocess.run(
        [sys.executable, "-c", prelude + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def backup(env: dict, *args: str) -> None:
    result = subprocess.run(
        [sys.executable, str(BACKUP), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]


def environment(database_url: str) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "PYTEST"))
    }
    env.update(
        DJANGO_DEBUG="1",
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="tracker.settings",
    )
    return env


@pytest.fixture
def password_file(tmp_path):
    path = tmp_path / "password"
    path.write_text("a-long enough passphrase 42\n")
    return path


def assert_same(before: dict, after: dict, how: str) -> None:
    assert after["login"] and before["login"]
    assert after["export"] == before["export"]
    release = json.loads(after["export"])
    assert len(release["commitments"]) == 42
    by_reference = {c["reference"]: c for c in release["commitments"]}
    assert by_reference["AST2005-06"]["status"] == "in_progress"
    for url, (status, html) in before["pages"].items():
        assert status == 200, url
        diff = difflib.unified_diff(
            html.splitlines(), after["pages"][url][1].splitlines(), lineterm=""
        )
        assert after["pages"][url] == [status, html], (how, url, list(diff)[:20])
    # The analyst's work is on the restored pages, not just identical emptiness.
    page = after["pages"][f"/commitments/AST2005-06/?as_of={AS_OF}"][1]
    assert "The Council met &lt;b&gt;and&lt;/b&gt; agreed." in page
    assert "Misdated." in page and "(edited)" in page


def test_sqlite_dumpdata_and_loaddata_restore_everything(tmp_path, password_file):
    source = environment(f"sqlite:///{tmp_path / 'source.sqlite3'}")
    run_python(POPULATE, source, password_file)
    before = json.loads(run_python(SNAPSHOT, source, password_file))

    backup(source, "dump", str(tmp_path / "backup.xml"))
    assert not (tmp_path / "backup.xml.partial").exists()

    restored = environment(f"sqlite:///{tmp_path / 'restored.sqlite3'}")
    backup(restored, "restore", str(tmp_path / "backup.xml"))
    after = json.loads(run_python(SNAPSHOT, restored, password_file))
    assert_same(before, after, "SQLite to SQLite")

    # A second restore into the now-populated database is refused, not merged.
    result = subprocess.run(
        [sys.executable, str(BACKUP), "restore", str(tmp_path / "backup.xml")],
        cwd=ROOT,
        env=restored,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert "already holds declarations" in result.stderr


def postgres_url(name: str) -> str:
    parts = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres:", "postgresql:"))
    or shutil.which("pg_dump") is None,
    reason="needs DATABASE_URL on PostgreSQL and pg_dump",
)
@pytest.mark.django_db
def test_postgres_pg_dump_and_pg_restore_restore_everything(tmp_path, password_file):
    # Named after this run's test database, so that parallel runs do not collide.
    base = re.sub(r"\W", "_", connection.settings_dict["NAME"])
    names = [f"{base}_backup_src", f"{base}_backup_dst"]

    def recreate(*, drop_only=False):
        import psycopg

        with psycopg.connect(postgres_url("postgres"), autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                if not drop_only:
                    admin.execute(f'CREATE DATABASE "{name}"')

    recreate()
    try:
        source = environment(postgres_url(names[0]))
        run_python(POPULATE, source, password_file)
        before = json.loads(run_python(SNAPSHOT, source, password_file))
        backup(source, "dump", str(tmp_path / "backup.dump"))

        restored = environment(postgres_url(names[1]))
        backup(restored, "restore", str(tmp_path / "backup.dump"))
        after = json.loads(run_python(SNAPSHOT, restored, password_file))
        assert_same(before, after, "pg_restore")

        # The portable form too: an .xml backup of PostgreSQL restores into SQLite.
        backup(source, "dump", str(tmp_path / "backup.xml"))
        sqlite = environment(f"sqlite:///{tmp_path / 'from-postgres.sqlite3'}")
        backup(sqlite, "restore", str(tmp_path / "backup.xml"))
        after = json.loads(run_python(SNAPSHOT, sqlite, password_file))
        assert_same(before, after, "PostgreSQL to SQLite")
    finally:
        recreate(drop_only=True)
