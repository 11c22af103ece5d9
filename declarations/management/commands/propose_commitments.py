"""Propose a declaration's commitments for editors to review in the admin."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from declarations import services
from declarations.models import Declaration


def declaration_named(slug: str) -> Declaration:
    declaration = Declaration.objects.filter(slug=slug).first()
    if declaration is None:
        known = ", ".join(Declaration.objects.values_list("slug", flat=True)[:10])
        raise CommandError(
            f"No declaration with the slug {slug!r}"
            + (f" (there are: {known})." if known else " (none is imported yet).")
        )
    return declaration


class Command(BaseCommand):
    help = (
        "Read a declaration's paragraphs and propose its commitments (quote, "
        "title, bodies and roles, deadline), stored as pending proposals that "
        "editors accept or reject in the admin. With --json, print them instead "
        "and store nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The declaration's slug, e.g. astana-2005.")
        parser.add_argument(
            "--json",
            action="store_true",
            dest="as_json",
            help="Print a JSON list of proposals (paragraph, quote, title, bodies, "
            "deadline) and store nothing.",
        )

    def handle(self, *args, slug, as_json, **options):
        declaration = declaration_named(slug)
        if as_json:
            proposals = services.proposals_for(declaration)
            self.stdout.write(
                json.dumps(
                    [p.as_dict() for p in proposals], ensure_ascii=False, indent=2
                )
            )
            return
        created = services.proposals_store(declaration=declaration)
        pending = declaration.proposals.pending().count()
        url = reverse("admin:declarations_commitmentproposal_changelist")
        self.stdout.write(
            f"{declaration.title} ({declaration.date}): {len(created)} new "
            f"proposal(s); {pending} pending review at "
            f"{url}?declaration__id__exact={declaration.pk}&status__exact=pending"
        )
