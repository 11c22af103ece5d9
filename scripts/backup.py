#!/usr/bin/env python3
"""Back up the tracker's database and restore it, so that nothing is lost.

    .venv/bin/python scripts/backup.py dump FILE
    .venv/bin/python scripts/backup.py restore FILE

The database is the app's own: ``DATABASE_URL`` (SQLite ``db.sqlite3`` when unset),
with the same ``DJANGO_*`` environment as ``manage.py``. Two formats:

* ``FILE.dump``, PostgreSQL only: ``pg_dump --format=custom`` of the whole database,
  restored with ``pg_restore --clean --if-exists --single-transaction`` (all or
  nothing) into the database of ``DATABASE_URL``, which must exist (``createdb``).
* ``FILE.xml``, any database: ``manage.py dumpdata --format=xml`` of every record
  but what ``migrate`` recreates (content types, permissions) and sessions, with
  natural keys for users, groups and content types; restored by ``migrate`` then
  ``loaddata`` (one transaction) into a database that holds no declaration yet. The
  usual backup for SQLite, and the way to move data between SQLite and PostgreSQL.
  XML, not JSON: Django's JSON serializer cuts times to milliseconds, so the
  recorded times of evidence and assessments would not come back exactly.

A dump is written to ``FILE.partial`` and renamed when complete, so a backup that
was interrupted never looks like a good one. ``tests/test_backup.py`` restores a
backup into a fresh database and checks that ``export_commitments`` and the public
pages come out identical.
"""

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DUMPDATA_ARGS = [
    "--format=xml",
    "--natural-foreign",
    "--natural-primary",
    "--exclude=contenttypes",
    "--exclude=auth.permission",
    "--exclude=sessions",
    # Derived data is not backed up: the restore derives it, with the one writer.
    "--exclude=declarations.statusperiod",
    "--exclude=declarations.commitmentstate",
    "--exclude=declarations.figuretally",
]


def setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    import django

    django.setup()


def database():
    from django.db import connection

    return connection


def libpq_url() -> str:
    """The database as a libpq connection string for pg_dump and pg_restore."""
    settings = database().settings_dict
    parts = {
        "dbname": settings["NAME"],
        "host": settings.get("HOST") or "",
        "port": str(settings.get("PORT") or ""),
        "user": settings.get("USER") or "",
    }

    def quote(value: str) -> str:
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"

    return " ".join(f"{key}={quote(value)}" for key, value in parts.items() if value)


def libpq_env() -> dict:
    """The environment for pg_dump and pg_restore: the password stays out of ps."""
    password = database().settings_dict.get("PASSWORD")
    return {**os.environ, "PGPASSWORD": password} if password else dict(os.environ)


def is_postgres() -> bool:
    return database().vendor == "postgresql"


def dump(path: Path) -> None:
    """Write a backup of the database to ``path`` (.dump or .xml)."""
    from django.core.management import call_command

    partial = path.with_name(path.name + ".partial")
    if path.suffix == ".dump":
        if not is_postgres():
            sys.exit("A .dump backup is for PostgreSQL; use a .xml file for SQLite.")
        subprocess.run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={partial}",
                f"--dbname={libpq_url()}",
            ],
            check=True,
            env=libpq_env(),
        )
    elif path.suffix == ".xml":
        call_command("dumpdata", *DUMPDATA_ARGS, output=str(partial), verbosity=0)
    else:
        sys.exit(f"{path}: name the backup FILE.dump (PostgreSQL) or FILE.xml.")
    partial.replace(path)
    print(f"Backed up {database().settings_dict['NAME']} to {path}.")


def restore(path: Path) -> None:
    """Restore a backup made by ``dump`` into the configured database."""
    from django.core.management import call_command

    if not path.is_file():
        sys.exit(f"{path}: no such file.")
    if path.suffix == ".dump":
        if not is_postgres():
            sys.exit("A .dump backup restores into PostgreSQL only.")
        if shutil.which("pg_restore") is None:
            sys.exit("pg_restore is not installed.")
        database().close()
        subprocess.run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={libpq_url()}",
                str(path),
            ],
            check=True,
            env=libpq_env(),
        )
    elif path.suffix == ".xml":
        call_command("migrate", interactive=False, verbosity=0)
        from declarations.models import Declaration

        if Declaration.objects.exists():
            sys.exit(
                "The database already holds declarations: restore a .xml backup into "
                "a new, empty database (records with the same ids would be replaced)."
            )
        call_command("loaddata", str(path), verbosity=0)  # and derives
    else:
        sys.exit(f"{path}: expected a .dump (PostgreSQL) or .xml backup.")
    print(f"Restored {path} into {database().settings_dict['NAME']}.")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("action", choices=["dump", "restore"])
    parser.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    setup_django()
    (dump if args.action == "dump" else restore)(args.file)
    return 0


if __name__ == "__main__":
    sys.exit(main())
