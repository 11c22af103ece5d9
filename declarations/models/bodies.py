"""Bodies: the actors that own, support, or are addressed by commitments."""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from ..text import refuse_control_characters
from .choices import BodyKind
from .routes import object_url


class BodyQuerySet(models.QuerySet):
    def matching(self, text: str):
        """Bodies whose name, short name or aliases contain the text (any case)."""
        text = text.strip()
        if not text:
            return self
        return self.filter(
            models.Q(name__icontains=text)
            | models.Q(short_name__icontains=text)
            | models.Q(aliases__icontains=text)
        )

    def for_detail(self):
        """A body with the chain of bodies above it and the bodies under it."""
        return self.select_related("parent__parent__parent").prefetch_related(
            models.Prefetch("children", queryset=Body.objects.order_by("name"))
        )

    def organs_first(self):
        """Organs, then member states, then external parties, each by name."""
        kinds = [BodyKind.ORGAN, BodyKind.MEMBER_STATE, BodyKind.EXTERNAL]
        return self.annotate(
            kind_rank=models.Case(
                *(
                    models.When(kind=k, then=models.Value(i))
                    for i, k in enumerate(kinds)
                ),
                default=models.Value(len(kinds)),
                output_field=models.IntegerField(),
            )
        ).order_by("kind_rank", "name")

    def ancestry(self) -> dict[int, list[int]]:
        """Each body's id mapped to the ids of the bodies above it, nearest first
        (one query over the bodies' parents)."""
        parents = dict(self.values_list("pk", "parent_id"))
        chains = {}
        for body_id in parents:
            chain, seen, node = [], {body_id}, parents[body_id]
            while node is not None and node not in seen:
                chain.append(node)
                seen.add(node)
                node = parents.get(node)
            chains[body_id] = chain
        return chains

    def subtrees(self, body_ids) -> dict[int, list[int]]:
        """Each given body's id mapped to its own and every body's under it."""
        below = defaultdict(list)
        for body_id, chain in self.ancestry().items():
            for top in (body_id, *chain):
                below[top].append(body_id)
        return {body_id: sorted(below[body_id] or [body_id]) for body_id in body_ids}

    def responsible_for_any(self):
        """Bodies responsible for at least one commitment."""
        from .choices import Role
        from .commitments import CommitmentBody

        links = CommitmentBody.objects.filter(
            body=models.OuterRef("pk"), role=Role.RESPONSIBLE
        )
        return self.filter(models.Exists(links))

    def party_to_declarations(self, declarations):
        """Bodies party to at least one commitment of the declarations (ids or
        a queryset)."""
        from .commitments import CommitmentBody

        links = CommitmentBody.objects.filter(
            body=models.OuterRef("pk"), commitment__declaration__in=declarations
        )
        return self.filter(models.Exists(links))

    def member_states(self):
        """Bodies that are member states of the organisation."""
        return self.filter(kind=BodyKind.MEMBER_STATE)

    def for_public_list(self):
        """Bodies with their parent and the number of commitments they are party to."""
        return (
            self.select_related("parent")
            .annotate(
                commitment_count=models.Count(
                    "commitment_links__commitment", distinct=True
                )
            )
            .order_by("kind", "name")
        )


class Body(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(
        max_length=200,
        unique=True,
        help_text="Full name.",
        validators=[refuse_control_characters],
    )
    short_name = models.CharField(
        max_length=60,
        blank=True,
        help_text="Abbreviation, e.g. RATS.",
        validators=[refuse_control_characters],
    )
    kind = models.CharField(max_length=20, choices=BodyKind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The body this one sits under (the RATS Council governs RATS).",
    )
    aliases = models.TextField(
        blank=True,
        help_text="Other names the texts use for it, one a line (e.g. 'heads of "
        "government' for the Council of Heads of Government). The proposer "
        "matches them as it matches the name and short name.",
        validators=[refuse_control_characters],
    )
    description = models.TextField(blank=True, validators=[refuse_control_characters])

    history = HistoricalRecords()
    objects = BodyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "bodies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=BodyKind.values), name="body_kind_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")), name="body_not_own_parent"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return object_url("declarations:body-detail", self.slug)

    @property
    def alias_list(self) -> list[str]:
        """The aliases, one per line, without blanks."""
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    @property
    def label(self) -> str:
        """The short name where there is one, for tight spaces."""
        return self.short_name or self.name

    def ancestors(self) -> list["Body"]:
        """Parents from the nearest up; hierarchies are a few levels deep."""
        chain, seen, node = [], {self.pk}, self.parent
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return chain

    def clean(self):
        node, seen = self.parent, set()
        while node is not None and node.pk not in seen:
            if self.pk is not None and node.pk == self.pk:
                raise ValidationError({"parent": "A body cannot sit under itself."})
            seen.add(node.pk)
            node = node.parent
