"""Import declarations in the World and Japan Database text format."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from declarations.importer import DocumentError, read_document
from declarations.services import ImportRefused, declaration_import


class Command(BaseCommand):
    help = (
        "Import one or more declarations (World and Japan Database format). All or "
        "nothing: if any file is refused, none is imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace a declaration of the same title and date whose text differs.",
        )
        parser.add_argument("--slug", help="URL slug (default: place and year).")
        parser.add_argument(
            "--reference-prefix",
            help="Prefix of commitment references (default: place and year, "
            "e.g. AST2005).",
        )

    def handle(self, *args, paths, replace, slug, reference_prefix, **options):
        if len(paths) > 1 and (slug or reference_prefix):
            raise CommandError("--slug and --reference-prefix take a single PATH.")
        try:
            with transaction.atomic():
                results = [
                    declaration_import(
                        doc=read_document(path, settings.TRACKER_MAX_IMPORT_BYTES),
                        replace=replace,
                        slug=slug,
                        reference_prefix=reference_prefix,
                    )
                    for path in paths
                ]
        except (DocumentError, ImportRefused) as exc:
            raise CommandError(f"{exc}\nNothing was imported.") from None
        for result in results:
            declaration = result.declaration
            paragraphs = declaration.paragraphs.count()
            sections = len(
                set(declaration.paragraphs.values_list("section", flat=True))
            )
            verb = {
                "created": "Imported",
                "replaced": "Replaced",
                "unchanged": "Unchanged (already imported)",
            }[result.action]
            self.stdout.write(
                f"{verb}: {declaration.title}\n"
                f"  date: {declaration.date:%-d %B %Y}"
                f"{'  place: ' + declaration.place if declaration.place else ''}\n"
                f"  {paragraphs} paragraphs in {sections} section(s)\n"
                f"  slug: {declaration.slug}  references: "
                f"{declaration.reference_prefix}-…"
            )
