"""Import an implementation record (evidence and assessments) from CSV."""

from argparse import RawDescriptionHelpFormatter

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from declarations.importer.records import RecordFileError, read_record
from declarations.services import record_import, review_required

COLUMN_HELP = """
Columns (a header row naming all of them, in any order; UTF-8):

  record            'evidence' or 'assessment'
  key               the row's own key, stable across versions of the file (E001,
                    A012); importing the file again finds what it wrote by it
  commitment        the commitment's reference (AST2005-05a)
Evidence rows fill:
  event_date        when it happened: 2006-06-15, or 2006-06 / 2006 where the
                    source gives only the month or the year
  summary           what happened, in our words
  source_title      the title the source shows (never a placeholder)
  source_publisher  who published it
  source_url        the address read (http or https)
  source_language   the source's language as a short code (en, ru, zh)
  archived_url      an archived copy whose address was seen (may be empty)
  accessed_on       the day the source was read (2026-12-01)
  excerpt           a short verbatim excerpt that supports the summary
  direction         toward, against or neutral
  confidence        low, medium or high
Assessment rows fill:
  status            not_started, in_progress, stalled, no_evidence, implemented,
                    partly_implemented, superseded or abandoned
  as_of             the day the status became true in the world
  confidence        low, medium or high
  rationale         why, in sentences
  cites             the keys of the evidence it rests on, separated by spaces
  member_state      a member state's slug, to assess it alone (may be empty)
  superseded_by     for 'superseded': the reference of the commitment that
                    replaced it
  searched          what was searched (required for no_evidence; stored after
                    the rationale)

A column that is not the row's kind's stays empty. Problems are reported as
FILE:ROW: column: reason (the header is row 1), all of them at once, and nothing
is written if there is any.
"""


class Command(BaseCommand):
    help = (
        "Import evidence and assessments from a CSV record file, all or nothing. "
        "Importing the same file again changes nothing. Assessments are drafts "
        "awaiting review where review is on (TRACKER_REVIEW_REQUIRED) unless "
        "--publish is given."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.epilog = COLUMN_HELP
        parser.formatter_class = RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="FILE")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish the assessments at once: for a file already reviewed "
            "(the shipped record).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check every row as an import would, and write nothing.",
        )

    def handle(self, *args, path, publish, dry_run, **options):
        try:
            result = record_import(
                record=read_record(path, settings.TRACKER_MAX_IMPORT_BYTES),
                publish=publish,
                dry_run=dry_run,
            )
        except RecordFileError as exc:
            raise CommandError(
                "\n".join(exc.lines()) + "\nNothing was imported."
            ) from None
        verb = "would be created" if dry_run else "created"
        as_drafts = ""
        if result.drafts:
            as_drafts = f" ({result.drafts} as drafts awaiting review)"
        elif result.assessments_created and not (publish or review_required()):
            as_drafts = " (published: review is off)"
        self.stdout.write(
            f"{path}: evidence: {result.evidence_created} {verb}, "
            f"{result.evidence_unchanged} unchanged; assessments: "
            f"{result.assessments_created} {verb}{as_drafts}, "
            f"{result.assessments_unchanged} unchanged."
        )
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
        elif not result.changed:
            self.stdout.write("Nothing new: the file was imported before.")
