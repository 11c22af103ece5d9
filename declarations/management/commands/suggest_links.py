"""Suggest links from a declaration's commitments to earlier, similar ones."""

from django.core.management.base import BaseCommand
from django.urls import reverse

from declarations import services
from declarations.services.links import SUGGEST_SCORER

from .propose_commitments import declaration_named


class Command(BaseCommand):
    help = (
        "Compare a newly imported declaration's commitments with the quotes of "
        "the commitments of earlier declarations and store each close pair as a "
        f"suggested link (rapidfuzz {SUGGEST_SCORER.__name__} of at least "
        f"{services.SUGGEST_THRESHOLD} out of 100). Nothing is public until an "
        "editor confirms a suggestion in the admin. Paragraphs with no "
        "commitment coded that are close to an earlier quote are listed, not "
        "stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The declaration's slug, e.g. astana-2005.")

    def handle(self, *args, slug, **options):
        declaration = declaration_named(slug)
        result = services.links_suggest(declaration=declaration)
        for link in result.created:
            self.stdout.write(
                f"  {link.from_commitment.reference} repeats? "
                f"{link.to_commitment.reference} (score {link.score:.0f})"
            )
        for match in result.uncoded:
            self.stdout.write(
                f"  paragraph {match.paragraph_number} has no commitment yet but "
                f"is close to {match.reference} (score {match.score:.0f}): code "
                "it, then run this again"
            )
        url = reverse("admin:declarations_commitmentlink_changelist")
        self.stdout.write(
            f"{declaration.title} ({declaration.date}): {len(result.created)} new "
            f"suggested link(s); review them at {url}?state__exact=suggested"
        )
