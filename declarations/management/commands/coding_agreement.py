"""Measure the proposer against a declaration that is already coded."""

import csv
import dataclasses
import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from declarations import agreement, services
from declarations.models import Commitment

from .propose_commitments import declaration_named


def _window(earliest, latest, precision):
    return (earliest, latest, precision) if earliest else None


def coded_commitments(declaration) -> list[agreement.Coded]:
    """The codebook's commitments, each deadline as its wording allowed it
    (before any revision narrowed it to the event's date)."""
    rows = []
    commitments = (
        Commitment.objects.filter(declaration=declaration)
        .select_related("paragraph", "deadline")
        .prefetch_related("body_links", "deadline__revisions")
        .order_by("paragraph__number", "reference")
    )
    for c in commitments:
        deadline = getattr(c, "deadline", None)
        kind, window = "none", None
        if deadline is not None:
            kind = deadline.kind
            window = _window(deadline.earliest, deadline.latest, deadline.precision)
            revisions = sorted(deadline.revisions.all(), key=lambda r: r.revised_at)
            if revisions:
                first = revisions[0]
                kind = first.old_kind
                window = _window(
                    first.old_earliest, first.old_latest, first.old_precision
                )
        rows.append(
            agreement.Coded(
                reference=c.reference,
                paragraph=c.paragraph.number,
                quote=c.quote,
                bodies=frozenset(
                    (link.body_id, link.role) for link in c.body_links.all()
                ),
                deadline_kind=kind,
                window=window,
            )
        )
    return rows


def bodies_from_coding(
    path: Path, slugs: dict, names: dict | None = None
) -> dict[str, frozenset]:
    """Each reference's bodies as a coding file in the coding manual's format
    gives them (fixtures/astana_2005_coding.csv: 'slug:role' or
    'new:Full name|Short name|kind:role', separated by ';'). A new body is the
    registry's body of that full name (``names``: name to id) once the codebook
    holds it, else compared by its full name without a trailing parenthesis."""
    names = names or {}
    try:
        rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"Cannot read {path}: {error}") from None
    coded = {}
    for line, row in enumerate(rows, start=2):
        if not (row.get("reference") or "").strip():
            continue
        links = set()
        for part in filter(None, (row.get("bodies") or "").split(";")):
            who, _, role = part.rpartition(":")
            if who.startswith("new:") and who[4:].split("|")[0] in names:
                links.add((names[who[4:].split("|")[0]], role))
            elif who.startswith("new:"):
                name = re.sub(r"\s*\(.*\)$", "", who[4:].split("|")[0]).strip()
                links.add((name, role))
            elif who in slugs:
                links.add((slugs[who], role))
            else:
                raise CommandError(f"{path}, line {line}: no body with slug {who!r}.")
        coded[row["reference"].strip()] = frozenset(links)
    return coded


def proposed_commitments(declaration) -> list[agreement.Proposed]:
    return [
        agreement.Proposed(
            paragraph=p.paragraph,
            quote=p.quote,
            bodies=frozenset((b.key or b.name, b.role) for b in p.bodies),
            deadline_kind=str(p.deadline.kind),
            window=_window(
                p.deadline.earliest, p.deadline.latest, p.deadline.precision or ""
            ),
        )
        for p in services.proposals_for(declaration)
    ]


def _clip(text: str, size: int = 90) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


class Command(BaseCommand):
    help = (
        "Run the proposer on a declaration that is already coded, without looking "
        "at its codebook, and print recall and precision of commitments and "
        "agreement on bodies, roles, deadline kind and window, with the misses."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The declaration's slug, e.g. astana-2005.")
        parser.add_argument(
            "--coding",
            type=Path,
            help="Compare the bodies with this per-paragraph coding file (the "
            "coding manual's format, e.g. fixtures/astana_2005_coding.csv) "
            "instead of the codebook's body links.",
        )

    def handle(self, *args, slug, coding, **options):
        declaration = declaration_named(slug)
        # The proposer runs first and reads only the paragraphs and the registry.
        proposed = proposed_commitments(declaration)
        coded = coded_commitments(declaration)
        if coding is not None:
            from declarations.models import Body

            by_reference = bodies_from_coding(
                coding,
                dict(Body.objects.values_list("slug", "pk")),
                dict(Body.objects.values_list("name", "pk")),
            )
            coded = [
                dataclasses.replace(c, bodies=by_reference.get(c.reference, c.bodies))
                for c in coded
            ]
        paragraphs = dict(declaration.paragraphs.values_list("number", "text"))
        result = agreement.compare(coded, proposed, paragraphs)
        names = self.body_names()
        out = self.stdout
        out.write(f"{declaration.title} ({declaration.date}), {slug}")
        out.write(f"Coded commitments: {len(coded)}; proposed: {len(proposed)}")
        if coding is not None:
            out.write(f"Bodies and roles compared with {coding}")
        out.write(f"Commitments recall:    {result.recall}")
        out.write(f"Commitments precision: {result.precision}")
        out.write(f"Bodies (same set):     {result.bodies}")
        out.write(f"  links found:         {result.links_recall}")
        out.write(f"  links right:         {result.links_precision}")
        out.write(f"Roles (shared bodies): {result.roles}")
        out.write(f"Deadline kind:         {result.deadline_kind}")
        out.write(f"Deadline window:       {result.window}")
        out.write("")
        out.write(f"Missed ({len(result.missed)}):")
        for c in result.missed:
            out.write(f"  {c.reference} ¶{c.paragraph}: {_clip(c.quote)}")
        out.write(f"Proposed, not coded ({len(result.extra)}):")
        for p in result.extra:
            out.write(f"  ¶{p.paragraph}: {_clip(p.quote)}")
        for what, label in (
            ("bodies", "Bodies differ"),
            ("roles", "Roles differ"),
            ("deadline_kind", "Deadline kind differs"),
            ("window", "Window differs"),
        ):
            pairs = result.disagreements(what)
            out.write(f"{label} ({len(pairs)}):")
            for c, p in pairs:
                out.write(
                    f"  {c.reference}: coded {self.describe(c, what, names)}; "
                    f"proposed {self.describe(p, what, names)}"
                )

    @staticmethod
    def body_names() -> dict:
        from declarations.models import Body

        return {
            pk: short or name
            for pk, short, name in Body.objects.values_list("pk", "short_name", "name")
        }

    @staticmethod
    def describe(item, what, names) -> str:
        if what in ("bodies", "roles"):
            links = sorted(
                f"{names.get(b, b)}" + (f" ({r})" if what == "roles" else "")
                for b, r in item.bodies
            )
            return ", ".join(links) or "none"
        if what == "deadline_kind":
            return item.deadline_kind
        if item.window is None:
            return "no window"
        first, last, precision = item.window
        return f"{first}..{last} ({precision})"
