"""Write a numbered data release of the whole ledger (a Frictionless Data Package)."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from declarations.datapackage.writer import ReleaseError, release_write


class Command(BaseCommand):
    help = (
        "Write data release VERSION (default: today's date) into the releases "
        "folder: one CSV per table, datapackage.json, README, codebook, licence, "
        "CITATION.cff, checksums and a zip of it all. A release is never "
        "overwritten."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "release_version",
            nargs="?",
            metavar="VERSION",
            help="The release's version, e.g. 2026.1 (default: today, YYYY-MM-DD).",
        )
        parser.add_argument(
            "--releases-dir",
            type=Path,
            help=f"Where releases are kept (default: TRACKER_RELEASES_DIR, "
            f"{settings.TRACKER_RELEASES_DIR}).",
        )

    def handle(self, *args, release_version, releases_dir, verbosity, **options):
        version = release_version or timezone.localdate().isoformat()
        releases_dir = releases_dir or Path(settings.TRACKER_RELEASES_DIR)
        started = time.monotonic()

        def progress(step):
            if verbosity >= 2:
                elapsed = time.monotonic() - started
                self.stderr.write(f"  {elapsed:6.1f} s  {step}")

        try:
            release = release_write(
                releases_dir=releases_dir, version=version, progress=progress
            )
        except ReleaseError as error:
            raise CommandError(str(error)) from None
        took = f"{time.monotonic() - started:.1f} s"
        rows = ", ".join(
            f"{table.rows:,} {Path(table.path).stem}" for table in release.tables
        )
        self.stdout.write(
            f"Release {release.version} written to {release.folder} in {took}: "
            f"{rows}.\nContent checksum sha256:{release.content_checksum}; "
            f"archive {release.archive.path} ({release.archive.bytes:,} bytes)."
        )
