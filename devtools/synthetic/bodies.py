"""The bodies of synthetic data: the same catalogue every run, reused by name when
already in the database."""

import dataclasses
import itertools

from django.utils.text import slugify

from declarations.models import Body, BodyKind

from .rows import build
from .vocabulary import (
    CHG,
    EXTERNAL,
    MEMBER_STATES,
    PORTFOLIOS,
    SECRETARIAT,
    TOP_ORGANS,
)


@dataclasses.dataclass(frozen=True)
class BodySpec:
    name: str
    short_name: str
    kind: str
    parent: str | None = None


def body_catalogue() -> list[BodySpec]:
    """The same few hundred bodies every run, parents before their children: organs
    four levels deep, member states, and external parties (some under a parent)."""
    specs = [BodySpec(n, s, BodyKind.ORGAN, p) for n, s, p in TOP_ORGANS]
    for portfolio in PORTFOLIOS:
        meeting = f"Meeting of Ministers of {portfolio}"
        specs += [
            BodySpec(meeting, f"Ministers of {portfolio}", BodyKind.ORGAN, CHG),
            BodySpec(
                f"Working Group on {portfolio}",
                f"WG {portfolio}",
                BodyKind.ORGAN,
                meeting,
            ),
            BodySpec(
                f"Expert Group on {portfolio}",
                f"EG {portfolio}",
                BodyKind.ORGAN,
                meeting,
            ),
            BodySpec(
                f"Department of {portfolio} of the Secretariat",
                f"Secretariat: {portfolio}",
                BodyKind.ORGAN,
                SECRETARIAT,
            ),
        ]
    specs += [BodySpec(n, s, BodyKind.MEMBER_STATE) for n, s in MEMBER_STATES]
    specs += [BodySpec(n, s, BodyKind.EXTERNAL, p) for n, s, p in EXTERNAL]
    return specs


@dataclasses.dataclass(frozen=True)
class _Body:
    pk: int
    name: str
    label: str
    kind: str


def load_bodies(take, summary, batch_size: int) -> list[_Body]:
    """Reuse the catalogue's bodies already in the database (by name); create
    the others. Nothing is drawn at random here, so appends share bodies.
    Return every body of the catalogue, parents before their children."""
    existing = {
        b.name: b for b in Body.objects.only("pk", "name", "short_name", "kind", "slug")
    }
    slugs = {b.slug for b in existing.values()}
    by_name: dict[str, _Body] = {}
    new = []
    for spec in body_catalogue():
        if spec.name in existing:
            body = existing[spec.name]
            by_name[spec.name] = _Body(body.pk, body.name, body.label, body.kind)
            summary.bodies_reused += 1
            continue
        slug = base = slugify(spec.name)[:70]
        for n in itertools.count(2):
            if slug not in slugs:
                break
            slug = f"{base}-{n}"
        slugs.add(slug)
        pk = take(Body)
        parent = by_name.get(spec.parent) if spec.parent else None
        new.append(
            build(
                Body,
                pk=pk,
                slug=slug,
                name=spec.name,
                short_name=spec.short_name,
                kind=spec.kind,
                parent_id=parent.pk if parent else None,
                description="Synthetic body (generate_synthetic).",
            )
        )
        by_name[spec.name] = _Body(
            pk, spec.name, spec.short_name or spec.name, spec.kind
        )
    Body.objects.bulk_create(new, batch_size=batch_size)
    summary.bodies_created = len(new)
    return list(by_name.values())
