"""A database made by an earlier main upgrades with today's migrations, losing
nothing: every row, every derived status, every page."""

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data" / "upgrade"
EXPECTED = json.loads((DATA / "main-2026-11-30.expected.json").read_text())

# Run in the upgraded database, prints what the checks compare.
SNAPSHOT = """
import json, django
django.setup()
from django.test import Client
from declarations.models import (
    Assessment, Commitment, CommitmentState, Evidence, DeadlineRevision,
)
states = {
    c.reference: [s.status if s.status != "unassessed" else "unassessed",
                  s.since and s.since.isoformat(),
                  s.first_implemented_on and s.first_implemented_on.isoformat()]
    for c, s in ((s.commitment, s) for s in
                 CommitmentState.objects.select_related("commitment"))
}
client = Client(HTTP_HOST="localhost")
page = client.get("/commitments/AST2005-06/")
print(json.dumps({
    "current": states,
    "counts": {
        "commitments": Commitment.objects.count(),
        "evidence": Evidence.objects.count(),
        "assessments": Assessment.objects.count(),
        "retracted": Evidence.objects.filter(retracted_at__isnull=False).count(),
        "revisions": DeadlineRevision.objects.count(),
        "historical_commitments": Commitment.history.count(),
    },
    "page": [page.status_code, page.content.decode()],
    "overview": client.get("/").status_code,
}))
"""


def manage(env, *args) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    return result.stdout


def snapshot(env) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", SNAPSHOT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def environment(database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DJANGO_DEBUG="1",
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="tracker.settings",
        CACHE_URL="dummy://",
    )
    return env


def assert_nothing_lost(env):
    before_rebuild = snapshot(env)
    assert before_rebuild["counts"] == EXPECTED["counts"]
    assert before_rebuild["current"] == EXPECTED["current"]
    status, page = before_rebuild["page"]
    assert status == 200
    assert "Upgrade-test evidence: the heads of state met in Bishkek." in page
    assert "(upgrade-test edit)" in page
    assert "Upgrade test: wrong commitment." in page  # the retraction's reason
    assert before_rebuild["overview"] == 200
    # Deriving everything afresh gives what the old code had derived.
    manage(env, "rebuild_status")
    assert snapshot(env)["current"] == EXPECTED["current"]


def test_a_sqlite_database_made_by_an_earlier_main_upgrades(tmp_path):
    database = tmp_path / "old.sqlite3"
    with gzip.open(DATA / "main-2026-11-30.sqlite3.gz") as packed:
        database.write_bytes(packed.read())
    env = environment(f"sqlite:///{database}")
    shown = manage(env, "showmigrations", "declarations")
    assert "0001_squashed_0005" in shown and "[ ] 0006_derived_state" in shown
    manage(env, "migrate", "--noinput")
    assert_nothing_lost(env)


@pytest.mark.skipif(
    connection.vendor != "postgresql" or shutil.which("psql") is None,
    reason="needs DATABASE_URL on PostgreSQL and psql",
)
@pytest.mark.django_db
def test_a_postgresql_database_made_by_an_earlier_main_upgrades():
    settings = connection.settings_dict
    name = f"{settings['NAME']}_upgrade"
    server = [
        "-h",
        settings["HOST"] or "127.0.0.1",
        "-p",
        str(settings["PORT"] or 5432),
    ]
    user = ["-U", settings["USER"] or "postgres"]
    psql = ["psql", *server, *user, "-q", "-v", "ON_ERROR_STOP=1"]
    subprocess.run([*psql, "-c", f'DROP DATABASE IF EXISTS "{name}"'], check=True)
    subprocess.run([*psql, "-c", f'CREATE DATABASE "{name}"'], check=True)
    try:
        dump = gzip.decompress((DATA / "main-2026-11-30.pg.sql.gz").read_bytes())
        subprocess.run([*psql, "-d", name], input=dump, check=True, capture_output=True)
        password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
        url = (
            f"postgres://{settings['USER'] or 'postgres'}{password}@"
            f"{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{name}"
        )
        env = environment(url)
        manage(env, "migrate", "--noinput")
        assert_nothing_lost(env)
    finally:
        subprocess.run([*psql, "-c", f'DROP DATABASE IF EXISTS "{name}"'], check=False)
